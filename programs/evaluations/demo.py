"""Demo evaluations: a district review of the units furthest along, graded and finalised with
results across pass, rectify and fail (two left being scored), and the demo clerk's
self-assessment under way — so the dashboard, the unit pages and the rounds have something to
show. Run once: a round that exists is left alone."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from programs.core.models import CreatingUnit, User
from programs.evaluations.models import (
    Evaluation,
    EvaluationKind,
    EvaluationRound,
    EvaluationScheme,
    Grade,
    SchemeItem,
)
from programs.evaluations.services import evaluation_finalise, evaluation_grade, round_open

REVIEW_NAME = "区级复核（演示）"
SELF_NAME = "自评（演示）"
LEFT_IN_DRAFT = 2  # review evaluations still being scored


def _grades(rng: random.Random, quality: float) -> tuple[str, str, str]:
    """Three part grades; `quality` (0–1) shifts them towards a."""

    def one() -> str:
        draw = rng.random()
        if draw < quality:
            return Grade.A if rng.random() < 0.6 else Grade.B
        return Grade.C if rng.random() < 0.75 else Grade.D

    return one(), one(), one()


def _grade_all(
    evaluation: Evaluation, items: list[SchemeItem], by: User, quality: float, share: float = 1
) -> None:
    rng = random.Random(f"evaluation-{evaluation.unit.code}-{evaluation.round.name}")
    grades = {}
    for item in items:
        if rng.random() > share:
            continue
        presence, evidence, effect = _grades(rng, quality)
        comment = "" if presence != Grade.D else "未见相关资料"
        grades[item.pk] = (presence, evidence, effect, comment)
    evaluation_grade(evaluation=evaluation, by=by, grades=grades)


def evaluations_demo(district: User, evaluator: User, clerk: User | None) -> None:
    scheme = EvaluationScheme.objects.filter(code="national-onsite").first()
    if scheme is None or EvaluationRound.objects.filter(name=REVIEW_NAME).exists():
        return
    items = list(SchemeItem.objects.filter(element__scheme=scheme).order_by("pk"))
    today = timezone.localdate()
    own = CreatingUnit.objects.filter(district=district.district_id)  # the reviewer's district
    units = list(
        own.filter(current_phase__order__gte=3).order_by("code")
        | own.filter(is_pilot=True).order_by("code")
    )
    review = round_open(
        scheme=scheme,
        kind=EvaluationKind.DISTRICT,
        name=REVIEW_NAME,
        opens_on=today - timedelta(days=60),
        closes_on=today + timedelta(days=30),
        units=units,
        evaluators=[evaluator],
        by=district,
    )
    evaluations = list(review.evaluations.select_related("unit", "round").order_by("unit__code"))
    for n, evaluation in enumerate(evaluations):
        # Pilots and units in phase 4 are further along; spread the rest across the bands.
        quality = 0.82 if evaluation.unit.is_pilot else (0.3, 0.5, 0.62, 0.75)[n % 4]
        draft = n >= len(evaluations) - LEFT_IN_DRAFT
        _grade_all(evaluation, items, evaluator, quality, share=0.6 if draft else 1)
        if not draft:
            evaluation_finalise(evaluation=evaluation, by=evaluator)
    if clerk is None or clerk.unit_id is None:
        return
    self_assessment = round_open(
        scheme=scheme,
        kind=EvaluationKind.SELF,
        name=SELF_NAME,
        opens_on=today - timedelta(days=7),
        closes_on=date(today.year, 12, 31) if today.month < 12 else today + timedelta(days=30),
        units=[clerk.unit],
        evaluators=[],
        by=district,
    )
    for evaluation in self_assessment.evaluations.select_related("unit", "round"):
        _grade_all(evaluation, items, clerk, 0.8, share=0.5)
