"""URLs of a unit's progress: milestones, their evidence and moves, the phase advance."""

from django.urls import path

from . import views

urlpatterns = [
    path("milestones/queue/", views.MilestoneQueueView.as_view(), name="milestone-queue"),
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
]
