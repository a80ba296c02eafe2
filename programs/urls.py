from django.urls import path

from . import views
from .views import evaluations as evaluation_views

app_name = "programs"

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<str:code>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<str:code>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
    path("units/<str:code>/history/", views.UnitHistoryView.as_view(), name="unit-history"),
    path("units/<str:code>/advance/", views.UnitAdvanceView.as_view(), name="unit-advance"),
    path(
        "units/<str:code>/milestones/<int:pk>/",
        views.UnitMilestoneDetailView.as_view(),
        name="milestone-detail",
    ),
    path(
        "units/<str:code>/milestones/<int:pk>/upload/",
        views.EvidenceUploadView.as_view(),
        name="evidence-upload",
    ),
    path(
        "units/<str:code>/milestones/<int:pk>/<slug:action>/",
        views.UnitMilestoneTransitionView.as_view(),
        name="milestone-transition",
    ),
    path(
        "evidence/<int:pk>/download/",
        views.EvidenceDownloadView.as_view(),
        name="evidence-download",
    ),
    path("units/<str:code>/reports/", views.MonthlyReportListView.as_view(), name="report-list"),
    path(
        "units/<str:code>/reports/<str:period>/",
        views.MonthlyReportDetailView.as_view(),
        name="report-detail",
    ),
    path(
        "units/<str:code>/reports/<str:period>/<slug:action>/",
        views.MonthlyReportTransitionView.as_view(),
        name="report-transition",
    ),
    path("units/<str:code>/titles/add/", views.CertificationCreateView.as_view(), name="title-add"),
    path("titles/<int:pk>/move/", views.CertificationMoveView.as_view(), name="title-move"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/export.xlsx", views.DashboardExportView.as_view(), name="dashboard-export"),
    path("progress/", views.ProgressView.as_view(), name="progress"),
    path("progress/export.xlsx", views.ProgressExportView.as_view(), name="progress-export"),
    path("programme/", views.ProgramOverviewView.as_view(), name="program-overview"),
    path("reports/", views.ReportGridView.as_view(), name="report-grid"),
    path("reports/queue/", views.ReportQueueView.as_view(), name="report-queue"),
    path("reports/export.xlsx", views.ReportExportView.as_view(), name="report-export"),
]

# Performance evaluations (issue 6).
urlpatterns += [
    path("evaluations/", evaluation_views.EvaluationRoundListView.as_view(), name="round-list"),
    path(
        "evaluations/new/",
        evaluation_views.EvaluationRoundCreateView.as_view(),
        name="round-create",
    ),
    path(
        "evaluations/<int:pk>/",
        evaluation_views.EvaluationRoundDetailView.as_view(),
        name="round-detail",
    ),
    path(
        "evaluations/scores/<int:pk>/",
        evaluation_views.EvaluationDetailView.as_view(),
        name="evaluation-detail",
    ),
    path(
        "evaluations/scores/<int:pk>/finalise/",
        evaluation_views.EvaluationFinaliseView.as_view(),
        name="evaluation-finalise",
    ),
]

# A unit's one-page summary, for printing (issue 6).
urlpatterns += [
    path("units/<str:code>/summary/", views.UnitSummaryView.as_view(), name="unit-summary"),
]
