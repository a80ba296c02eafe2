"""Performance evaluations: the rounds, opening one, and scoring a unit's evaluation."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import DetailView, FormView, ListView

from programs.core.access import move_actions, permissions_for
from programs.core.choices import UnitKind
from programs.core.models import Phase
from programs.core.selectors import history_of
from programs.core.transitions import workflow_of
from programs.core.views import TransitionView
from programs.evaluations import errors
from programs.evaluations.errors import EvaluationError
from programs.evaluations.exports import round_workbook
from programs.evaluations.forms import EvaluationGradesForm, RoundOpenForm
from programs.evaluations.models import Evaluation, EvaluationResult, EvaluationRound
from programs.evaluations.models.schemes import GRADE_FRACTIONS, Grade
from programs.evaluations.selectors import (
    evaluation_current_score,
    evaluation_documents,
    evaluation_reason,
    evaluation_score,
    evaluation_scores,
    evaluations_to_grade,
    item_points,
    scheme_items,
)
from programs.evaluations.services import evaluation_finalise, evaluation_grade, round_open
from safecommunity.forms import ReasonForm
from safecommunity.scoping import scoped_object
from safecommunity.views import ScopedObjectMixin


def evaluation_in_scope(request: HttpRequest, pk: int) -> Evaluation:
    """The evaluation named in the URL, if the user may see it; else 404."""
    rows = Evaluation.objects.select_related(
        "round__scheme", "unit", "finalised_by", "started_from__round"
    )
    return scoped_object(request, rows, pk=pk)


class EvaluationRoundListView(ListView):
    """The rounds the user may see, newest first, with how many of their evaluations are final."""

    template_name = "programs/round_list.html"
    context_object_name = "rounds"

    def get_queryset(self) -> QuerySet[EvaluationRound]:
        visible = EvaluationRound.objects.visible_to(self.request.user).values("pk")
        # Counted over every evaluation of the round, not only those the scoping joined on.
        return (
            EvaluationRound.objects.filter(pk__in=visible)
            .select_related("scheme")
            .annotate(
                unit_count=Count("evaluations"),
                final_count=Count(
                    "evaluations", filter=Q(evaluations__status=Evaluation.Status.FINAL)
                ),
            )
            .order_by("-opens_on", "-created_at", "-pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        return super().get_context_data(
            may_open=EvaluationRound.objects.may_create(user, EvaluationRound()),
            # Evaluators land here: the evaluations they may grade in rounds open today.
            to_grade=evaluations_to_grade(user) if not user.works_with_units else None,
            **kwargs,
        )


class EvaluationRoundCreateView(FormView):
    """District staff open a round: one draft evaluation per chosen unit."""

    template_name = "programs/round_form.html"
    form_class = RoundOpenForm

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not EvaluationRound.objects.may_create(request.user, EvaluationRound()):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The selection tools' choices: the kinds of unit and the programme's phases."""
        return super().get_context_data(
            unit_kinds=UnitKind.choices,
            unit_phases=Phase.objects.visible_to(self.request.user).order_by("order"),
            **kwargs,
        )

    def form_valid(self, form: RoundOpenForm) -> HttpResponse:
        data = form.cleaned_data
        try:
            evaluation_round = round_open(
                scheme=data["scheme"],
                kind=data["kind"],
                name=data["name"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                units=data["units"],
                evaluators=data["evaluators"],
                by=self.request.user,
                start_from_previous=data["start_from_previous"],
            )
        except EvaluationError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            ngettext(
                "Round “%(name)s” opened with %(count)d evaluation.",
                "Round “%(name)s” opened with %(count)d evaluations.",
                len(data["units"]),
            )
            % {"name": evaluation_round.name, "count": len(data["units"])},
        )
        return redirect("programs:round-detail", pk=evaluation_round.pk)


class EvaluationRoundDetailView(ScopedObjectMixin, DetailView):
    """A round and the evaluations of it the user may see, with their results."""

    template_name = "programs/round_detail.html"
    context_object_name = "evaluation_round"

    def get_queryset(self) -> QuerySet[EvaluationRound]:
        return EvaluationRound.objects.select_related("scheme")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        evaluations = round_evaluations(self.request.user, self.object)
        results = Counter(evaluation.result for evaluation in evaluations if evaluation.is_final)
        return super().get_context_data(
            evaluations=evaluations,
            evaluators=self.object.evaluators.all(),
            finalised=sum(results.values()),
            results=[(value, label, results[value]) for value, label in Evaluation.Result.choices],
            **kwargs,
        )


class EvaluationRoundExportView(ScopedObjectMixin, DetailView):
    """The round's results as xlsx: the evaluations the user may see, as the round page shows
    them, and every item's grades. Answered at once: a round holds at most tens of units."""

    def get_queryset(self) -> QuerySet[EvaluationRound]:
        return EvaluationRound.objects.select_related("scheme")

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        evaluation_round = self.object
        evaluations = round_evaluations(self.request.user, evaluation_round)
        scores = {evaluation.pk: evaluation.score for evaluation in evaluations}
        book = round_workbook(evaluation_round, evaluations, scores)
        return book.response(f"evaluation-round-{evaluation_round.pk}.xlsx")


def round_evaluations(user: Any, evaluation_round: EvaluationRound) -> list[Evaluation]:
    """The evaluations of the round `user` may see, by unit code, each with its `score` so far
    and the `reason` for its (running) result; three queries."""
    evaluations = list(
        Evaluation.objects.visible_to(user)
        .filter(round=evaluation_round)
        .select_related("unit")
        .order_by("unit__code")
    )
    scores = evaluation_scores(evaluation_round.scheme, evaluations)
    for evaluation in evaluations:
        evaluation.score = scores[evaluation.pk]
        evaluation.reason = evaluation_reason(evaluation, evaluation.score)
        evaluation.provisional_label = _("%(result)s (provisional)") % {
            "result": EvaluationResult(evaluation.score.result).label
        }
    return evaluations


class EvaluationDetailView(View):
    """One unit's evaluation: the scheme's items with their grades, comments and the unit's
    documents looked at, the element subtotals and the running result. A draft the user may
    score is a form."""

    template_name = "programs/evaluation_detail.html"

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render(evaluation_in_scope(request, pk))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        evaluation = evaluation_in_scope(request, pk)
        form = grades_form(evaluation, request.POST)
        if not form.is_valid():
            messages.error(request, _("Some grades are not valid; nothing was saved."))
            return self.render(evaluation, form=form)
        if grades_save(request, evaluation, form):
            messages.success(request, _("Grades saved."))
        return redirect("programs:evaluation-detail", pk=evaluation.pk)

    def render(
        self, evaluation: Evaluation, *, form: EvaluationGradesForm | None = None
    ) -> HttpResponse:
        user = self.request.user
        may_grade = permissions_for(user, evaluation).can_edit
        window_open = evaluation.round.is_open_on(timezone.localdate())
        can_edit = may_grade and window_open
        if form is None:
            form = grades_form(evaluation, documents=can_edit)
        items, scores = form.items, form.scores
        score = evaluation_score(evaluation.round.scheme, items, scores)
        elements = []
        for item in items:
            if not elements or elements[-1]["element"] != item.element:
                subtotal, maximum = score.elements[item.element]
                elements.append(
                    {"element": item.element, "subtotal": subtotal, "maximum": maximum, "rows": []}
                )
            row = scores.get(item.pk)
            points = item_points(item, row.presence, row.evidence, row.effect) if row else None
            elements[-1]["rows"].append(
                {
                    "item": item,
                    "score": row,
                    "points": points,
                    "zero": points == 0 and item.points > 0,
                    "fields": form.fields_of(item) if can_edit else None,
                    "links": form.links_of(item) if can_edit else None,
                }
            )
        reopen_url = reverse("programs:evaluation-reopen", args=[evaluation.pk])
        moves = {}
        if evaluation.is_final:  # a draft's moves cost a query and its page shows no button
            moves = move_actions(user, evaluation, lambda move: reopen_url)
        context = {
            "evaluation": evaluation,
            "evaluation_round": evaluation.round,
            "scheme": evaluation.round.scheme,
            "score": score,
            "result_label": EvaluationResult(score.result).label,
            "reason": evaluation_reason(evaluation, score),
            "elements": elements,
            "form": form,
            "can_edit": can_edit,
            "window_closed": may_grade and not window_open,
            "grades": [(grade.value, grade.label) for grade in Grade],
            "fractions": {grade.value: str(GRADE_FRACTIONS[grade]) for grade in Grade},
            "moves": moves,
            "reason_form": ReasonForm(),
            "history": history_of(evaluation),
        }
        return render(self.request, self.template_name, context)


def finalise_refusal(user: Any, evaluation: Evaluation) -> str | None:
    """Why `user` cannot finalise `evaluation` now (as the move would refuse it), or None.
    Read before the confirmation page, so it is never offered for a move that would fail."""
    if evaluation.is_final:
        return str(errors.EVALUATION_LOCKED)
    if not permissions_for(user, evaluation).may("finalise"):
        return str(errors.EVALUATION_NOT_ALLOWED)
    try:
        evaluation.round.ensure_open()
    except EvaluationError as error:
        return str(error)
    ungraded = evaluation_current_score(evaluation).ungraded
    if ungraded:
        return str(errors.EVALUATION_UNGRADED) % {"count": ungraded}
    return None


class EvaluationFinaliseView(View):
    """POST: save the grades on the screen, then ask for confirmation (a page showing the
    total and result the finalising will lock, which works without JavaScript); POSTed again
    with `confirmed`, compute the result and lock the evaluation. Refusals come back as
    messages (the grades stay saved)."""

    template_name = "programs/evaluation_finalise.html"

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        evaluation = evaluation_in_scope(request, pk)
        detail = reverse("programs:evaluation-detail", args=[evaluation.pk])
        form = grades_form(evaluation, request.POST)
        posted_grades = any(name in request.POST for name in form.fields)
        if posted_grades and not evaluation.is_final and form.has_changed():
            if not form.is_valid():
                messages.error(request, _("Some grades are not valid; nothing was saved."))
                return redirect(detail)
            if not grades_save(request, evaluation, form):
                return redirect(detail)
        if request.POST.get("confirmed") != "yes":
            refusal = finalise_refusal(request.user, evaluation)
            if refusal:
                messages.error(request, refusal)
                return redirect(detail)
            score = evaluation_current_score(evaluation)
            context = {
                "evaluation": evaluation,
                "evaluation_round": evaluation.round,
                "score": score,
                "result_label": EvaluationResult(score.result).label,
            }
            return render(request, self.template_name, context)
        try:
            evaluation_finalise(evaluation=evaluation, by=request.user)
        except EvaluationError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Evaluation finalised: %(total)s points, %(result)s.")
                % {"total": evaluation.total, "result": evaluation.get_result_display()},
            )
        return redirect(detail)


class EvaluationReopenView(TransitionView):
    """POST (district staff): take a final evaluation back to a draft, with a reason. The
    record is found among those the user sees (a final evaluation is locked, so never among
    those they edit); who may not make the move gets 404."""

    def get_object(self) -> Evaluation:
        evaluation = evaluation_in_scope(self.request, self.kwargs["pk"])
        if not workflow_of(evaluation)["reopen"].allowed(self.request.user, evaluation):
            raise Http404
        return evaluation

    def get_move_name(self, obj: Evaluation) -> str:
        return "reopen"

    def success_url(self, obj: Evaluation) -> str:
        return reverse("programs:evaluation-detail", args=[obj.pk])

    def done_message(self, obj: Evaluation, move: Any) -> str:
        return _("The evaluation is reopened for grading; the reason is on record.")


def grades_form(
    evaluation: Evaluation, data: Any = None, *, documents: bool = True
) -> EvaluationGradesForm:
    """The grading form of `evaluation` (bound to `data` when given): the scheme's items in
    order, the score rows with the documents each links, and — when `documents` — the unit's
    documents to choose from. Three queries, four with the documents."""
    links = Prefetch("evidence_links", queryset=evaluation_documents(evaluation.unit_id))
    return EvaluationGradesForm(
        data,
        items=scheme_items(evaluation.round.scheme),
        scores={row.item_id: row for row in evaluation.scores.prefetch_related(links)},
        documents=list(evaluation_documents(evaluation.unit_id)) if documents else [],
    )


def grades_save(request: HttpRequest, evaluation: Evaluation, form: EvaluationGradesForm) -> bool:
    """Store a valid form's grades and links; a refusal becomes a message. Whether it saved."""
    try:
        evaluation_grade(
            evaluation=evaluation, by=request.user, grades=form.grades(), links=form.links()
        )
    except EvaluationError as error:
        messages.error(request, str(error))
        return False
    return True
