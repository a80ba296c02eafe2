"""manage.py send_report_reminders [--dry-run] — remind clerks of last month's report when it is
due within three days or overdue, and send district staff a digest (run it daily)."""

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand
from django.utils import translation

from programs.reports.selectors.completeness import report_reminders


class Command(BaseCommand):
    help = "E-mail clerks whose monthly report is due soon or overdue, and district staff a digest."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the e-mails without sending them."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            reminders = report_reminders()
        for reminder in reminders:
            to = ", ".join(reminder.to)
            if dry_run:
                self.stdout.write(f"would send to {to}: {reminder.subject}")
                continue
            send_mail(reminder.subject, reminder.body, None, list(reminder.to))
            self.stdout.write(f"sent to {to}: {reminder.subject}")
        verb = "would be sent" if dry_run else "sent"
        self.stdout.write(self.style.SUCCESS(f"{len(reminders)} e-mail(s) {verb}."))
