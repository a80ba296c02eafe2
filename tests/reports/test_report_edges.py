"""Edges of the monthly report found in review: log totals beyond a report's range, odd month
filters, formulas in exported text, drafts nobody asked for, and submitting unsaved edits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.models import Indicator, MonthlyReport, ReportValue
from programs.reports.models.monthly import MAX_VALUE
from programs.reports.services import report_open, report_save
from safecommunity.calendar import Month
from tests.downloads import downloaded
from tests.factories import ActivityFactory
from workgroups.models import ActivityKind

pytestmark = pytest.mark.django_db

THIS_MONTH = Month.first_day(timezone.localdate())
LAST_MONTH = Month.first_day(THIS_MONTH - timedelta(days=1))


def indicator(code: str, **fields) -> Indicator:
    values = {"name": f"指标{code}", "unit_of_measure": "次", "section": Indicator.Section.WORK}
    return Indicator.objects.create(code=code, **{**values, **fields})


def report_url(unit, period) -> str:
    return reverse("programs:report-detail", args=[unit.code, f"{period:%Y-%m}"])


def test_a_log_total_beyond_a_reports_range_is_shown_but_not_copied(client, unit_a, clerk_a):
    people = indicator("publicity-participants", source=Indicator.Source.PUBLICITY_PARTICIPANTS)
    for day in (3, 4):
        ActivityFactory(
            unit=unit_a,
            kind=ActivityKind.PUBLICITY,
            date=LAST_MONTH.replace(day=day),
            participants=MAX_VALUE,
        )
    client.force_login(clerk_a)

    response = client.get(report_url(unit_a, LAST_MONTH))

    assert response.status_code == 200
    row = ReportValue.objects.get(report__unit=unit_a, indicator=people)
    assert (row.prefilled, row.value) == (2 * MAX_VALUE, None)


@pytest.mark.parametrize(
    "query",
    [
        {"end": "0001-01"},
        {"start": "9999-12", "end": "9999-12"},
        {"start": "99999999999999999999-01"},
        {"start": "2026-13"},
    ],
)
def test_odd_month_filters_fall_back_to_the_default_range(client, district_user, query):
    client.force_login(district_user)

    grid = client.get(reverse("programs:report-grid"), query)
    export = client.get(reverse("programs:report-export"), query)

    assert grid.status_code == 200
    assert len(grid.context["grid"].months) == 12
    job = downloaded(client, export).job
    months = grid.context["grid"].months
    assert job.params["query"] == {"end": [f"{months[-1]:%Y-%m}"], "start": [f"{months[0]:%Y-%m}"]}


def test_exported_text_never_acts_as_a_formula(client, district_user, unit_a, clerk_a):
    found = indicator("found")
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    report_save(
        report=report,
        by=clerk_a,
        version=report.version,
        values={found.pk: (3, '=HYPERLINK("http://example.org","click")')},
        narrative={},
    )
    client.force_login(district_user)

    response = client.get(
        reverse("programs:report-export"),
        {"start": f"{LAST_MONTH:%Y-%m}", "end": f"{LAST_MONTH:%Y-%m}"},
    )

    sheet = downloaded(client, response).workbook().active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    comment = next(c for c in cells if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert comment.data_type == "s"  # a text cell, not a formula, and no apostrophe shows
    assert comment.value == '=HYPERLINK("http://example.org","click")'


def test_district_staff_looking_at_a_month_leave_no_draft_behind(client, district_user, unit_a):
    indicator("found")
    client.force_login(district_user)

    response = client.get(report_url(unit_a, LAST_MONTH))

    assert response.status_code == 404
    assert not MonthlyReport.objects.exists()


def test_no_report_for_a_month_before_the_unit_joined(client, unit_a, clerk_a):
    unit_a.joined_on = THIS_MONTH
    unit_a.save()
    client.force_login(clerk_a)

    response = client.get(report_url(unit_a, LAST_MONTH))

    assert response.status_code == 404
    assert not MonthlyReport.objects.exists()


def test_submit_saves_what_is_on_the_screen_first(client, unit_a, clerk_a):
    found = indicator("found")
    client.force_login(clerk_a)
    client.get(report_url(unit_a, LAST_MONTH))
    report = MonthlyReport.objects.get()

    response = client.post(
        report_url(unit_a, LAST_MONTH),
        {
            "version": str(report.version),
            "work_done": "排查隐患",
            "problems": "",
            "next_plan": "",
            f"value_{found.pk}": "4",
            f"comment_{found.pk}": "",
            "then": "submit",
        },
    )

    report.refresh_from_db()
    assert response.status_code == 302
    assert report.status == MonthlyReport.Status.SUBMITTED
    assert report.values.get(indicator=found).value == 4
    assert report.work_done == "排查隐患"
