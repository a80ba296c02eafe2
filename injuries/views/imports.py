"""Spreadsheet imports: upload and check a file, import it, withdraw an import, the template.

Step 1 (`ImportUploadView`) keeps the upload in the shared storage and checks every
row without writing a record; the batch page (`BatchDetailView`) shows what would be added,
updated or left unchanged, and each error with its row and column. Step 2 (`BatchCommitView`)
imports it, all or nothing. District staff may withdraw an import as a whole.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView

from injuries.errors import NOTHING_IMPORTED, BatchError, ImportRefused
from injuries.forms import ImportUploadForm
from injuries.models import ImportBatch
from injuries.resources import template_workbook
from injuries.services import (
    batch_commit,
    batch_discard_waiting,
    batch_preview,
    batch_withdraw,
    report_summary,
)
from injuries.services import imports as import_service
from injuries.services.files import upload_store
from injuries.views.base import InjuriesPageMixin, may_import
from programs.core.access import permissions_for
from programs.core.selectors import history_of
from safecommunity.scoping import scoped_object
from safecommunity.spreadsheets import XLSX_TYPE
from safecommunity.views import ScopedObjectMixin

RECENT_BATCHES = 20


class ImportPageMixin(InjuriesPageMixin):
    """Import pages exist only for those who may bring records in."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_import(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ImportUploadView(ImportPageMixin, FormView):
    """Upload a file and have it checked; the recent imports below."""

    form_class = ImportUploadForm
    template_name = "injuries/import.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        batches = (
            ImportBatch.objects.visible_to(self.request.user)
            .select_related("uploaded_by")
            .defer("problems")[:RECENT_BATCHES]
        )
        return {
            **super().get_context_data(**kwargs),
            "batches": batches,
            "max_mb": settings.INJURY_IMPORT_MAX_BYTES // (1024 * 1024),
            "max_rows": settings.INJURY_IMPORT_MAX_ROWS,
        }

    def form_valid(self, form: ImportUploadForm) -> HttpResponse:
        upload = form.cleaned_data["file"]
        name = upload_store(upload)
        try:
            batch, report = batch_preview(name=name, file_name=upload.name, user=self.request.user)
        except ImportRefused as refusal:  # the file is not kept
            form.add_error("file", str(refusal))
            return self.form_invalid(form)
        batch_discard_waiting(user=self.request.user, keep=batch)
        if report.ok:
            messages.info(self.request, report_summary(report))
        else:
            messages.error(self.request, report_summary(report))
        return redirect(batch)


class BatchDetailView(InjuriesPageMixin, ScopedObjectMixin, DetailView):
    """What a file holds (before the import) or what it changed (after)."""

    template_name = "injuries/batch_detail.html"
    context_object_name = "batch"

    def get_queryset(self) -> QuerySet[ImportBatch]:
        return ImportBatch.objects.select_related("uploaded_by", "withdrawn_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        batch = self.object
        user = self.request.user
        problems = batch.problems or []
        return {
            **super().get_context_data(**kwargs),
            "errors": [p for p in problems if p.get("error")],
            "warnings": [p for p in problems if not p.get("error")],
            # The service keeps the first PROBLEMS_KEPT errors and warnings; say so if it cut.
            "problems_cut": len(problems) >= import_service.PROBLEMS_KEPT,
            "may_commit": permissions_for(user, batch).may("commit") and not batch.rows_in_error,
            "may_withdraw": permissions_for(user, batch).may("withdraw"),
            "history": history_of(batch),
            "upload_form": ImportUploadForm() if may_import(user) else None,
        }


class BatchCommitView(View):
    """Import a checked file; only the person who uploaded it does."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        batch = scoped_object(request, ImportBatch.objects.filter(uploaded_by=request.user), pk=pk)
        try:
            report = batch_commit(batch=batch, user=request.user)
        except BatchError as error:
            messages.error(request, str(error))
            return redirect(batch)
        if report.ok:
            messages.success(
                request,
                _("Imported: %(added)d added, %(updated)d updated, %(unchanged)d unchanged.")
                % {"added": report.added, "updated": report.updated, "unchanged": report.unchanged},
            )
        else:
            messages.error(
                request,
                NOTHING_IMPORTED % {"summary": report_summary(report)},
            )
        return redirect(batch)


class BatchWithdrawView(View):
    """Take a whole import back (district staff)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponseRedirect:
        batch = scoped_object(request, ImportBatch, editable=True, pk=pk)
        try:
            deleted = batch_withdraw(batch=batch, by=request.user)
        except BatchError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("The import was withdrawn: %(deleted)d records deleted, %(restored)d restored.")
                % {"deleted": deleted, "restored": batch.rows_updated},
            )
        return redirect(batch)


class ImportTemplateView(ImportPageMixin, View):
    """The xlsx template: every column's header and a sheet of the codes."""

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponse(template_workbook(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = 'attachment; filename="injury-records-template.xlsx"'
        return response
