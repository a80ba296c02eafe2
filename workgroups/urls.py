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
    # What the unit does: its activity log and its promotion projects
    path("units/<str:code>/activities/", views.ActivityListView.as_view(), name="activity-list"),
    path(
        "units/<str:code>/activities/add/",
        views.ActivityCreateView.as_view(),
        name="activity-add",
    ),
    path("activities/<int:pk>/edit/", views.ActivityUpdateView.as_view(), name="activity-edit"),
    path("activities/<int:pk>/delete/", views.ActivityDeleteView.as_view(), name="activity-delete"),
    path("activities/<int:pk>/attach/", views.ActivityAttachView.as_view(), name="activity-attach"),
    path("units/<str:code>/projects/", views.ProjectListView.as_view(), name="project-list"),
    path("units/<str:code>/projects/add/", views.ProjectCreateView.as_view(), name="project-add"),
    path("projects/<int:pk>/edit/", views.ProjectUpdateView.as_view(), name="project-edit"),
    path(
        "projects/<int:pk>/<slug:action>/",
        views.ProjectTransitionView.as_view(),
        name="project-transition",
    ),
]
