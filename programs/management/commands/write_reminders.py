"""manage.py write_reminders [--day YYYY-MM-DD] [--dry-run] — write the day's reminders (reports
due or overdue, milestones due or overdue, a quarter without a creation meeting, titles expiring,
rounds closing with items to grade) to the event log, each once, so they become notifications.
The schedule (`run_schedule`) runs it daily at 07:30, before the 08:00 digest."""

from datetime import date

from django.core.management.base import BaseCommand
from django.utils import timezone

from programs.notifications.selectors import reminders_due
from programs.notifications.services import reminders_record


class Command(BaseCommand):
    help = "Write the day's reminders to the event log (each once); they become notifications."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--day", type=date.fromisoformat, help="The day (default today).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List the reminders without writing them."
        )

    def handle(self, *args, day: date | None = None, dry_run: bool = False, **options) -> None:
        day = day or timezone.localdate()
        if dry_run:
            reminders = reminders_due(day)
            for reminder in reminders:
                self.stdout.write(f"{reminder.action}: {reminder.record} {reminder.data}")
            self.stdout.write(self.style.SUCCESS(f"{len(reminders)} reminder(s) called for."))
            return
        written, before = reminders_record(day=day)
        self.stdout.write(
            self.style.SUCCESS(f"{written} reminder(s) written, {before} written before.")
        )
