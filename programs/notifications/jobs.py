"""Notifications' background work: the daily reminders (written to the event log, then told
like every event), the e-mails sent at once, and the daily digest at 08:00."""

from __future__ import annotations

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
    sent = sum(mail_one(notification) for notification in rows)
    return Outcome(
        message=ngettext("%(n)s e-mail sent.", "%(n)s e-mails sent.", sent) % {"n": sent},
        data={"sent": sent},
    )


@job(label=_("Daily digest of notifications"))
def send_digests(record: Job, *, day: str = "") -> Outcome:
    on = _day(day)
    sent = sum(mail_digest(user, on) for user in digest_recipients())
    return Outcome(
        message=ngettext("%(n)s digest sent.", "%(n)s digests sent.", sent) % {"n": sent},
        data={"sent": sent},
    )
