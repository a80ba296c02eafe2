"""Sign-in, lock-out after repeated wrong passwords, security headers and the deploy checks."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

from tests.factories import UserFactory

LOGIN = reverse("login")
PASSWORD = "test-pass-123"  # UserFactory's
PROJECT_ROOT = settings.BASE_DIR


# --- sign-in --------------------------------------------------------------------------------


def test_login_page_is_open_to_anonymous(client):
    response = client.get(LOGIN)

    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [reverse("home"), reverse("programs:unit-list"), reverse("programs:program-overview")],
)
def test_the_portal_requires_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={url}"


def test_the_right_password_signs_in(client, db):
    UserFactory(username="li")

    response = client.post(LOGIN, {"username": "li", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("programs:unit-list")).status_code == 200


def test_a_wrong_password_says_so_and_signs_nobody_in(client, db):
    UserFactory(username="li")

    response = client.post(LOGIN, {"username": "li", "password": "wrong"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_logout_signs_out(client, district_user):
    client.force_login(district_user)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"] == LOGIN
    assert client.get(reverse("programs:unit-list")).status_code == 302


# --- lock-out (django-axes) -----------------------------------------------------------------


def wrong_password(client, username: str = "li"):
    return client.post(LOGIN, {"username": username, "password": "not-the-password"})


def test_too_many_wrong_passwords_lock_the_login(client, db):
    UserFactory(username="li")
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 5

    for _attempt in range(limit - 1):
        assert wrong_password(client).status_code == 200
    locking = wrong_password(client)  # the failure that reaches the limit already locks

    assert locking.status_code == 429
    response = client.post(LOGIN, {"username": "li", "password": PASSWORD})
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    assert "15" in response.content.decode()  # minutes to wait
    assert "_auth_user_id" not in client.session


def test_the_lock_out_page_is_in_english_when_chosen(client, db):
    UserFactory(username="li")
    client.cookies["django_language"] = "en"
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        wrong_password(client)

    response = client.post(LOGIN, {"username": "li", "password": PASSWORD})

    assert response.status_code == 429
    assert "Too many wrong passwords" in response.content.decode()


def test_lock_out_is_per_username(client, db):
    UserFactory(username="li")
    UserFactory(username="wang")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        wrong_password(client, "li")

    response = client.post(LOGIN, {"username": "wang", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_successful_login_resets_the_count(client, db):
    UserFactory(username="li")
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        wrong_password(client)
    assert client.post(LOGIN, {"username": "li", "password": PASSWORD}).status_code == 302
    client.post(reverse("logout"))

    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert wrong_password(client).status_code == 200


# --- headers --------------------------------------------------------------------------------


@pytest.mark.parametrize("signed_in", [False, True], ids=["login-page", "unit-list"])
def test_security_headers_are_sent(client, district_user, signed_in):
    if signed_in:
        client.force_login(district_user)
    url = reverse("programs:unit-list") if signed_in else LOGIN

    response = client.get(url)

    assert response.status_code == 200
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    csp = {
        directive.split()[0]: directive.split()[1:]
        for directive in response["Content-Security-Policy"].split(";")
        if directive.strip()
    }
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


def test_session_cookie_is_http_only(client, db):
    UserFactory(username="li")

    client.post(LOGIN, {"username": "li", "password": PASSWORD})

    assert client.cookies[settings.SESSION_COOKIE_NAME]["httponly"]


# --- production settings ----------------------------------------------------------------------


# Set in this process by the test settings; a deployment would not have them.
TEST_ONLY_ENVIRONMENT = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "HTTPS",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    inherited = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_ENVIRONMENT}
    environment = {**inherited, "DJANGO_SETTINGS_MODULE": "safecommunity.settings", **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_in_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        HTTPS="1",
        SECRET_KEY=get_random_secret_key(),
        ALLOWED_HOSTS="portal.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DEBUG="0", SECRET_KEY="")

    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_fresh_clone_with_no_configuration_runs_for_local_development():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DEBUG)")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


@pytest.mark.parametrize(
    "secret",
    ["$" + get_random_secret_key()[1:], get_random_secret_key()],
    ids=["dollar-prefixed", "random"],
)
def test_a_secret_key_alone_turns_development_mode_off(secret):
    # A key starting with "$" is read as it is, not as a reference to another variable.
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG, settings.SECRET_KEY[:1])",
        SECRET_KEY=secret,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(f"False {secret[0]}")
