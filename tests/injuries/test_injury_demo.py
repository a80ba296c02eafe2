"""The demo injury records of `manage.py load_demo_data`: a plausible five years per unit, once."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from injuries.checks import record_warnings
from injuries.choices import Cause, Outcome, Sex, Source
from injuries.demo import YEARS, injuries_demo
from injuries.models import InjuryRecord
from programs.demo import injuries_of_every_unit
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    """A large town, a small street, and a zone whose population is not known."""
    return [
        UnitFactory(code="T01", name="大镇", population=300_000),
        UnitFactory(code="S01", name="小街道", kind="street", population=60_000),
        UnitFactory(code="E01", name="开发区", kind="zone", population=None),
    ]


@pytest.fixture
def demo(units) -> list[InjuryRecord]:
    return [
        record
        for unit in units
        for record in injuries_demo(unit, random.Random(f"injuries-{unit.code}"))
    ]


def card_values(record: InjuryRecord) -> dict:
    return {field.attname: getattr(record, field.attname) for field in record._meta.fields}


def test_the_demo_gives_each_unit_records_in_proportion_to_its_population(units, demo):
    counts = Counter(record.unit.code for record in demo)
    assert InjuryRecord.objects.count() == len(demo) > 500
    assert 3.5 < counts["T01"] / counts["S01"] < 6.5
    assert counts["E01"] > 0  # a default population when the unit's is unknown


def test_the_demo_covers_five_years_up_to_today(demo):
    today = timezone.localdate()
    years = set(InjuryRecord.objects.values_list("year", flat=True))
    assert years == set(range(today.year - YEARS + 1, today.year + 1))
    assert max(record.injury_date for record in demo) <= today
    assert all(record.visit_date is None or record.visit_date <= today for record in demo)


def test_a_second_run_adds_nothing(units, demo):
    before = InjuryRecord.objects.count()

    again = [injuries_demo(unit, random.Random(f"injuries-{unit.code}")) for unit in units]

    assert again == [[], [], []]
    assert InjuryRecord.objects.count() == before


def test_the_same_seed_gives_the_same_records(units):
    unit = units[1]
    first = [card_values(r) for r in injuries_demo(unit, random.Random("seed"))]
    InjuryRecord.objects.all().delete()
    second = [card_values(r) for r in injuries_demo(unit, random.Random("seed"))]

    def without_ids(rows):
        return [
            {k: v for k, v in row.items() if k not in ("id", "created_at", "updated_at")}
            for row in rows
        ]

    assert without_ids(first) == without_ids(second)


def test_falls_come_first_and_traffic_second(demo):
    by_cause = Counter(record.cause for record in demo)
    traffic = sum(by_cause.pop(cause) for cause in Cause.traffic())
    falls = by_cause.pop(Cause.FALL)
    assert falls > traffic > max(by_cause.values())
    assert Counter(record.cause for record in demo).most_common(2)[1][0] == Cause.MOTOR_VEHICLE


def test_falls_peak_in_winter_and_drowning_in_summer(demo):
    def in_months(cause, months):
        return sum(r.cause == cause and r.injury_date.month in months for r in demo)

    winter, summer = (12, 1, 2), (6, 7, 8)
    assert in_months(Cause.FALL, winter) > 1.2 * in_months(Cause.FALL, summer)
    assert in_months(Cause.DROWNING, summer) > 2 * in_months(Cause.DROWNING, winter)


def test_about_three_men_are_injured_for_two_women_and_few_die(demo):
    sexes = Counter(record.sex for record in demo)
    assert 1.3 < sexes[Sex.MALE] / sexes[Sex.FEMALE] < 1.8
    deaths = sum(record.outcome == Outcome.DIED for record in demo)
    assert 0 < deaths < 0.04 * len(demo)
    assert Counter(record.outcome for record in demo).most_common(1)[0][0] == Outcome.DISCHARGED


def test_most_records_come_from_hospitals_and_departments_report_their_own_causes(demo):
    sources = Counter(record.source for record in demo)
    assert sources[Source.HOSPITAL] > 0.75 * len(demo)
    assert set(sources) == set(Source.values)
    for record in demo:
        if record.source == Source.TRAFFIC_POLICE:
            assert record.cause in Cause.traffic()
        if record.source == Source.FIRE:
            assert record.cause == Cause.BURN


def test_a_few_percent_of_records_raise_the_cards_warnings(demo):
    warned = sum(bool(record_warnings(card_values(record))) for record in demo)
    assert 0.005 * len(demo) < warned < 0.06 * len(demo)


def test_demo_records_pass_the_models_validation(demo):
    for record in random.Random(0).sample(demo, 40):
        record.full_clean()


def test_a_pilot_has_fewer_injuries_each_year_since_it_joined(db):
    today = timezone.localdate()
    first = today.year - YEARS + 1
    pilot = UnitFactory(population=500_000, is_pilot=True, joined_on=date(first + 1, 1, 1))
    records = injuries_demo(pilot, random.Random("pilot"))
    per_year = Counter(record.injury_date.year for record in records)
    assert per_year[first + 3] < 0.85 * per_year[first]


def test_load_demo_data_adds_injury_records_once_and_says_how_many(units, monkeypatch):
    # The demo less everything but its injury records (the whole demo takes a minute).
    monkeypatch.setattr(
        "programs.management.commands.load_demo_data.demo_data_load",
        lambda: injuries_of_every_unit() or [],
    )
    out = StringIO()

    call_command("load_demo_data", stdout=out)
    created = InjuryRecord.objects.count()
    call_command("load_demo_data", stdout=out)

    assert created > 0
    assert InjuryRecord.objects.count() == created
    assert f"{created} demo injury records added." in out.getvalue()
    assert "0 demo injury records added." in out.getvalue()
