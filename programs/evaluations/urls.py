"""URLs of evaluations: rounds, opening one, an evaluation's grading and finalising."""

from django.urls import path

from . import views

urlpatterns = [
    path("evaluations/", views.EvaluationRoundListView.as_view(), name="round-list"),
    path("evaluations/new/", views.EvaluationRoundCreateView.as_view(), name="round-create"),
    path("evaluations/<int:pk>/", views.EvaluationRoundDetailView.as_view(), name="round-detail"),
    path(
        "evaluations/<int:pk>/export/",
        views.EvaluationRoundExportView.as_view(),
        name="round-export",
    ),
    path(
        "evaluations/scores/<int:pk>/",
        views.EvaluationDetailView.as_view(),
        name="evaluation-detail",
    ),
    path(
        "evaluations/scores/<int:pk>/finalise/",
        views.EvaluationFinaliseView.as_view(),
        name="evaluation-finalise",
    ),
    path(
        "evaluations/scores/<int:pk>/reopen/",
        views.EvaluationReopenView.as_view(),
        name="evaluation-reopen",
    ),
]
