"""The nightly backup, as a job: one archive of the database and every private file in
BACKUP_DIR, then archives older than BACKUP_KEEP_DAYS removed (see safecommunity/backup)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safecommunity.backup import scheduled_backup

from .errors import JobError
from .models import Job
from .runner import Outcome, job


@job(label=gettext_lazy("Backup"), retry=False)
def backup(record: Job, *, day: str = "") -> Outcome:
    if connection.in_atomic_block:
        # A backup reads what is committed; inside a transaction (a job run at once, in tests)
        # SQLite's backup would wait for this very transaction.
        raise JobError(_("A backup runs on a worker, outside any transaction."))
    path = scheduled_backup(progress=record.report_progress)
    return Outcome(
        message=_("Backup written: %(name)s (%(mb).1f MB).")
        % {"name": path.name, "mb": path.stat().st_size / 1024**2},
        data={"archive": path.name},
    )
