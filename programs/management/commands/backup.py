"""manage.py backup [PATH] [--prune] — one archive of the database and every private file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from safecommunity.backup import BackupError, prune_backups, write_backup


class Command(BaseCommand):
    help = (
        "Write one archive (.tar or .tar.gz) of the database, every private file and a manifest "
        "to PATH — a file name, or a folder for a timestamped one (default: BACKUP_DIR)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", help="archive file or folder (default BACKUP_DIR)")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="then delete archives in that folder older than BACKUP_KEEP_DAYS (not the newest)",
        )

    def handle(self, *args, path: str | None = None, prune: bool = False, **options) -> None:
        target = Path(path) if path else Path(settings.BACKUP_DIR)
        try:
            summary = write_backup(target)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                _("Backup written: %(path)s (%(size)s).")
                % {"path": summary.archive, "size": filesizeformat(summary.archive_bytes)}
            )
        )
        self.stdout.write(
            _("%(tables)s tables, %(rows)s rows, %(files)s files (%(bytes)s).")
            % {
                "tables": summary.tables,
                "rows": summary.rows,
                "files": summary.files,
                "bytes": filesizeformat(summary.bytes),
            }
        )
        if prune:
            removed = prune_backups(summary.archive.parent, settings.BACKUP_KEEP_DAYS)
            self.stdout.write(
                _("%(count)s old archive(s) removed (kept: %(days)s days).")
                % {"count": len(removed), "days": settings.BACKUP_KEEP_DAYS}
            )
