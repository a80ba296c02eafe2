"""Notifications' background work: the daily reminders (written to the event log, then told
like every event), the e-mails sent at once, and the daily digest at 08:00."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job

from .mail import mail_digest, mail_one
from .models import Notification
from .selectors import digest_recipients
from .services import reminders_record

logger = logging.getLogger(__name__)


def _each(send: Callable[[object], bool], items: Iterable[object]) -> tuple[int, int]:
    """Send each item on its own: a mail server refusing one recipient stops nobody else's
    (the refused one's once-key rolls back with it, so it is tried again next time); (sent,
    refused)."""
    sent = refused = 0
    for item in items:
        try:
            sent += send(item)
        except (smtplib.SMTPException, OSError):
            refused += 1
            logger.exception("e-mail of %r not sent", item)
    return sent, refused


def _mailed(sent: int, refused: int, message: str) -> Outcome:
    """The job's outcome: `message` (what was sent), and what the mail server refused."""
    if refused:
        message += " " + ngettext(
            "%(n)s could not be sent (the mail server refused it; see the log).",
            "%(n)s could not be sent (the mail server refused them; see the log).",
            refused,
        ) % {"n": refused}
    return Outcome(message=message, data={"sent": sent, "refused": refused})


def _day(day: str) -> date:
    return date.fromisoformat(day) if day else timezone.localdate()


@job(label=_("Reminders"))
def write_reminders(record: Job, *, day: str = "") -> Outcome:
    written, before = reminders_record(day=_day(day))
    return Outcome(
        message=ngettext("%(n)s reminder written.", "%(n)s reminders written.", written)
        % {"n": written},
        data={"written": written, "written_before": before},
    )


@job(label=_("E-mail of notifications"))
def mail_notifications(record: Job, *, notifications: list[int]) -> Outcome:
    rows = Notification.objects.filter(pk__in=notifications).select_related("user", "event")
    sent, refused = _each(mail_one, rows)
    message = ngettext("%(n)s e-mail sent.", "%(n)s e-mails sent.", sent) % {"n": sent}
    return _mailed(sent, refused, message)


@job(label=_("Daily digest of notifications"))
def send_digests(record: Job, *, day: str = "") -> Outcome:
    on = _day(day)
    sent, refused = _each(lambda user: mail_digest(user, on), digest_recipients())
    message = ngettext("%(n)s digest sent.", "%(n)s digests sent.", sent) % {"n": sent}
    return _mailed(sent, refused, message)
