"""Completeness and timeliness: the rate arithmetic, the grid, queue and export pages, and the
report reminders."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programs.core.choices import UnitKind
from programs.core.models import Event
from programs.models import CreatingUnit, Indicator, MonthlyReport, ReportValue, User
from programs.notifications.models import Notification
from programs.reports.demo import reports_demo
from programs.reports.jobs import export_report_values
from programs.reports.selectors.completeness import Rate, completeness
from programs.setup import reference_data_load
from safecommunity.calendar import Month
from tests.downloads import downloaded, export_record, run_export
from tests.factories import ProgramFactory, UnitFactory, UserFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
Status = MonthlyReport.Status

# Measured at 38 and 400 units × 24 months. Grid (6): session, user, the phases of the filter
# form, the units, their reports of the range, the navigation's counts of what waits for review
# (a clerk's has no counts but their unit, for the navigation bar). Queue (5): session, user,
# count, the page of reports (with unit, programme and submitter), the navigation's counts. The
# export's job (2): the count, the values (with their report, unit and indicator).
REPORT_GRID_MAX_QUERIES = 6 + 1  # + the header's bell
REPORT_QUEUE_MAX_QUERIES = 5 + 1
REPORT_EXPORT_MAX_QUERIES = 2


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def report(unit, period: date, status=Status.APPROVED, first=None, **fields) -> MonthlyReport:
    return MonthlyReport.objects.create(
        unit=unit,
        period=period,
        status=status,
        first_submitted_at=first,
        submitted_at=fields.pop("submitted_at", first),
        return_reason=fields.pop("return_reason", "请补充" if status == Status.RETURNED else ""),
        **fields,
    )


@pytest.fixture
def program(db):
    return ProgramFactory(start_date=date(2024, 1, 1), report_due_day=5)


@pytest.fixture
def town(program):
    return UnitFactory(program=program, code="T01", joined_on=None)


# --- rate arithmetic ----------------------------------------------------------------------------


def test_a_unit_joining_mid_year_is_not_expected_before_its_month(program, town):
    joiner = UnitFactory(program=program, code="J01", joined_on=date(2024, 6, 20))
    for unit in (town, joiner):
        for month in (5, 6):
            report(unit, date(2024, month, 1), first=at(2024, month + 1, 2))

    grid = completeness(
        CreatingUnit.objects.all(), Month.between(date(2024, 5, 1), date(2024, 6, 1))
    )

    may, june = grid.columns
    assert (may.reporting.numerator, may.reporting.denominator) == (1, 1)  # joiner's May report
    assert (june.reporting.numerator, june.reporting.denominator) == (2, 2)
    assert may.reporting.percent == 100
    joiner_row = next(row for row in grid.rows if row.unit == joiner)
    assert [cell.expected for cell in joiner_row.cells] == [False, True]


def test_a_unit_without_joined_on_counts_from_the_programme_start(program, town):
    grid = completeness(CreatingUnit.objects.all(), [date(2023, 12, 1), date(2024, 1, 1)])

    assert [c.reporting.denominator for c in grid.columns] == [0, 1]
    assert grid.columns[0].reporting.percent is None


def test_a_late_submission_is_reported_but_not_on_time(program, town):
    report(town, date(2024, 3, 1), first=at(2024, 4, 6, 9))

    (column,) = completeness(CreatingUnit.objects.all(), [date(2024, 3, 1)]).columns

    assert (column.reporting.numerator, column.reporting.denominator) == (1, 1)
    assert (column.on_time.numerator, column.on_time.denominator) == (0, 1)


def test_a_resubmission_after_return_counts_once_with_the_first_submissions_timeliness(
    program, town
):
    report(
        town,
        date(2024, 3, 1),
        status=Status.SUBMITTED,
        first=at(2024, 4, 3),
        submitted_at=at(2024, 4, 20),  # resubmitted, after the due day, once returned
    )
    returned = UnitFactory(program=program, code="R01")
    report(returned, date(2024, 3, 1), status=Status.RETURNED, first=at(2024, 4, 4))

    grid = completeness(CreatingUnit.objects.all(), [date(2024, 3, 1)])

    (column,) = grid.columns
    assert (column.reporting.numerator, column.reporting.denominator) == (2, 2)
    assert (column.on_time.numerator, column.on_time.denominator) == (2, 2)


def test_a_draft_never_submitted_is_not_reported(program, town):
    report(town, date(2024, 3, 1), status=Status.DRAFT)

    (column,) = completeness(CreatingUnit.objects.all(), [date(2024, 3, 1)]).columns

    assert (column.reporting.numerator, column.reporting.denominator) == (0, 1)


def test_a_report_from_a_unit_not_yet_expected_never_lifts_a_rate_above_100(program, town):
    early = UnitFactory(program=program, code="E01", joined_on=date(2024, 9, 1))
    report(early, date(2024, 3, 1), first=at(2024, 4, 1))
    report(town, date(2024, 3, 1), first=at(2024, 4, 1))

    grid = completeness(CreatingUnit.objects.all(), [date(2024, 3, 1)])

    (column,) = grid.columns
    assert (column.reporting.numerator, column.reporting.denominator) == (1, 1)
    assert column.reporting.percent == 100
    assert (grid.reporting.numerator, grid.reporting.denominator) == (1, 1)


def test_a_rate_cannot_be_built_above_100_percent():
    with pytest.raises(ValueError):
        Rate(3, 2)
    assert Rate(1, 3).percent == Decimal("33.3")


@pytest.mark.parametrize(
    ("submitted", "on_time"),
    [
        (at(2024, 4, 5, 23, 59), True),  # the last minute of the due day in Beijing
        (at(2024, 4, 6, 0, 0), False),  # the first minute after it
        (datetime(2024, 4, 5, 15, 59, tzinfo=ZoneInfo("UTC")), True),  # 23:59 in Beijing
        (datetime(2024, 4, 5, 16, 0, tzinfo=ZoneInfo("UTC")), False),  # 00:00 on the 6th
    ],
)
def test_the_due_day_ends_at_midnight_asia_shanghai(program, town, submitted, on_time):
    with time_machine.travel(submitted, tick=False):
        item = report(town, date(2024, 3, 1), status=Status.SUBMITTED, first=submitted)

    (cell,) = completeness(CreatingUnit.objects.all(), [date(2024, 3, 1)]).rows[0].cells
    item.refresh_from_db()
    assert item.on_time is on_time
    assert cell.on_time is on_time
    assert cell.late is not on_time


# --- pages --------------------------------------------------------------------------------------


@pytest.fixture
def two_units(unit_a, unit_b):
    month = Month.last_months(1)[0]
    first = report(unit_a, month, status=Status.SUBMITTED, first=at(2020, 1, 1))
    second = report(unit_b, month, status=Status.SUBMITTED, first=at(2020, 1, 2))
    indicators = Indicator.objects.bulk_create(
        Indicator(code=f"i{n}", name=f"指标{n}", unit_of_measure="次", section="work", order=n)
        for n in range(3)
    )
    ReportValue.objects.bulk_create(
        ReportValue(report=item, indicator=indicator, value=n)
        for n, (item, indicator) in enumerate(itertools.product((first, second), indicators))
    )
    return first, second


def test_district_staff_see_every_unit_in_the_grid_with_numerator_and_denominator(
    client, district_user, two_units
):
    client.force_login(district_user)

    response = client.get(reverse("programs:report-grid"))

    assert response.status_code == 200
    assert {row["code"] for row in response.context["rows"]} == {"A01", "B01"}
    assert len(response.context["grid"].months) == 12
    html = response.content.decode()
    assert "2/2" in html
    assert html.count('<td class="report-cell report-submitted') == 2
    assert (
        reverse("programs:report-detail", args=["A01", f"{Month.last_months(1)[0]:%Y-%m}"]) in html
    )


def test_a_clerk_sees_only_their_own_unit_in_grid_queue_and_export(client, clerk_a, two_units):
    client.force_login(clerk_a)

    grid = client.get(reverse("programs:report-grid"))
    queue = client.get(reverse("programs:report-queue"))
    export = client.get(reverse("programs:report-export"))

    assert [row["code"] for row in grid.context["rows"]] == ["A01"]
    assert [r.unit.code for r in queue.context["reports"]] == ["A01"]
    sheet = downloaded(client, export).workbook().active
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == {"A01"}


def test_the_queue_lists_submitted_reports_oldest_first(client, district_user, two_units):
    client.force_login(district_user)

    response = client.get(reverse("programs:report-queue"))

    assert [r.unit.code for r in response.context["reports"]] == ["A01", "B01"]


def test_export_rows_equal_the_filtered_values(client, district_user, two_units):
    client.force_login(district_user)

    response = client.get(reverse("programs:report-export"), {"kind": UnitKind.STREET})

    sheet = downloaded(client, response).workbook().active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = ReportValue.objects.filter(report__unit__kind=UnitKind.STREET).order_by(
        "indicator__order"
    )
    assert [(r[0], r[5], r[8]) for r in rows] == [
        ("B01", v.indicator.code, v.value) for v in expected
    ]


def test_the_grid_filters_by_month_range(client, district_user, two_units):
    client.force_login(district_user)

    response = client.get(reverse("programs:report-grid"), {"start": "2024-02", "end": "2024-05"})

    assert response.context["grid"].months == Month.between(date(2024, 2, 1), date(2024, 5, 1))


def build_reports(unit_count: int, month_count: int = 24, *, values: bool = False) -> None:
    """`unit_count` units, each with a report for each of the last `month_count` months (and
    with `values`, a value for each of three indicators in every report)."""
    program = ProgramFactory(start_date=date(2000, 1, 1))
    kinds = itertools.cycle(UnitKind.values)
    units = CreatingUnit.objects.bulk_create(
        CreatingUnit(
            program=program,
            district_id=program.district_id,
            code=f"G{n:04d}",
            name=f"单位{n}",
            kind=next(kinds),
        )
        for n in range(unit_count)
    )
    months = Month.last_months(month_count)
    statuses = itertools.cycle([Status.APPROVED, Status.SUBMITTED, Status.RETURNED, Status.DRAFT])
    rows = []
    for unit, month in itertools.product(units, months):
        status = next(statuses)
        first = None if status == Status.DRAFT else at(month.year, month.month, 28)
        rows.append(
            MonthlyReport(
                unit=unit,
                period=month,
                status=status,
                first_submitted_at=first,
                submitted_at=first,
                return_reason="请补充" if status == Status.RETURNED else "",
            )
        )
    MonthlyReport.objects.bulk_create(rows, batch_size=2000)
    if values:
        indicators = Indicator.objects.bulk_create(
            Indicator(code=f"q{n}", name=f"指标{n}", unit_of_measure="次", section="work", order=n)
            for n in range(3)
        )
        ReportValue.objects.bulk_create(
            (
                ReportValue(report=row, indicator=indicator, value=n)
                for n, (row, indicator) in enumerate(itertools.product(rows, indicators))
            ),
            batch_size=5000,
        )


@pytest.mark.parametrize("unit_count", [38, 400])
def test_report_grid_queries_do_not_grow_with_units(
    client, district_user, django_assert_max_num_queries, unit_count
):
    build_reports(unit_count)
    client.force_login(district_user)

    with django_assert_max_num_queries(REPORT_GRID_MAX_QUERIES):
        response = client.get(
            reverse("programs:report-grid"), {"start": Month.last_months(24)[0].strftime("%Y-%m")}
        )

    assert response.status_code == 200
    assert response.context["total"] == unit_count
    assert len(response.context["rows"]) == min(unit_count, 100)
    assert len(response.context["grid"].months) == 24
    column = response.context["grid"].columns[0]
    assert column.reporting.denominator == unit_count


@pytest.mark.parametrize("unit_count", [38, 400])
def test_report_queue_queries_do_not_grow_with_units(
    client, district_user, django_assert_max_num_queries, unit_count
):
    build_reports(unit_count, month_count=4)
    client.force_login(district_user)

    with django_assert_max_num_queries(REPORT_QUEUE_MAX_QUERIES):
        response = client.get(reverse("programs:report-queue"))

    assert response.status_code == 200
    assert response.context["total"] == unit_count


@pytest.mark.parametrize("unit_count", [38, 400])
def test_report_export_queries_do_not_grow_with_units(
    district_user, django_assert_max_num_queries, unit_count
):
    build_reports(unit_count, month_count=2, values=True)
    record = export_record(export_report_values, district_user, query={})

    with django_assert_max_num_queries(REPORT_EXPORT_MAX_QUERIES):
        _outcome, content = run_export(record)

    sheet = load_workbook(BytesIO(content)).active
    assert sheet.max_row == 1 + unit_count * 2 * 3
    assert record.done == record.total == unit_count * 2 * 3


# --- reminders ----------------------------------------------------------------------------------


@pytest.fixture
def reminder_world(program):
    """On 2024-04-03 (the due day is the 5th): unit T01 has not submitted March, unit S01 has;
    both reported January and February."""
    late = UnitFactory(program=program, code="T01")
    done = UnitFactory(program=program, code="S01")
    for unit in (late, done):
        for month in (1, 2):
            report(unit, date(2024, month, 1), status=Status.APPROVED, first=at(2024, month + 1, 2))
    report(done, date(2024, 3, 1), status=Status.SUBMITTED, first=at(2024, 4, 1))
    report(late, date(2024, 3, 1), status=Status.DRAFT)
    UserFactory(username="clerk_t", role=User.Role.CLERK, unit=late, email="clerk.t@example.org")
    UserFactory(username="clerk_s", role=User.Role.CLERK, unit=done, email="clerk.s@example.org")
    UserFactory(username="boss", role=User.Role.DISTRICT, email="boss@example.org")
    return late, done


def test_a_dry_run_of_the_reminders_writes_nothing(reminder_world, capsys):
    late, done = reminder_world
    call_command("write_reminders", "--day", "2024-04-03", "--dry-run")

    assert not Event.objects.filter(kind=Event.Kind.DEADLINE).exists()
    out = capsys.readouterr().out
    assert f"report_due: {late.name}" in out
    assert done.name not in out


def test_the_reminders_tell_the_clerks_who_have_not_submitted(reminder_world):
    call_command("write_reminders", "--day", "2024-04-03")

    told = Notification.objects.filter(kind=Notification.Kind.REPORT_DUE)
    assert list(told.values_list("user__username", flat=True)) == ["clerk_t"]
    assert mail.outbox == []  # a reminder waits for the daily digest by default


def test_no_reminder_before_the_window_opens(reminder_world):
    call_command("write_reminders", "--day", "2024-04-01")

    assert not Notification.objects.filter(kind=Notification.Kind.REPORT_DUE).exists()


# --- demo ---------------------------------------------------------------------------------------


def test_the_demo_writes_two_years_of_reports_in_mixed_states(district_user):
    reference_data_load()
    CreatingUnit.objects.filter(code=CreatingUnit.objects.order_by("code")[0].code).update(
        joined_on=timezone.localdate() - timedelta(days=200)
    )
    written = reports_demo(district_user)

    assert written == MonthlyReport.objects.count() > 24 * 30
    states = set(MonthlyReport.objects.values_list("status", flat=True))
    assert states == set(Status.values)
    assert ReportValue.objects.count() == written * Indicator.objects.active().count()
    this_month = MonthlyReport.objects.filter(period=timezone.localdate().replace(day=1))
    assert set(this_month.values_list("status", flat=True)) == {Status.DRAFT}
    submitted = MonthlyReport.objects.exclude(submitted_at=None)
    assert Event.objects.filter(action="submit").count() == submitted.count()  # their history
    assert Event.objects.filter(action="approve").count() == (
        MonthlyReport.objects.filter(status=Status.APPROVED).count()
    )
    assert reports_demo(district_user) == 0  # run again: nothing added


@pytest.mark.parametrize(
    ("status", "label"), [("approved", "已通过"), ("returned", "已退回"), ("", "")]
)
def test_a_grid_cell_names_its_reports_status(status, label):
    from programs.reports.selectors.completeness import Cell

    cell = Cell(month=date(2026, 5, 1), expected=True, due=date(2026, 6, 10), status=status)

    assert cell.status_label == label
