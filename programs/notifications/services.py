"""Writes of notifications: the fan-out of each event to the people it tells, reading them, the
e-mail settings, and the reminders the daily job writes to the event log."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from programs.core.models import Event, EventKind, User
from programs.core.transitions import record_event
from programs.jobs.models import Job
from programs.jobs.runner import once, start

from . import errors
from .models import Delivery, Notification, NotificationPreference
from .rules import default_delivery, kinds_for, rule_for
from .selectors import Reminder, deliveries, reminders_due

logger = logging.getLogger(__name__)


def may_see(user: User, record: Any) -> bool:
    """Whether `record` is in `user`'s scope: the one access decision, asked of its model."""
    return type(record)._default_manager.visible_to(user).filter(pk=record.pk).exists()


def _scope_of(user: User, record: Any) -> tuple:
    """People of the same role, district, unit and department share a scope (the rule of
    `ScopedQuerySet`), so the access decision is asked once for each — district staff of two
    districts do not; an evaluator's scope is their rounds and a job is its owner's, so those
    are asked person by person."""
    if user.role == User.Role.EVALUATOR or isinstance(record, Job):
        return ("person", user.pk)
    return (user.role, user.district_id, user.unit_id, user.department_id, user.is_superuser)


def who_may_see(people: Iterable[User], record: Any) -> list[User]:
    """Those of `people` in whose scope `record` is: one query per scope among them."""
    answers: dict[tuple, bool] = {}
    seeing = []
    for user in people:
        scope = _scope_of(user, record)
        if scope not in answers:
            answers[scope] = may_see(user, record)
        if answers[scope]:
            seeing.append(user)
    return seeing


def notify_events(events: Sequence[Event]) -> None:
    """Make the notifications `events` call for, in their transaction (the listener of the
    event log, connected in `programs.apps`): one per (recipient, event) — the unique key makes
    a second hand-over of the same event tell nobody twice —, only for active people who may see
    the record, not for the one who acted (unless the rule says so). E-mails due at once are
    queued when the transaction commits."""
    for event in events:
        rule = rule_for(event)
        if rule is None:
            continue
        record = event.record
        if record is None or not rule.when(event, record):
            continue
        people = [
            user
            for user in rule.recipients(event, record)
            if rule.tells_actor or user.pk != event.actor_id
        ]
        if not getattr(rule.recipients, "chosen_by_scope", False):
            people = who_may_see(people, record)
        if not people:
            continue
        subject = rule.subject(event, record)[:200]
        Notification.objects.bulk_create(
            [
                Notification(
                    user=user,
                    event=event,
                    kind=rule.kind,
                    unit_id=event.unit_id or user.unit_id,
                    subject=subject,
                    created_at=event.at,
                )
                for user in people
            ],
            ignore_conflicts=True,
        )
        addressed = [user.pk for user in people if user.email]
        wanted = deliveries(addressed, rule.kind)
        immediate = [pk for pk in addressed if wanted[pk] == Delivery.IMMEDIATE]
        if immediate:
            ids = list(
                Notification.objects.filter(
                    event=event, user__in=immediate, mailed_at=None
                ).values_list("pk", flat=True)
            )
            transaction.on_commit(partial(_mail_soon, ids))


def _mail_soon(ids: list[int]) -> None:
    from .jobs import mail_notifications  # the job module starts from here, after the commit

    start(
        mail_notifications,
        user=None,
        title=gettext("E-mail of notifications"),
        params={"notifications": ids},
    )


def notification_read(*, notification: Notification, by: User) -> None:
    """Mark one notification read (its recipient only: the caller found it in `by`'s own)."""
    if notification.user_id != by.pk:
        raise errors.NotificationError(errors.NOT_YOURS)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at=None).update(
            read_at=notification.read_at
        )


def notifications_read_all(*, by: User) -> int:
    """Mark every unread notification of `by` read; how many were."""
    return Notification.objects.of(by).unread().update(read_at=timezone.now())


def preferences_save(*, user: User, choices: Mapping[str, str], by: User) -> None:
    """Keep `user`'s e-mail choice per kind; a choice equal to the default keeps no row."""
    if by.pk != user.pk and not by.is_administrator:
        raise errors.NotificationError(errors.NOT_YOURS)
    allowed = set(kinds_for(user))
    with transaction.atomic():
        for kind, delivery in choices.items():
            if kind not in allowed or delivery not in Delivery.values:
                raise errors.NotificationError(errors.UNKNOWN_DELIVERY)
            if delivery == default_delivery(kind):
                NotificationPreference.objects.filter(user=user, kind=kind).delete()
            else:
                NotificationPreference.objects.update_or_create(
                    user=user, kind=kind, defaults={"delivery": delivery}
                )


# --- reminders: written to the event log once each, then told like every event ---------------


def reminder_key(reminder: Reminder) -> str:
    return (
        f"reminder:{reminder.action}:{reminder.record._meta.label_lower}:{reminder.record.pk}:"
        f"{reminder.data.get('due', '')}:{reminder.data.get('within', '')}"
    )


def reminders_record(*, day: date) -> tuple[int, int]:
    """Write the day's reminders to the event log — each (reminder, record, due date) once
    ever, its key claimed in the transaction that writes it, so a second run writes nothing —
    and so tell the people their rows name; (written, written before)."""
    written = skipped = 0
    for reminder in reminders_due(day):
        with transaction.atomic():
            if not once(reminder_key(reminder)):
                skipped += 1
                continue
            record_event(
                reminder.record,
                EventKind.DEADLINE,
                by=None,
                action=reminder.action,
                unit_id=reminder.unit_id,
                data=reminder.data,
            )
            written += 1
    logger.info("reminders of %s: %s written, %s before", day, written, skipped)
    return written, skipped
