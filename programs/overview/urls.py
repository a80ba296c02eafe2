"""URLs of the read-only pages across domains: units, programme, progress, dashboard, summary."""

from django.urls import path

from . import views
from .views.district_placeholder import district_detail

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<str:code>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<str:code>/history/", views.UnitHistoryView.as_view(), name="unit-history"),
    path("units/<str:code>/summary/", views.UnitSummaryView.as_view(), name="unit-summary"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.xlsx", views.DashboardExportView.as_view(), name="dashboard-export"),
    path("map/", views.CityMapView.as_view(), name="map"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("progress/export.xlsx", views.ProgressExportView.as_view(), name="progress-export"),
    path("districts/<str:code>/", district_detail, name="district-detail"),
    path("programme/", views.ProgramOverviewView.as_view(), name="program-overview"),
]
