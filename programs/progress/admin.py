"""The admin of a unit's progress: milestone rows and events, phase moves, evidence (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programs.core.admin import EventInline
from programs.progress.models import Evidence, EvidenceVersion, UnitMilestone
from safecommunity.admin import (
    ReadOnlyAdminMixin,
    ScopedReadOnlyAdmin,
    ScopedTabularInline,
    count_column,
)


@admin.register(UnitMilestone)
class UnitMilestoneAdmin(ScopedReadOnlyAdmin):
    """Read-only: rows come from the programme's milestones (`unit_milestones_sync`), and a
    status moves only through the portal, which records each move in the event log."""

    list_display = ["unit", "milestone", "status", "due_date", "status_changed_at"]
    list_filter = ["status", "milestone__phase"]
    search_fields = ["unit__name", "unit__code", "milestone__name"]
    list_select_related = ["unit", "milestone"]
    inlines = [EventInline]


class EvidenceVersionInline(ReadOnlyAdminMixin, ScopedTabularInline):
    """The uploaded files, each with its fingerprint; they are uploaded through the portal."""

    model = EvidenceVersion
    fields = [
        "number",
        "download",
        "size",
        "sha256",
        "effective_date",
        "uploaded_by",
        "uploaded_at",
        "note",
    ]
    readonly_fields = fields
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description=_("file"))
    def download(self, obj: EvidenceVersion) -> str:
        """The portal's download, which checks the reader's scope (the file is private)."""
        return format_html('<a href="{}">{}</a>', obj.get_absolute_url(), obj.original_name)


@admin.register(Evidence)
class EvidenceAdmin(ScopedReadOnlyAdmin):
    list_display = ["title", "unit", "unit_milestone", "created_at", "version_count"]
    list_filter = [("unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "unit__name", "unit__code"]
    list_select_related = ["unit", "unit_milestone__unit", "unit_milestone__milestone"]
    inlines = [EvidenceVersionInline]

    version_count = count_column("versions", _("versions"))
