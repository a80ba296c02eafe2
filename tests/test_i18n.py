"""The portal speaks Chinese unless the user picks English with the language switch.

The browser's Accept-Language header is ignored on purpose (see safecommunity/middleware.py):
an office PC with an English browser still opens in Chinese.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

UNIT_LIST = reverse("programs:unit-list")


@pytest.fixture
def district(client, district_user, unit_a):
    client.force_login(district_user)
    return client


def test_unit_list_is_chinese_by_default(district):
    response = district.get(UNIT_LIST)

    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>创建单位</h1>" in html
    assert "安全社区创建管理平台" in html
    assert response["Content-Language"] == "zh-hans"


def test_login_page_is_chinese_by_default(client):
    html = client.get(reverse("login")).content.decode()

    assert '<html lang="zh-hans">' in html
    assert "登录" in html
    assert "Log in" not in html


def test_the_language_cookie_switches_to_english(district):
    district.cookies["django_language"] = "en"

    response = district.get(UNIT_LIST)

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Creating units</h1>" in html
    assert "创建单位" not in html
    assert response["Content-Language"] == "en"


def test_posting_to_set_language_switches_and_returns_to_the_page(district):
    response = district.post(reverse("set_language"), {"language": "en", "next": UNIT_LIST})

    assert response.status_code == 302
    assert response["Location"] == UNIT_LIST
    assert district.cookies["django_language"].value == "en"
    assert "<h1>Creating units</h1>" in district.get(UNIT_LIST).content.decode()

    district.post(reverse("set_language"), {"language": "zh-hans", "next": UNIT_LIST})

    assert "<h1>创建单位</h1>" in district.get(UNIT_LIST).content.decode()


def test_the_switch_also_keeps_the_language_for_a_signed_in_users_mail(district, district_user):
    district.post(reverse("set_language"), {"language": "en", "next": UNIT_LIST})
    district_user.refresh_from_db()
    assert district_user.language == "en"

    district.post(reverse("set_language"), {"language": "xx", "next": UNIT_LIST})
    district_user.refresh_from_db()
    assert district_user.language == "en"


def test_anonymous_can_switch_the_login_page_to_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})

    html = client.get(reverse("login")).content.decode()

    assert '<html lang="en">' in html
    assert "Log in" in html


def test_accept_language_alone_does_not_switch(district):
    response = district.get(UNIT_LIST, headers={"accept-language": "en-US,en;q=0.9"})

    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "<h1>创建单位</h1>" in html


def test_an_unsupported_language_cookie_falls_back_to_chinese(district):
    district.cookies["django_language"] = "fr"

    html = district.get(UNIT_LIST).content.decode()

    assert '<html lang="zh-hans">' in html


def test_pages_vary_on_the_cookie(district):
    """A cache between the office and the portal must not serve one user's language to another."""
    response = district.get(UNIT_LIST)

    assert "Cookie" in response["Vary"]


def test_the_switch_marks_the_current_language(district):
    html = district.get(UNIT_LIST).content.decode()

    buttons = dict(re.findall(r'<button[^>]*name="language" value="([^"]+)"([^>]*)>', html))
    assert set(buttons) == {"zh-hans", "en"}
    assert 'aria-current="true"' in buttons["zh-hans"]
    assert 'aria-current="true"' not in buttons["en"]
