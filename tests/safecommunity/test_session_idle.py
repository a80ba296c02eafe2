"""A signed-in user idle for SESSION_IDLE_MINUTES (two hours by default) is signed out; one who
keeps working stays signed in, and the session is saved at most once a minute."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse

PAGE = reverse("programs:unit-list")
LOGIN = reverse("login")
MONDAY_MORNING = datetime(2026, 3, 16, 8, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        yield traveller


def signed_out(response) -> bool:
    return response.status_code == 302 and response["Location"] == f"{LOGIN}?next={PAGE}"


def test_the_idle_time_defaults_to_two_hours():
    assert settings.SESSION_IDLE_MINUTES == 120
    assert settings.SESSION_COOKIE_AGE == 120 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_user_who_keeps_working_stays_signed_in_past_two_hours(client, clerk_a, clock):
    client.force_login(clerk_a)

    for _quarter_hour in range(12):  # three hours, a page every fifteen minutes
        clock.shift(timedelta(minutes=15))
        assert client.get(PAGE).status_code == 200

    clock.shift(timedelta(minutes=119))
    assert client.get(PAGE).status_code == 200


def test_a_user_idle_for_two_hours_and_a_minute_is_sent_to_the_login(client, clerk_a, clock):
    client.force_login(clerk_a)
    clock.shift(timedelta(minutes=30))
    assert client.get(PAGE).status_code == 200

    clock.shift(timedelta(hours=2, minutes=1))
    response = client.get(PAGE)

    assert signed_out(response)
    assert "_auth_user_id" not in client.session


def test_the_idle_time_is_read_from_the_settings(client, clerk_a, clock, settings):
    settings.SESSION_COOKIE_AGE = 15 * 60  # as SESSION_IDLE_MINUTES=15 sets it
    client.force_login(clerk_a)

    clock.shift(timedelta(minutes=14))
    assert client.get(PAGE).status_code == 200
    clock.shift(timedelta(minutes=16))

    assert signed_out(client.get(PAGE))


def test_the_session_is_saved_at_most_once_a_minute(client, clerk_a, clock):
    client.force_login(clerk_a)  # signing in saves the session
    key = client.session.session_key
    signed_in = Session.objects.get(session_key=key).expire_date

    client.get(PAGE)
    clock.shift(timedelta(seconds=59))
    client.get(PAGE)
    assert Session.objects.get(session_key=key).expire_date == signed_in

    clock.shift(timedelta(seconds=2))
    client.get(PAGE)
    assert Session.objects.get(session_key=key).expire_date == signed_in + timedelta(seconds=61)


def test_a_progress_bar_polling_by_itself_keeps_nobody_signed_in(client, clerk_a, clock):
    client.force_login(clerk_a)
    for _minute in range(121):  # a job's page left open, polling every minute for two hours
        clock.shift(timedelta(minutes=1))
        client.get(reverse("programs:job-list"), headers={"HX-Request": "true"})
    assert signed_out(client.get(PAGE))
