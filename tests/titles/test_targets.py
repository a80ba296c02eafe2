"""Targets: each computes its value against its threshold and deadline, with a frozen clock."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from programs.core.choices import TitleLevel
from programs.models import Certification, Target
from programs.titles.selectors import TargetState, targets_evaluate
from tests.factories import CertificationFactory, ProgramFactory, TargetFactory, UnitFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = date(2026, 1, 1)
DEADLINE = date(2026, 12, 31)


def at(day: date):
    """Freeze the clock at 00:30 in Beijing on `day` — still the day before in UTC."""
    return time_machine.travel(
        datetime(day.year, day.month, day.day, 0, 30, tzinfo=SHANGHAI), tick=False
    )


def result_for(program, target: Target):
    return next(r for r in targets_evaluate(program) if r.target == target)


def expected_on(day: date, threshold: Decimal, deadline: date = DEADLINE) -> Decimal:
    """Where a straight line from the programme's start to the deadline stands on `day`."""
    return threshold * (day - START).days / (deadline - START).days


@pytest.fixture
def program(db):
    return ProgramFactory(code="district", name="测试区", start_date=START)


@pytest.fixture
def units(program):
    """The district's 38 units; the first six are the pilots."""
    return [UnitFactory(program=program, is_pilot=n < 6) for n in range(38)]


def titled(units, level=TitleLevel.MUNICIPAL, **fields):
    return [CertificationFactory(unit=unit, level=level, **fields) for unit in units]


# --- share of all units -----------------------------------------------------------------------


@pytest.fixture
def beijing_half(program):
    return TargetFactory(
        program=program,
        measure=Target.Measure.UNITS_SHARE,
        level=TitleLevel.MUNICIPAL,
        threshold=Decimal(50),
        deadline=DEADLINE,
    )


def test_17_of_38_is_44_7_percent_and_on_track_early_in_the_year(program, units, beijing_half):
    titled(units[:17])
    day = date(2026, 5, 1)
    assert expected_on(day, Decimal(50)) < Decimal("44.7")  # the line stands at about 16.5 %

    with at(day):
        result = result_for(program, beijing_half)

    assert (result.numerator, result.denominator) == (17, 38)
    assert result.value == Decimal("44.7")
    assert result.state == TargetState.ON_TRACK
    assert result.progress_percent == pytest.approx(89.4)


def test_17_of_38_is_at_risk_late_in_the_year(program, units, beijing_half):
    titled(units[:17])
    day = date(2026, 12, 1)
    assert expected_on(day, Decimal(50)) > Decimal("44.7")  # the line stands at about 45.9 %

    with at(day):
        result = result_for(program, beijing_half)

    assert result.value == Decimal("44.7")
    assert result.state == TargetState.AT_RISK


def test_on_the_deadline_day_a_shortfall_is_at_risk_not_yet_missed(program, units, beijing_half):
    titled(units[:17])

    with at(DEADLINE):
        assert result_for(program, beijing_half).state == TargetState.AT_RISK


def test_after_the_deadline_in_beijing_a_shortfall_is_missed(program, units, beijing_half):
    titled(units[:17])

    with at(date(2027, 1, 1)):  # 31 December in UTC
        result = result_for(program, beijing_half)

    assert result.value == Decimal("44.7")
    assert result.state == TargetState.MISSED


@pytest.mark.parametrize("day", [date(2026, 3, 1), date(2027, 6, 1)])
def test_target_is_met_at_the_threshold_before_or_after_the_deadline(
    program, units, beijing_half, day
):
    titled(units[:19])

    with at(day):
        result = result_for(program, beijing_half)

    assert result.value == Decimal("50.0")
    assert result.state == TargetState.MET
    assert result.progress_percent == 100.0


def test_higher_titles_count_towards_a_beijing_target_once_per_unit(program, units, beijing_half):
    titled(units[:10])
    titled(units[:5], level=TitleLevel.NATIONAL)  # already counted for their Beijing title
    titled(units[10:12], level=TitleLevel.INTERNATIONAL)

    with at(date(2026, 5, 1)):
        result = result_for(program, beijing_half)

    assert result.numerator == 12
    assert result.value == Decimal("31.6")


# --- number of units at the national level ----------------------------------------------------


def test_national_count_counts_national_and_international_but_not_municipal(program, units):
    target = TargetFactory(
        program=program,
        measure=Target.Measure.UNITS_COUNT,
        level=TitleLevel.NATIONAL,
        threshold=Decimal(5),
        deadline=DEADLINE,
    )
    titled(units[0:6])  # Beijing titles only: do not count
    titled(units[6:8], level=TitleLevel.NATIONAL)
    titled(units[8:9], level=TitleLevel.INTERNATIONAL)
    titled(units[9:10], level=TitleLevel.NATIONAL)
    titled(units[9:10], level=TitleLevel.INTERNATIONAL)  # one unit, counted once

    with at(date(2026, 5, 1)):
        result = result_for(program, target)

    assert (result.numerator, result.denominator) == (4, None)
    assert result.value == Decimal(4)
    assert result.state == TargetState.ON_TRACK  # the line stands at about 1.6 units

    titled(units[10:11], level=TitleLevel.INTERNATIONAL)
    with at(date(2026, 5, 1)):
        assert result_for(program, target).state == TargetState.MET


# --- share of the pilots ----------------------------------------------------------------------


def test_pilots_target_counts_only_the_pilots(program, units):
    target = TargetFactory(
        program=program,
        measure=Target.Measure.PILOTS_TITLED,
        level=TitleLevel.MUNICIPAL,
        threshold=Decimal(100),
        deadline=date(2026, 9, 30),
    )
    pilots, others = units[:6], units[6:]
    titled(pilots[:3])
    titled(pilots[3:4], level=TitleLevel.NATIONAL)
    titled(others[:20])

    with at(date(2026, 5, 1)):
        result = result_for(program, target)

    assert (result.numerator, result.denominator) == (4, 6)
    assert result.value == Decimal("66.7")
    assert expected_on(date(2026, 5, 1), Decimal(100), date(2026, 9, 30)) < result.value
    assert result.state == TargetState.ON_TRACK  # the line stands at about 44.1 %


def test_programme_without_pilots_scores_zero(program):
    UnitFactory(program=program, is_pilot=False)
    target = TargetFactory(
        program=program, measure=Target.Measure.PILOTS_TITLED, threshold=Decimal(100)
    )

    with at(date(2026, 5, 1)):
        result = result_for(program, target)

    assert (result.numerator, result.denominator, result.value) == (0, 0, Decimal(0))


# --- titles that do not count -----------------------------------------------------------------


def test_only_titles_in_force_today_count(program, units, beijing_half):
    Status = Certification.Status
    titled(units[0:1], status=Status.EXPIRED)
    titled(units[1:2], status=Status.REVOKED)
    titled(units[2:3], named_on=date(2022, 1, 1), valid_until=date(2025, 1, 1))  # lapsed
    titled(units[3:4], named_on=date(2026, 6, 1))  # named next month
    titled(units[4:5], status=Status.ONSITE, named_on=None)  # still applying
    titled(units[5:6], named_on=date(2023, 4, 30), valid_until=date(2026, 4, 30))  # lapsed today
    other = UnitFactory(program=ProgramFactory(code="other", name="其他方案", start_date=START))
    titled([other])  # another programme's unit
    titled(units[6:7])  # the one that counts

    with at(date(2026, 5, 1)):
        result = result_for(program, beijing_half)

    assert (result.numerator, result.denominator) == (1, 38)
    assert result.value == Decimal("2.6")
