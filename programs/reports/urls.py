"""URLs of the monthly reports: a unit's months and report (and its printable form), the grid,
the queue, the export."""

from django.urls import path

from . import views

urlpatterns = [
    path("units/<str:code>/reports/", views.MonthlyReportListView.as_view(), name="report-list"),
    path(
        "units/<str:code>/reports/<str:period>/",
        views.MonthlyReportDetailView.as_view(),
        name="report-detail",
    ),
    path(
        "units/<str:code>/reports/<str:period>/print/",
        views.MonthlyReportPrintView.as_view(),
        name="report-print",
    ),
    path(
        "units/<str:code>/reports/<str:period>/<slug:action>/",
        views.MonthlyReportTransitionView.as_view(),
        name="report-transition",
    ),
    path("reports/", views.ReportGridView.as_view(), name="report-grid"),
    path("reports/queue/", views.ReportQueueView.as_view(), name="report-queue"),
    path(
        "reports/queue/approve/",
        views.ReportBulkApproveView.as_view(),
        name="report-bulk-approve",
    ),
    path("reports/export.xlsx", views.ReportExportView.as_view(), name="report-export"),
    path(
        "reports/export.csv",
        views.ReportExportView.as_view(file_format="csv"),
        name="report-export-csv",
    ),
]
