"""manage.py send_report_reminders [--dry-run] — remind clerks of last month's report when it is
due within three days or overdue, and send district staff a digest. The schedule
(`run_schedule`) runs it daily at 08:00; each e-mail goes out at most once a day."""

from django.core.management.base import BaseCommand
from django.utils import timezone

from programs.reports.jobs import deliver_reminders, reminders_of


class Command(BaseCommand):
    help = "E-mail clerks whose monthly report is due soon or overdue, and district staff a digest."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the e-mails without sending them."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        today = timezone.localdate()
        if not dry_run:
            sent, skipped = deliver_reminders(today)
            self.stdout.write(
                self.style.SUCCESS(f"{sent} e-mail(s) sent, {skipped} already sent today.")
            )
            return
        reminders = reminders_of(today)
        for reminder in reminders:
            self.stdout.write(f"would send to {', '.join(reminder.to)}: {reminder.subject}")
        self.stdout.write(self.style.SUCCESS(f"{len(reminders)} e-mail(s) would be sent."))
