"""Django finds the programme's models here; each domain package defines its own."""

from programs.core.models import CreatingUnit, Department, Milestone, Phase, Program, User
from programs.evaluations.models import (
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    Grade,
    ItemScore,
    SchemeElement,
    SchemeItem,
)
from programs.progress.models import (
    DueBand,
    Evidence,
    EvidenceVersion,
    MilestoneEvent,
    PhaseTransition,
    UnitMilestone,
)
from programs.reports.models import Indicator, MonthlyReport, ReportValue, ValidationRule
from programs.titles.models import Certification, Target

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
