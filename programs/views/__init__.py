"""The programme's pages, one module per area: units, milestones and evidence, progress, titles."""

from .completeness import ReportExportView, ReportGridView, ReportQueueView
from .dashboard import DashboardExportView, DashboardView
from .milestones import (
    EvidenceDownloadView,
    EvidenceUploadView,
    UnitAdvanceView,
    UnitMilestoneDetailView,
    UnitMilestoneTransitionView,
)
from .progress import ProgressExportView, ProgressView
from .reports import (
    MonthlyReportDetailView,
    MonthlyReportListView,
    MonthlyReportTransitionView,
)
from .summary import UnitSummaryView
from .titles import CertificationCreateView, CertificationMoveView
from .units import (
    HomeView,
    ProgramOverviewView,
    UnitDetailView,
    UnitHistoryView,
    UnitListView,
    UnitUpdateView,
)

__all__ = [
    "CertificationCreateView",
    "CertificationMoveView",
    "DashboardExportView",
    "DashboardView",
    "EvidenceDownloadView",
    "EvidenceUploadView",
    "HomeView",
    "MonthlyReportDetailView",
    "MonthlyReportListView",
    "MonthlyReportTransitionView",
    "ProgramOverviewView",
    "ProgressExportView",
    "ProgressView",
    "ReportExportView",
    "ReportGridView",
    "ReportQueueView",
    "UnitAdvanceView",
    "UnitDetailView",
    "UnitHistoryView",
    "UnitListView",
    "UnitMilestoneDetailView",
    "UnitMilestoneTransitionView",
    "UnitSummaryView",
    "UnitUpdateView",
]
