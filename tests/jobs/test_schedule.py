"""The schedule: `run_schedule` queues each entry once a day from its time (Asia/Shanghai),
however often it runs; a scheduled run sends and expires nothing twice."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from programs.jobs.models import Job
from programs.models import Certification, Event, User
from programs.notifications.models import Notification
from programs.schedule import SCHEDULE, enqueue_due
from tests.factories import CertificationFactory, UserFactory
from tests.processes import DATABASE_TASKS

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(hour: int, minute: int = 0, day: int = 6) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def names(jobs: list[Job]) -> list[str]:
    return sorted(job.key.split(":")[1] for job in jobs)


def test_each_entry_is_queued_from_its_time_once_a_day(settings):
    settings.TASKS = DATABASE_TASKS  # queued for workers, not run here
    assert names(enqueue_due(at(0, 5))) == []
    assert names(enqueue_due(at(7, 55))) == [
        "backup", "expire-titles", "injury-checks", "prune-jobs", "reminders",
    ]  # fmt: skip
    assert names(enqueue_due(at(8, 5))) == ["notification-digest"]
    assert enqueue_due(at(8, 10)) == [] and enqueue_due(at(23, 59)) == []
    # The next day, everything again; a timer that slept through the morning catches up.
    assert names(enqueue_due(at(13, 0, day=7))) == sorted(entry.name for entry in SCHEDULE)
    assert Job.objects.filter(user=None, state="queued").count() == 2 * len(SCHEDULE)


def test_run_schedule_twice_expires_each_title_once(unit_a, district_user, client):
    title = CertificationFactory(
        unit=unit_a, status=Certification.Status.NAMED, valid_until=date(2026, 12, 1)
    )
    with time_machine.travel(at(9, 0), tick=False):
        call_command("run_schedule")
        call_command("run_schedule")
    title.refresh_from_db()
    assert title.status == Certification.Status.EXPIRED
    expiry = Job.objects.get(key="schedule:expire-titles:2026-12-06")
    assert expiry.message == "1 个称号已标记为到期。"
    # System jobs are the administrators' to look at, not district staff's.
    client.force_login(district_user)
    assert client.get(reverse("programs:job-detail", args=[expiry.pk])).status_code == 404


def test_run_schedule_twice_writes_each_reminder_once(unit_a):
    UserFactory(username="c", role=User.Role.CLERK, unit=unit_a, email="c@example.org")
    unit_a.joined_on = date(2026, 1, 1)
    unit_a.save()
    # 4 December: November's report is due within three days
    with time_machine.travel(at(9, 0, day=4), tick=False):
        call_command("run_schedule")
        call_command("run_schedule")
    assert Event.objects.filter(action="report_due", unit=unit_a).count() == 1
    assert Notification.objects.filter(user__username="c", kind="report_due").count() == 1
    with time_machine.travel(at(9, 0, day=5), tick=False):
        call_command("run_schedule")
    assert Event.objects.filter(action="report_due", unit=unit_a).count() == 1
