"""URLs of titles: recording an application and moving it on."""

from django.urls import path

from . import views

urlpatterns = [
    path("units/<str:code>/titles/add/", views.CertificationCreateView.as_view(), name="title-add"),
    path("titles/<int:pk>/move/", views.CertificationMoveView.as_view(), name="title-move"),
]
