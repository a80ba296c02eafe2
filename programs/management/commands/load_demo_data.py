"""manage.py load_demo_data — demo accounts for every role and a lively organisation per unit."""

from django.core.management.base import BaseCommand

from injuries.models import InjuryRecord
from programs.demo import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = (
        "Add demo users for every role, give each unit its work groups and members, and five "
        "years of synthetic injury records."
    )

    def handle(self, *args, **options) -> None:
        before = InjuryRecord.objects.count()
        accounts = demo_data_load()  # the injury records too, before the reports count them
        injuries = InjuryRecord.objects.count() - before
        self.stdout.write(f"{injuries} demo injury records added.")
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/ as:")
        )
        for account in accounts:
            where = account.unit_code or account.department
            self.stdout.write(
                f"  {account.username:<10} {DEMO_PASSWORD}   {account.role}"
                + (f" · {where}" if where else "")
            )
