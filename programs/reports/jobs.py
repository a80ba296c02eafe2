"""Monthly reports' background work: the reminders, run daily at 08:00 by the schedule, and the
export of every reported value the grid shows (ten years of 400 units is 670,000 rows)."""

from __future__ import annotations

import hashlib
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.jobs.exports import file_outcome, query_dict, rows_with_progress
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job, once
from safecommunity.spreadsheets import WorkbookWriter

from .selectors.completeness import Reminder, report_reminders
from .selectors.values import (
    EXPORT_HEADERS,
    EXPORT_WIDTHS,
    completeness_units,
    report_values,
    value_rows,
)


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


@job(label=_("Export of monthly report values"))
def export_report_values(record: Job, *, query: dict[str, list[str]]) -> Outcome:
    """The grid's units and months (`query`, its filters with the months written out), every
    value of their reports the job's user may see, in one sheet."""
    _filterset, units, months = completeness_units(record.user, query_dict(query))
    values = report_values(record.user, units, months)

    def write(path) -> None:
        book = WorkbookWriter()
        sheet = book.sheet(
            translation.gettext("Monthly report values"),
            [translation.gettext(text) for text in EXPORT_HEADERS],
            widths=EXPORT_WIDTHS,
            freeze="C2",
        )
        sheet.rows(rows_with_progress(record, value_rows(values), values.count()))
        book.save_to(path)

    return file_outcome(
        record, write, file_name=f"monthly-reports-{timezone.localdate():%Y%m%d}.xlsx"
    )
