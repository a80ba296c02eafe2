"""manage.py load_reference_data — the district's plan, loaded once and safe to repeat."""

from django.core.management.base import BaseCommand

from programs.setup import reference_data_load


class Command(BaseCommand):
    help = (
        "Load departments, work-group templates, the programme, its phases, units and targets,"
        " and the monthly report's indicators and validation rules."
    )

    def handle(self, *args, **options) -> None:
        created = reference_data_load()
        if not created:
            self.stdout.write("Reference data already loaded; nothing changed.")
            return
        for kind, count in created.items():
            self.stdout.write(f"created {count} {kind}")
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
