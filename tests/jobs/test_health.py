"""/healthz: open without a login, JSON naming each check, 200 only when every check holds."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.jobs.models import Worker
from programs.jobs.workers import beat

pytestmark = pytest.mark.django_db


def health(client):
    response = client.get(reverse("healthz"))
    return response.status_code, response.json()


def test_all_well_answers_200_without_a_login(client):
    beat("w1")
    status, body = health(client)
    assert (status, body["status"], body["failing"]) == (200, "ok", [])
    assert set(body["checks"]) == {"database", "migrations", "worker", "disk"}
    assert body["checks"]["migrations"]["unapplied"] == 0
    assert body["ms"] < 100


def test_no_worker_heartbeat_for_two_minutes_answers_503_naming_it(client):
    status, body = health(client)
    assert (status, body["failing"]) == (503, ["worker"])
    Worker.objects.create(id="old", host="h", pid=1, beat_at=timezone.now() - timedelta(minutes=3))
    status, body = health(client)
    assert (status, body["failing"]) == (503, ["worker"])
    assert body["checks"]["worker"]["last_heartbeat_seconds"] >= 180
    beat("old")
    assert health(client)[0] == 200


def test_a_stopped_worker_does_not_count(client):
    beat("w1")
    Worker.objects.filter(pk="w1").update(stopped_at=timezone.now())
    assert health(client)[1]["failing"] == ["worker"]


def test_too_little_free_space_for_private_files_answers_503(client, settings):
    beat("w1")
    settings.HEALTH_MIN_FREE_BYTES = 10**18
    status, body = health(client)
    assert (status, body["failing"]) == (503, ["disk"])


def test_nothing_sensitive_is_in_it(client, settings):
    beat("secret-host-worker")
    text = client.get(reverse("healthz")).content.decode()
    for secret in (str(settings.PRIVATE_MEDIA_ROOT), "secret-host-worker", settings.SECRET_KEY):
        assert secret not in text
    assert client.post(reverse("healthz")).status_code == 405
