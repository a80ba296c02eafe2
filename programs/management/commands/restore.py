"""manage.py restore PATH [--force] — load a backup into an empty database and file storage."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from safecommunity.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `manage.py backup`: check it whole, refuse a database or "
        "file storage that is not empty (unless --force), load it, and verify every table's row "
        "count and every file's SHA-256 against its manifest. Stop the web server and workers "
        "first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="the archive (.tar or .tar.gz)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace the database and every file even when they are not empty",
        )

    def handle(self, *args, path: str, force: bool = False, **options) -> None:
        try:
            summary = restore_backup(Path(path), force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Restored the backup of %(created_at)s: %(tables)s tables, %(rows)s rows, "
                "%(files)s files (%(bytes)s)."
            )
            % {
                "created_at": summary.created_at,
                "tables": summary.tables,
                "rows": summary.rows,
                "files": summary.files,
                "bytes": filesizeformat(summary.bytes),
            }
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Every table's row count and every file's SHA-256 match the manifest.")
            )
        )
