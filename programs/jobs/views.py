"""My jobs: the list with live progress, one job's page, and its result file."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from safecommunity.scoping import scoped_object
from safecommunity.views import ScopedObjectMixin

from . import errors
from .models import Job
from .runner import kind_of


class JobListView(ListView):
    """我的任务: the user's jobs, newest first, with a progress bar on those under way."""

    template_name = "programs/jobs/job_list.html"
    context_object_name = "jobs"
    paginate_by = 25

    def get_queryset(self):
        return Job.objects.visible_to(self.request.user).select_related("user")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(settings_days=settings.JOB_RESULT_DAYS, **kwargs)


class JobDetailView(ScopedObjectMixin, DetailView):
    template_name = "programs/jobs/job_detail.html"
    context_object_name = "job"
    model = Job

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kind = kind_of(self.object.kind)
        return super().get_context_data(kind_label=kind.label if kind else "", **kwargs)


def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's state and progress bar, polled by the list and the job's page (htmx) while
    the job is under way; once it has finished the fragment stops asking."""
    record = scoped_object(request, Job, pk=pk)
    template = (
        "programs/jobs/_job_row.html"
        if request.GET.get("as") == "row"
        else "programs/jobs/_job_status.html"
    )
    return render(request, template, {"job": record})


def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's result file, for the user who started the job only."""
    record = scoped_object(request, Job, pk=pk)
    if not record.result_name:
        raise Http404(_("This job has no file."))
    if not record.result:
        raise Http404(str(errors.RESULT_GONE).format(days=settings.JOB_RESULT_DAYS))
    try:
        handle = record.result.open("rb")
    except FileNotFoundError as gone:
        raise Http404(str(errors.RESULT_GONE).format(days=settings.JOB_RESULT_DAYS)) from gone
    return FileResponse(handle, as_attachment=True, filename=record.result_name)
