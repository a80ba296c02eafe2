"""The admin's export of a table that can be large, as a job.

`BackgroundExportMixin` goes before import-export's `ExportMixin` (or `ScopedImportExportAdmin`)
on an admin whose table can grow past what a request should write — injury records, members.
The export form is checked as before (format, resource, the columns ticked, the changelist's
filters and search in the address: a search past its length is still the 400 page); its submit
then starts `export_from_admin` and opens the job's page instead of answering with the file.

The job rebuilds the changelist's queryset the way the admin does, for the user who asked
(`ModelAdmin.get_export_queryset`, scoped by `ScopedAdminMixin.get_queryset` to
`visible_to(user)`), and writes the same resource's rows in the same format (`SpreadsheetXLSX`
through the one workbook writer, `SpreadsheetCSV` inert) to a file, a thousand rows at a time.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import errors
from .exports import file_outcome, query_dict, rows_with_progress, start_export
from .models import Job
from .runner import Outcome, job


class BackgroundExportMixin:
    """An admin whose export runs as a job (see the module's docstring)."""

    export_template_name = "admin/export_in_background.html"

    def _do_file_export(
        self, file_format: Any, request: HttpRequest, queryset: Any, export_form: Any = None
    ) -> HttpResponse:
        """Where import-export writes the file once its form is valid: start the job instead."""
        items = None
        if export_form is not None and "export_items" in export_form.changed_data:
            items = sorted(export_form.cleaned_data["export_items"])  # the admin action's rows
        params = {
            "model": self.model._meta.label_lower,
            "query": dict(sorted(request.GET.lists())),  # the changelist's filters and search
            "file_format": self.get_export_formats().index(type(file_format)),
            "resource": self.get_resource_index(export_form),
            "fields": self.get_export_resource_fields_from_form(export_form) or [],
            "items": items,
        }
        title = _("Export of %(name)s") % {"name": self.model._meta.verbose_name_plural}
        return start_export(request, export_from_admin, title=title, params=params)


def changelist_request(user: Any, model: type, query: dict[str, list[str]]) -> HttpRequest:
    """A request for the admin's changelist of `model` as `user` asked for it, for the admin's
    own methods (they read the user and the query string)."""
    request = HttpRequest()
    request.method = "GET"
    request.user = user
    request.GET = query_dict(query)
    request.path = request.path_info = reverse(
        f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
    )
    return request


@job(label=gettext_lazy("Export from the admin"))
def export_from_admin(
    record: Job,
    *,
    model: str,
    query: dict[str, list[str]],
    file_format: int,
    resource: int,
    fields: list[str],
    items: list[str] | None = None,
) -> Outcome:
    model_class = apps.get_model(model)
    model_admin = admin.site.get_model_admin(model_class)
    request = changelist_request(record.user, model_class, query)
    user = record.user
    if not (
        user is not None
        and user.is_active
        and user.is_staff
        and model_admin.has_view_or_change_permission(request)
        and model_admin.has_export_permission(request)
    ):
        raise errors.JobError(errors.EXPORT_NOT_ALLOWED)
    queryset = model_admin.get_export_queryset(request)
    if items is not None:
        queryset = queryset.filter(pk__in=items)
    chosen_format = model_admin.get_export_formats()[file_format]()
    resource_class = model_admin.get_export_resource_classes(request)[resource]
    exporter = resource_class(**model_admin.get_export_resource_kwargs(request))
    selected = fields or None
    rows = exporter.export_rows(
        queryset,
        export_fields=selected,
        force_native_type=model_admin.native_types(chosen_format),
    )

    def write(path: Any) -> None:
        chosen_format.export_to_file(
            path,
            title=exporter.sheet_title(),
            headers=exporter.get_export_headers(selected_fields=selected),
            rows=rows_with_progress(record, rows, queryset.count()),
        )

    file_name = model_admin.get_export_filename(request, queryset, chosen_format)
    return file_outcome(record, write, file_name=file_name)
