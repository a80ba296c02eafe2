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


def test_a_provider_creates_a_token_sees_its_key_once_and_revokes_it(page: Page, live_server):
    UserFactory(username="provider-tokens", role=User.Role.DISTRICT, password=PASSWORD)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("provider-tokens")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()

    page.locator("#user-menu").click()
    page.locator("#nav-api-tokens").click()
    page.get_by_label("名称").fill("公安分局接口")
    page.locator("#token-create button[type=submit]").click()

    key = page.locator("#new-token-key").inner_text()
    assert key.startswith("sc_") and len(key) >= 40
    page.reload()  # the page came by a redirect: a reload neither re-posts nor shows the key
    expect(page.locator("#new-token")).to_have_count(0)
    expect(page.locator("#token-list")).to_contain_text("公安分局接口")
    expect(page.locator("#token-list")).not_to_contain_text(key)
    page.locator("#token-list").get_by_role("button", name="撤销").click()
    expect(page.locator("#token-list .badge")).to_have_text("撤销")
    expect(page.locator("#token-list button")).to_have_count(0)
