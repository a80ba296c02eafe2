"""The monthly report's casualty figures pre-filled from the month's injury records: people
injured and dead in traffic crashes, at work, by fire and by assault (accidents and gas stay the
unit's to enter), beside the activity log's figures, in a bounded number of queries."""

from __future__ import annotations

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from injuries.choices import Activity, BodyPart, Cause, Intent, Nature, Outcome, Place
from programs.models import Indicator, MonthlyReport, ReportValue
from programs.reports import reference_data as ref
from programs.reports.models.indicators import IndicatorSource
from programs.reports.selectors.rules import indicator_values_from_activities
from programs.reports.services import report_open
from programs.setup import reference_data_load
from tests.factories import ActivityFactory, InjuryRecordFactory
from workgroups.models import ActivityKind

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)
CASUALTY_CODES = [
    f"{measure}-{category}"
    for category in ("production", "traffic", "fire", "public-order")
    for measure in ("deaths", "injuries")
]


@pytest.fixture
def defaults(db) -> list[Indicator]:
    """The default indicators of the reference data; the automatic ones returned."""
    reference_data_load()
    return list(Indicator.objects.automatic())


def traffic(unit, day: date, **fields):
    values = {
        "cause": Cause.MOTOR_VEHICLE,
        "place": Place.ROAD,
        "activity": Activity.DRIVING,
        "nature": Nature.FRACTURE,
    }
    return InjuryRecordFactory(unit=unit, injury_date=day, **{**values, **fields})


def at_work(unit, day: date, **fields):
    values = {"cause": Cause.FALL, "place": Place.INDUSTRIAL, "activity": Activity.WORK}
    return InjuryRecordFactory(unit=unit, injury_date=day, **{**values, **fields})


def burn(unit, day: date, **fields):
    values = {"cause": Cause.BURN, "place": Place.HOME, "nature": Nature.BURN}
    return InjuryRecordFactory(unit=unit, injury_date=day, **{**values, **fields})


def assault(unit, day: date, **fields):
    values = {
        "cause": Cause.BLUNT,
        "intent": Intent.ASSAULT,
        "place": Place.ROAD,
        "activity": Activity.WALKING,
        "body_part": BodyPart.HEAD,
    }
    return InjuryRecordFactory(unit=unit, injury_date=day, **{**values, **fields})


@pytest.fixture
def march_of_unit_a(unit_a, unit_b):
    """Unit A's injury records of March 2026, with records just outside it and unit B's."""
    traffic(unit_a, date(2026, 3, 1))
    traffic(unit_a, date(2026, 3, 15), cause=Cause.NON_MOTOR_VEHICLE, outcome=Outcome.ADMITTED)
    traffic(unit_a, date(2026, 3, 31), activity=Activity.WALKING, outcome=Outcome.TRANSFERRED)
    traffic(unit_a, date(2026, 3, 20), outcome=Outcome.DIED)
    at_work(unit_a, date(2026, 3, 2))
    at_work(unit_a, date(2026, 3, 3), cause=Cause.CUT, place=Place.TRADE_SERVICE)
    at_work(unit_a, date(2026, 3, 4), cause=Cause.BLUNT, outcome=Outcome.DIED)
    burn(unit_a, date(2026, 3, 5), place=Place.INDUSTRIAL)  # a burn at work counts as work
    burn(unit_a, date(2026, 3, 6))
    burn(unit_a, date(2026, 3, 7), outcome=Outcome.OBSERVATION)
    assault(unit_a, date(2026, 3, 8))
    assault(unit_a, date(2026, 3, 9), cause=Cause.CUT, outcome=Outcome.DIED)
    # Counted in none of the four: a fall at home, a drowning.
    InjuryRecordFactory(unit=unit_a, injury_date=date(2026, 3, 10))
    InjuryRecordFactory(
        unit=unit_a,
        injury_date=date(2026, 3, 11),
        cause=Cause.DROWNING,
        place=Place.OTHER,
        activity=Activity.SPORTS,
        body_part=BodyPart.WHOLE_BODY,
        outcome=Outcome.DIED,
    )
    # Outside the month, or another unit's.
    traffic(unit_a, date(2026, 2, 28), outcome=Outcome.DIED)
    traffic(unit_a, date(2026, 4, 1))
    burn(unit_a, date(2025, 3, 15))
    traffic(unit_b, date(2026, 3, 15), outcome=Outcome.DIED)
    assault(unit_b, date(2026, 3, 15))


MARCH_OF_UNIT_A = {
    "injuries-traffic": 3,
    "deaths-traffic": 1,
    "injuries-production": 3,
    "deaths-production": 1,
    "injuries-fire": 2,
    "deaths-fire": 0,
    "injuries-public-order": 1,
    "deaths-public-order": 1,
}


def prefilled(report) -> dict[str, tuple[int | None, int | None]]:
    """(prefilled, value) of each of the report's rows, by indicator code, as stored."""
    rows = ReportValue.objects.filter(report=report).select_related("indicator")
    return {row.indicator.code: (row.prefilled, row.value) for row in rows}


# --- The default indicators -------------------------------------------------------------------


def test_reference_data_takes_deaths_and_injured_from_injury_records_except_gas(defaults):
    automatic = {i.code: i.source for i in defaults if i.section == Indicator.Section.ACCIDENTS}
    assert automatic == {
        "deaths-production": IndicatorSource.INJURY_WORK_DEATHS,
        "injuries-production": IndicatorSource.INJURY_WORK_INJURED,
        "deaths-traffic": IndicatorSource.INJURY_TRAFFIC_DEATHS,
        "injuries-traffic": IndicatorSource.INJURY_TRAFFIC_INJURED,
        "deaths-fire": IndicatorSource.INJURY_FIRE_DEATHS,
        "injuries-fire": IndicatorSource.INJURY_FIRE_INJURED,
        "deaths-public-order": IndicatorSource.INJURY_ASSAULT_DEATHS,
        "injuries-public-order": IndicatorSource.INJURY_ASSAULT_INJURED,
    }


def test_every_injury_source_fills_one_default_indicator():
    injury_sources = {s for s in IndicatorSource.values if s.startswith("injury_")}
    assert sorted(row[5] for row in ref.INDICATORS if row[5] in injury_sources) == sorted(
        injury_sources
    )


# --- Values from the injury records -----------------------------------------------------------


def test_a_months_records_give_the_people_injured_and_dead_by_category(
    defaults, unit_a, march_of_unit_a
):
    values = indicator_values_from_activities(unit_a, MARCH, indicators=defaults)
    assert {code: values[code] for code in CASUALTY_CODES} == MARCH_OF_UNIT_A


def test_accidents_and_gas_casualties_stay_for_the_unit_to_enter(defaults, unit_a, march_of_unit_a):
    values = indicator_values_from_activities(unit_a, MARCH, indicators=defaults)
    assert not any(code.startswith("accidents-") or code.endswith("-gas") for code in values)


def test_another_units_month_counts_only_its_own_records(defaults, unit_b, march_of_unit_a):
    values = indicator_values_from_activities(unit_b, MARCH, indicators=defaults)
    assert {code: values[code] for code in CASUALTY_CODES} == dict.fromkeys(CASUALTY_CODES, 0) | {
        "deaths-traffic": 1,
        "injuries-public-order": 1,
    }


def test_the_next_month_counts_only_its_own_records(defaults, unit_a, march_of_unit_a):
    values = indicator_values_from_activities(unit_a, date(2026, 4, 30), indicators=defaults)
    assert {code: values[code] for code in CASUALTY_CODES} == dict.fromkeys(CASUALTY_CODES, 0) | {
        "injuries-traffic": 1
    }


def test_a_death_counts_among_the_dead_and_not_among_the_injured(defaults, unit_a):
    traffic(unit_a, date(2026, 3, 3), outcome=Outcome.DIED)
    values = indicator_values_from_activities(unit_a, MARCH, indicators=defaults)
    assert (values["deaths-traffic"], values["injuries-traffic"]) == (1, 0)


def test_the_injury_figures_take_one_query(unit_a, march_of_unit_a, django_assert_num_queries):
    casualties = [
        Indicator.objects.create(
            code=f"i-{source}",
            name=source,
            unit_of_measure="人",
            section="accidents",
            source=source,
        )
        for source in IndicatorSource.values
        if source.startswith("injury_")
    ]
    with django_assert_num_queries(1):
        values = indicator_values_from_activities(unit_a, MARCH, indicators=casualties)
    assert values["i-injury_traffic_injured"] == 3


def test_every_default_figure_takes_three_queries(
    defaults, unit_a, march_of_unit_a, django_assert_num_queries
):
    with django_assert_num_queries(3):
        values = indicator_values_from_activities(unit_a, MARCH, indicators=defaults)
    assert len(values) == len(defaults) == 20


# --- The report ---------------------------------------------------------------------------------


def test_a_new_report_starts_from_the_months_injury_records(
    defaults, unit_a, clerk_a, march_of_unit_a
):
    report = report_open(unit=unit_a, period=MARCH, by=clerk_a)

    rows = prefilled(report)
    assert {code: rows[code] for code in CASUALTY_CODES} == {
        code: (count, count) for code, count in MARCH_OF_UNIT_A.items()
    }
    assert rows["accidents-traffic"] == rows["deaths-gas"] == (None, None)


def test_the_activity_log_still_fills_its_figures_beside_the_injury_records(
    defaults, unit_a, clerk_a, march_of_unit_a
):
    ActivityFactory(
        unit=unit_a, kind=ActivityKind.TRAINING, date=date(2026, 3, 12), participants=40
    )

    rows = prefilled(report_open(unit=unit_a, period=MARCH, by=clerk_a))

    assert rows["trainings"] == (1, 1)
    assert rows["trainees"] == (40, 40)
    assert rows["publicity-events"] == (0, 0)
    assert rows["injuries-traffic"] == (3, 3)


def test_an_unsaved_draft_follows_records_added_since_it_was_opened(
    defaults, unit_a, clerk_a, march_of_unit_a
):
    report_open(unit=unit_a, period=MARCH, by=clerk_a)
    traffic(unit_a, date(2026, 3, 30))

    report = report_open(unit=unit_a, period=MARCH, by=clerk_a)

    report.refresh_from_db()
    assert report.version == 0
    assert prefilled(report)["injuries-traffic"] == (4, 4)


def report_open_queries(unit, clerk) -> int:
    with CaptureQueriesContext(connection) as captured:
        report_open(unit=unit, period=MARCH, by=clerk)
    return len(captured)


@pytest.mark.parametrize("records", [1, 40])
def test_opening_a_report_runs_the_same_queries_however_many_records(
    defaults, unit_a, clerk_a, records, django_assert_max_num_queries
):
    for n in range(records):
        (traffic if n % 2 else burn)(unit_a, date(2026, 3, 1 + n % 28))

    # The indicators; the report got or created (with its history) in savepoints and, when
    # created, its row in the event log; the activity, injury and project aggregates; its value
    # rows, read (when the report existed) or inserted. The log's row names the report's content
    # type, which Django looks up once per process and caches: that lookup is not the report's.
    ContentType.objects.get_for_model(MonthlyReport)
    with django_assert_max_num_queries(14):
        report = report_open(unit=unit_a, period=MARCH, by=clerk_a)
    with django_assert_max_num_queries(8):
        report_open(unit=unit_a, period=MARCH, by=clerk_a)

    assert prefilled(report)["injuries-traffic"][0] == records // 2


def test_the_report_page_says_the_casualty_figures_come_from_the_injury_records(
    client, defaults, unit_a, clerk_a, march_of_unit_a
):
    report_open(unit=unit_a, period=MARCH, by=clerk_a)
    client.force_login(clerk_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    url = reverse("programs:report-detail", args=[unit_a.code, f"{MARCH:%Y-%m}"])
    page = client.get(url).content.decode()

    with translation.override("en"):
        source = str(IndicatorSource.INJURY_TRAFFIC_INJURED.label)
    assert page.count(">Injury records</th>") == 1
    assert page.count(">Activity log</th>") == 3  # work, activities, hazards
    assert f'<span title="{source}">3</span>' in page


# --- The migration for databases loaded before ------------------------------------------------


def test_the_migration_sets_the_injury_sources_only_where_still_entered_by_hand(defaults):
    migration = importlib.import_module(
        "programs.migrations.0005_indicator_sources_from_injury_records"
    )
    Indicator.objects.filter(section="accidents").update(source=IndicatorSource.NONE)
    # The office took the traffic deaths from elsewhere, and the fire deaths' source moved.
    Indicator.objects.filter(code="deaths-traffic").update(source=IndicatorSource.OTHER_COUNT)
    Indicator.objects.filter(code="trainings").update(source=IndicatorSource.INJURY_FIRE_DEATHS)

    migration.set_injury_sources(apps, None)

    sources = dict(Indicator.objects.filter(section="accidents").values_list("code", "source"))
    assert sources["deaths-traffic"] == IndicatorSource.OTHER_COUNT
    assert sources["deaths-fire"] == IndicatorSource.NONE
    assert sources["injuries-traffic"] == IndicatorSource.INJURY_TRAFFIC_INJURED
    assert sources["deaths-public-order"] == IndicatorSource.INJURY_ASSAULT_DEATHS
    assert sources["accidents-traffic"] == sources["deaths-gas"] == IndicatorSource.NONE
