"""Read-only pages across every domain: units, the programme, progress, dashboard, summary, a
district's page and the city dashboard."""

from .city import CityDashboardView, CityExportView
from .dashboard import DashboardExportView, DashboardView, DistrictDetailView
from .maps import CityMapView
from .progress import ProgressExportView, ProgressView
from .summary import UnitSummaryView
from .units import HomeView, ProgramOverviewView, UnitDetailView, UnitHistoryView, UnitListView

__all__ = [
    "CityDashboardView",
    "CityExportView",
    "CityMapView",
    "DashboardExportView",
    "DashboardView",
    "DistrictDetailView",
    "HomeView",
    "ProgramOverviewView",
    "ProgressExportView",
    "ProgressView",
    "UnitDetailView",
    "UnitHistoryView",
    "UnitListView",
    "UnitSummaryView",
]
