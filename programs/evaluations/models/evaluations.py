"""Performance evaluations: the scoring schemes (national on-site form, municipal variant …),
evaluation rounds, and each unit's evaluation with its item grades.

A scheme has first-level elements (一级指标) and second-level items (二级指标); each item's points
are split into three parts — 有无 (the content is there), 痕迹 (verifiable evidence) and 效果
(effect) — and each part is graded a / b / c / d = 100 / 70 / 30 / 0 %. The arithmetic and the
result (pass, rectify, fail) live in `programs.evaluations`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from programs.core.transitions import Move, Step, Workflow, register
from programs.evaluations import errors
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_portal_date

from .schemes import POINTS, EvaluationScheme, Grade, SchemeItem

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User


class EvaluationKind(models.TextChoices):
    SELF = "self", _("self-assessment")
    DISTRICT = "district", _("district review")
    EXPERT = "expert", _("expert on-site evaluation")


class EvaluationRoundQuerySet(ScopedQuerySet):
    """A round spans units of one district: district staff see every round of their district
    (the city office every district's), evaluators the rounds they are named in, clerks the
    rounds that evaluate their unit."""

    district_lookup = "district"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        if user.sees_every_district:
            return self.all()
        if user.sees_all_units and user.sees_evaluations:
            return self.in_district_of(user)
        if user.role == user.Role.EVALUATOR:
            return self.filter(evaluators=user)
        if user.unit_id:
            return self.filter(evaluations__unit=user.unit_id).distinct()
        return self.none()

    def editable_by(self, user: User | AnonymousUser) -> Self:
        """District staff open and close their district's rounds."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self.all()
        if user.edits_all_units:
            return self.in_district_of(user)
        return self.none()

    def may_create(self, user: User | AnonymousUser, instance: models.Model) -> bool:
        if not user.is_authenticated:
            return False
        return user.is_administrator or (
            user.edits_all_units and instance.district_id in (None, user.district_id)
        )


class EvaluationRound(models.Model):
    """One evaluation exercise against a scheme — a self-assessment, a district review or an
    expert on-site evaluation — over a date window, with its evaluators and its units."""

    Kind = EvaluationKind

    district = models.ForeignKey(
        "programs.District",
        on_delete=models.PROTECT,
        related_name="evaluation_rounds",
        verbose_name=_("district"),
    )
    scheme = models.ForeignKey(
        EvaluationScheme,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("scheme"),
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=EvaluationKind.choices)
    opens_on = models.DateField(_("opens on"), validators=[validate_portal_date])
    closes_on = models.DateField(_("closes on"), validators=[validate_portal_date])
    evaluators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="evaluation_rounds",
        verbose_name=_("evaluators"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = EvaluationRoundQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[evaluators])

    class Meta:
        verbose_name = _("evaluation round")
        verbose_name_plural = _("evaluation rounds")
        ordering = ["-opens_on", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="round_name_not_empty"),
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="round_closes_after_opening",
                violation_error_message=_("A round cannot close before it opens."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=EvaluationKind.values), name="round_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_on(self, day: date) -> bool:
        """Whether grading is open on `day`: from its first to its last day, both included."""
        return self.opens_on <= day <= self.closes_on

    def ensure_open(self, day: date | None = None) -> None:
        """Refuse grading (and finalising) outside the round's window, saying when it is open."""
        if not self.is_open_on(day or timezone.localdate()):
            raise errors.EvaluationError(
                errors.EVALUATION_OUTSIDE_WINDOW,
                opens=f"{self.opens_on:%Y-%m-%d}",
                closes=f"{self.closes_on:%Y-%m-%d}",
            )


class EvaluationResult(models.TextChoices):
    PASS = "pass", _("pass")
    RECTIFY = "rectify", _("rectify")
    FAIL = "fail", _("fail")


class EvaluationQuerySet(ScopedQuerySet):
    """A unit's evaluations: its clerk sees them, district staff all, evaluators those of the
    rounds they are named in."""

    unit_lookup = "unit"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if user.is_authenticated and user.role == user.Role.EVALUATOR:
            return self.filter(round__evaluators=user)
        if user.is_authenticated and not user.sees_evaluations:
            return self.none()
        return super().visible_to(user)

    def speaking_first(self) -> Self:
        """The final evaluations, the one that speaks for its unit first: a district review or
        an expert evaluation before any self-assessment (a unit's own view of itself), then
        the most recently finalised. The dashboard, readiness and the unit summary all take
        the first of these."""
        own_view = models.Case(
            models.When(round__kind=EvaluationKind.SELF, then=models.Value(1)),
            default=models.Value(0),
        )
        return self.filter(status=Evaluation.Status.FINAL).order_by(
            own_view, "-finalised_at", "-pk"
        )

    def editable_by(self, user: User | AnonymousUser) -> Self:
        """Who grades: the round's evaluators and district staff; a clerk only their own
        unit's self-assessments. Finalised evaluations are locked for everyone."""
        if not user.is_authenticated:
            return self.none()
        drafts = self.filter(status=Evaluation.Status.DRAFT)
        if user.edits_all_units:
            return drafts
        if user.role == user.Role.EVALUATOR:
            return drafts.filter(round__evaluators=user)
        if user.edits_own_unit and user.unit_id:
            return drafts.filter(unit=user.unit_id, round__kind=EvaluationKind.SELF)
        return self.none()

    def allows_edit(self, user: User | AnonymousUser, obj: models.Model) -> bool:
        """A final evaluation is locked for everyone: no need to ask the database."""
        return obj.status != Evaluation.Status.FINAL and super().allows_edit(user, obj)


class Evaluation(ConstraintErrorsOnFields, UpdatedAt):
    """One unit's evaluation in a round: its item grades, and once finalised its total, the
    result and the reason for it, locked."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("being scored")
        FINAL = "final", _("finalised")

    Result = EvaluationResult

    round = models.ForeignKey(
        EvaluationRound,
        on_delete=models.CASCADE,
        related_name="evaluations",
        verbose_name=_("round"),
    )
    unit = models.ForeignKey(
        "programs.CreatingUnit",
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("creating unit"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    started_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started from"),
        help_text=_("The earlier evaluation whose grades this one began with."),
    )
    total = models.DecimalField(_("total"), null=True, blank=True, **POINTS)
    result = models.CharField(
        _("result"), max_length=10, choices=EvaluationResult.choices, blank=True
    )
    result_reason = models.CharField(_("reason"), max_length=300, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("finalised by"),
    )

    objects = EvaluationQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {"evaluation_once_per_round": "unit"}

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["round", "unit__code"]
        indexes = [
            # A unit's latest final evaluation (the dashboard reads one per unit): an index-only
            # read of the first entry instead of a sort of every evaluation of the unit.
            models.Index(
                fields=["unit", "-finalised_at", "-id"],
                condition=Q(status="final"),
                name="evaluation_latest_final_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "unit"],
                name="evaluation_once_per_round",
                violation_error_message=_("This unit is already evaluated in this round."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "final"]), name="evaluation_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(total__isnull=False) & ~Q(result="") & Q(finalised_at__isnull=False)),
                name="evaluation_final_has_result",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.unit}"

    @property
    def is_final(self) -> bool:
        return self.status == self.Status.FINAL


def _grades(user: User, evaluation: Evaluation) -> bool:
    """Who may grade and finalise: the rule of `EvaluationQuerySet.editable_by`."""
    return Evaluation.objects.allows_edit(user, evaluation)


def _reopens(user: User, evaluation: Evaluation) -> bool:
    """District staff reopen a final evaluation (with a reason on record)."""
    return user.edits_all_units


def _scored(step: Step) -> list[str]:
    """The total, the result and its reason, computed from the grades as they are now (the row
    is locked: a grade saved in between cannot change a locked result); refused while any item
    is not fully graded."""
    from programs.evaluations.selectors import evaluation_current_score

    evaluation = step.obj
    step.current.round.ensure_open(timezone.localtime(step.at).date())
    score = evaluation_current_score(step.current)
    if score.ungraded:
        raise errors.EvaluationError(errors.EVALUATION_UNGRADED, count=score.ungraded)
    evaluation.total, evaluation.result = score.total, score.result
    evaluation.result_reason = score.reason[:300]
    evaluation.finalised_at, evaluation.finalised_by = step.at, step.by
    step.data.update(total=str(score.total), result=score.result)
    return ["total", "result", "result_reason", "finalised_at", "finalised_by"]


def _regradable(step: Step) -> None:
    """Reopened only inside the round's window, where it can be graded and finalised again —
    never left a draft nobody may grade."""
    evaluation_round = step.current.round
    if not evaluation_round.is_open_on(timezone.localtime(step.at).date()):
        raise errors.EvaluationError(
            errors.EVALUATION_REOPEN_OUTSIDE_WINDOW,
            opens=f"{evaluation_round.opens_on:%Y-%m-%d}",
            closes=f"{evaluation_round.closes_on:%Y-%m-%d}",
        )


def _unscored(step: Step) -> list[str]:
    """Back to a draft: the stored total, result and finalisation are cleared (the event keeps
    what they were; the change history keeps the row as it was)."""
    evaluation = step.current
    step.data.update(total=str(evaluation.total), result=evaluation.result)
    obj = step.obj
    obj.total, obj.result, obj.result_reason = None, "", ""
    obj.finalised_at, obj.finalised_by = None, None
    return ["total", "result", "result_reason", "finalised_at", "finalised_by"]


register(
    Evaluation,
    Workflow(
        field="status",
        error=errors.EvaluationError,
        illegal=errors.EVALUATION_LOCKED,
        moves=[
            Move(
                "finalise",
                sources={Evaluation.Status.DRAFT},
                target=Evaluation.Status.FINAL,
                label=_("Finalise"),
                past=_("finalised"),
                allowed=_grades,
                refused=errors.EVALUATION_NOT_ALLOWED,
                effect=_scored,
                style="success",
            ),
            Move(
                "reopen",
                sources={Evaluation.Status.FINAL},
                target=Evaluation.Status.DRAFT,
                label=_("Reopen"),
                past=_("reopened"),
                allowed=_reopens,
                refused=errors.EVALUATION_REOPEN_NOT_ALLOWED,
                reason=True,
                reason_missing=errors.EVALUATION_REOPEN_REASON_MISSING,
                check=_regradable,
                effect=_unscored,
                style="outline-secondary",
            ),
        ],
    ),
)


class ItemScoreQuerySet(ScopedQuerySet):
    unit_lookup = "evaluation__unit"


GRADED_FIELDS = ("presence", "evidence", "effect")  # the three graded parts of an item's score


def points_sum(items: str = "") -> models.Sum:
    """The points of the items along the relation `items` ("elements__items__" …), in SQL."""
    return models.Sum(
        F(f"{items}presence_points") + F(f"{items}evidence_points") + F(f"{items}effect_points")
    )


class ItemScore(ConstraintErrorsOnFields, models.Model):
    """The grades one evaluation gives one item's three parts, with a comment and the unit's
    evidence the evaluator looked at."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="scores", verbose_name=_("evaluation")
    )
    item = models.ForeignKey(
        SchemeItem, on_delete=models.PROTECT, related_name="scores", verbose_name=_("item")
    )
    presence = models.CharField(
        pgettext_lazy("grade part", "presence"), max_length=1, choices=Grade.choices, blank=True
    )
    evidence = models.CharField(
        pgettext_lazy("grade part", "evidence"), max_length=1, choices=Grade.choices, blank=True
    )
    effect = models.CharField(
        pgettext_lazy("grade part", "effect"), max_length=1, choices=Grade.choices, blank=True
    )
    comment = models.TextField(_("comment"), blank=True)
    evidence_links = models.ManyToManyField(
        "programs.Evidence", blank=True, related_name="+", verbose_name=_("evidence looked at")
    )

    objects = ItemScoreQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {"score_once_per_item": "item"}

    class Meta:
        verbose_name = _("item score")
        verbose_name_plural = _("item scores")
        ordering = ["evaluation", "item__element__number", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="score_once_per_item"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{part}__in": ["", *Grade.values]}),
                    name=f"score_{part}_grade_valid",
                )
                for part in GRADED_FIELDS
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.item.code}"
