"""manage.py import_injuries FILE [--dry-run] [--user USERNAME]

For scheduled transfers from a hospital's or department's system: checks the file and, unless
`--dry-run`, imports it as one batch, all or nothing. Exits non-zero when it refuses the file,
naming each bad row.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from injuries.errors import ImportRefused
from injuries.models import ImportBatch
from injuries.services import file_sha256, injuries_import, report_summary
from injuries.services.imports import BatchNowInError
from programs.core.models import User
from programs.core.transitions import transition


class Command(BaseCommand):
    help = "Check and import a spreadsheet (xlsx or CSV) of injury records."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--user",
            help="import as this user, within what they may change (default: every unit)",
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options) -> None:
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        account = None
        if user:
            account = User.objects.filter(username=user, is_active=True).first()
            if account is None:
                raise CommandError(f"No active user named {user!r}.")
        try:
            if dry_run:
                report = injuries_import(path=file, user=account)
            else:
                with transaction.atomic():
                    # The file is the caller's own: the batch does not keep it.
                    batch = ImportBatch.objects.create(
                        file_name=file.name[:255],
                        sha256=file_sha256(file),
                        size=file.stat().st_size,
                        uploaded_by=account,
                    )
                    try:  # the batch's move `commit`, as the account or (without one) the system
                        transition(batch, "commit", by=account, path=file)
                        report = batch.commit_report
                    except BatchNowInError as refused:
                        report = refused.report
                        transaction.set_rollback(True)
        except ImportRefused as refusal:
            raise CommandError(str(refusal)) from refusal

        for problem in report.problems:
            kind = "ERROR" if problem.is_error else "warning"
            line = f"{file.name}:{problem.row}: [{problem.column}] {kind}: {problem.message}"
            (self.stderr if problem.is_error else self.stdout).write(line)
        self.stdout.write(report_summary(report))
        if not report.ok:
            shown = len(report.errors)
            if shown < report.rows_in_error:
                self.stderr.write(f"(the first {shown} errors are listed)")
            rows = "row" if report.rows_in_error == 1 else "rows"
            raise CommandError(f"{report.rows_in_error} {rows} in error; nothing was imported.")
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported as batch {batch.pk}."))
