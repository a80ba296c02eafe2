"""Django finds the programme's models here; each domain package defines its own."""

from programs.core.models import (
    ApiToken,
    CreatingUnit,
    Department,
    District,
    Event,
    Milestone,
    Phase,
    Program,
    UnitBoundary,
    User,
)
from programs.evaluations.models import (
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    Grade,
    ItemScore,
    SchemeElement,
    SchemeItem,
)
from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FiscalYear,
    FundCategory,
    FundsDocument,
    FundSource,
)
from programs.jobs.models import Job, Once, Worker
from programs.notifications.models import Notification, NotificationPreference
from programs.progress.models import (
    DueBand,
    Evidence,
    EvidenceVersion,
    UnitMilestone,
)
from programs.reports.models import Indicator, MonthlyReport, ReportValue, ValidationRule
from programs.titles.models import Certification, Target

__all__ = [
    "ApiToken",
    "BudgetLine",
    "Certification",
    "CreatingUnit",
    "Department",
    "Disbursement",
    "District",
    "DueBand",
    "Evaluation",
    "EvaluationRound",
    "EvaluationScheme",
    "Event",
    "Evidence",
    "EvidenceVersion",
    "Expenditure",
    "FiscalYear",
    "FundCategory",
    "FundSource",
    "FundsDocument",
    "Grade",
    "Indicator",
    "ItemScore",
    "Job",
    "Milestone",
    "MonthlyReport",
    "Notification",
    "NotificationPreference",
    "Once",
    "Phase",
    "Program",
    "ReportValue",
    "SchemeElement",
    "SchemeItem",
    "Target",
    "UnitBoundary",
    "UnitMilestone",
    "User",
    "ValidationRule",
    "Worker",
]
