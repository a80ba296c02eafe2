"""The app's pages, one module per area: the records, their statistics, spreadsheet imports."""

from .imports import (
    BatchCommitView,
    BatchDetailView,
    BatchWithdrawView,
    ImportCheckView,
    ImportTemplateView,
    ImportUploadView,
)
from .records import (
    RecordCreateView,
    RecordDeleteView,
    RecordDetailView,
    RecordListView,
    RecordUpdateView,
)
from .statistics import StatisticsExportView, StatisticsView

__all__ = [
    "BatchCommitView",
    "BatchDetailView",
    "BatchWithdrawView",
    "ImportCheckView",
    "ImportTemplateView",
    "ImportUploadView",
    "RecordCreateView",
    "RecordDeleteView",
    "RecordDetailView",
    "RecordListView",
    "RecordUpdateView",
    "StatisticsExportView",
    "StatisticsView",
]
