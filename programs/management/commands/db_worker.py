"""`manage.py db_worker`: django-tasks-db's worker, with a heartbeat and the reaper.

Run as many as you like, on as many machines as share the database. The worker's id gets the
process id and a random suffix, so a restarted worker never inherits a dead one's heartbeat.
A worker stops gracefully on SIGTERM, finishing its current job.
"""

import os
from typing import Any

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from programs.jobs.workers import Heartbeat


class Command(db_worker.Command):
    help = "Run background jobs, writing a heartbeat and rescuing the jobs of silent workers."

    def handle(self, *args: Any, **options: Any) -> None:
        # Each process is a new worker, even when restarted under the same name: its jobs are
        # judged by its own heartbeat, never by the one of a process that died before it.
        options["worker_id"] = f"{options['worker_id'][:48]}.{os.getpid()}.{get_random_string(4)}"
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()
