"""manage.py load_demo_data — demo accounts for every role and a lively organisation per unit."""

from django.core.management.base import BaseCommand

from programs.demo import DEMO_PASSWORD, demo_data_load


class Command(BaseCommand):
    help = "Add demo users for every role and give each unit its work groups and members."

    def handle(self, *args, **options) -> None:
        accounts = demo_data_load()
        self.stdout.write(
            self.style.SUCCESS("Demo data ready. Log in at http://127.0.0.1:8000/ as:")
        )
        for account in accounts:
            where = account.unit_code or account.department
            self.stdout.write(
                f"  {account.username:<10} {DEMO_PASSWORD}   {account.role}"
                + (f" · {where}" if where else "")
            )
