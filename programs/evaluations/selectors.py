"""Reading evaluations: the scoring arithmetic of a scheme (pure, no queries), the evaluation
that speaks for a unit, the documents an evaluator may link, and a unit's readiness.

The rules are those of the national on-site evaluation form (全国安全社区现场评定表, standards
§1.5): each item's three parts are graded a / b / c / d = 100 / 70 / 30 / 0 % of the part's
points; a total at or above the pass mark with no item at zero passes; a total in the rectify
band may rectify; anything else fails. A scheme without a rectify band fails under the pass
mark, and a scheme without the zero-item rule (`no_zero_item=False`) lets zero items through.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.query import EmptyQuerySet
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from programs.core.models import CreatingUnit
from programs.evaluations import errors
from programs.evaluations.models import (
    GRADED_FIELDS,
    Evaluation,
    EvaluationResult,
    EvaluationScheme,
    Grade,
    ItemScore,
    SchemeElement,
    SchemeItem,
    points_sum,
)
from programs.progress.models import Evidence, EvidenceVersion
from safecommunity.numbers import round_half_up

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User

CENT = Decimal("0.01")
ZERO = Decimal("0")
ZERO_ITEMS_NAMED = 3  # a reason names this many zero items, then "and N more"

# --- Scoring (pure) -----------------------------------------------------------------------------


def _cents(value: Decimal) -> Decimal:
    return round_half_up(value, 2)  # the portal's one rounding rule (四舍五入)


def _shown(value: Decimal) -> str:
    """A score as a reason prints it: 100, 99.99, 74.5 (no trailing zeros)."""
    text = f"{_cents(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def item_points(item: SchemeItem, presence: str, evidence: str, effect: str) -> Decimal | None:
    """The points `item` earns with these grades (a / b / c / d, each of its three parts);
    None while any part is ungraded (""). Not rounded: the total is rounded once."""
    grades = (presence, evidence, effect)
    if "" in grades:
        return None
    parts = (item.presence_points, item.evidence_points, item.effect_points)
    return sum(
        (
            Decimal(points) * Grade(grade).fraction
            for points, grade in zip(parts, grades, strict=True)
        ),
        ZERO,
    )


@dataclass(frozen=True)
class Score:
    """An evaluation's total, its subtotals per element and its result under the scheme's rules.

    `elements` maps each element (in the scheme's order) to (score, maximum); `zero_items` are
    the codes ("3.2") of items that scored zero; `ungraded` counts the items not fully graded,
    which count for nothing — the result is provisional until it is 0. `reason` is read in the
    language active when it is read.
    """

    total: Decimal
    maximum: Decimal
    elements: Mapping[SchemeElement, tuple[Decimal, Decimal]]
    zero_items: tuple[str, ...]
    ungraded: int
    result: str
    reason_message: Any = field(repr=False)
    reason_params: Mapping[str, Any] = field(repr=False)
    items: int = 0  # how many items the scheme has

    @property
    def graded(self) -> int:
        return self.items - self.ungraded

    @property
    def reason(self) -> str:
        return str(self.reason_message) % dict(self.reason_params)

    @property
    def is_complete(self) -> bool:
        return self.ungraded == 0


def _result(
    scheme: EvaluationScheme, total: Decimal, zero_items: Sequence[str]
) -> tuple[str, Any, dict[str, Any]]:
    """The result (§1.5) with the message and parameters of its reason."""
    if scheme.no_zero_item and zero_items:
        named, more = zero_items[:ZERO_ITEMS_NAMED], len(zero_items) - ZERO_ITEMS_NAMED
        items = ", ".join(named)
        if more > 0:
            params = {"items": items, "more": more}
            return EvaluationResult.FAIL, errors.SCORE_ITEMS_ZERO_AND_MORE, params
        message = errors.SCORE_ITEM_ZERO if len(named) == 1 else errors.SCORE_ITEMS_ZERO
        return EvaluationResult.FAIL, message, {"items": items}
    shown = {"total": _shown(total), "pass_mark": _shown(scheme.pass_mark)}
    if total >= scheme.pass_mark:
        return EvaluationResult.PASS, errors.SCORE_PASSES, shown
    if scheme.rectify_mark is not None and total >= scheme.rectify_mark:
        return EvaluationResult.RECTIFY, errors.SCORE_MAY_RECTIFY, shown
    mark = scheme.pass_mark if scheme.rectify_mark is None else scheme.rectify_mark
    return (
        EvaluationResult.FAIL,
        errors.SCORE_FAILS,
        {"total": shown["total"], "mark": _shown(mark)},
    )


def evaluation_score(
    scheme: EvaluationScheme,
    items: Iterable[SchemeItem],
    grades: Mapping[int, Any],
) -> Score:
    """Score `items` (the scheme's items, each with its element loaded) with `grades`: item id
    → an `ItemScore` or a (presence, evidence, effect) tuple. An item without grades is
    ungraded. Pure: no query when the items come with `select_related("element")`.
    """
    elements: dict[SchemeElement, list[Decimal]] = {}
    zero_items: list[tuple[int, int]] = []
    total, ungraded = ZERO, 0
    ordered = sorted(items, key=lambda item: (item.element.number, item.number))
    for item in ordered:
        subtotal = elements.setdefault(item.element, [ZERO, ZERO])
        subtotal[1] += item.points
        row = grades.get(item.pk)
        if row is None:
            ungraded += 1
            continue
        parts = (
            tuple(getattr(row, name) for name in GRADED_FIELDS) if hasattr(row, "presence") else row
        )
        points = item_points(item, *parts)
        if points is None:
            ungraded += 1
            continue
        if points == 0 and item.points > 0:
            zero_items.append((item.element.number, item.number))
        subtotal[0] += points
        total += points
    total = _cents(total)
    codes = tuple(f"{element}.{number}" for element, number in zero_items)
    result, message, params = _result(scheme, total, codes)
    return Score(
        total=total,
        maximum=_cents(sum((maximum for _, maximum in elements.values()), ZERO)),
        elements={element: (_cents(s), _cents(m)) for element, (s, m) in elements.items()},
        zero_items=codes,
        ungraded=ungraded,
        result=result,
        reason_message=message,
        reason_params=params,
        items=len(ordered),
    )


def scheme_items(scheme: EvaluationScheme) -> list[SchemeItem]:
    """The scheme's items in its order, each with its element; one query."""
    return list(
        SchemeItem.objects.filter(element__scheme=scheme)
        .select_related("element")
        .order_by("element__number", "number")
    )


def scheme_maximums(scheme_ids: set[int]) -> dict[int, Decimal]:
    """Scheme id → the points its items add up to: the most an evaluation can score, shown as
    its maximum (a scheme's declared `max_score` may differ while the office is still
    importing its form); one query, none without schemes."""
    maximums = dict.fromkeys(scheme_ids, _cents(ZERO))
    if scheme_ids:
        rows = (
            SchemeItem.objects.filter(element__scheme__in=scheme_ids)
            .values("element__scheme")
            .annotate(points=points_sum())
            .values_list("element__scheme", "points")
        )
        maximums.update((scheme_id, _cents(points)) for scheme_id, points in rows)
    return maximums


def evaluation_current_score(evaluation: Evaluation) -> Score:
    """The evaluation's score as graded so far (two queries; three if its round is not loaded)."""
    scheme = evaluation.round.scheme
    grades = {row.item_id: row for row in evaluation.scores.all()}
    return evaluation_score(scheme, scheme_items(scheme), grades)


def evaluation_scores(
    scheme: EvaluationScheme, evaluations: Iterable[Evaluation]
) -> dict[int, Score]:
    """Evaluation id → its score as graded so far, for many evaluations against one scheme:
    two queries (the items, the grades) however many evaluations."""
    ids = [evaluation.pk for evaluation in evaluations]
    items = scheme_items(scheme)
    grades: dict[int, dict[int, tuple[str, str, str]]] = {pk: {} for pk in ids}
    rows = ItemScore.objects.filter(evaluation__in=ids).values_list(
        "evaluation_id", "item_id", *GRADED_FIELDS
    )
    for evaluation_id, item_id, *parts in rows:
        grades[evaluation_id][item_id] = tuple(parts)
    return {pk: evaluation_score(scheme, items, graded) for pk, graded in grades.items()}


def evaluations_scored(evaluations: Sequence[Evaluation]) -> dict[int, Score]:
    """Evaluation id → its score as graded so far, for evaluations of any rounds and schemes
    (each with `round__scheme` loaded) — the API's page: two queries however many evaluations
    and schemes (the items, the grades), none without evaluations. Scored as
    `evaluation_scores` and the evaluation's page score them."""
    if not evaluations:
        return {}
    schemes = {evaluation.round.scheme_id: evaluation.round.scheme for evaluation in evaluations}
    items: dict[int, list[SchemeItem]] = {pk: [] for pk in schemes}
    for item in SchemeItem.objects.filter(element__scheme__in=schemes).select_related("element"):
        items[item.element.scheme_id].append(item)
    grades: dict[int, dict[int, tuple[str, ...]]] = {e.pk: {} for e in evaluations}
    rows = ItemScore.objects.filter(evaluation__in=grades).values_list(
        "evaluation_id", "item_id", *GRADED_FIELDS
    )
    for evaluation_id, item_id, *parts in rows:
        grades[evaluation_id][item_id] = tuple(parts)
    return {
        evaluation.pk: evaluation_score(
            schemes[evaluation.round.scheme_id],
            items[evaluation.round.scheme_id],
            grades[evaluation.pk],
        )
        for evaluation in evaluations
    }


def evaluation_reason(evaluation: Evaluation, score: Score) -> str:
    """Why a final evaluation has its result, in the reader's language when its grades still
    score the same way under the scheme (else as recorded when it was finalised); for a draft,
    the running reason."""
    if not evaluation.is_final:
        return score.reason
    if (score.result, score.total) == (evaluation.result, evaluation.total):
        return score.reason
    return evaluation.result_reason


# --- The evaluation that speaks ---------------------------------------------------------------


def evaluation_latest(
    unit: CreatingUnit | int,
    scheme: EvaluationScheme | None = None,
    *,
    user: User | None = None,
) -> Evaluation | None:
    """The final evaluation that speaks for the unit (against `scheme` when given): its latest
    district review or expert evaluation, else its latest self-assessment
    (`EvaluationQuerySet.speaking_first`); None without any. With `user`, only among the
    evaluations that user may see. One query."""
    evaluations = Evaluation.objects.all() if user is None else Evaluation.objects.visible_to(user)
    finals = evaluations.filter(unit=unit)
    if scheme is not None:
        finals = finals.filter(round__scheme=scheme)
    return finals.speaking_first().select_related("round__scheme").first()


def evaluation_documents(unit: CreatingUnit | int) -> QuerySet[Evidence]:
    """The unit's documents that grades may link to: milestone evidence in the programme's
    order, then activity files, newest first, then any other. Each comes with its milestone or
    activity and `latest_version_id`, the version its download serves (None without a file)."""
    latest = (
        EvidenceVersion.objects.filter(evidence=OuterRef("pk")).order_by("-number").values("pk")
    )
    return (
        Evidence.objects.filter(unit=unit)
        .select_related("unit_milestone__milestone__phase", "activity")
        .annotate(latest_version_id=Subquery(latest[:1]))
        .order_by(
            F("unit_milestone__milestone__phase__order").asc(nulls_last=True),
            F("unit_milestone__milestone__order").asc(nulls_last=True),
            F("activity__date").desc(nulls_last=True),
            "title",
            "pk",
        )
    )


WEAK_ITEM_SHARE = Decimal("0.6")  # an item earning less than this share of its points is weak
GAPS_SHOWN = 8  # the unit page lists this many of the worst items, the rest folded
PROJECT_NAME_TEXT = 40  # characters of an item's requirement a corrective project's name quotes


@dataclass(frozen=True)
class ItemGap:
    """An item of an evaluation that scored zero, or under `WEAK_ITEM_SHARE` of its points."""

    item: SchemeItem
    points: Decimal
    maximum: Decimal
    comment: str
    evaluation_name: str

    @property
    def is_zero(self) -> bool:
        return self.points == 0

    @property
    def code(self) -> str:
        return self.item.code

    @property
    def code_key(self) -> tuple[int, int]:
        return (self.item.element.number, self.item.number)

    def project_initial(self) -> dict[str, str]:
        """A corrective promotion project's name and objective, as its form is pre-filled."""
        text = Truncator(" ".join(self.item.text.split())).chars(PROJECT_NAME_TEXT)
        name = _("Corrective: %(code)s %(text)s") % {"code": self.code, "text": text}
        objective = _(
            "Raise item %(code)s “%(text)s”, which scored %(points)s of %(maximum)s points in "
            "“%(evaluation)s”."
        ) % {
            "code": self.code,
            "text": self.item.text.strip(),
            "points": _shown(self.points),
            "maximum": _shown(self.maximum),
            "evaluation": self.evaluation_name,
        }
        return {"name": name, "objective": objective}

    @property
    def project_query(self) -> str:
        """The query string that opens the project form pre-filled (see `project_initial`)."""
        return urlencode(self.project_initial())


@dataclass(frozen=True)
class Readiness:
    """Where a unit stands by its latest final evaluation: the score per element against the
    maximum, and the items that scored zero or are weak."""

    evaluation: Evaluation
    score: Score
    gaps: tuple[ItemGap, ...]

    weak_percent = int(WEAK_ITEM_SHARE * 100)

    @property
    def zero_items(self) -> tuple[ItemGap, ...]:
        return tuple(gap for gap in self.gaps if gap.is_zero)

    @property
    def weak_items(self) -> tuple[ItemGap, ...]:
        return tuple(gap for gap in self.gaps if not gap.is_zero)

    @cached_property  # read twice a page (shown, folded); the dataclass is frozen, the cache not
    def worst_first(self) -> list[ItemGap]:
        """The zero items, then the weak ones from the lowest share of their points up."""
        return sorted(self.gaps, key=lambda gap: (gap.points / gap.maximum, gap.code_key))

    @property
    def gaps_shown(self) -> list[ItemGap]:
        return self.worst_first[:GAPS_SHOWN]

    @property
    def gaps_folded(self) -> list[ItemGap]:
        """The rest, behind a "more" fold: a unit short of the pass mark may have dozens."""
        return self.worst_first[GAPS_SHOWN:]

    @property
    def reason(self) -> str:
        return evaluation_reason(self.evaluation, self.score)

    @property
    def elements(self) -> list[dict[str, Any]]:
        """Each element with its subtotal, maximum and share (0–100), in the scheme's order."""
        return [
            {
                "element": element,
                "subtotal": subtotal,
                "maximum": maximum,
                "percent": round_half_up(subtotal * 100 / maximum) if maximum else 0,
                "weak": bool(maximum) and subtotal < maximum * WEAK_ITEM_SHARE,
            }
            for element, (subtotal, maximum) in self.score.elements.items()
        ]

    def chart(self) -> dict[str, Any]:
        """The data of the per-element bar chart (static/js/readiness-chart.js), labels
        translated."""
        rows = self.elements
        return {
            "categories": [str(row["element"]) for row in rows],
            "scores": [float(row["subtotal"]) for row in rows],
            "maximums": [float(row["maximum"]) for row in rows],
            "weak": [row["weak"] for row in rows],
            "labels": {"score": _("Score"), "maximum": _("Maximum")},
        }


def evaluations_visible_to(user: User | AnonymousUser) -> bool:
    """Whether `user` may see any evaluation at all (providers may not); no query."""
    return not isinstance(Evaluation.objects.visible_to(user), EmptyQuerySet)


def unit_readiness(unit: CreatingUnit, *, user: User | None = None) -> Readiness | None:
    """The unit's readiness by its latest final evaluation (that `user` may see, when given),
    or None without one. Two queries: the evaluation, its grades with their items."""
    evaluation = evaluation_latest(unit, user=user)
    if evaluation is None:
        return None
    rows = list(ItemScore.objects.filter(evaluation=evaluation).select_related("item__element"))
    # Scored against the items the evaluation was finalised with (every one has a row).
    items = [row.item for row in rows]
    score = evaluation_score(evaluation.round.scheme, items, {row.item_id: row for row in rows})
    gaps = []
    for row in sorted(rows, key=lambda row: (row.item.element.number, row.item.number)):
        item = row.item
        points = item_points(item, row.presence, row.evidence, row.effect)
        if points is None or item.points <= 0:
            continue
        if points < item.points * WEAK_ITEM_SHARE:
            gaps.append(
                ItemGap(
                    item=item,
                    points=_cents(points),
                    maximum=_cents(item.points),
                    comment=row.comment,
                    evaluation_name=evaluation.round.name,
                )
            )
    return Readiness(evaluation=evaluation, score=score, gaps=tuple(gaps))


def evaluated_unit_view(unit: CreatingUnit, user: User) -> tuple[list[Evaluation], list[Evidence]]:
    """What an evaluator sees of a unit their rounds evaluate: the unit's evaluations they may
    see (newest round first) and the documents linked in them (with `latest_version_id` for
    the download). Two queries."""
    evaluations = list(
        Evaluation.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("round__scheme")
        .order_by("-round__opens_on", "-pk")
    )
    linked = ItemScore.evidence_links.through.objects.filter(
        itemscore__evaluation__in=[evaluation.pk for evaluation in evaluations]
    ).values("evidence_id")
    documents = list(
        evaluation_documents(unit).filter(pk__in=linked).visible_to(user) if evaluations else []
    )
    return evaluations, documents


def in_open_rounds(today: date) -> Q:
    """Evaluations whose round is open on `today` (its window includes the day)."""
    return Q(round__opens_on__lte=today, round__closes_on__gte=today)


def evaluations_to_grade(user: User, *, today: date | None = None) -> list[Evaluation]:
    """The draft evaluations `user` may grade in rounds open today, the round closing first
    first — an evaluator's to-do on the round list; one query."""
    today = today or timezone.localdate()
    return list(
        Evaluation.objects.editable_by(user)
        .filter(in_open_rounds(today))
        .select_related("round", "unit")
        .order_by("round__closes_on", "round__pk", "unit__code")
    )
