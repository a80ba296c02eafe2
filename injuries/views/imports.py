"""Spreadsheet imports: upload and check a file, import it, withdraw an import, the template.

Step 1 (`ImportUploadView`) keeps the upload in the shared storage and starts the job that
checks every row without writing a record (`injuries.jobs`); the check's page
(`ImportCheckView`) follows it until the batch exists, and the batch page (`BatchDetailView`)
shows what would be added, updated or left unchanged, and each error with its row and column.
Step 2 (`BatchCommitView`) starts the job that imports it, all or nothing, which the batch page
follows. District staff may withdraw an import as a whole.
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

from injuries.errors import BatchError
from injuries.forms import ImportUploadForm
from injuries.jobs import (
    batch_commit_start,
    batch_import_job,
    injuries_check,
    injuries_check_start,
)
from injuries.models import ImportBatch
from injuries.resources import template_workbook
from injuries.services import batch_withdraw
from injuries.services import imports as import_service
from injuries.views.base import InjuriesPageMixin, may_import
from programs.core.access import permissions_for
from programs.core.selectors import history_of
from programs.jobs.models import Job
from programs.jobs.runner import already_running
from safecommunity.scoping import scoped_object
from safecommunity.spreadsheets import XLSX_TYPE
from safecommunity.views import ScopedObjectMixin

RECENT_BATCHES = 20


def _tell(
    request: HttpRequest, record: Job, *, created: bool, done: Any = messages.success
) -> None:
    """Say what became of a job just started: already under way (a second start), or done
    (a backend that runs jobs at once; `done` says how). Its page follows it while it waits or
    runs, and says why it failed."""
    if not created:
        messages.info(request, already_running(record))
    elif record.state == Job.State.DONE:
        (done if record.data.get("ok", True) else messages.error)(request, record.message)


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
    upload_limit = "injury_import"  # settings.UPLOAD_LIMITS

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
        record, created = injuries_check_start(
            upload=form.cleaned_data["file"],
            user=self.request.user,
            language=self.request.LANGUAGE_CODE,
        )
        _tell(self.request, record, created=created, done=messages.info)
        if record.state == Job.State.DONE:  # checked already (a backend that runs jobs at once)
            return redirect("injuries:batch-detail", pk=record.data["batch"])
        return redirect(record.get_absolute_url())


class ImportCheckView(ImportPageMixin, ScopedObjectMixin, DetailView):
    """A file being checked: its progress until the batch exists (then the batch's page), or
    why the file was refused, with the form to upload another."""

    template_name = "injuries/import_check.html"
    context_object_name = "job"

    def get_queryset(self) -> QuerySet[Job]:
        return Job.objects.filter(kind=injuries_check.module_path)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.object = self.get_object()
        batch = self.object.data.get("batch")
        if batch and ImportBatch.objects.visible_to(request.user).filter(pk=batch).exists():
            return redirect("injuries:batch-detail", pk=batch)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "file_name": self.object.params.get("file_name", ""),
            "upload_form": ImportUploadForm() if not self.object.is_active else None,
        }


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
        job = batch_import_job(batch, user)
        importing = job is not None and job.is_active
        return {
            **super().get_context_data(**kwargs),
            "errors": [p for p in problems if p.get("error")],
            "warnings": [p for p in problems if not p.get("error")],
            # The service keeps the first PROBLEMS_KEPT errors and warnings; say so if it cut.
            "problems_cut": len(problems) >= import_service.PROBLEMS_KEPT,
            "may_commit": permissions_for(user, batch).may("commit")
            and not batch.rows_in_error
            and not importing,
            "job": job,
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
            record, created = batch_commit_start(
                batch=batch, user=request.user, language=request.LANGUAGE_CODE
            )
        except BatchError as error:
            messages.error(request, str(error))
        else:
            _tell(request, record, created=created)
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
