"""What the funds' browser tests share: their users' password, signing in through the login
page, the money forms' own button and full-page screenshots (to `$SCREENSHOTS`)."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, expect

PASSWORD = "funds-browser-2025"
SUBMIT = ".card form button.btn-primary"  # a money form's own button, not the header's
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/screenshots"))


def sign_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    """Sign `username` in on the login page (whoever was signed in before is signed out)."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.locator("#login-submit").click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def shot(page: Page, name: str) -> Path:
    """The whole page as `$SCREENSHOTS/<name>.png`."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
