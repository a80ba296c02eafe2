"""The portal's calendar: months as typed and walked, quarters, and the on-time rule."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from safecommunity.calendar import Month, Quarter, due_date, submitted_on_time

SHANGHAI = ZoneInfo("Asia/Shanghai")


# --- months -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2025-03", date(2025, 3, 1)),
        ("2025-3", date(2025, 3, 1)),
        (" 2025-12 ", date(2025, 12, 1)),
        ("2000-01", date(2000, 1, 1)),
        ("2100-12", date(2100, 12, 1)),
    ],
)
def test_a_month_typed_as_year_and_month_is_its_first_day(text, month):
    assert Month.parse(text) == month


@pytest.mark.parametrize(
    "text",
    [
        None,
        "",
        "March",
        "2026/03",
        "2026-13",
        "2026-00",
        "0000-01",
        "1999-12",
        "2101-01",
        "9999-12",
        "99999999999999999999-01",
        "2026-03-01",
    ],
)
def test_anything_else_or_a_year_outside_2000_to_2100_is_no_month(text):
    assert Month.parse(text) is None


def test_a_month_runs_from_its_first_to_its_last_day():
    assert Month.first_day(date(2026, 2, 14)) == date(2026, 2, 1)
    assert Month.next(date(2026, 2, 14)) == date(2026, 3, 1)
    assert Month.previous(date(2026, 2, 14)) == date(2026, 1, 1)


def test_the_year_turns_between_december_and_january():
    assert Month.next(date(2025, 12, 31)) == date(2026, 1, 1)
    assert Month.previous(date(2026, 1, 1)) == date(2025, 12, 1)


@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 2, 1), date(2026, 2, 28)),
        (date(2028, 2, 1), date(2028, 2, 29)),
        (date(2026, 12, 1), date(2026, 12, 31)),
    ],
)
def test_month_last_day(first, last):
    assert Month.last_day(first) == last


def test_months_between_two_days_include_both_ends():
    assert Month.between(date(2024, 11, 20), date(2025, 2, 1)) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
        date(2025, 2, 1),
    ]
    assert Month.between(date(2025, 3, 1), date(2025, 2, 28)) == []


def test_last_months_ends_with_the_month_before_today():
    assert Month.last_months(3, until=date(2025, 2, 14)) == [
        date(2024, 11, 1),
        date(2024, 12, 1),
        date(2025, 1, 1),
    ]


# --- quarters -----------------------------------------------------------------------------------


def test_quarters_run_from_the_first_days_quarter_to_the_last_days():
    assert Quarter.between(date(2025, 11, 20), date(2026, 4, 1)) == [
        Quarter(2025, 4),
        Quarter(2026, 1),
        Quarter(2026, 2),
    ]
    assert Quarter(2025, 4).start == date(2025, 10, 1)
    assert Quarter(2025, 4).end == date(2025, 12, 31)
    assert Quarter.between(date(2026, 5, 1), date(2026, 4, 1)) == []


def test_the_last_quarters_are_those_ended_before_todays():
    assert Quarter.last_quarters(3, until=date(2026, 2, 14)) == [
        Quarter(2025, 2),
        Quarter(2025, 3),
        Quarter(2025, 4),
    ]


# --- on time ------------------------------------------------------------------------------------


def test_a_report_is_due_on_the_due_day_of_the_following_month():
    assert due_date(date(2025, 12, 1), 5) == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("submitted", "on_time"),
    [
        (datetime(2026, 4, 5, 23, 59, tzinfo=SHANGHAI), True),
        (datetime(2026, 4, 6, 0, 0, tzinfo=SHANGHAI), False),
        (datetime(2026, 4, 5, 16, 30, tzinfo=ZoneInfo("UTC")), False),  # 6 April in Shanghai
        (None, None),
    ],
)
def test_on_time_is_a_first_submission_by_the_end_of_the_due_day_in_shanghai(submitted, on_time):
    assert submitted_on_time(submitted, date(2026, 4, 5)) is on_time
