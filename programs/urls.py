from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("units/", views.UnitListView.as_view(), name="unit-list"),
    path("units/<str:code>/", views.UnitDetailView.as_view(), name="unit-detail"),
    path("units/<str:code>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
    path("units/<str:code>/history/", views.UnitHistoryView.as_view(), name="unit-history"),
    path("programme/", views.ProgramOverviewView.as_view(), name="program-overview"),
]
