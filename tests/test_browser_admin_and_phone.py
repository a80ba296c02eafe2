"""In a real Chromium: the admin's export page ticks and clears every column with "select all"
under the portal's Content-Security-Policy (no inline script is refused); the monthly report's
entry page fits a 390 px phone — each indicator's name, value and comment stacked, nothing
scrolled sideways."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.models import Indicator, MonthlyReport, User
from safecommunity.calendar import Month
from tests.factories import DepartmentFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "admin-pass-2025"
COLUMNS = '.selectable-field-export-row input[type="checkbox"]:visible'


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()


def refusals_of(page: Page) -> list[str]:
    """What the browser reports the Content-Security-Policy refused, as it happens."""
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


def test_select_all_on_the_admins_export_page_works_under_the_csp(page: Page, live_server):
    DepartmentFactory(code="fire", name="消防救援支队")
    User.objects.create_superuser("root", "root@example.com", PASSWORD)
    refused = refusals_of(page)
    log_in(page, live_server, "root")

    response = page.goto(f"{live_server.url}/admin/programs/department/export/")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    columns = page.locator(COLUMNS)
    assert columns.count() >= 5
    toggle = page.locator('input[name="select-all-toggle"]')
    expect(toggle).to_be_checked()

    toggle.click()
    for index in range(columns.count()):
        expect(columns.nth(index)).not_to_be_checked()

    page.get_by_text("全选", exact=True).click()  # its label works too
    for index in range(columns.count()):
        expect(columns.nth(index)).to_be_checked()
    assert refused == []


def test_the_report_entry_page_fits_a_390_px_phone(page: Page, live_server):
    unit = UnitFactory(code="T07", name="马坡镇")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=unit, password=PASSWORD)
    Indicator.objects.create(
        code="trainings",
        name="开展安全培训次数（含线上线下）",
        unit_of_measure="次",
        section=Indicator.Section.ACTIVITIES,
        source=Indicator.Source.TRAINING_COUNT,
    )
    Indicator.objects.create(
        code="found", name="排查发现隐患数", unit_of_measure="处", section=Indicator.Section.HAZARDS
    )
    month = Month.first_day(timezone.localdate())
    MonthlyReport.objects.create(unit=unit, period=month)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "clerk")

    page.goto(f"{live_server.url}/units/T07/reports/{month:%Y-%m}/")

    expect(page.get_by_label("排查发现隐患数", exact=True)).to_be_visible()
    scroll, width = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= width, f"the page scrolls sideways: {scroll} > {width}"
    row = page.locator("#indicator-found")
    name = row.locator("td").first.bounding_box()
    value = page.get_by_label("排查发现隐患数", exact=True).bounding_box()
    comment = row.locator("td").last.locator("input, textarea").first.bounding_box()
    assert name["y"] < value["y"] < comment["y"], (name, value, comment)  # stacked
    assert value["x"] + value["width"] <= width and comment["x"] + comment["width"] <= width
    assert value["width"] > width / 2  # a field a thumb can hit, not a squeezed column
    expect(row.locator('td[data-label="说明"]')).to_be_visible()
