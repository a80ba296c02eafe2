"""The programme's URLs, gathered from its domains under one namespace, `programs`."""

from programs.core import urls as core
from programs.evaluations import urls as evaluations
from programs.funds import urls as funds
from programs.jobs import urls as jobs
from programs.notifications import urls as notifications
from programs.overview import urls as overview
from programs.progress import urls as progress
from programs.reports import urls as reports
from programs.titles import urls as titles

app_name = "programs"

urlpatterns = [
    *overview.urlpatterns,
    *core.urlpatterns,
    *progress.urlpatterns,
    *reports.urlpatterns,
    *titles.urlpatterns,
    *evaluations.urlpatterns,
    *jobs.urlpatterns,
    *notifications.urlpatterns,
    *funds.urlpatterns,
]
