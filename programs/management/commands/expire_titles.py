"""manage.py expire_titles — mark titles past their validity as expired (run it daily)."""

from django.core.management.base import BaseCommand

from programs.titles.services import certifications_expire


class Command(BaseCommand):
    help = "Mark every named title whose validity has ended as expired."

    def handle(self, *args, **options) -> None:
        lapsed = certifications_expire()
        for title in lapsed:
            self.stdout.write(
                f"expired: {title.unit.code} {title.level} (valid until {title.valid_until})"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(lapsed)} title(s) marked expired."))
