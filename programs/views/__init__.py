"""The programme's pages, one module per area: units, milestones and evidence, progress, titles."""

from .milestones import (
    EvidenceDownloadView,
    EvidenceUploadView,
    UnitAdvanceView,
    UnitMilestoneDetailView,
    UnitMilestoneTransitionView,
)
from .progress import ProgressExportView, ProgressView
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
    "EvidenceDownloadView",
    "EvidenceUploadView",
    "HomeView",
    "ProgramOverviewView",
    "ProgressExportView",
    "ProgressView",
    "UnitAdvanceView",
    "UnitDetailView",
    "UnitHistoryView",
    "UnitListView",
    "UnitMilestoneDetailView",
    "UnitMilestoneTransitionView",
    "UnitUpdateView",
]
