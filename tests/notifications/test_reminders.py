"""Reminders: each fires on the right day, once, and not when its condition is gone; written to
the event log by the daily job, they become notifications like every event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from programs.core.models import Event
from programs.jobs.runner import start
from programs.notifications import rules
from programs.notifications.jobs import write_reminders
from programs.notifications.models import Notification
from programs.notifications.services import reminders_record
from programs.schedule import SCHEDULE
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    EvaluationSchemeFactory,
    MonthlyReportFactory,
    SchemeElementFactory,
    SchemeItemFactory,
    UnitMilestoneFactory,
)
from workgroups.models import ActivityKind

Kind = Notification.Kind


def written(action: str, day: date) -> int:
    """How many reminders `action` the day's run wrote."""
    before = Event.objects.filter(action=action).count()
    reminders_record(day=day)
    return Event.objects.filter(action=action).count() - before


def test_a_report_is_reminded_three_days_before_its_due_day_once_then_once_overdue(unit_a, clerk_a):
    # May's report is due on 5 June.
    assert written(rules.REPORT_DUE, date(2026, 6, 1)) == 0  # four days before: not yet
    assert written(rules.REPORT_DUE, date(2026, 6, 2)) == 1
    assert written(rules.REPORT_DUE, date(2026, 6, 2)) == 0  # the same day again
    assert written(rules.REPORT_DUE, date(2026, 6, 5)) == 0  # still due: told already
    assert written(rules.REPORT_OVERDUE, date(2026, 6, 5)) == 0
    assert written(rules.REPORT_OVERDUE, date(2026, 6, 6)) == 1
    assert written(rules.REPORT_OVERDUE, date(2026, 6, 7)) == 0
    kinds = list(Notification.objects.filter(user=clerk_a).values_list("kind", "subject"))
    assert sorted(kinds) == [
        (Kind.REPORT_DUE, "甲镇 2026-05"),
        (Kind.REPORT_OVERDUE, "甲镇 2026-05"),
    ]


def test_a_submitted_report_is_not_reminded(unit_a, clerk_a):
    MonthlyReportFactory(unit=unit_a, period=date(2026, 5, 1), status="submitted")
    assert written(rules.REPORT_DUE, date(2026, 6, 2)) == 0
    assert written(rules.REPORT_OVERDUE, date(2026, 6, 6)) == 0


def test_a_milestone_is_reminded_when_due_soon_and_when_overdue_while_open(unit_a, clerk_a):
    day = date(2026, 6, 2)
    open_one = UnitMilestoneFactory(unit=unit_a)
    accepted = UnitMilestoneFactory(unit=unit_a, status="accepted")
    for row in (open_one, accepted):
        row.due_date = day + timedelta(days=10)
        row.save(update_fields=["due_date"])
    assert written(rules.MILESTONE_DUE, day - timedelta(days=5)) == 0  # 15 days ahead
    assert written(rules.MILESTONE_DUE, day) == 1
    assert written(rules.MILESTONE_DUE, day + timedelta(days=1)) == 0
    assert written(rules.MILESTONE_OVERDUE, day + timedelta(days=11)) == 1
    assert Notification.objects.filter(user=clerk_a, kind=Kind.MILESTONE_OVERDUE).count() == 1


def test_a_quarter_without_a_creation_meeting_is_reminded_fifteen_days_before_its_end(
    unit_a, unit_b, clerk_a, clerk_b
):
    ActivityFactory(unit=unit_b, kind=ActivityKind.CREATION_MEETING, date=date(2026, 5, 10))
    assert written(rules.QUARTER_MEETING, date(2026, 6, 14)) == 0  # 16 days before its end
    assert written(rules.QUARTER_MEETING, date(2026, 6, 15)) == 1  # unit A only
    assert written(rules.QUARTER_MEETING, date(2026, 6, 16)) == 0
    assert Notification.objects.get(kind=Kind.QUARTER_MEETING).user == clerk_a


def test_a_title_is_reminded_90_and_30_days_before_it_expires(unit_a, district_user):
    CertificationFactory(unit=unit_a, named_on=date(2023, 9, 1), valid_until=date(2026, 9, 1))
    assert written(rules.TITLE_EXPIRING, date(2026, 6, 1)) == 0  # 92 days
    assert written(rules.TITLE_EXPIRING, date(2026, 6, 3)) == 1  # within 90
    assert written(rules.TITLE_EXPIRING, date(2026, 7, 1)) == 0
    assert written(rules.TITLE_EXPIRING, date(2026, 8, 2)) == 1  # within 30
    assert written(rules.TITLE_EXPIRING, date(2026, 8, 20)) == 0
    assert Notification.objects.filter(user=district_user, kind=Kind.TITLE_EXPIRING).count() == 2


@pytest.fixture
def closing_round(unit_a, district_user, evaluator):
    from programs.evaluations.services import round_open

    scheme = EvaluationSchemeFactory()
    SchemeItemFactory(element=SchemeElementFactory(scheme=scheme, number=1), number=1)
    return round_open(
        scheme=scheme,
        kind="district",
        name="区级评审",
        opens_on=date(2026, 6, 1),
        closes_on=date(2026, 6, 20),
        units=[unit_a],
        evaluators=[evaluator],
        by=district_user,
    )


def test_a_round_closing_in_three_days_with_items_to_grade_tells_its_evaluators(
    closing_round, evaluator
):
    assert written(rules.ROUND_CLOSING, date(2026, 6, 16)) == 0
    assert written(rules.ROUND_CLOSING, date(2026, 6, 17)) == 1
    assert written(rules.ROUND_CLOSING, date(2026, 6, 18)) == 0
    assert Notification.objects.filter(user=evaluator, kind=Kind.ROUND_CLOSING).count() == 1


def test_a_round_fully_graded_is_not_reminded(closing_round):
    from programs.evaluations.models import ItemScore

    ItemScore.objects.filter(evaluation__round=closing_round).update(
        presence="a", evidence="a", effect="a"
    )
    assert written(rules.ROUND_CLOSING, date(2026, 6, 17)) == 0


def test_the_daily_job_writes_the_reminders_and_a_second_run_writes_nothing(unit_a, clerk_a):
    first, _ = start(write_reminders, user=None, title="提醒", params={"day": "2026-06-02"})
    second, _ = start(write_reminders, user=None, title="提醒", params={"day": "2026-06-02"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.data["written"] >= 1
    assert second.data == {"written": 0, "written_before": first.data["written"]}


def test_the_schedule_writes_reminders_before_the_digest():
    at = {entry.name: entry.at for entry in SCHEDULE}
    assert at["reminders"] < at["notification-digest"]
    assert f"{at['notification-digest']:%H:%M}" == "08:00"
