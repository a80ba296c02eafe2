"""A unit's milestone: its evidence, uploads and transitions; downloads; the phase gate."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView, ListView

from programs.core.access import move_actions, permissions_for
from programs.core.models import CreatingUnit
from programs.core.selectors import history_of
from programs.core.transitions import Move, transition
from programs.core.views import TransitionView
from programs.progress.errors import PhaseGateError
from programs.progress.forms import EvidenceUploadForm
from programs.progress.models import EvidenceVersion, UnitMilestone
from programs.progress.selectors import (
    milestone_queue,
    milestone_queue_ids,
    milestone_queue_pages,
    unit_gate,
)
from programs.progress.services import evidence_upload
from safecommunity.errors import DomainError
from safecommunity.forms import ReasonForm
from safecommunity.queues import QueuePlace, next_in_queue, place_in_queue, queue_of, with_queue
from safecommunity.scoping import scoped_object
from safecommunity.views import PrivateFileView


def milestone_in_scope(
    request: HttpRequest, code: str, pk: int, *, editable: bool = False
) -> UnitMilestone:
    """The unit's milestone named in the URL, if the user may see (or edit) it; else 404."""
    rows = UnitMilestone.objects.select_related(
        "unit__program", "unit__current_phase", "milestone__phase", "status_changed_by"
    )
    return scoped_object(request, rows, editable=editable, unit__code=code, pk=pk)


def milestone_move_url(item: UnitMilestone, move: Move) -> str:
    return reverse("programs:milestone-transition", args=[item.unit.code, item.pk, move.name])


class UnitMilestoneDetailView(DetailView):
    """One milestone of a unit: status, due date, evidence with its versions, and the log."""

    template_name = "programs/milestone_detail.html"
    context_object_name = "item"

    def get_object(self, queryset: QuerySet | None = None) -> UnitMilestone:
        return milestone_in_scope(self.request, self.kwargs["code"], self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item: UnitMilestone = self.object
        user = self.request.user
        context.update(
            unit=item.unit,
            can_edit=permissions_for(user, item).can_edit,
            moves=move_actions(user, item, partial(milestone_move_url, item)),
            evidence=item.evidence.prefetch_related(
                Prefetch("versions", queryset=EvidenceVersion.objects.select_related("uploaded_by"))
            ),
            history=history_of(item),
            today=timezone.localdate(),
            upload_form=kwargs.get("upload_form") or EvidenceUploadForm(unit_milestone=item),
            return_form=kwargs.get("return_form") or ReasonForm(),
            review_queue=(queue_of(self.request) or QueryDict()).urlencode(),
            queue_place=self.queue_place(item),
        )
        return context

    def queue_place(self, item: UnitMilestone) -> QueuePlace | None:
        """Opened from the milestone queue: the milestone's place in it and the next one (one
        query); None otherwise."""
        query = queue_of(self.request)
        if query is None:
            return None
        return place_in_queue(milestone_queue_pages(self.request.user, query), item.pk, query)


class EvidenceUploadView(FormView):
    """POST a file for a milestone; a refused file stores nothing and shows why at the field."""

    form_class = EvidenceUploadForm
    template_name = "programs/milestone_detail.html"
    upload_limit = "evidence"  # settings.UPLOAD_LIMITS

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.item = milestone_in_scope(request, kwargs["code"], kwargs["pk"], editable=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.item.get_absolute_url())

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "unit_milestone": self.item}

    def form_valid(self, form: EvidenceUploadForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            version = evidence_upload(
                unit_milestone=self.item,
                by=self.request.user,
                upload=data["file"],
                effective_date=data["effective_date"],
                title=data["title"],
                evidence=data["evidence"],
                note=data["note"],
                checked=form.checked_upload,
            )
        except DomainError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("“%(title)s” version %(number)d uploaded.")
            % {"title": version.evidence.title, "number": version.number},
        )
        return redirect(self.item.get_absolute_url() + "#evidence")

    def form_invalid(self, form: EvidenceUploadForm) -> HttpResponse:
        detail = UnitMilestoneDetailView(request=self.request, kwargs=self.kwargs, object=self.item)
        context = detail.get_context_data(upload_form=form)
        return detail.render_to_response(context)


class UnitMilestoneTransitionView(TransitionView):
    """POST start / submit / accept / return on a unit's milestone."""

    def get_object(self) -> UnitMilestone:
        return milestone_in_scope(
            self.request, self.kwargs["code"], self.kwargs["pk"], editable=True
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Reviewing from the queue: its order is read before the decision, which may take the
        # milestone out of it; after the decision the next one of the queue opens.
        self.queue = queue_of(request)
        self.queue_ids = milestone_queue_ids(request.user, self.queue) if self.queue else []
        self.moved = False
        return super().post(request, *args, **kwargs)

    def done_message(self, item: UnitMilestone, move: Move) -> str:
        self.moved = True
        return _("“%(milestone)s” is now %(status)s.") % {
            "milestone": item.milestone.name,
            "status": item.get_status_display(),
        }

    def success_url(self, item: UnitMilestone) -> str:
        if self.queue is None:
            return item.get_absolute_url()
        if not self.moved:
            return with_queue(item.get_absolute_url(), self.queue)
        following = next_in_queue(self.queue_ids, item.pk)
        if following is None:
            messages.info(self.request, _("No other milestone waits in this queue."))
            return reverse("programs:milestone-queue") + "?" + self.queue.urlencode()
        upcoming = UnitMilestone.objects.select_related("unit").get(pk=following)
        return with_queue(upcoming.get_absolute_url(), self.queue)

    def reason_invalid(self, item: UnitMilestone, move: Move, form: ReasonForm) -> HttpResponse:
        view = UnitMilestoneDetailView(request=self.request, kwargs=self.kwargs, object=item)
        return view.render_to_response(view.get_context_data(return_form=form))


class MilestoneQueueView(ListView):
    """Milestones across units waiting for acceptance — submitted ones, the longest waiting
    first, by default — filtered by unit, phase and state; each opens with the queue carried
    along, so that accepting or returning it moves on to the next."""

    template_name = "programs/milestone_queue.html"
    context_object_name = "items"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[UnitMilestone]:
        self.filterset = milestone_queue(self.request.user, self.request.GET)
        return self.filterset.qs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # The queue as filtered, its defaults written out: what the review pages carry along.
        query = self.filterset.data.copy()
        query.pop("page", None)
        for item in context["items"]:
            item.url = with_queue(item.get_absolute_url(), query)
        context.update(
            filter=self.filterset,
            total=context["paginator"].count,
            querystring_without_page=query.urlencode(),
            today=timezone.localdate(),
        )
        return context


class EvidenceDownloadView(PrivateFileView):
    """Serve an evidence file to a user whose scope includes its unit (else 404)."""

    model = EvidenceVersion


class UnitAdvanceView(FormView):
    """Show the gate and move the unit to its next phase (district staff may override)."""

    template_name = "programs/unit_advance.html"
    form_class = ReasonForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.unit = scoped_object(
            request,
            CreatingUnit.objects.select_related("program", "current_phase"),
            editable=True,
            code=kwargs["code"],
        )
        self.gate = unit_gate(self.unit)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "required": not self.gate.is_open}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "unit": self.unit, "gate": self.gate}

    def form_valid(self, form: ReasonForm) -> HttpResponse:
        try:
            event = transition(
                self.unit, "advance", by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except PhaseGateError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(unit)s moved to “%(phase)s”.")
            % {"unit": self.unit.name, "phase": event.data["to_phase"]},
        )
        return redirect(self.unit.get_absolute_url())
