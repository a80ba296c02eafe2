"""The API's URLs, included at `/api/`: the schema, its documentation page and version 1's
resources, each registered from its domain's `api.py`. (An assembler, like the root URLconf:
it may import every app.)"""

from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from injuries.api import ImportBatchViewSet, InjuryRecordViewSet
from programs.core.api import EventViewSet
from programs.evaluations.api import EvaluationViewSet
from programs.overview.api import UnitViewSet
from programs.progress.api import UnitMilestoneViewSet
from programs.reports.api import MonthlyReportViewSet
from programs.titles.api import CertificationViewSet, TargetViewSet
from workgroups.api import ActivityViewSet

from .views import DocsView, NotFoundView, SchemaView

v1 = DefaultRouter(trailing_slash=True)
v1.include_root_view = False
v1.register("units", UnitViewSet, basename="unit")
v1.register("events", EventViewSet, basename="event")
v1.register("injury-records", InjuryRecordViewSet, basename="injury-record")
v1.register("milestones", UnitMilestoneViewSet, basename="milestone")
v1.register("titles", CertificationViewSet, basename="title")
v1.register("targets", TargetViewSet, basename="target")
v1.register("monthly-reports", MonthlyReportViewSet, basename="monthly-report")
v1.register("activities", ActivityViewSet, basename="activity")
v1.register("evaluations", EvaluationViewSet, basename="evaluation")
v1.register("import-batches", ImportBatchViewSet, basename="import-batch")

urlpatterns = [
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/", include((v1.urls, "api"), namespace="v1")),
    re_path(r"^", NotFoundView.as_view(), name="api-not-found"),
]
