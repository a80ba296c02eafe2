"""`/api/docs/` in a real Chromium, signed in: Swagger UI draws the API's operations from files
served by the portal itself — no request leaves 127.0.0.1 (the intranet has no CDN)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from programs.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "office-pass-2025"


def test_the_api_docs_render_offline_for_a_signed_in_user(page: Page, live_server):
    UserFactory(username="provider-docs", role=User.Role.DISTRICT, password=PASSWORD)
    hosts: set[str] = set()
    page.on(
        "request",
        lambda request: (
            hosts.add(urlsplit(request.url).hostname or "")
            if request.url.startswith(("http:", "https:", "ws:", "wss:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("provider-docs")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".swagger-ui .opblock-summary-path").first).to_be_visible(timeout=15000)
    paths = page.locator(".swagger-ui .opblock-summary-path").all_inner_texts()
    for path in ("/api/v1/units/", "/api/v1/events/", "/api/v1/injury-records/"):
        assert any(path in shown for shown in paths), path
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
