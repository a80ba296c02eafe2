"""Reads of notifications: the bell, the list page, each person's e-mail choices, what the
digest holds, and the reminders a day calls for."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet

from programs.core.models import CreatingUnit, User
from programs.evaluations.models import Evaluation, EvaluationRound, ItemScore
from programs.funds.selectors import behind_straight_line
from programs.progress.models import UnitMilestone
from programs.reports.selectors.completeness import completeness
from programs.titles.models import EXPIRY_WARNINGS, Certification
from safecommunity.calendar import Month, Quarter
from safecommunity.numbers import shown
from workgroups.selectors import meetings_held, record_start

from . import rules
from .models import Delivery, Notification

REPORT_DAYS_BEFORE_DUE = 3
QUARTER_DAYS_BEFORE_END = 15
ROUND_DAYS_BEFORE_CLOSE = 3
FUNDS_CHECK_MONTHS = (10, 11, 12)  # the last quarter: the year's money must be spent by its end


class Bell:
    """The header's unread count, asked of the database only when a page draws it (one query);
    pages that draw no header (downloads, htmx fragments) ask nothing."""

    def __init__(self, user: Any) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        if not self.user.is_authenticated:
            return 0
        return Notification.objects.of(self.user).unread().count()


def notification_list(user: Any, *, state: str = "", kind: str = "", unit: Any = None) -> QuerySet:
    """`user`'s notifications, newest first, with their events and who acted (one query a page)."""
    rows = Notification.objects.of(user).select_related("event__actor", "unit")
    if state == "unread":
        rows = rows.filter(read_at__isnull=True)
    elif state == "read":
        rows = rows.filter(read_at__isnull=False)
    if kind:
        rows = rows.filter(kind=kind)
    if unit is not None:
        rows = rows.filter(unit=unit)
    return rows.order_by("-created_at", "-pk")


def deliveries(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """How each of `user_ids` wants `kind` by e-mail: their choice, else the kind's default
    (one query)."""
    user_ids = list(user_ids)
    chosen = dict(
        User.objects.filter(pk__in=user_ids, notification_preferences__kind=kind).values_list(
            "pk", "notification_preferences__delivery"
        )
    )
    return {pk: chosen.get(pk, rules.default_delivery(kind)) for pk in user_ids}


def delivery_choices(user: Any) -> dict[str, str]:
    """Every kind `user` can receive, with how they want it by e-mail."""
    chosen = dict(user.notification_preferences.values_list("kind", "delivery"))
    return {kind: chosen.get(kind, rules.default_delivery(kind)) for kind in rules.kinds_for(user)}


def digest_pending(user: Any) -> list[Notification]:
    """What `user`'s digest would list: the unread notifications not yet sent by e-mail, of
    the kinds they want in the digest, oldest first."""
    chosen = dict(user.notification_preferences.values_list("kind", "delivery"))
    kinds = [
        kind
        for kind in Notification.Kind.values
        if chosen.get(kind, rules.default_delivery(kind)) == Delivery.DIGEST
    ]
    return list(
        Notification.objects.of(user)
        .unread()
        .filter(mailed_at__isnull=True, kind__in=kinds)
        .select_related("event")
        .order_by("created_at", "pk")
    )


def digest_recipients() -> QuerySet[User]:
    """The active people with an e-mail address and something not yet sent."""
    pending = Notification.objects.filter(
        user=OuterRef("pk"), read_at__isnull=True, mailed_at__isnull=True
    )
    return User.objects.filter(is_active=True).exclude(email="").filter(Exists(pending))


# --- reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """A reminder a day calls for: its action (a row of the rule table), the record, the unit
    and what the text needs (`due` …)."""

    action: str
    record: Any
    unit_id: int | None
    data: dict[str, Any] = field(default_factory=dict)


def reminders_due(day: date) -> list[Reminder]:
    """Every reminder `day` calls for, whether or not it was written before (the writer keeps
    each once). A reminder whose condition is gone (the report submitted, the meeting held)
    is simply not called for."""
    return [
        *_report_reminders(day),
        *_milestone_reminders(day),
        *_meeting_reminders(day),
        *_title_reminders(day),
        *_round_reminders(day),
        *_funds_reminders(day),
    ]


def _report_reminders(day: date) -> Iterable[Reminder]:
    """Last month's report, not yet submitted: due within three days, or overdue."""
    grid = completeness(CreatingUnit.objects.all(), Month.last_months(1, until=day), today=day)
    for row in grid.rows:
        for cell in row.cells:
            if not cell.expected or cell.reported:
                continue
            days_left = (cell.due - day).days
            if days_left > REPORT_DAYS_BEFORE_DUE:
                continue
            action = rules.REPORT_DUE if days_left >= 0 else rules.REPORT_OVERDUE
            data = {"month": f"{cell.month:%Y-%m}", "due": f"{cell.due:%Y-%m-%d}"}
            yield Reminder(action, row.unit, row.unit.pk, data)


def _milestone_reminders(day: date) -> Iterable[Reminder]:
    """Open milestones of a phase the unit has reached: due soon, or overdue."""
    for action, rows in (
        (rules.MILESTONE_DUE, UnitMilestone.objects.due_soon(day)),
        (rules.MILESTONE_OVERDUE, UnitMilestone.objects.overdue(day)),
    ):
        for row in rows.select_related("unit", "milestone"):
            yield Reminder(action, row, row.unit_id, {"due": f"{row.due_date:%Y-%m-%d}"})


def _meeting_reminders(day: date) -> Iterable[Reminder]:
    """The quarter ends within 15 days and the unit has held no creation work meeting in it."""
    quarter = Quarter.of(day)
    if (quarter.end - day).days > QUARTER_DAYS_BEFORE_END:
        return
    units = [
        unit
        for unit in CreatingUnit.objects.select_related("program")
        if record_start(unit) <= quarter.end
    ]
    held = meetings_held([unit.pk for unit in units], quarter.start, quarter.end)
    label = f"{quarter.year} Q{quarter.number}"
    for unit in units:
        if not held.get((unit.pk, quarter)):
            data = {"quarter": label, "due": f"{quarter.end:%Y-%m-%d}"}
            yield Reminder(rules.QUARTER_MEETING, unit, unit.pk, data)


def _title_reminders(day: date) -> Iterable[Reminder]:
    """A title held that expires within 90 days, and again within 30."""
    titles = Certification.objects.filter(
        status=Certification.Status.NAMED,
        valid_until__gte=day,
        valid_until__lte=day + timedelta(days=max(EXPIRY_WARNINGS)),
    ).select_related("unit")
    for title in titles:
        within = title.expiry_warning(day)
        if within is not None:
            data = {"due": f"{title.valid_until:%Y-%m-%d}", "within": within}
            yield Reminder(rules.TITLE_EXPIRING, title, title.unit_id, data)


def _round_reminders(day: date) -> Iterable[Reminder]:
    """A round closing within three days while an evaluation in it has an item not graded."""
    ungraded = ItemScore.objects.filter(
        evaluation__round=OuterRef("pk"), evaluation__status=Evaluation.Status.DRAFT
    ).filter(Q(presence="") | Q(evidence="") | Q(effect=""))
    rounds = EvaluationRound.objects.filter(
        closes_on__gte=day, closes_on__lte=day + timedelta(days=ROUND_DAYS_BEFORE_CLOSE)
    ).filter(Exists(ungraded))
    for evaluation_round in rounds:
        yield Reminder(
            rules.ROUND_CLOSING,
            evaluation_round,
            None,
            {"due": f"{evaluation_round.closes_on:%Y-%m-%d}"},
        )


def _funds_reminders(day: date) -> Iterable[Reminder]:
    """In October, November and December, each unit whose spending from January to the end of
    last month lags the straight line of its year's budget (k/12 after month k) by more than
    `FUNDS_EXECUTION_MARGIN` points. Checked at every run of those months and keyed by the
    month's first day (`due`), so each unit is told at most once a month: at the month's first
    run — the 1st, or the next day the job runs — or later in the month if it falls behind then
    (its budget raised, spending corrected). A unit without a budget that year is never
    behind."""
    if day.month not in FUNDS_CHECK_MONTHS:
        return
    month = day.month - 1  # the last month completed
    margin = settings.FUNDS_EXECUTION_MARGIN
    for row in behind_straight_line(CreatingUnit.objects.order_by("pk"), day.year, month, margin):
        data = {
            "due": f"{Month.first_day(day):%Y-%m-%d}",
            "month": f"{day.year}-{month:02d}",
            "rate": shown(row.rate),
            "line": shown(row.line),
            "margin": margin,
        }
        yield Reminder(rules.FUNDS_BEHIND, row.unit, row.unit.pk, data)
