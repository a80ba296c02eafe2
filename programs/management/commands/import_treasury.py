"""manage.py import_treasury FILE --user USERNAME [--dry-run] — the treasury's file of paid
disbursements (xlsx or CSV), imported as USERNAME (finance staff: their district's units; an
administrator: every unit) by the same service as the page: all or nothing, a row already
imported changes nothing. With --dry-run the rows are checked and nothing changes."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programs.funds.errors import FundsError
from programs.funds.treasury import (
    payment_rows_read,
    treasury_check,
    treasury_import,
    treasury_summary,
)
from programs.models import User


class Command(BaseCommand):
    help = "Import the treasury's file of paid disbursements (xlsx or CSV), all or nothing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="The importing user's username.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and change nothing."
        )

    def handle(self, *args, file: Path, user: str, dry_run: bool = False, **options) -> None:
        by = User.objects.filter(username=user, is_active=True).first()
        if by is None:
            raise CommandError(f"No active user {user!r}.")
        try:
            rows, problems = payment_rows_read(file.read_bytes(), name=file.name)
            check = treasury_check(by=by, rows=rows)
            problems = sorted([*problems, *check.problems], key=lambda problem: problem.row)
            for problem in problems:
                self.stderr.write(f"row {problem.row}, {problem.column}: {problem.message}")
            if problems:
                raise CommandError(f"{len(problems)} problem(s): nothing changed.")
            if not dry_run:
                check = treasury_import(by=by, rows=rows)
        except (FundsError, OSError) as error:
            raise CommandError(str(error)) from None
        prefix = "Dry run, nothing changed: " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + treasury_summary(check)))
