"""A round's results as a workbook: one sheet of results per unit (with the element
subtotals), one of every item's grades. A round holds at most tens of units, so the workbook is
written in the request (no job)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _

from programs.evaluations.models import (
    GRADED_FIELDS,
    Evaluation,
    EvaluationResult,
    EvaluationRound,
    ItemScore,
)
from programs.evaluations.selectors import Score, evaluation_reason, item_points, scheme_items
from safecommunity.spreadsheets import WorkbookWriter


def round_workbook(
    evaluation_round: EvaluationRound,
    evaluations: Sequence[Evaluation],
    scores: dict[int, Score],
) -> WorkbookWriter:
    """The workbook of `evaluations` (those of the round the user may see, in the page's
    order) scored as `scores` (evaluation id → its score). Two queries: the scheme's items and
    the grades of these evaluations."""
    items = scheme_items(evaluation_round.scheme)
    elements = list(dict.fromkeys(item.element for item in items))
    book = WorkbookWriter()
    results = book.sheet(
        _("Results"),
        [
            _("Unit code"),
            _("Unit"),
            _("Status"),
            _("Items graded"),
            _("Total"),
            _("Maximum"),
            _("Result"),
            _("Reason"),
            *(f"{element.number}. {element.label}" for element in elements),
        ],
        widths=(10, 20, 10, 10, 10, 10, 10, 40),
        freeze="C2",
    )
    for evaluation in evaluations:
        score = scores[evaluation.pk]
        final = evaluation.is_final
        total = evaluation.total if final else score.total
        result = evaluation.result if final else score.result
        results.row(
            [
                evaluation.unit.code,
                evaluation.unit.name,
                evaluation.get_status_display(),
                f"{score.graded}/{score.items}",
                total,
                score.maximum,
                str(EvaluationResult(result).label)
                if final
                else _("%(result)s (provisional)") % {"result": EvaluationResult(result).label},
                evaluation_reason(evaluation, score),
                *(score.elements[element][0] for element in elements),
            ]
        )
    grades = book.sheet(
        _("Item grades"),
        [
            _("Unit code"),
            _("Unit"),
            _("Item"),
            _("Requirement"),
            *(str(ItemScore._meta.get_field(part).verbose_name) for part in GRADED_FIELDS),
            _("Points"),
            _("Maximum"),
            _("Comment"),
        ],
        widths=(10, 20, 8, 40, 8, 8, 8, 8, 8, 30),
        freeze="C2",
    )
    by_id = {item.pk: item for item in items}
    units = {evaluation.pk: evaluation.unit for evaluation in evaluations}
    rows = (
        ItemScore.objects.filter(evaluation__in=list(units))
        .order_by("evaluation__unit__code", "item__element__number", "item__number")
        .values_list("evaluation_id", "item_id", *GRADED_FIELDS, "comment")
    )
    for evaluation_id, item_id, presence, evidence, effect, comment in rows:
        item, unit = by_id.get(item_id), units[evaluation_id]
        if item is None:
            continue
        grades.row(
            [
                unit.code,
                unit.name,
                item.code,
                item.text,
                presence,
                evidence,
                effect,
                item_points(item, presence, evidence, effect),
                item.points,
                comment,
            ]
        )
    return book
