"""The portal's schedule, in one place: which jobs run every day, and from what time.

The platform's timer (deploy/systemd/safecommunity-schedule.timer, or a cron line) calls
`manage.py run_schedule` every few minutes. Each call rescues the jobs of silent workers and
queues what is due and not yet queued today: an entry is due from its time (Asia/Shanghai)
until the day ends, under the key (entry, day), so running the command twice — or on two
machines — queues nothing twice, and a timer that missed 08:00 catches up at 08:05.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from injuries.jobs import discard_stale_checks
from programs.jobs.backups import backup
from programs.jobs.maintenance import prune_jobs
from programs.jobs.models import Job
from programs.jobs.runner import once, start
from programs.notifications.jobs import send_digests, write_reminders
from programs.titles.jobs import expire_titles


@dataclass(frozen=True)
class Scheduled:
    name: str
    task: Any
    at: time
    title: Any


SCHEDULE = [
    Scheduled("expire-titles", expire_titles, time(0, 10), _("Expiry of titles")),
    Scheduled("backup", backup, time(2, 0), _("Backup")),
    Scheduled("prune-jobs", prune_jobs, time(3, 30), _("Housekeeping of jobs")),
    Scheduled(
        "injury-checks", discard_stale_checks, time(3, 40), _("Unimported injury checks given up")
    ),
    # Reminders are written to the event log (and so become notifications) before the digest.
    Scheduled("reminders", write_reminders, time(7, 30), _("Reminders")),
    Scheduled("notification-digest", send_digests, time(8, 0), _("Daily digest of notifications")),
]


def enqueue_due(now: datetime | None = None) -> list[Job]:
    """Queue every entry due now and not yet queued today; the jobs queued."""
    local = timezone.localtime(now)
    day = local.date()
    queued = []
    for entry in SCHEDULE:
        if local.time() < entry.at:
            continue
        key = f"schedule:{entry.name}:{day:%Y-%m-%d}"
        with transaction.atomic():
            if not once(key):
                continue
            record, _created = start(
                entry.task,
                user=None,
                title=f"{entry.title} {day:%Y-%m-%d}",
                params={"day": f"{day:%Y-%m-%d}"},
                key=key,
            )
        queued.append(record)
    return queued
