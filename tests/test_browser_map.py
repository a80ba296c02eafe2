"""In a real Chromium: the city map draws Beijing's 16 districts from the vendored GeoJSON under
the portal's Content-Security-Policy, colours the districts on the portal, and its legend names
the no-data colour; a click on a district opens its page."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.models import MonthlyReport, User
from safecommunity.calendar import Month
from tests.factories import (
    CertificationFactory,
    DistrictFactory,
    MonthlyReportFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "city-pass-2025"


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()


def test_the_city_office_sees_the_map_of_the_districts_with_no_data_in_its_legend(
    page: Page, live_server
):
    last_month = Month.previous(timezone.localdate())
    shunyi = DistrictFactory(code="110113", name="顺义区")
    huairou = DistrictFactory(code="110116", name="怀柔区")
    for district, code in ((shunyi, "S"), (huairou, "H")):
        for n in range(2):
            unit = UnitFactory(
                code=f"{code}0{n}", program__code=code.lower(), program__district=district
            )
            if n == 0:
                CertificationFactory(unit=unit)
                MonthlyReportFactory(
                    unit=unit, period=last_month, status=MonthlyReport.Status.SUBMITTED
                )
    UserFactory(username="city", role=User.Role.CITY, password=PASSWORD)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, "city")

    page.goto(f"{live_server.url}/map/?measure=reporting")

    chart = page.locator("[data-city-map]")
    expect(chart).to_have_class(r"chart city-map chart-drawn")
    regions = chart.locator("svg path")
    expect(regions.first).to_be_visible()
    assert regions.count() >= 16  # one shape (or more) per district
    expect(page.locator("#legend-no-data")).to_have_text(re.compile("无数据|No data"))
    expect(page.locator("#measure-reporting")).to_have_attribute("aria-current", "page")
    expect(page.locator("#district-110113")).to_contain_text("50.0%")
    if os.environ.get("SCREENSHOT_DIR"):  # to look at by hand; never committed
        page.screenshot(
            path=str(Path(os.environ["SCREENSHOT_DIR"]) / "city-map.png"), full_page=True
        )
    assert problems == []

    chart.get_by_text("顺义区", exact=True).click()  # its label, on its shape
    expect(page).to_have_url(f"{live_server.url}/districts/110113/")
