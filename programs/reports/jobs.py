"""Monthly reports' background work: the reminders, run daily at 08:00 by the schedule."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job, once

from .selectors.completeness import Reminder, report_reminders


def reminders_of(day: date) -> list[Reminder]:
    with translation.override(settings.LANGUAGE_CODE):
        return report_reminders(day)


def reminder_key(day: date, reminder: Reminder) -> str:
    digest = hashlib.sha256("\n".join([*reminder.to, reminder.subject]).encode()).hexdigest()
    return f"report-reminder:{day:%Y-%m-%d}:{digest[:32]}"


def deliver_reminders(day: date) -> tuple[int, int]:
    """Send the day's reminders, each at most once (its key is claimed in the transaction that
    sends it); (sent, already sent before)."""
    sent = skipped = 0
    for reminder in reminders_of(day):
        with transaction.atomic():
            if not once(reminder_key(day, reminder)):
                skipped += 1
                continue
            send_mail(reminder.subject, reminder.body, None, list(reminder.to))
            sent += 1
    return sent, skipped


@job(label=_("Monthly report reminders"))
def send_report_reminders(record: Job, *, day: str = "") -> Outcome:
    sent, skipped = deliver_reminders(date.fromisoformat(day) if day else timezone.localdate())
    return Outcome(
        message=ngettext("%(n)s reminder sent.", "%(n)s reminders sent.", sent) % {"n": sent},
        data={"sent": sent, "already_sent": skipped},
    )
