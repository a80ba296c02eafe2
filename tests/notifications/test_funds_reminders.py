"""Spending behind the straight line: checked in October, November and December against the
months completed (k/12 of the year's budget after month k), the district told once per unit and
month when a unit lags by more than the margin (10 points by default)."""

from __future__ import annotations

from datetime import date

import pytest

from programs.core.models import Event
from programs.notifications import rules
from programs.notifications.models import Notification
from programs.notifications.services import reminders_record
from tests.funds.builders import budget, spent

Kind = Notification.Kind
BUDGET = 1_000_000  # fen: 10,000.00 yuan; the line at the end of September is 750,000


def written(day: date) -> int:
    """How many funds reminders the day's run wrote."""
    before = Event.objects.filter(action=rules.FUNDS_BEHIND).count()
    reminders_record(day=day)
    return Event.objects.filter(action=rules.FUNDS_BEHIND).count() - before


@pytest.fixture
def behind(funds, unit_a, district_user, finance_user):
    """Unit A spent 64.9 % of its 2026 budget by the end of September: 10.1 points behind."""
    budget(unit_a, BUDGET, funds, year=2026)
    spent(unit_a, 649_000, funds, voucher="ZC-001", on=date(2026, 9, 30))
    return unit_a


def test_a_unit_behind_by_more_than_the_margin_is_told_on_the_first_of_october_once(
    behind, district_user, finance_user
):
    assert written(date(2026, 10, 1)) == 1
    assert written(date(2026, 10, 1)) == 0  # the same day again
    assert written(date(2026, 10, 20)) == 0  # later that month: told already
    notifications = Notification.objects.filter(kind=Kind.FUNDS_BEHIND)
    assert set(notifications.values_list("user__username", flat=True)) == {"district", "finance"}
    event = Event.objects.get(action=rules.FUNDS_BEHIND)
    assert (event.record, event.unit_id) == (behind, behind.pk)
    assert event.data == {
        "due": "2026-10-01",
        "month": "2026-09",
        "rate": "64.9",
        "line": "75.0",
        "margin": 10,
    }


def test_the_check_is_monthly_in_the_last_quarter_against_the_months_completed(behind):
    assert written(date(2026, 9, 1)) == 0  # not yet the last quarter
    assert written(date(2026, 10, 3)) == 1  # the month's first run, the job down on the 1st
    assert written(date(2026, 11, 1)) == 1  # 64.9 % against 83.3 %
    assert written(date(2026, 12, 1)) == 1  # against 91.7 %
    assert written(date(2027, 1, 1)) == 0  # a new year, outside its last quarter


def test_spending_after_the_last_month_completed_does_not_count_yet(behind, funds):
    spent(behind, 200_000, funds, voucher="ZC-002", on=date(2026, 10, 1))
    assert written(date(2026, 10, 2)) == 1  # to the end of September: still 64.9 %
    assert written(date(2026, 11, 1)) == 0  # to the end of October: 84.9 %, above the line


@pytest.mark.parametrize(
    ("spent_fen", "told"),
    [(649_000, True), (650_000, False), (651_000, False), (900_000, False)],
    ids=["10.1-points-behind", "exactly-10", "9.9-points-behind", "ahead"],
)
def test_only_more_than_the_margin_behind_is_told(funds, unit_a, district_user, spent_fen, told):
    budget(unit_a, BUDGET, funds, year=2026)
    spent(unit_a, spent_fen, funds, voucher="ZC-001", on=date(2026, 9, 1))
    assert written(date(2026, 10, 1)) == int(told)


def test_the_margin_is_a_setting(behind, settings):
    settings.FUNDS_EXECUTION_MARGIN = 15
    assert written(date(2026, 10, 1)) == 0  # 10.1 points behind: within 15
    settings.FUNDS_EXECUTION_MARGIN = 5
    assert written(date(2026, 10, 1)) == 1


def test_a_unit_without_a_budget_is_never_behind(funds, unit_a, unit_b, district_user):
    spent(unit_b, 10_000, funds, voucher="ZC-009", on=date(2026, 9, 1))
    budget(unit_a, 0, funds, year=2026)
    assert written(date(2026, 10, 1)) == 0
