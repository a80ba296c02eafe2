"""Read-only pages across every domain: units, the programme, progress, dashboard, summary."""

from .dashboard import DashboardExportView, DashboardView
from .maps import CityMapView
from .progress import ProgressExportView, ProgressView
from .summary import UnitSummaryView
from .units import HomeView, ProgramOverviewView, UnitDetailView, UnitHistoryView, UnitListView

__all__ = [
    "CityMapView",
    "DashboardExportView",
    "DashboardView",
    "HomeView",
    "ProgramOverviewView",
    "ProgressExportView",
    "ProgressView",
    "UnitDetailView",
    "UnitHistoryView",
    "UnitListView",
    "UnitSummaryView",
]
