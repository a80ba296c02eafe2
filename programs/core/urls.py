"""URLs of the programme's units themselves (names in the `programs` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("units/<str:code>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
]
