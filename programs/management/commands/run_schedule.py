"""`manage.py run_schedule`: queue the scheduled jobs that are due (see programs/schedule.py).

Called every 5 minutes by the platform's timer; safe to run any number of times, on any number
of machines. It also rescues the jobs of workers that went silent.
"""

from django.core.management.base import BaseCommand

from programs.jobs.workers import reap
from programs.schedule import enqueue_due


class Command(BaseCommand):
    help = "Queue the scheduled jobs that are due today and not yet queued."

    def handle(self, *args, **options) -> None:
        rescued = reap()
        if rescued:
            self.stdout.write(f"{rescued} job(s) of silent workers rescued.")
        for record in enqueue_due():
            self.stdout.write(f"queued: {record.title} (job {record.pk})")
