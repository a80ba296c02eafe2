"""URLs of the programme's units themselves and the user's API tokens (names in the `programs`
namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("units/<str:code>/edit/", views.UnitUpdateView.as_view(), name="unit-edit"),
    path("profile/tokens/", views.token_list, name="token-list"),
    path("profile/tokens/create/", views.token_create_view, name="token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke_view, name="token-revoke"),
]
