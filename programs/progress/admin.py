"""The admin of a unit's progress: milestone rows and events, phase moves, evidence (read-only)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from programs.progress.models import (
    Evidence,
    EvidenceVersion,
    MilestoneEvent,
    PhaseTransition,
    UnitMilestone,
)
from safecommunity.admin import (
    ReadOnlyAdminMixin,
    ScopedReadOnlyAdmin,
    ScopedTabularInline,
    count_column,
)

# --- Progress, evidence and titles ---


class MilestoneEventInline(ReadOnlyAdminMixin, ScopedTabularInline):
    model = MilestoneEvent
    fields = ["at", "from_status", "to_status", "by", "note"]
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("by")


@admin.register(UnitMilestone)
class UnitMilestoneAdmin(ScopedReadOnlyAdmin):
    """Read-only: rows come from the programme's milestones (`unit_milestones_sync`), and a
    status moves only through the portal, which records each move as a milestone event."""

    list_display = ["unit", "milestone", "status", "due_date", "status_changed_at"]
    list_filter = ["status", "milestone__phase"]
    search_fields = ["unit__name", "unit__code", "milestone__name"]
    list_select_related = ["unit", "milestone"]
    inlines = [MilestoneEventInline]


@admin.register(MilestoneEvent)
class MilestoneEventAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit_milestone", "from_status", "to_status", "by", "at"]
    list_filter = ["to_status"]
    search_fields = [
        "unit_milestone__unit__name",
        "unit_milestone__unit__code",
        "unit_milestone__milestone__name",
    ]
    list_select_related = ["unit_milestone__unit", "unit_milestone__milestone", "by"]
    date_hierarchy = "at"


@admin.register(PhaseTransition)
class PhaseTransitionAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "from_phase", "to_phase", "moved_at", "moved_by", "overridden"]
    list_filter = ["overridden", "to_phase"]
    search_fields = ["unit__name", "unit__code", "reason"]
    list_select_related = ["unit", "from_phase", "to_phase", "moved_by"]
    date_hierarchy = "moved_at"


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
