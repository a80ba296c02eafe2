"""URLs of the read-only pages across domains: units, programme, progress, dashboard, summary,
a district's page and the city dashboard."""

from django.urls import path

from . import views

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<str:code>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<str:code>/history/", views.UnitHistoryView.as_view(), name="unit-history"),
    path("units/<str:code>/summary/", views.UnitSummaryView.as_view(), name="unit-summary"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.xlsx", views.DashboardExportView.as_view(), name="dashboard-export"),
    path("districts/<str:code>/", views.DistrictDetailView.as_view(), name="district-detail"),
    path(
        "districts/<str:code>/export.xlsx",
        views.DashboardExportView.as_view(),
        name="district-export",
    ),
    path("city/", views.CityDashboardView.as_view(), name="city-dashboard"),
    path("city/export.xlsx", views.CityExportView.as_view(), name="city-export"),
    path("map/", views.CityMapView.as_view(), name="map"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("progress/export.xlsx", views.ProgressExportView.as_view(), name="progress-export"),
    path("programme/", views.ProgramOverviewView.as_view(), name="program-overview"),
]
