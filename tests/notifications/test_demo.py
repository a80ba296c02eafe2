"""The demo tells its people of the recent demo events and today's reminders through the same
fan-out as every event: the bell shows something after `make run`, and a second load adds
nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from programs.core.models import Event, User
from programs.notifications.models import Notification
from programs.notifications.rules import rule_for


@pytest.fixture
def demo(db) -> None:
    call_command("load_demo_data", stdout=StringIO())


def test_the_demo_users_have_notifications_made_from_the_event_log(demo):
    for username in ("clerk", "district", "evaluator"):
        user = User.objects.get(username=username)
        unread = Notification.objects.of(user).unread()
        assert 0 < unread.count() <= 6, username
    for notification in Notification.objects.select_related("event")[:200]:
        assert rule_for(notification.event).kind == notification.kind
    # only the clerk's own unit reaches the clerk
    clerk = User.objects.get(username="clerk")
    assert set(Notification.objects.filter(user=clerk).values_list("unit", flat=True)) <= {
        clerk.unit_id
    }


def test_a_second_demo_load_adds_no_notification(demo):
    before = (Notification.objects.count(), Event.objects.count())
    call_command("load_demo_data", stdout=StringIO())
    assert (Notification.objects.count(), Event.objects.count()) == before
