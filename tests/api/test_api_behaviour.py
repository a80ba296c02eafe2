"""How the API answers besides scope: the rate limit per token, the language of its messages,
cursor pages of injury records, `updated_since`, and the event log's `after`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone, translation

from injuries.models import InjuryRecord
from programs.core.services import token_create
from safecommunity.api.throttling import TokenRateThrottle
from tests.factories import EventFactory, InjuryRecordFactory


@pytest.fixture
def two_a_minute(monkeypatch):
    cache.clear()
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"api": "2/min"})
    yield
    cache.clear()


def test_a_token_over_its_rate_is_429_with_retry_after(two_a_minute, token_client, provider):
    client = token_client(provider, HTTP_ACCEPT_LANGUAGE="en")
    other = token_client(provider)

    answers = [client.get("/api/v1/units/").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    refused = client.get("/api/v1/units/")
    assert 0 < int(refused["Retry-After"]) <= 60
    assert "throttled" in refused.json()["detail"].lower()
    assert other.get("/api/v1/units/").status_code == 200  # counted per token


def test_an_exempt_token_is_not_counted(two_a_minute, provider):
    from rest_framework.test import APIClient

    token, key = token_create(user=provider, name="bench")
    token.rate_exempt = True
    token.save(update_fields=["rate_exempt"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")

    assert {client.get("/api/v1/units/").status_code for _ in range(4)} == {200}


def _not_found(language: str) -> str:
    with translation.override(language):
        from rest_framework.exceptions import NotFound

        return str(NotFound.default_detail)


@pytest.mark.parametrize(
    ("header", "stored", "language"),
    [
        ("en", "", "en"),
        ("en-GB,en;q=0.8", "zh-hans", "en"),
        ("zh-CN", "en", "zh-hans"),
        (None, "en", "en"),
        (None, "", "zh-hans"),
        ("fr", "", "zh-hans"),
    ],
)
def test_messages_follow_accept_language_then_the_users_language_then_chinese(
    token_client, clerk_a, unit_b, header, stored, language
):
    clerk_a.language = stored
    clerk_a.save(update_fields=["language"])
    headers = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}
    client = token_client(clerk_a, **headers)
    client.cookies["django_language"] = "en" if language == "zh-hans" else "zh-hans"

    response = client.get(f"/api/v1/units/{unit_b.code}/")

    assert response.status_code == 404
    assert response.json() == {"detail": _not_found(language)}
    assert response["Content-Language"] == language
    assert _not_found("zh-hans") != _not_found("en")


def test_a_bad_filter_is_400_at_the_field_in_the_requests_language(token_client, provider):
    client = token_client(provider, HTTP_ACCEPT_LANGUAGE="en")

    response = client.get("/api/v1/injury-records/", {"cause": "99", "start": "yesterday"})

    assert response.status_code == 400
    assert set(response.json()) == {"cause", "start"}
    assert "valid" in response.json()["start"][0]


def test_injury_records_page_by_cursor_to_an_empty_end(token_client, provider, unit_a):
    InjuryRecordFactory.create_batch(5, unit=unit_a)
    client = token_client(provider)
    seen, url, pages = [], "/api/v1/injury-records/?page_size=2", 0

    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1

    assert seen == sorted(InjuryRecord.objects.values_list("pk", flat=True))
    assert pages == 3
    assert client.get("/api/v1/injury-records/?page_size=1001").status_code == 200
    assert len(client.get("/api/v1/injury-records/?page_size=1001").json()["results"]) == 5


def test_a_page_after_the_last_record_is_empty(token_client, provider, unit_a):
    InjuryRecordFactory.create_batch(2, unit=unit_a)
    client = token_client(provider)
    last = client.get("/api/v1/injury-records/?page_size=2").json()
    assert last["next"] is None
    InjuryRecord.objects.all().delete()  # the rows of a cursor's page are gone

    assert client.get("/api/v1/injury-records/?page_size=2").json()["results"] == []


def test_updated_since_gives_what_changed(token_client, provider, unit_a):
    old = InjuryRecordFactory(unit=unit_a)
    InjuryRecord.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=2))
    changed = InjuryRecordFactory(unit=unit_a)
    since = (timezone.now() - timedelta(days=1)).isoformat()

    rows = token_client(provider).get("/api/v1/injury-records/", {"updated_since": since}).json()

    assert [row["id"] for row in rows["results"]] == [changed.pk]


def test_events_come_after_an_id_oldest_first(token_client, district_user, unit_a):
    events = [EventFactory(record=unit_a, action=f"a{n}") for n in range(5)]
    client = token_client(district_user)

    first = client.get("/api/v1/events/", {"page_size": 3}).json()
    rest = client.get(first["next"]).json()
    after_last = client.get("/api/v1/events/", {"after": events[-1].pk}).json()

    assert [e["id"] for e in first["results"]] == [e.pk for e in events[:3]]
    assert first["last_id"] == events[2].pk
    assert [e["id"] for e in rest["results"]] == [e.pk for e in events[3:]]
    assert rest["next"] is None
    assert after_last == {"next": None, "last_id": events[-1].pk, "results": []}
    assert client.get("/api/v1/events/", {"after": -1}).status_code == 400
    assert client.get("/api/v1/events/", {"after": "x"}).status_code == 400


@pytest.mark.parametrize(
    "moment", ["2060-03-31T08:52:13+16:26", "1999-12-31T00:00:00Z", "9999-12-31T23:59:59-23:00"]
)
@pytest.mark.parametrize("resource", ["events", "injury-records"])
def test_a_strange_updated_since_is_400_or_read_never_500(token_client, provider, resource, moment):
    response = token_client(provider, HTTP_ACCEPT_LANGUAGE="en").get(
        f"/api/v1/{resource}/", {"updated_since": moment}
    )

    assert response.status_code in {200, 400}
    if response.status_code == 400:
        assert set(response.json()) == {"updated_since"}


def test_updated_since_reads_the_offset(token_client, provider, unit_a):
    record = InjuryRecordFactory(unit=unit_a)
    at = record.updated_at.astimezone(timezone.get_fixed_timezone(16 * 60 + 26))

    found = token_client(provider).get("/api/v1/injury-records/", {"updated_since": at.isoformat()})

    assert [row["id"] for row in found.json()["results"]] == [record.pk]


@pytest.mark.parametrize("zone", ["Asia/Shanghai", "UTC"])
def test_records_read_by_the_million_are_written_as_drf_writes_them(unit_a, zone):
    """The records' planned representation (`PlannedRepresentation`) is DRF's own, field by
    field: a full card, one with every optional field empty, a batch's card, in either zone."""
    from rest_framework import serializers

    from injuries.api import InjuryRecordSerializer
    from tests.factories import ImportBatchFactory

    InjuryRecordFactory(unit=unit_a)
    InjuryRecordFactory(
        unit=unit_a,
        injury_time=None,
        visit_date=None,
        visit_time=None,
        registration=None,
        education=None,
        occupation=None,
        alcohol=None,
    )
    InjuryRecordFactory(unit=unit_a, batch=ImportBatchFactory(imported=True))
    rows = list(InjuryRecord.objects.select_related("unit").order_by("pk"))

    with timezone.override(zone):
        planned = InjuryRecordSerializer(rows, many=True).data
        drf = [
            serializers.ModelSerializer.to_representation(InjuryRecordSerializer(), row)
            for row in rows
        ]

    assert [dict(row) for row in planned] == drf
    assert planned[1]["visit_time"] is None and planned[2]["batch"] is not None
    assert planned[0]["created_at"].endswith("Z" if zone == "UTC" else "+08:00")
