"""Personal API tokens: shown once, kept hashed, named and expiring, revocable; a refused token
answers 401 in the request's language; its last use is written at most once a minute."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone, translation
from rest_framework.test import APIClient

from programs.core import errors
from programs.core.errors import TokenError
from programs.core.models import ApiToken
from programs.core.services import token_create, token_revoke
from tests.database import refused_by_database


def _client(key: str, **headers) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", **headers)
    return client


def _in(language: str, message) -> str:
    with translation.override(language):
        return str(message)


def test_the_page_shows_a_new_key_once_and_keeps_only_its_hash(client, provider):
    client.force_login(provider)

    created = client.post("/profile/tokens/create/", {"name": "公安分局接口", "days": 30})
    shown = client.get("/profile/tokens/")

    token = ApiToken.objects.get(user=provider)
    key = shown.context["new_key"]
    assert created.status_code == 302
    assert key in shown.content.decode()
    assert "no-store" in shown["Cache-Control"]
    assert len(key) >= 40
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.prefix, token.name}
    assert key.startswith(token.prefix)
    assert token.expires_at - token.created_at == timedelta(days=30)
    listed = client.get("/profile/tokens/").content.decode()
    assert key not in listed
    assert "公安分局接口" in listed
    assert _client(key).get("/api/v1/units/").status_code == 200


@pytest.mark.parametrize("days", [0, 366, "x"])
def test_a_token_lasts_a_year_at_most_and_the_form_says_so(english, provider, days):
    english.force_login(provider)

    response = english.post("/profile/tokens/create/", {"name": "x", "days": days})

    assert response.status_code == 400
    assert response.context["form"].errors["days"]
    assert not ApiToken.objects.exists()


def test_the_default_is_ninety_days_and_the_service_refuses_more_than_a_year(provider):
    token, _key = token_create(user=provider, name="x")
    assert token.expires_at - token.created_at == timedelta(days=90)
    with pytest.raises(TokenError):
        token_create(user=provider, name="x", days=366)


def test_revoking_is_the_owners_post_and_ends_the_token(client, provider, clerk_a):
    token, key = token_create(user=provider, name="x")
    client.force_login(clerk_a)
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    client.force_login(provider)
    assert client.get(f"/profile/tokens/{token.pk}/revoke/").status_code == 405

    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 302

    token.refresh_from_db()
    assert token.revoked_at is not None
    assert _client(key).get("/api/v1/units/").status_code == 401


@pytest.mark.parametrize(
    ("state", "message"), [("revoked", errors.TOKEN_REVOKED), ("expired", errors.TOKEN_EXPIRED)]
)
@pytest.mark.parametrize(("header", "language"), [("en", "en"), (None, "zh-hans")])
def test_a_refused_token_is_401_with_its_reason_in_the_requests_language(
    provider, state, message, header, language
):
    token, key = token_create(user=provider, name="x", days=1)
    provider.language = "en"  # not known before the token is accepted: no effect here
    provider.save(update_fields=["language"])
    if state == "revoked":
        token_revoke(token=token, by=provider)
    headers = {"HTTP_ACCEPT_LANGUAGE": header} if header else {}

    with time_machine.travel(timezone.now() + timedelta(days=2 if state == "expired" else 0)):
        response = _client(key, **headers).get("/api/v1/injury-records/")

    assert response.status_code == 401
    assert response.json() == {"detail": _in(language, message)}
    assert response["Content-Language"] == language
    assert _in("zh-hans", message) != _in("en", message)  # really translated


def test_an_unknown_key_is_401(db):
    response = _client("sc_not-a-key").get("/api/v1/units/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json() == {"detail": "The API token is not valid."}


def test_the_last_use_is_written_at_most_once_a_minute(provider):
    token, key = token_create(user=provider, name="x")
    client = _client(key)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        client.get("/api/v1/units/")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=59), tick=False):
        client.get("/api/v1/units/")
    token.refresh_from_db()
    assert token.last_used_at == start
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        client.get("/api/v1/units/")
    token.refresh_from_db()
    assert token.last_used_at == start + timedelta(seconds=61)


def test_a_deactivated_users_token_is_refused(provider):
    _token, key = token_create(user=provider, name="x")
    provider.is_active = False
    provider.save(update_fields=["is_active"])

    assert _client(key).get("/api/v1/units/").status_code == 401


def test_the_admin_lists_tokens_read_only_without_keys(client, admin_user, provider):
    token, key = token_create(user=provider, name="公安分局接口")
    client.force_login(admin_user)

    page = client.get("/admin/programs/apitoken/").content.decode()
    change = client.get(f"/admin/programs/apitoken/{token.pk}/change/").content.decode()

    assert "公安分局接口" in page
    assert key not in page + change
    assert token.key_hash not in page + change
    assert client.get("/admin/programs/apitoken/add/").status_code == 403


def test_the_database_refuses_a_token_expiring_before_it_is_made_or_a_repeated_key(provider):
    token, _key = token_create(user=provider, name="x")

    refused_by_database(
        lambda: ApiToken.objects.create(
            user=provider, name="y", key_hash="b" * 64, prefix="sc_", expires_at=token.created_at
        ),
        "api_token_expires_after_created",
    )
    refused_by_database(
        lambda: ApiToken.objects.create(
            user=provider,
            name="z",
            key_hash=token.key_hash,
            prefix="sc_",
            expires_at=token.expires_at,
        ),
        "api_token_key_unique",
    )


def test_only_the_administrator_exempts_a_systems_token_from_the_rate_limit(
    client, admin_user, district_user, provider
):
    token, _key = token_create(user=provider, name="公安分局接口")
    action = {"action": "exempt_from_rate", "_selected_action": [token.pk]}
    district_user.is_staff = True
    district_user.save()

    client.force_login(district_user)
    client.post("/admin/programs/apitoken/", action)
    token.refresh_from_db()
    assert not token.rate_exempt

    client.force_login(admin_user)
    client.post("/admin/programs/apitoken/", action)
    token.refresh_from_db()
    assert token.rate_exempt
    client.post("/admin/programs/apitoken/", {**action, "action": "count_against_rate"})
    token.refresh_from_db()
    assert not token.rate_exempt


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_token_page_shows_the_header_to_send_in_either_language(client, provider, language):
    client.force_login(provider)
    client.cookies["django_language"] = language

    page = client.get("/profile/tokens/").content.decode()

    assert "Authorization: Bearer &lt;key&gt;" in page  # shown, not swallowed as a tag
