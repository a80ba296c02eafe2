"""The demo agrees with itself: its monthly reports hold what its activity log and injury
records give (a meeting in the log is a meeting in the report), its approved reports pass their
own checks, and its towns and streets share the district's 2020 census population exactly.

The demo is loaded once for the module (it takes a while) and rolled back at the end."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.db import transaction
from django.db.models import Count, Sum

from programs.core.choices import UnitKind
from programs.core.reference_data import DISTRICT_POPULATION
from programs.demo import demo_data_load
from programs.models import CreatingUnit, MonthlyReport, ReportValue
from programs.reports.selectors.rules import report_check_counts, report_problems
from safecommunity.calendar import Month, Quarter
from workgroups.models import Activity, ActivityKind


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_data_load()
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def test_the_towns_and_streets_add_up_to_the_census_population_and_the_zones_are_apart():
    units = CreatingUnit.objects.filter(district__code="110113")
    divided = units.exclude(kind=UnitKind.ZONE)

    assert divided.count() == 25
    assert divided.aggregate(total=Sum("population"))["total"] == DISTRICT_POPULATION == 1_324_044
    assert not units.filter(population__isnull=True).exists()
    assert set(units.values_list("population_year", flat=True)) == {2020}
    zones = units.filter(kind=UnitKind.ZONE)
    assert zones.count() == 13 and all(0 < unit.population < 30_000 for unit in zones)


def test_the_second_districts_units_share_its_census_population():
    huairou = CreatingUnit.objects.filter(district__code="110116")

    assert huairou.count() == 16 and not huairou.filter(kind=UnitKind.ZONE).exists()
    assert huairou.aggregate(total=Sum("population"))["total"] == 441_040
    assert MonthlyReport.objects.filter(unit__district__code="110116").exists()


def test_no_unit_quarter_disagrees_on_whether_a_creation_meeting_was_held():
    reported = {
        (unit_id, period): value or 0
        for unit_id, period, value in ReportValue.objects.filter(
            indicator__code="creation-meetings"
        ).values_list("report__unit_id", "report__period", "value")
    }
    first_month = min(period for _unit, period in reported)
    logged: dict[tuple[int, object], int] = defaultdict(int)
    for unit_id, day in Activity.objects.filter(
        kind=ActivityKind.CREATION_MEETING, date__gte=first_month
    ).values_list("unit_id", "date"):
        logged[unit_id, Month.first_day(day)] += 1
    held_in_log: dict[tuple[int, Quarter], bool] = defaultdict(bool)
    held_in_reports: dict[tuple[int, Quarter], bool] = defaultdict(bool)
    for (unit_id, month), count in logged.items():
        held_in_log[unit_id, Quarter.of(month)] |= count > 0
    for (unit_id, month), value in reported.items():
        held_in_reports[unit_id, Quarter.of(month)] |= value > 0
    unit_quarters = set(held_in_log) | set(held_in_reports)

    disagreements = [uq for uq in unit_quarters if held_in_log[uq] != held_in_reports[uq]]

    assert len(unit_quarters) > 200
    assert disagreements == []
    # Month by month too: each report's meetings are the log's.
    assert all(reported[key] == logged.get(key, 0) for key in reported)


def test_every_automatic_value_is_what_the_log_gave_it():
    automatic = ReportValue.objects.exclude(indicator__source="none")

    assert automatic.filter(prefilled__isnull=True).count() == 0
    differing = [v for v in automatic.only("value", "prefilled") if v.value != v.prefilled]
    assert differing == []
    assert automatic.filter(indicator__source="injury_traffic_injured", value__gt=0).exists()


def test_the_approved_demo_reports_pass_their_own_checks():
    approved = MonthlyReport.objects.filter(status=MonthlyReport.Status.APPROVED)
    sample = approved.filter(unit__code__in=["T07", "S06", "T13", "E01"])

    assert sample.count() > 40
    assert [(r.unit.code, r.period) for r in sample if report_problems(r) != ([], [])] == []


def test_each_report_has_a_value_for_every_indicator():
    counts = set(
        MonthlyReport.objects.annotate(n=Count("values")).values_list("n", flat=True).distinct()
    )
    assert len(counts) == 1


def test_the_review_queue_reads_of_each_demo_report_what_a_check_finds():
    # The demo writes its reports in bulk; the counts the queue filters on must still be the
    # ones a save would have stored.
    sample = MonthlyReport.objects.filter(unit__code__in=["T07", "S06", "T13", "E01"])
    stored = {
        report.pk: (report.error_count, report.warning_count, report.unexplained_count)
        for report in sample
    }
    checked = {report.pk: tuple(report_check_counts(report)) for report in sample}

    assert len(stored) > 40
    assert stored == checked
    assert any(warnings for _errors, warnings, _unexplained in stored.values())
