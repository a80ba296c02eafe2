"""Performance evaluations: scoring schemes, rounds, and each unit's evaluation and grades."""

from .evaluations import (
    GRADED_FIELDS,
    Evaluation,
    EvaluationKind,
    EvaluationResult,
    EvaluationRound,
    ItemScore,
    points_sum,
)
from .schemes import EvaluationScheme, Grade, SchemeElement, SchemeItem

__all__ = [
    "GRADED_FIELDS",
    "Evaluation",
    "EvaluationKind",
    "EvaluationResult",
    "EvaluationRound",
    "EvaluationScheme",
    "Grade",
    "ItemScore",
    "SchemeElement",
    "SchemeItem",
    "points_sum",
]
