"""Backup and restore of the whole portal: the database and every private file, in one archive.

`make_backup(target)` writes a .tar or .tar.gz (a timestamped one when `target` is a folder)
holding the database dump, every file of the default storage and a manifest (format, time,
engine, migration state, row count per table, SHA-256 and size of everything).
`restore_backup(archive, force=False)` checks the archive whole before it changes anything,
refuses a target that is not empty unless forced, loads it, and verifies the result against the
manifest. `prune_backups(folder, keep_days)` keeps the folder from growing; `scheduled_backup()`
is the daily job (`BACKUP_DIR`, `BACKUP_KEEP_DAYS`). Refusals are `BackupError`s with a message
for the user. See `archive.py` for the format, `database.py` for the engines.
"""

from .errors import BackupError
from .operations import (
    Summary,
    make_backup,
    prune_backups,
    restore_backup,
    scheduled_backup,
    write_backup,
)

__all__ = [
    "BackupError",
    "Summary",
    "make_backup",
    "prune_backups",
    "restore_backup",
    "scheduled_backup",
    "write_backup",
]
