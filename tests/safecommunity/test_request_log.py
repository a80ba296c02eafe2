"""One log line per request — id, user, method, path, status, duration — and the request id
sent back, so an operator can match a user's report with the proxy's and the portal's logs."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key
from django.urls import reverse

LOGGER = "safecommunity.requests"
LINE = re.compile(
    r"request id=(?P<id>[A-Za-z0-9-]+) user=(?P<user>\d+|-) method=(?P<method>[A-Z]+) "
    r"path=(?P<path>\S+) status=(?P<status>\d{3}) ms=(?P<ms>\d+\.\d)"
)


@pytest.fixture
def request_lines(caplog):
    """The request log's lines, parsed, as the test's requests write them."""
    caplog.set_level(logging.INFO, logger=LOGGER)

    def lines() -> list[dict[str, str]]:
        records = [r for r in caplog.records if r.name == LOGGER]
        return [LINE.fullmatch(r.getMessage()).groupdict() for r in records]

    return lines


def test_a_signed_in_request_logs_one_line_with_its_user_status_and_duration(
    client, clerk_a, request_lines
):
    client.force_login(clerk_a)

    response = client.get(reverse("programs:unit-list"), {"q": "王芳"})

    (line,) = request_lines()
    assert line["user"] == str(clerk_a.pk)
    assert (line["method"], line["status"]) == ("GET", "200")
    assert line["path"] == reverse("programs:unit-list")  # the search stays out of the log
    assert float(line["ms"]) > 0
    assert line["id"] == response["X-Request-ID"]


def test_an_anonymous_request_logs_no_user(client, db, request_lines):
    client.get(reverse("programs:unit-list"))

    (line,) = request_lines()
    assert (line["user"], line["status"]) == ("-", "302")


def test_a_path_with_spaces_or_line_breaks_stays_on_one_line(client, db, request_lines):
    client.get("/no%20such/page%0Arequest%20id=forged")

    (line,) = request_lines()
    assert line["path"] == "/no%20such/page%0Arequest%20id%3Dforged"


@pytest.mark.parametrize(
    "given", ["0a4f5c3e9b2d4e6f8a1b3c5d7e9f0a2b", "req-42", "A" * 64], ids=["nginx", "short", "64"]
)
def test_a_sane_request_id_from_the_proxy_is_kept(client, db, request_lines, given):
    response = client.get(reverse("login"), headers={"X-Request-ID": given})

    assert response["X-Request-ID"] == given
    assert request_lines()[0]["id"] == given


@pytest.mark.parametrize(
    "given",
    ["A" * 65, "id with spaces", "id\r\nSet-Cookie: x=1", "ид-42", "<script>", ""],
    ids=["too-long", "spaces", "header-injection", "not-ascii", "markup", "empty"],
)
def test_an_insane_request_id_is_replaced_by_a_fresh_one(client, db, request_lines, given):
    response = client.get(reverse("login"), headers={"X-Request-ID": given})

    fresh = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", fresh)
    assert request_lines()[0]["id"] == fresh


def test_each_request_gets_its_own_id(client, db):
    first = client.get(reverse("login"))["X-Request-ID"]
    second = client.get(reverse("login"))["X-Request-ID"]

    assert first != second


def test_production_logging_prints_one_timestamped_line_per_request_on_stdout(tmp_path):
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "ALLOWED_HOSTS"}},
        "DJANGO_SETTINGS_MODULE": "safecommunity.settings",
        "DEBUG": "0",
        "SECRET_KEY": get_random_secret_key(),
        "ALLOWED_HOSTS": "testserver",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    code = "from django.test import Client; Client().get('/units/?q=王芳')"

    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    stamp, _, message = line.partition(" request ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}", stamp)
    assert LINE.fullmatch(f"request {message}")["path"] == "/units/"
    assert "request id=" not in result.stderr  # not passed on to the root logger as well
