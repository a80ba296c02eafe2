from django.urls import path

from . import views

app_name = "workgroups"

urlpatterns = [
    path("units/<str:code>/groups/add/", views.WorkGroupAddView.as_view(), name="group-add"),
    path(
        "units/<str:code>/groups/add-custom/",
        views.WorkGroupCreateCustomView.as_view(),
        name="group-add-custom",
    ),
    path("groups/<int:pk>/edit/", views.WorkGroupUpdateView.as_view(), name="group-edit"),
    path("groups/<int:pk>/drop/", views.WorkGroupDropView.as_view(), name="group-drop"),
    path("groups/<int:pk>/restore/", views.WorkGroupRestoreView.as_view(), name="group-restore"),
    path("units/<str:code>/members/add/", views.MemberCreateView.as_view(), name="member-add"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member-edit"),
    path("members/<int:pk>/delete/", views.MemberDeleteView.as_view(), name="member-delete"),
]
