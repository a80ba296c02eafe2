"""The rule table, row by row: which event tells whom — and that a clerk of another unit, a
clerk who left, an evaluator not named, and the person who acted are never told."""

from __future__ import annotations

import pytest
from django.utils import translation

from programs.core.models import Event
from programs.core.transitions import transition
from programs.notifications import rules
from programs.notifications.models import Notification
from programs.notifications.services import notify_events

from .conftest import event_of, told

Kind = Notification.Kind
CLERK = {"clerk_a"}
DISTRICT = {"district", "root"}  # every active user who edits all units
DEADLINE = Event.Kind.DEADLINE
DUE = {"due": "2026-06-05", "month": "2026-05"}

# record, action, kind of event, data, the kind of notification, who is told
ROWS = [
    ("report", "return", None, {}, Kind.REPORT_RETURNED, CLERK),
    ("report", "approve", None, {}, Kind.REPORT_APPROVED, CLERK),
    ("report", "reopen", None, {}, Kind.REPORT_REOPENED, CLERK),
    ("report", "submit", None, {}, Kind.REPORT_SUBMITTED, DISTRICT),
    ("milestone", "return", None, {}, Kind.MILESTONE_RETURNED, CLERK),
    ("milestone", "accept", None, {}, Kind.MILESTONE_ACCEPTED, CLERK),
    ("milestone", "submit", None, {}, Kind.MILESTONE_SUBMITTED, DISTRICT),
    ("round", "created", Event.Kind.CREATED, {}, Kind.ROUND_OPENED, {"clerk_a", "clerk_b"}),
    ("evaluation", "finalise", None, {}, Kind.EVALUATION_FINALISED, CLERK),
    ("evaluation", "reopen", None, {}, Kind.EVALUATION_REOPENED, CLERK | {"evaluator"}),
    ("unit", rules.REPORT_DUE, DEADLINE, DUE, Kind.REPORT_DUE, CLERK),
    ("unit", rules.REPORT_OVERDUE, DEADLINE, DUE, Kind.REPORT_OVERDUE, CLERK),
    ("milestone", rules.MILESTONE_DUE, DEADLINE, DUE, Kind.MILESTONE_DUE, CLERK),
    ("milestone", rules.MILESTONE_OVERDUE, DEADLINE, DUE, Kind.MILESTONE_OVERDUE, CLERK),
    ("unit", rules.QUARTER_MEETING, DEADLINE, DUE, Kind.QUARTER_MEETING, CLERK),
    ("title", rules.TITLE_EXPIRING, DEADLINE, {"within": 90}, Kind.TITLE_EXPIRING, DISTRICT),
    ("round", rules.ROUND_CLOSING, DEADLINE, DUE, Kind.ROUND_CLOSING, {"evaluator"}),
    ("job", "job_finished", Event.Kind.JOB_FINISHED, {}, Kind.IMPORT_FINISHED, {"provider"}),
    ("job", "job_failed", Event.Kind.JOB_FAILED, {}, Kind.IMPORT_FAILED, {"provider"}),
]


@pytest.mark.parametrize(
    ("record", "action", "event_kind", "data", "kind", "expected"),
    ROWS,
    ids=[f"{row[0]}-{row[1]}" for row in ROWS],
)
def test_each_row_tells_exactly_its_recipients(
    world, record, action, event_kind, data, kind, expected
):
    event = event_of(world.record(record), action, data=data, kind=event_kind)

    assert told(event) == expected
    assert set(Notification.objects.filter(event=event).values_list("kind", flat=True)) == {kind}


def test_every_kind_has_exactly_one_row():
    kinds = [rule.kind for rule in rules.RULES.values()]
    assert sorted(kinds) == sorted(Kind.values)


def test_an_evaluator_is_told_of_the_round_they_are_named_in_only(world, evaluator):
    event = event_of(
        world.round, "assigned", kind=Event.Kind.ASSIGNED, data={"evaluator": evaluator.pk}
    )
    assert told(event) == {"evaluator"}
    # an event naming someone not in the round tells nobody
    stray = event_of(world.round, "assigned", kind=Event.Kind.ASSIGNED, data={"evaluator": 0})
    assert told(stray) == set()


def test_the_end_of_a_job_that_is_no_import_tells_nobody(world):
    assert told(event_of(world.other_job, "job_finished", kind=Event.Kind.JOB_FINISHED)) == set()


def test_an_event_without_a_row_tells_nobody(world):
    assert told(event_of(world.milestone, "start")) == set()


def test_the_person_who_acted_is_not_told(world, district_user):
    event = event_of(world.report, "submit", actor=district_user)
    assert told(event) == {"root"}


def test_an_event_told_twice_makes_each_notification_once(world):
    event = event_of(world.report, "return")
    notify_events([event])
    notify_events([event])
    assert Notification.objects.filter(event=event).count() == 1


def test_a_move_tells_its_people_in_its_own_transaction(world, district_user, clerk_a):
    """The listener is connected at start-up: a real transition makes the notification."""
    world.report.status = world.report.Status.SUBMITTED
    world.report.save(update_fields=["status"])

    event = transition(world.report, "return", by=district_user, reason="请补充火灾数据。")

    notification = Notification.objects.get(event=event)
    assert (notification.user, notification.kind) == (clerk_a, Kind.REPORT_RETURNED)
    assert notification.unit == world.unit
    assert notification.subject == str(world.report)


def test_a_move_rolled_back_leaves_no_notification(world, district_user):
    from django.db import transaction

    world.report.status = world.report.Status.SUBMITTED
    world.report.save(update_fields=["status"])
    with pytest.raises(RuntimeError), transaction.atomic():
        transition(world.report, "approve", by=district_user)
        raise RuntimeError("the request failed after the move")
    assert not Notification.objects.exists()


def test_opening_a_self_assessment_tells_its_units_clerks_and_names_its_evaluators(
    unit_a, unit_b, clerk_a, clerk_b, district_user, evaluator
):
    from datetime import timedelta

    from django.utils import timezone

    from programs.evaluations.services import round_open
    from tests.factories import EvaluationSchemeFactory

    today = timezone.localdate()
    scheme = EvaluationSchemeFactory()
    opened = {}
    for kind in ("self", "district"):
        opened[kind] = round_open(
            scheme=scheme,
            kind=kind,
            name=f"{kind}评定",
            opens_on=today,
            closes_on=today + timedelta(days=20),
            units=[unit_a],
            evaluators=[evaluator],
            by=district_user,
        )
    mine = Notification.objects.filter(event__object_id__in=[r.pk for r in opened.values()])
    assert set(mine.values_list("user__username", "kind")) == {
        ("clerk_a", Kind.ROUND_OPENED),  # the self-assessment only
        ("evaluator", Kind.EVALUATOR_NAMED),
    }
    assert mine.filter(kind=Kind.EVALUATOR_NAMED).count() == 2  # named in both rounds


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("zh-hans", "月报 甲镇 · 2026-05 已被退回。"),
        ("en", "Monthly report 甲镇 · 2026-05 was returned."),
    ],
)
def test_the_text_speaks_the_readers_language(world, language, text):
    with translation.override(language):
        assert rules.message(Kind.REPORT_RETURNED, str(world.report)) == text


def test_a_reminder_text_carries_its_due_date(world):
    with translation.override("en"):
        text = rules.message(Kind.REPORT_OVERDUE, "甲镇 2026-05", {"due": "2026-06-05"})
    assert text == "Monthly report 甲镇 2026-05 is overdue: it was due on 2026-06-05."


# --- creation funds ------------------------------------------------------------------------------

FINANCE = {"finance"}  # finance staff of the unit's district only
ASKED = {"clerk_a", "district"}  # unit A's clerk and the district staff who asked for it


@pytest.fixture
def funds_world(
    world,
    funds,
    finance_user,
    other_district_finance,
    other_district_user,
    city_user,
):
    """Unit A's disbursement asked for by district staff, beside the world's people, finance
    staff of both districts, district staff of the other and the city office."""
    from django.contrib.auth import get_user_model

    from tests.funds.builders import requested

    district = get_user_model().objects.get(username="district")
    return requested(world.unit, 50_000, funds, by=district)


FUNDS_ROWS = [
    ("created", Event.Kind.CREATED, {}, Kind.DISBURSEMENT_REQUESTED, FINANCE),
    ("approve", None, {}, Kind.DISBURSEMENT_APPROVED, ASKED),
    ("return", None, {}, Kind.DISBURSEMENT_RETURNED, ASKED),
    ("pay", None, {}, Kind.DISBURSEMENT_PAID, ASKED),
]


@pytest.mark.parametrize(
    ("action", "event_kind", "data", "kind", "expected"),
    FUNDS_ROWS,
    ids=[f"disbursement-{row[0]}" for row in FUNDS_ROWS],
)
def test_each_funds_row_tells_exactly_its_recipients(
    funds_world, action, event_kind, data, kind, expected
):
    """Never the clerk of another unit, finance staff or district staff of another district,
    providers, evaluators or the city office."""
    event = event_of(funds_world, action, data=data, kind=event_kind)

    assert told(event) == expected
    assert set(Notification.objects.filter(event=event).values_list("kind", flat=True)) == {kind}


def test_spending_behind_the_line_tells_the_units_district_and_its_finance_staff(
    funds_world, world
):
    data = {"due": "2026-10-01", "month": "2026-09", "rate": "60.0", "line": "75.0", "margin": 10}
    event = event_of(world.unit, rules.FUNDS_BEHIND, data=data, kind=DEADLINE)

    assert told(event) == DISTRICT | FINANCE
    notification = Notification.objects.get(event=event, user__username="finance")
    with translation.override("en"):
        assert rules.message(notification.kind, notification.subject, event.data) == (
            "Creation funds of 甲镇: 60.0% of the year's budget spent by the end of 2026-09, "
            "more than 10 points below the straight line of 75.0%."
        )


def test_a_clerks_request_tells_finance_and_its_decision_tells_the_clerk_once(
    funds, unit_a, clerk_a, clerk_b, finance_user, other_district_finance, district_user
):
    """Through the real service and moves: the request tells the finance staff of the unit's
    district; the approval and the payment tell the clerk who asked (a clerk: told once)."""
    from datetime import date

    from tests.funds.builders import budget, requested

    budget(unit_a, 100_000, funds, year=2026)
    disbursement = requested(unit_a, 40_000, funds, by=clerk_a, year=2026)
    transition(disbursement, "approve", by=finance_user)
    transition(
        disbursement,
        "pay",
        by=finance_user,
        voucher_number="BF-001",
        paid_on=date(2026, 3, 1),
        payee="甲镇财政所",
    )

    mine = Notification.objects.filter(event__object_id=disbursement.pk)
    assert sorted(mine.values_list("user__username", "kind")) == [
        ("clerk_a", Kind.DISBURSEMENT_APPROVED),
        ("clerk_a", Kind.DISBURSEMENT_PAID),
        ("finance", Kind.DISBURSEMENT_REQUESTED),
    ]


def test_a_return_reaches_the_clerk_at_once_by_default_the_rest_in_the_digest():
    assert rules.default_delivery(Kind.DISBURSEMENT_RETURNED) == "immediate"
    for kind in (
        Kind.DISBURSEMENT_REQUESTED,
        Kind.DISBURSEMENT_APPROVED,
        Kind.DISBURSEMENT_PAID,
        Kind.FUNDS_BEHIND,
    ):
        assert rules.default_delivery(kind) == "digest"


def test_finance_staff_choose_how_their_funds_notifications_reach_them(
    finance_user, clerk_a, district_user, provider, evaluator
):
    assert rules.kinds_for(finance_user) == [Kind.DISBURSEMENT_REQUESTED, Kind.FUNDS_BEHIND]
    assert {Kind.DISBURSEMENT_APPROVED, Kind.DISBURSEMENT_RETURNED, Kind.DISBURSEMENT_PAID} <= set(
        rules.kinds_for(clerk_a)
    )
    assert Kind.FUNDS_BEHIND in rules.kinds_for(district_user)
    for person in (provider, evaluator):
        assert not {Kind.DISBURSEMENT_REQUESTED, Kind.FUNDS_BEHIND} & set(rules.kinds_for(person))


def test_district_staff_of_another_district_are_not_told_of_a_units_report(
    world, other_district_user
):
    """People of the same role share an access decision only within one district."""
    assert told(event_of(world.report, "submit")) == DISTRICT
