"""What a unit does: its activity log with the quarterly meeting record, files attached to
activities, and its promotion projects.

Lists find the unit through `visible_to(user)` and are read-only for those who cannot edit
it; adding, editing, deleting and attaching find the unit or row through `editable_by(user)`.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DeleteView, FormView, ListView, UpdateView

from programs.core.access import move_actions
from programs.core.selectors import history_of
from programs.core.transitions import Move
from programs.core.views import TransitionView
from programs.progress.services import activity_attachment_upload
from safecommunity.errors import DomainError
from safecommunity.scoping import scoped_object
from workgroups.choices import ActivityKind
from workgroups.errors import ACTIVITY_HAS_ATTACHMENTS
from workgroups.filters import ActivityFilter
from workgroups.forms import ActivityForm, AttachmentForm, ProjectForm
from workgroups.models import Activity, PromotionProject
from workgroups.selectors import (
    activity_attachments,
    unit_activities,
    unit_meeting_record,
    unit_projects,
)

from .base import EditableRowMixin, EditableUnitMixin, VisibleUnitMixin


def activity_list_url(activity: Activity) -> str:
    """The unit's log, open at the activity's month."""
    url = reverse("workgroups:activity-list", args=[activity.unit.code])
    return f"{url}?month={activity.date:%Y-%m}#activity-{activity.pk}"


class ActivityListView(VisibleUnitMixin, ListView):
    """The unit's activities, newest first, filtered by month and kind, with each file's
    download; above them, the creation work meetings of every quarter."""

    template_name = "workgroups/activity_list.html"
    context_object_name = "activities"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Activity]:
        rows = unit_activities(unit=self.unit, user=self.request.user)
        self.filterset = ActivityFilter(self.request.GET, queryset=rows)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            filter=self.filterset,
            total=context["paginator"].count,
            querystring_without_page=query.urlencode(),
            meeting_record=unit_meeting_record(self.unit),
        )
        return context


class ActivityCreateView(EditableUnitMixin, CreateView):
    """Record an activity (`?kind=` preselects its kind)."""

    model = Activity
    form_class = ActivityForm
    template_name = "workgroups/activity_form.html"

    def get_initial(self) -> dict[str, Any]:
        initial = {**super().get_initial(), "date": timezone.localdate()}
        if self.request.GET.get("kind") in ActivityKind.values:
            initial["kind"] = self.request.GET["kind"]
        return initial

    def form_valid(self, form: ActivityForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Activity “%(title)s” recorded.") % {"title": self.object.title}
        )
        return response

    def get_success_url(self) -> str:
        if "attach" in self.request.POST:  # "save, then attach files"
            return self.object.get_absolute_url() + "#attachments"
        return activity_list_url(self.object)


class ActivityUpdateView(EditableRowMixin, UpdateView):
    """Edit an activity; its files are listed here, and more can be attached."""

    model = Activity
    form_class = ActivityForm
    template_name = "workgroups/activity_form.html"

    def get_queryset(self) -> QuerySet[Activity]:
        return super().get_queryset().select_related("group")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "attachments": activity_attachments(self.object),
            "attach_form": kwargs.get("attach_form") or AttachmentForm(),
        }

    def form_valid(self, form: ActivityForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request, _("Activity “%(title)s” saved.") % {"title": self.object.title}
        )
        return response

    def get_success_url(self) -> str:
        return activity_list_url(self.object)


class ActivityAttachView(FormView):
    """POST a file for an activity; a refused file stores nothing and shows why at the field."""

    form_class = AttachmentForm
    upload_limit = "evidence"  # settings.UPLOAD_LIMITS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        rows = Activity.objects.select_related("unit", "group")
        self.activity = scoped_object(request, rows, editable=True, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.activity.get_absolute_url())

    def form_valid(self, form: AttachmentForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            version = activity_attachment_upload(
                activity=self.activity,
                by=self.request.user,
                upload=data["file"],
                title=data["title"],
                note=data["note"],
                checked=form.checked_upload,
            )
        except DomainError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("“%(title)s” attached.") % {"title": version.evidence.title}
        )
        return redirect(self.activity.get_absolute_url() + "#attachments")

    def form_invalid(self, form: AttachmentForm) -> HttpResponse:
        """The edit page again, its activity form untouched, the upload's errors at its fields."""
        page = ActivityUpdateView(request=self.request, kwargs=self.kwargs, object=self.activity)
        context = page.get_context_data(form=ActivityForm(instance=self.activity), attach_form=form)
        return page.render_to_response(context)


class ActivityDeleteView(EditableRowMixin, DeleteView):
    """Ask, then delete an activity; the change history keeps the record. An activity with
    files is kept: its files are evidence."""

    model = Activity
    template_name = "workgroups/activity_confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "attachment_count": self.object.attachments.count(),
        }

    def form_valid(self, form: Any) -> HttpResponse:
        activity: Activity = self.object
        if activity.attachments.exists():
            messages.error(self.request, str(ACTIVITY_HAS_ATTACHMENTS))
            return redirect(activity.get_absolute_url())
        url = reverse("workgroups:activity-list", args=[activity.unit.code])
        title = activity.title
        activity.delete()
        messages.success(self.request, _("Activity “%(title)s” deleted.") % {"title": title})
        return redirect(url)


# --- Promotion projects -------------------------------------------------------------------


class ProjectListView(VisibleUnitMixin, ListView):
    """The unit's promotion projects, latest start first."""

    template_name = "workgroups/project_list.html"
    context_object_name = "projects"

    def get_queryset(self) -> QuerySet[PromotionProject]:
        return unit_projects(unit=self.unit, user=self.request.user)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        for project in context["projects"]:
            project.unit = self.unit  # the move URLs need no query per card
            url_for = partial(project_move_url, project)
            project.actions = list(move_actions(self.request.user, project, url_for).values())
        return context


def project_move_url(project: PromotionProject, move: Move) -> str:
    return reverse("workgroups:project-transition", args=[project.pk, move.name])


class ProjectTransitionView(TransitionView):
    """POST start / complete / suspend / resume / reopen (with a reason) on a project."""

    def get_object(self) -> PromotionProject:
        rows = PromotionProject.objects.select_related("unit")
        return scoped_object(self.request, rows, editable=True, pk=self.kwargs["pk"])

    def success_url(self, project: PromotionProject) -> str:
        url = reverse("workgroups:project-list", args=[project.unit.code])
        return f"{url}#project-{project.pk}"

    def done_message(self, project: PromotionProject, move: Move) -> str:
        return _("Project “%(name)s” is now “%(status)s”.") % {
            "name": project.name,
            "status": project.get_status_display(),
        }


class ProjectSavedMixin:
    request: HttpRequest
    object: PromotionProject

    def form_valid(self, form: ProjectForm) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Project “%(name)s” saved.") % {"name": self.object.name})
        return response

    def get_success_url(self) -> str:
        url = reverse("workgroups:project-list", args=[self.object.unit.code])
        return f"{url}#project-{self.object.pk}"


class ProjectCreateView(ProjectSavedMixin, EditableUnitMixin, CreateView):
    model = PromotionProject
    form_class = ProjectForm
    template_name = "workgroups/project_form.html"
    # Fields the query string may pre-fill, with the most characters taken from it.
    prefilled_fields = {
        "name": PromotionProject._meta.get_field("name").max_length,
        "objective": 2000,
    }

    def get_initial(self) -> dict[str, Any]:
        """Today as the start; a name and an objective from the query string, as the unit
        page's readiness card links a corrective project (cut to the fields' lengths)."""
        initial = {**super().get_initial(), "start": timezone.localdate()}
        for name, limit in self.prefilled_fields.items():
            value = self.request.GET.get(name, "").strip()
            if value:
                initial[name] = value[:limit]
        return initial


class ProjectUpdateView(ProjectSavedMixin, EditableRowMixin, UpdateView):
    model = PromotionProject
    form_class = ProjectForm
    template_name = "workgroups/project_form.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        project = self.object
        actions = move_actions(self.request.user, project, partial(project_move_url, project))
        return {
            **super().get_context_data(**kwargs),
            "actions": list(actions.values()),
            "history": history_of(project),
        }
