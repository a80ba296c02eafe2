"""The district dashboard: headline numbers, targets with their history, the readiness table
(filters, sorting, export) and its fixed number of queries."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programs.core.choices import TitleLevel
from programs.evaluations.selectors import unit_readiness
from programs.models import (
    Certification,
    CreatingUnit,
    Evaluation,
    EvaluationScheme,
    MonthlyReport,
    Target,
)
from programs.overview.jobs import export_dashboard
from programs.overview.selectors.dashboard import certification_series, headline_numbers
from programs.overview.selectors.readiness import injury_periods
from programs.titles.selectors import targets_evaluate
from safecommunity.calendar import Month, Quarter, due_date
from tests.downloads import downloaded, export_record, in_english, run_export
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    EvaluationFactory,
    EvaluationRoundFactory,
    InjuryRecordFactory,
    SchemeItemFactory,
    TargetFactory,
    UnitFactory,
)
from tests.test_queries import build_progress
from workgroups.models import Activity, ActivityKind

DASHBOARD = reverse("programs:dashboard")
EXPORT = reverse("programs:dashboard-export")


pytestmark = pytest.mark.usefixtures("english")  # pages and messages in English (msgids)


def scheme_of_150_points() -> EvaluationScheme:
    """A scheme whose one item is worth 40 + 50 + 60 = 150 points."""
    item = SchemeItemFactory(presence_points=40, evidence_points=50, effect_points=60)
    return item.element.scheme


def final(unit: CreatingUnit, total: str, result: str, *, days_ago: int = 0, **round_kwargs):
    """A finalised evaluation of `unit`, `days_ago` days back, against a 150-point scheme."""
    round_kwargs.setdefault("scheme", scheme_of_150_points())
    return EvaluationFactory(
        unit=unit,
        round=EvaluationRoundFactory(**round_kwargs),
        status=Evaluation.Status.FINAL,
        total=Decimal(total),
        result=result,
        finalised_at=timezone.now() - timedelta(days=days_ago),
    )


def row_of(response, unit: CreatingUnit):
    return next(row for row in response.context["board"].rows if row["pk"] == unit.pk)


def submitted(unit: CreatingUnit, month, *, days_after_due: int) -> MonthlyReport:
    """A report for `month` first submitted `days_after_due` days after its due day (negative:
    before it)."""
    due = due_date(month, unit.program.report_due_day)
    at = timezone.make_aware(datetime.combine(due + timedelta(days=days_after_due), time(10)))
    return MonthlyReport.objects.create(
        unit=unit,
        period=month,
        status=MonthlyReport.Status.SUBMITTED,
        first_submitted_at=at,
        submitted_at=at,
    )


# --- The readiness table -------------------------------------------------------------------


def test_the_latest_final_evaluation_is_shown_with_its_score_and_result(
    client, district_user, unit_a, unit_b
):
    final(unit_a, "120.0", Evaluation.Result.PASS, days_ago=200)
    final(unit_a, "87.5", Evaluation.Result.RECTIFY, days_ago=10)
    EvaluationFactory(unit=unit_a)  # a draft still being scored does not count
    client.force_login(district_user)

    response = client.get(DASHBOARD)

    html = response.content.decode()
    row = html[html.index(f'data-unit="{unit_a.code}"') :]
    start = row.index('data-col="evaluation"')
    cell = row[start : row.index("</td>", start)]
    assert "87.5" in cell and "/150" in cell and "rectify" in cell
    assert row_of(response, unit_a)["evaluation_percent"] == Decimal("58.3")
    assert row_of(response, unit_b)["evaluation_id"] is None


def test_the_maximum_is_what_the_schemes_items_add_up_to(client, district_user, unit_a):
    scheme = scheme_of_150_points()
    scheme.max_score = Decimal(100)  # declared, while the office is still importing its form
    scheme.save()
    final(unit_a, "75", Evaluation.Result.RECTIFY, scheme=scheme)
    client.force_login(district_user)

    row = row_of(client.get(DASHBOARD), unit_a)

    assert row["evaluation_maximum"] == Decimal(150)
    assert row["evaluation_percent"] == 50.0


def test_a_review_speaks_for_the_unit_before_its_newer_self_assessment(
    client, district_user, unit_a, unit_b
):
    review = final(unit_a, "80", Evaluation.Result.RECTIFY, days_ago=100, kind="district")
    final(unit_a, "140", Evaluation.Result.PASS, days_ago=1, kind="self")
    final(unit_b, "120", Evaluation.Result.PASS, kind="self")
    client.force_login(district_user)

    response = client.get(DASHBOARD)

    assert row_of(response, unit_a)["evaluation_id"] == review.pk
    assert row_of(response, unit_b)["evaluation_kind"] == "self"
    html = response.content.decode()
    assert html.count(">self</span>") == 1  # only unit B's result is its own view of itself
    assert unit_readiness(unit_a).evaluation == review


def test_results_follow_the_evaluations_scoping(client, provider, evaluator, unit_a, unit_b):
    final(unit_a, "110", Evaluation.Result.PASS, evaluators=[evaluator])
    client.force_login(provider)  # providers read every unit, but no evaluation

    rows = client.get(DASHBOARD).context["board"].rows

    assert {row["code"] for row in rows} == {unit_a.code, unit_b.code}
    assert all(row["evaluation_id"] is None for row in rows)
    client.force_login(evaluator)  # evaluators read no unit's records
    assert client.get(DASHBOARD).context["board"].rows == []


def test_reports_on_time_count_the_last_twelve_due_months(client, district_user, unit_a):
    months = Month.last_months(12)
    for month in months[:6]:
        submitted(unit_a, month, days_after_due=-1)  # on time
    for month in months[6:9]:
        submitted(unit_a, month, days_after_due=3)  # late
    client.force_login(district_user)

    response = client.get(DASHBOARD)

    row = row_of(response, unit_a)
    assert (row["reported"].numerator, row["on_time"].numerator, row["on_time"].denominator) == (
        9,
        6,
        12,
    )
    assert response.context["board"].months == months
    # Each month's square: late when submitted late or missing past its due day; last month's
    # report is not yet late before its due day.
    last_due = due_date(months[-1], unit_a.program.report_due_day)
    last = "open" if timezone.localdate() <= last_due else "late"
    assert row["strip"] == ("on_time",) * 6 + ("late",) * 5 + (last,)


def test_meetings_count_completed_quarters_with_a_creation_meeting(client, district_user, unit_a):
    last = Quarter.of(Quarter.of(timezone.localdate()).start - timedelta(days=1))
    earlier = Quarter.of(last.start - timedelta(days=1))
    ActivityFactory(unit=unit_a, kind=ActivityKind.CREATION_MEETING, date=last.start)
    ActivityFactory(unit=unit_a, kind=ActivityKind.CREATION_MEETING, date=last.end)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=earlier.start)
    client.force_login(district_user)

    row = row_of(client.get(DASHBOARD), unit_a)

    assert (row["meetings"].numerator, row["meetings"].denominator) == (1, 4)
    assert Activity.objects.count() == 3


def test_injuries_compare_this_year_to_date_with_the_same_dates_last_year(
    client, district_user, evaluator, unit_a
):
    now, before = injury_periods(timezone.localdate())
    InjuryRecordFactory.create_batch(3, unit=unit_a, injury_date=now.end)
    InjuryRecordFactory.create_batch(2, unit=unit_a, injury_date=before.start)
    InjuryRecordFactory(unit=unit_a, injury_date=before.start - timedelta(days=1))  # too early
    client.force_login(district_user)

    row = row_of(client.get(DASHBOARD), unit_a)

    injuries = row["injuries"]
    assert (injuries.now, injuries.before, injuries.change) == (3, 2, 50.0)
    assert injuries.rate == pytest.approx(3 * 100_000 / unit_a.population, abs=0.05)
    client.force_login(evaluator)  # evaluators see no injury records: no figures, not zeros
    response = client.get(DASHBOARD)
    assert all(row["injuries"] is None for row in response.context["board"].rows)
    assert "injuries" not in {headline.key for headline in response.context["headlines"]}


def test_filter_by_result_and_sort_by_score_with_the_unevaluated_last(
    client, district_user, unit_a, unit_b
):
    unit_c = UnitFactory(code="C01")
    final(unit_a, "90", Evaluation.Result.RECTIFY)
    final(unit_b, "130", Evaluation.Result.PASS)
    client.force_login(district_user)

    by_score = client.get(DASHBOARD, {"sort": "-evaluation"}).context["board"].rows
    ascending = client.get(DASHBOARD, {"sort": "evaluation"}).context["board"].rows
    rectify = client.get(DASHBOARD, {"result": "rectify"}).context["board"].rows
    none = client.get(DASHBOARD, {"result": "none"}).context["board"].rows

    assert [row["code"] for row in by_score] == [unit_b.code, unit_a.code, unit_c.code]
    assert [row["code"] for row in ascending] == [unit_a.code, unit_b.code, unit_c.code]
    assert [row["code"] for row in rectify] == [unit_a.code]
    assert [row["code"] for row in none] == [unit_c.code]


def test_providers_see_no_evaluation_column_panel_filter_or_export_column(client, provider, unit_a):
    final(unit_a, "110", Evaluation.Result.PASS, kind="district")
    client.force_login(in_english(provider))

    page = client.get(DASHBOARD)
    export = client.get(EXPORT)

    html = page.content.decode()
    assert 'data-col="evaluation"' not in html and 'data-chart="results"' not in html
    assert "result" not in page.context["filter"].form.fields
    header = next(downloaded(client, export).workbook().active.values)
    assert "Result" not in header and "Last evaluation score" not in header
    assert "Injuries this year" in header


def test_a_clerk_sees_only_the_own_unit(client, clerk_a, unit_a, unit_b):
    final(unit_b, "60", Evaluation.Result.FAIL)
    client.force_login(clerk_a)

    rows = client.get(DASHBOARD).context["board"].rows

    assert [row["code"] for row in rows] == [unit_a.code]


# --- Headline numbers and targets -------------------------------------------------------------


def test_headlines_count_units_titles_expiring_and_last_months_reporting(
    client, district_user, unit_a, unit_b
):
    today = timezone.localdate()
    CertificationFactory(
        unit=unit_a,
        level=TitleLevel.MUNICIPAL,
        status=Certification.Status.NAMED,
        applied_on=today - timedelta(days=900),
        named_on=today - timedelta(days=800),
        valid_until=today + timedelta(days=20),
    )
    month = Month.last_months(1)[0]
    submitted(unit_a, month, days_after_due=-2)
    submitted(unit_b, month, days_after_due=2)
    client.force_login(district_user)

    response = client.get(DASHBOARD)

    numbers = {headline.key: headline.value for headline in response.context["headlines"]}
    assert numbers["units"] == "2"
    assert numbers["titled"] == "1"
    assert numbers["expiring"] == "1"
    assert numbers["reporting"] == "100.0%"
    assert numbers["on_time"] == "50.0%"
    assert f"{month:%Y-%m}" in response.context["headlines"][3].label
    assert unit_a.name in response.content.decode().split('id="titles-expiring"')[1]


def test_certification_progress_counts_a_title_while_it_was_in_force(unit_a, unit_b):
    program = unit_a.program
    start = program.start_date
    CertificationFactory(
        unit=unit_a,
        level=TitleLevel.NATIONAL,  # counts towards a municipal target too
        status=Certification.Status.EXPIRED,
        applied_on=start,
        named_on=start + timedelta(days=40),
        valid_until=start + timedelta(days=100),
    )
    TargetFactory(
        program=program,
        measure=Target.Measure.UNITS_SHARE,
        level=TitleLevel.MUNICIPAL,
        threshold=50,
        deadline=start + timedelta(days=1000),
    )
    today = start + timedelta(days=150)

    [series] = certification_series(program, targets_evaluate(program, today), today)

    by_month = dict(zip(series.months, series.values, strict=True))
    assert series.months[0] == start.replace(day=1) + timedelta(days=30)  # the first month's end
    assert series.months[-1] == today
    assert [value for end, value in by_month.items() if value] == [50.0, 50.0]  # 2nd and 3rd
    assert series.line == [(start, 0.0), (start + timedelta(days=1000), 50.0)]


def test_an_expired_title_recorded_without_its_end_is_left_out_of_the_history(
    client, district_user, unit_a
):
    TargetFactory(program=unit_a.program, deadline=timezone.localdate() + timedelta(days=99))
    start = unit_a.program.start_date
    Certification.objects.create(  # allowed: only named titles must carry both dates
        unit=unit_a,
        level=TitleLevel.MUNICIPAL,
        status=Certification.Status.EXPIRED,
        applied_on=start,
        named_on=start + timedelta(days=10),
    )
    client.force_login(district_user)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert set(response.context["board"].targets[0].values) == {0.0}


def test_targets_are_the_district_staffs_business(client, district_user, clerk_a, unit_a):
    TargetFactory(program=unit_a.program)
    client.force_login(district_user)
    assert len(client.get(DASHBOARD).context["board"].targets) == 1
    client.force_login(clerk_a)
    assert client.get(DASHBOARD).context["board"].targets == []


# --- Export ---------------------------------------------------------------------------------


def test_export_holds_the_filtered_rows_in_the_pages_order(client, district_user, unit_a, unit_b):
    final(unit_a, "87.5", Evaluation.Result.RECTIFY)
    final(unit_b, "60", Evaluation.Result.FAIL)
    UnitFactory(code="C01")
    client.force_login(in_english(district_user))

    response = client.get(EXPORT, {"result": "rectify"})

    download = downloaded(client, response)
    rows = list(download.workbook().active.values)
    assert download.response["Content-Disposition"].startswith('attachment; filename="dashboard-')
    header = rows[0]
    assert [row[0] for row in rows[1:]] == [unit_a.code]
    assert rows[1][header.index("Last evaluation score")] == 87.5
    assert rows[1][header.index("Result")] == "rectify"


# --- Queries ----------------------------------------------------------------------------------

# Session, user; the units with their readiness columns; the programme; the phase counts; the
# titles in force; the reports of 12 months; the meetings; the injury counts; the schemes'
# points; three for the targets and one for their titles' history; the phases of the filter
# form; the navigation's counts of what waits for review (the inbox reads them too) and, when
# titles wait for the office's move, the inbox's list of them.
# + the header's bell (injuries: the rollup, then the edge month), + the ids of the district's
# units (the injury records' scope), + the creation funds' card (one query of three sums; none
# for those who see no funds)
FUNDS_CARD = 1
DASHBOARD_MAX_QUERIES = 18 + 1 + 1 + FUNDS_CARD
# The export's job: the page's queries less the session, the user, the counts, the inbox, the
# bell and the funds' card.
DASHBOARD_EXPORT_MAX_QUERIES = DASHBOARD_MAX_QUERIES - 5 - FUNDS_CARD


def build_dashboard(count: int) -> None:
    """`count` units as the progress page's query test makes them, each with a final
    evaluation, a year of reports, a creation meeting and injury records."""
    units = build_progress(count)
    today = timezone.localdate()
    evaluation_round = EvaluationRoundFactory()
    Evaluation.objects.bulk_create(
        Evaluation(
            round=evaluation_round,
            unit=unit,
            status=Evaluation.Status.FINAL,
            total=Decimal(60 + n % 90),
            result=Evaluation.Result.RECTIFY,
            finalised_at=timezone.now(),
        )
        for n, unit in enumerate(units)
    )
    MonthlyReport.objects.bulk_create(
        MonthlyReport(
            unit=unit,
            period=month,
            status=MonthlyReport.Status.SUBMITTED,
            first_submitted_at=timezone.now(),
            submitted_at=timezone.now(),
        )
        for unit in units
        for month in Month.last_months(12)
    )
    Activity.objects.bulk_create(
        Activity(unit=unit, kind=ActivityKind.CREATION_MEETING, date=today, title="会议")
        for unit in units
    )
    InjuryRecordFactory.create_batch(3, unit=units[0], injury_date=today)


@pytest.mark.parametrize("unit_count", [38, 400])
def test_dashboard_queries_do_not_grow_with_units(
    client, district_user, django_assert_max_num_queries, unit_count
):
    build_dashboard(unit_count)
    client.force_login(district_user)

    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = client.get(DASHBOARD, {"sort": "-on_time"})

    assert response.status_code == 200
    assert len(response.context["board"].rows) == unit_count
    assert all(row["evaluation_result"] == "rectify" for row in response.context["board"].rows)


@pytest.mark.parametrize("unit_count", [38, 400])
def test_dashboard_export_queries_do_not_grow_with_units(
    district_user, django_assert_max_num_queries, unit_count
):
    """The export's job reads the dashboard as the page does, less the session, the user and
    the inbox."""
    build_dashboard(unit_count)
    record = export_record(export_dashboard, district_user, query={})

    with django_assert_max_num_queries(DASHBOARD_EXPORT_MAX_QUERIES):
        _outcome, content = run_export(record)

    assert load_workbook(BytesIO(content)).active.max_row == unit_count + 1
    assert record.done == record.total == unit_count


def test_the_admin_indexs_headlines_agree_with_the_dashboards(
    client, district_user, unit_a, unit_b
):
    month = Month.last_months(1)[0]
    submitted(unit_a, month, days_after_due=3)
    InjuryRecordFactory.create_batch(2, unit=unit_b, injury_date=timezone.localdate())
    CertificationFactory(unit=unit_b, valid_until=timezone.localdate() + timedelta(days=60))
    client.force_login(district_user)

    on_the_dashboard = client.get(DASHBOARD).context["headlines"]

    assert headline_numbers(district_user) == on_the_dashboard
    assert {headline.key for headline in on_the_dashboard} == {
        "units",
        "titled",
        "expiring",
        "reporting",
        "on_time",
        "injuries",
    }
