"""The use cases of an evaluation round: open it, grade an evaluation, finalise it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from programs.core.models import CreatingUnit, EventKind
from programs.core.transitions import occurrence, record_events, transition
from programs.evaluations import errors
from programs.evaluations import reference_data as ref
from programs.evaluations.models import (
    GRADED_FIELDS,
    Evaluation,
    EvaluationKind,
    EvaluationRound,
    EvaluationScheme,
    Grade,
    ItemScore,
    SchemeElement,
    SchemeItem,
)
from programs.progress.models import Evidence
from safecommunity.models import ensure_row, fill_blanks

if TYPE_CHECKING:
    from programs.core.models import User


def round_open(
    *,
    scheme: EvaluationScheme,
    kind: EvaluationKind | str,
    name: str,
    opens_on: date,
    closes_on: date,
    units: Iterable[CreatingUnit],
    evaluators: Iterable[User],
    by: User,
    start_from_previous: bool = True,
) -> EvaluationRound:
    """Open a round: one draft evaluation per unit, with an empty score row per item of the
    scheme. With `start_from_previous`, a unit's evaluation starts from its latest final
    evaluation against the same scheme: the grades, comments and evidence links of the same
    items are copied and `started_from` names it.

    A fixed number of queries however many units: everything is created in bulk.
    """
    units = list(dict.fromkeys(units))  # a unit named twice is evaluated once
    districts = {unit.district_id for unit in units}
    if len(districts) > 1:
        raise errors.EvaluationError(errors.EVALUATION_ROUND_ONE_DISTRICT)
    district_id = districts.pop() if districts else by.district_id
    evaluators = list(evaluators)
    if any(evaluator.district_id != district_id for evaluator in evaluators):
        raise errors.EvaluationError(errors.EVALUATION_ROUND_EVALUATORS_OF_DISTRICT)
    evaluation_round = EvaluationRound(
        district_id=district_id,
        scheme=scheme,
        kind=kind,
        name=name.strip(),
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=by,
    )
    if not EvaluationRound.objects.may_create(by, evaluation_round):
        raise errors.EvaluationError(errors.EVALUATION_ROUND_NOT_ALLOWED)
    # The scheme and the actor are rows in hand: validating their foreign keys would only ask the
    # database what we know.
    evaluation_round.full_clean(exclude=["scheme", "created_by", "district"])
    items = list(SchemeItem.objects.filter(element__scheme=scheme).order_by("pk"))
    # All or nothing: a round never exists with only some of its units or score rows.
    with transaction.atomic():
        evaluation_round._history_user = by
        evaluation_round.save()
        evaluation_round.evaluators.set(evaluators)
        previous = _latest_finals(units, scheme) if start_from_previous else {}
        evaluations = bulk_create_with_history(
            [
                Evaluation(round=evaluation_round, unit=unit, started_from=previous.get(unit.pk))
                for unit in units
            ],
            Evaluation,
            default_user=by,
        )
        earlier_rows = {
            (row.evaluation_id, row.item_id): row
            for row in ItemScore.objects.filter(evaluation__in=previous.values()).prefetch_related(
                "evidence_links"
            )
        }
        scores, links = [], []
        for evaluation in evaluations:
            for item in items:
                score = ItemScore(evaluation=evaluation, item=item)
                earlier = earlier_rows.get((evaluation.started_from_id, item.pk))
                if earlier is not None:
                    score.presence, score.evidence, score.effect = (
                        earlier.presence,
                        earlier.evidence,
                        earlier.effect,
                    )
                    score.comment = earlier.comment
                    links.append((score, list(earlier.evidence_links.all())))
                scores.append(score)
        if scores:
            bulk_create_with_history(scores, ItemScore, default_user=by)
        through = ItemScore.evidence_links.through
        through.objects.bulk_create(
            [
                through(itemscore_id=score.pk, evidence_id=evidence.pk)
                for score, evidences in links
                for evidence in evidences
            ]
        )
        # Written once the round has its units, so what follows the events (the notifications
        # to the units' clerks) finds them.
        record_events(
            [
                occurrence(evaluation_round, EventKind.CREATED, by=by, data={"units": len(units)}),
                *(
                    occurrence(
                        evaluation_round, EventKind.ASSIGNED, by=by, data={"evaluator": user.pk}
                    )
                    for user in evaluators
                ),
            ]
        )
    return evaluation_round


def _latest_finals(
    units: Sequence[CreatingUnit], scheme: EvaluationScheme
) -> dict[int, Evaluation]:
    """Each unit's latest final evaluation against `scheme` (unit id → evaluation), one query."""
    finals = Evaluation.objects.filter(
        unit__in=units, round__scheme=scheme, status=Evaluation.Status.FINAL
    ).order_by("unit", "-finalised_at", "-pk")
    latest: dict[int, Evaluation] = {}
    for evaluation in finals:
        latest.setdefault(evaluation.unit_id, evaluation)
    return latest


def _locked_for(evaluation: Evaluation, by: User) -> Evaluation:
    """The evaluation's row, locked, once `by` may still change it; raises otherwise."""
    current = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if current.is_final:
        raise errors.EvaluationError(errors.EVALUATION_LOCKED)
    if not Evaluation.objects.allows_edit(by, current):
        raise errors.EvaluationError(errors.EVALUATION_NOT_ALLOWED)
    evaluation.round.ensure_open()
    return current


def evaluation_grade(
    *,
    evaluation: Evaluation,
    by: User,
    grades: Mapping[int, tuple[str, str, str, str]],
    links: Mapping[int, Iterable[int]] | None = None,
) -> Evaluation:
    """Store grades: item id → (presence, evidence, effect, comment), each grade a / b / c / d
    or "" (not graded yet). Only the rows that change are written, each with its history.

    `links` (item id → the ids of the documents looked at) replaces the evidence links of the
    items it names; items it leaves out keep theirs. Only the evaluated unit's documents may
    be linked; anything else refuses the whole save. Only links that change are written (the
    links have no history of their own).

    Two evaluators may grade the same unit while a third finalises it: the row lock makes
    "still a draft, still yours" and the write one step, so no grade lands on a locked result.
    """
    for presence, evidence, effect, _comment in grades.values():
        for grade in (presence, evidence, effect):
            if grade not in ("", *Grade.values):
                raise errors.EvaluationError(errors.EVALUATION_GRADE_INVALID, grade=grade)
    links = {item_id: set(documents) for item_id, documents in (links or {}).items()}
    with transaction.atomic():
        current = _locked_for(evaluation, by)
        rows = {row.item_id: row for row in ItemScore.objects.filter(evaluation=evaluation)}
        unknown = [item_id for item_id in (*grades, *links) if item_id not in rows]
        if unknown:
            raise errors.EvaluationError(errors.EVALUATION_ITEM_UNKNOWN, item=unknown[0])
        if links:
            _links_check(current.unit_id, links)
        changed = []
        for item_id, (presence, evidence, effect, comment) in grades.items():
            row = rows[item_id]
            new = (presence, evidence, effect, comment.strip())
            if (row.presence, row.evidence, row.effect, row.comment) == new:
                continue
            row.presence, row.evidence, row.effect, row.comment = new
            changed.append(row)
        if changed:
            bulk_update_with_history(
                changed, ItemScore, [*GRADED_FIELDS, "comment"], default_user=by
            )
        if changed or links:  # the evaluation's total and links changed: a copy re-reads it
            Evaluation.objects.filter(pk=evaluation.pk).update(updated_at=timezone.now())
        if links:
            _links_write({rows[item_id].pk: documents for item_id, documents in links.items()})
    return evaluation


def _links_check(unit_id: int, links: Mapping[int, set[int]]) -> None:
    """Refuse any document that is not the unit's (or does not exist); one query."""
    wanted = set().union(*links.values())
    if not wanted:
        return
    found = set(
        Evidence.objects.filter(pk__in=wanted, unit_id=unit_id).values_list("pk", flat=True)
    )
    if wanted - found:
        raise errors.EvaluationError(errors.EVALUATION_EVIDENCE_NOT_THE_UNITS)


def _links_write(links: Mapping[int, set[int]]) -> None:
    """Make each score row (by id) link exactly its documents, writing only the differences:
    one query to read the links, at most one to delete and one to add."""
    through = ItemScore.evidence_links.through
    existing = {
        (score_id, evidence_id): pk
        for pk, score_id, evidence_id in through.objects.filter(itemscore_id__in=links).values_list(
            "pk", "itemscore_id", "evidence_id"
        )
    }
    wanted = {
        (score_id, document) for score_id, documents in links.items() for document in documents
    }
    gone = [pk for pair, pk in existing.items() if pair not in wanted]
    if gone:
        through.objects.filter(pk__in=gone).delete()
    added = sorted(wanted - existing.keys())
    if added:
        through.objects.bulk_create(
            [through(itemscore_id=score_id, evidence_id=document) for score_id, document in added]
        )


def evaluation_finalise(*, evaluation: Evaluation, by: User) -> Evaluation:
    """Compute the total, the result and its reason, and lock the evaluation (the move
    `finalise` of its table; refused while any item is not fully graded, or outside the
    round's window)."""
    transition(evaluation, "finalise", by=by)
    return evaluation


def evaluation_reopen(*, evaluation: Evaluation, by: User, reason: str) -> Evaluation:
    """District staff take a final evaluation back to a draft, with the reason on record (the
    move `reopen`). The scheme stays locked: it was scored against once (`in_use`)."""
    transition(evaluation, "reopen", by=by, reason=reason)
    return evaluation


# --- Readiness ----------------------------------------------------------------------------------


@transaction.atomic
def schemes_load(*, created: Counter | None = None) -> Counter:
    """Seed the evaluation schemes (the national on-site form, a municipal variant) with their
    elements and items. Idempotent like the rest of the reference data: a scheme, element or
    item that exists is left as the office made it, and a scheme in use (with finalised
    evaluations) gets no element or item back that the office removed; returns how many rows
    were created."""
    created = Counter() if created is None else created
    for fields in ref.SCHEMES:
        fields = dict(fields)
        elements = fields.pop("elements")
        scheme = ensure_row(EvaluationScheme, created, {"code": fields.pop("code")}, **fields)
        if scheme.is_in_use:  # its elements get only the English names they lack
            for element in scheme.elements.all():
                fill_blanks(element, name_en=ref.ELEMENT_NAMES_EN.get(element.number, ""))
            continue
        for number, (name, items) in enumerate(elements, start=1):
            element = ensure_row(
                SchemeElement,
                created,
                {"scheme": scheme, "number": number},
                name=name,
                fill={"name_en": ref.ELEMENT_NAMES_EN.get(number, "")},
            )
            for item_number, (text, is_sample, (presence, evidence, effect)) in enumerate(
                items, start=1
            ):
                ensure_row(
                    SchemeItem,
                    created,
                    {"element": element, "number": item_number},
                    text=text,
                    is_sample=is_sample,
                    presence_points=presence,
                    evidence_points=evidence,
                    effect_points=effect,
                )
    return created
