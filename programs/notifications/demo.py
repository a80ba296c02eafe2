"""Demo notifications: the last weeks of the demo's event log told through the same fan-out as
every event, and today's reminders written as the daily job writes them — so `make run` shows
the bell at work. Idempotent: the (user, event) key and the reminders' once-keys add nothing on
a second run."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from programs.core.models import Event

from .models import Notification
from .services import notify_events, reminders_record

DEMO_DAYS = 30  # how far back the demo's events are told
UNREAD_KEPT = 6  # each person's newest notifications left unread; the older ones were read


@transaction.atomic
def notifications_demo() -> int:
    """Tell the recent demo events and today's reminders; how many notifications there are."""
    since = timezone.now() - timedelta(days=DEMO_DAYS)
    recent = list(Event.objects.filter(at__gte=since).order_by("pk"))
    notify_events(recent)
    reminders_record(day=timezone.localdate())
    unread = Notification.objects.filter(read_at__isnull=True).order_by("user", "-created_at")
    seen: dict[int, int] = {}
    older = []
    for pk, user_id in unread.values_list("pk", "user_id"):
        seen[user_id] = seen.get(user_id, 0) + 1
        if seen[user_id] > UNREAD_KEPT:
            older.append(pk)
    Notification.objects.filter(pk__in=older).update(read_at=timezone.now())
    return Notification.objects.count()
