"""manage.py add_district CODE: put a Beijing district on the portal with its streets and towns."""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError

from programs.core.errors import DistrictError
from programs.core.services import district_add


class Command(BaseCommand):
    help = (
        "Create the district of official code CODE (e.g. 110116 for 怀柔区) with its departments, "
        "its programme and its streets and towns as creating units, from the official list. "
        "Rerunning it creates only what is missing; economic zones are added by hand."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("code", help="the district's 6-digit code (GB/T 2260)")

    def handle(self, *args, code: str, **options) -> None:
        created: Counter = Counter()
        try:
            district = district_add(code=code.strip(), created=created)
        except DistrictError as error:
            raise CommandError(str(error)) from error
        units = district.units.count()
        made = ", ".join(f"{count} {kind}" for kind, count in sorted(created.items()))
        self.stdout.write(
            self.style.SUCCESS(
                f"{district.name} ({district.code}): {units} units; created {made or 'nothing'}."
            )
        )
