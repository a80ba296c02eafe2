"""The Django admin of injury surveillance: the records (scoped, with history and a spreadsheet
export, which runs as a job: a district's records run to hundreds of thousands) and the import
batches (read-only).

Records are imported on the portal's import page, which checks a whole file in one pass and
records the batch so it can be withdrawn; import-export's row-by-row import is not offered
here, and the changelist links to that page instead.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin
from simple_history.admin import SimpleHistoryAdmin

from injuries.forms import SECTIONS
from injuries.models import ImportBatch, InjuryRecord
from injuries.resources import InjuryRecordResource
from injuries.views.base import may_import
from programs.jobs.admin_exports import BackgroundExportMixin
from safecommunity.admin import ScopedAdminMixin, ScopedReadOnlyAdmin, SpreadsheetExportMixin


class ScopedExportAdmin(ScopedAdminMixin, SpreadsheetExportMixin, ExportMixin, SimpleHistoryAdmin):
    """`ScopedImportExportAdmin` without import-export's import: scoped, with history and the
    same inert spreadsheet export (xlsx, CSV) built from the scoped changelist."""

    def get_resource_kwargs(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict:
        return {**super().get_resource_kwargs(request, *args, **kwargs), "user": request.user}


@admin.register(InjuryRecord)
class InjuryRecordAdmin(BackgroundExportMixin, ScopedExportAdmin):
    resource_classes = [InjuryRecordResource]
    import_export_change_list_template = "admin/injuries/injuryrecord/change_list.html"
    list_display = [
        "injury_date",
        "unit",
        "source",
        "reporting_org",
        "record_number",
        "sex",
        "age",
        "cause",
        "severity",
        "outcome",
        "domain",
    ]
    list_display_links = ["injury_date", "record_number"]
    list_filter = ["source", "cause", "domain", "year", "outcome"]
    search_fields = ["reporting_org", "record_number", "diagnosis"]
    list_select_related = ["unit"]
    date_hierarchy = "injury_date"
    readonly_fields = ["age_group", "age_band", "domain", "batch", "created_at", "updated_at"]
    fieldsets = [
        *((heading, {"fields": list(names)}) for heading, names in SECTIONS),
        (
            _("Derived and recorded"),
            {"fields": readonly_fields},
        ),
    ]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        """Offer the portal's import page to those who may import."""
        if may_import(request.user):
            extra_context = {**(extra_context or {}), "import_url": reverse("injuries:import")}
        return super().changelist_view(request, extra_context)


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedReadOnlyAdmin):
    """Batches are made, imported and withdrawn on the portal's import pages only."""

    list_display = [
        "file_name",
        "uploaded_by",
        "uploaded_at",
        "status",
        "rows_total",
        "rows_added",
        "rows_updated",
        "rows_unchanged",
        "rows_warned",
    ]
    list_filter = ["status"]
    search_fields = ["file_name", "sha256"]
    list_select_related = ["uploaded_by"]
    date_hierarchy = "uploaded_at"
