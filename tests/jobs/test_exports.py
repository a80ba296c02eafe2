"""Exports run as jobs: the page's export starts one (the test settings run it at once), sends
its user to the job's page and leaves the file for that user only; the same export asked for
again while it waits is found, not started twice; progress is reported as rows are written."""

from __future__ import annotations

import tempfile

import pytest
from django.urls import reverse
from django.utils import timezone

from injuries.jobs import export_statistics
from programs.jobs import errors
from programs.jobs.admin_exports import export_from_admin
from programs.jobs.exports import rows_with_progress
from programs.jobs.models import Job
from programs.jobs.runner import already_running, start
from programs.models import Indicator, MonthlyReport, ReportValue
from programs.overview.jobs import export_dashboard
from programs.reports.jobs import export_report_values
from safecommunity.calendar import Month
from tests.downloads import downloaded, export_job
from tests.factories import InjuryRecordFactory

# name: (the export's address, its job kind, a query, another query)
EXPORTS = {
    "report values": (
        reverse("programs:report-export"),
        export_report_values,
        {"kind": "street"},
        {"kind": "town"},
    ),
    "dashboard": (
        reverse("programs:dashboard-export"),
        export_dashboard,
        {"kind": "street"},
        {"sort": "-on_time"},
    ),
    "injury statistics": (
        reverse("injuries:statistics-export"),
        export_statistics,
        {"source": "hospital"},
        {"source": "fire"},
    ),
}


@pytest.fixture
def world(unit_a, unit_b):
    """Both units with last month's report of two values, and an injury record each."""
    month = Month.last_months(1)[0]
    indicators = [
        Indicator.objects.create(
            code=f"x{n}", name=f"指标{n}", unit_of_measure="次", section="work", order=n
        )
        for n in range(2)
    ]
    for unit in (unit_a, unit_b):
        report = MonthlyReport.objects.create(unit=unit, period=month)
        ReportValue.objects.bulk_create(
            ReportValue(report=report, indicator=indicator, value=3) for indicator in indicators
        )
        InjuryRecordFactory(unit=unit, injury_date=timezone.localdate().replace(day=1))


@pytest.mark.parametrize("name", EXPORTS)
def test_an_export_starts_a_job_whose_page_leads_to_the_file_of_its_user_only(
    client, district_user, clerk_b, world, name, tmp_path, monkeypatch
):
    url, kind, query, _other = EXPORTS[name]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the job writes its file
    client.force_login(district_user)

    response = client.get(url, query)

    job = export_job(response)
    assert response["Location"] == reverse("programs:job-detail", args=[job.pk])
    assert (job.kind, job.user, job.state) == (kind.module_path, district_user, Job.State.DONE)
    assert job.done == job.total > 0  # the progress ended at the rows written
    assert job.key.startswith(f"export:{district_user.pk}:")
    page = client.get(response["Location"])
    assert 'id="job-download"' in page.text
    assert len(downloaded(client, response).workbook().sheetnames) >= 1
    assert not list(tmp_path.iterdir())  # the file written was moved to the storage

    client.force_login(clerk_b)
    assert client.get(reverse("programs:job-download", args=[job.pk])).status_code == 404
    assert client.get(reverse("programs:job-detail", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("name", EXPORTS)
def test_the_same_export_asked_for_while_the_first_waits_finds_the_first(
    client, district_user, clerk_a, world, name
):
    url, _kind, query, other = EXPORTS[name]
    client.force_login(district_user)
    first = export_job(client.get(url, query))
    Job.objects.filter(pk=first.pk).update(state=Job.State.QUEUED)  # no worker has taken it yet
    first.refresh_from_db()

    # A double click, or the same filters with a page number and a stray parameter.
    again = client.get(url, {**query, "page": "2", "utm": "x"}, follow=True)

    assert again.redirect_chain[-1][0] == first.get_absolute_url()
    assert [str(message) for message in again.context["messages"]] == [already_running(first)]
    assert Job.objects.count() == 1
    # Other filters are other work, and so is the same export of another user.
    assert export_job(client.get(url, other)) != first
    client.force_login(clerk_a)
    assert export_job(client.get(url, query)) != first
    assert Job.objects.count() == 3


def test_the_statistics_export_writes_its_default_dates_out(client, district_user, world):
    """The filters' defaults are today's: the job reads the same dates whenever it runs, and
    the export with the defaults left empty is the same work as with them written."""
    client.force_login(district_user)
    first = export_job(client.get(reverse("injuries:statistics-export")))
    Job.objects.filter(pk=first.pk).update(state=Job.State.QUEUED)

    today = timezone.localdate()
    again = export_job(
        client.get(
            reverse("injuries:statistics-export"), {"date_from": f"{today:%Y}-01-01", "source": ""}
        )
    )

    assert again == first
    assert first.params["query"]["date_from"] == [f"{today:%Y}-01-01"]
    assert first.params["query"]["date_to"] == [today.isoformat()]


def test_the_report_export_keeps_the_months_the_grid_showed(client, district_user, world):
    client.force_login(district_user)

    job = export_job(client.get(reverse("programs:report-export"), {"year": "2024"}))

    assert job.params["query"] == {"end": ["2024-12"], "start": ["2024-01"]}
    assert job.title == "月报数据导出 2024-01 – 2024-12"


def test_a_statistics_export_whose_unit_left_the_users_scope_fails_saying_so(
    clerk_a, unit_b, world
):
    clerk_a.language = "en"
    clerk_a.save()

    job, _created = start(
        export_statistics, user=clerk_a, title="t", params={"query": {"units": [unit_b.pk]}}
    )

    job.refresh_from_db()
    assert job.state == Job.State.FAILED
    assert job.error.startswith("The filters of this export are no longer valid")
    assert not job.result


def test_an_admin_export_of_a_user_no_longer_staff_fails_saying_so(staff_district, world):
    staff_district.is_staff = False
    staff_district.save()
    params = {"model": "injuries.injuryrecord", "query": {}, "file_format": 1, "resource": 0}

    job, _created = start(
        export_from_admin, user=staff_district, title="t", params={**params, "fields": []}
    )

    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED, str(errors.EXPORT_NOT_ALLOWED))


def test_the_admin_export_asked_for_again_while_it_waits_finds_the_first(
    client, staff_district, world
):
    url = reverse("admin:injuries_injuryrecord_export")
    form = {"resource": "0", "format": "0", "injuryrecordresource_record_number": "on"}
    client.force_login(staff_district)
    first = export_job(client.post(url, form))
    assert (first.state, first.done, first.total) == (Job.State.DONE, 2, 2)
    Job.objects.filter(pk=first.pk).update(state=Job.State.QUEUED)

    assert export_job(client.post(url, form)) == first
    assert export_job(client.post(f"{url}?q=x", form)) != first


def test_progress_is_reported_every_thousand_rows_and_ends_at_the_rows_written(clerk_a):
    record = Job.objects.create(kind="k", title="t", user=clerk_a, state=Job.State.RUNNING)

    def seen() -> tuple[int, int | None]:
        return Job.objects.get(pk=record.pk).progress()

    moments = {}
    for row in rows_with_progress(record, range(2500), 2400):
        if row in (0, 999, 1000, 2000):
            moments[row] = seen()

    assert moments == {0: (0, 2400), 999: (0, 2400), 1000: (1000, 2400), 2000: (2000, 2400)}
    assert seen() == (2500, 2500) == (record.done, record.total)


@pytest.fixture
def staff_district(district_user):
    from django.contrib.auth.models import Permission

    district_user.is_staff = True
    district_user.save()
    district_user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="injuries")
    )
    return district_user


def test_an_export_asked_for_in_english_is_written_in_english(english, district_user, unit_a):
    """The page's language, not only the one saved for e-mails (never set here)."""
    english.force_login(district_user)
    response = english.get(reverse("programs:dashboard-export"))
    record = Job.objects.get()
    assert (record.language, district_user.language) == ("en", "")
    assert record.message == "1 row written."
    assert response.status_code == 302
