from .evaluations import (
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    Grade,
    ItemScore,
    SchemeElement,
    SchemeItem,
)
from .evidence import Evidence, EvidenceVersion
from .monthly import MonthlyReport, ReportValue
from .program import Department, Milestone, Phase, Program, Target
from .progress import DueBand, MilestoneEvent, PhaseTransition, UnitMilestone
from .reports import Indicator, ValidationRule
from .titles import Certification
from .units import CreatingUnit
from .users import User

__all__ = [
    "Certification",
    "CreatingUnit",
    "Department",
    "DueBand",
    "Evaluation",
    "EvaluationRound",
    "EvaluationScheme",
    "Evidence",
    "EvidenceVersion",
    "Grade",
    "Indicator",
    "ItemScore",
    "Milestone",
    "MilestoneEvent",
    "MonthlyReport",
    "Phase",
    "PhaseTransition",
    "Program",
    "ReportValue",
    "SchemeElement",
    "SchemeItem",
    "Target",
    "UnitMilestone",
    "User",
    "ValidationRule",
]
