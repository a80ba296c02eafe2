"""The city office in a real Chromium: signs in, lands on the city dashboard with every district
side by side, and clicks through to a district's page."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.core.choices import TitleLevel
from programs.models import CreatingUnit, MonthlyReport, User
from safecommunity.calendar import Month
from tests.factories import (
    CertificationFactory,
    DistrictFactory,
    InjuryRecordFactory,
    MonthlyReportFactory,
    PhaseFactory,
    ProgramFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "city-pass-2025"
SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/screenshots"))


def district_with_units(code: str, name: str, population: int | None, prefix: str) -> None:
    """A district with its programme, two phases, a target, and four units at work."""
    district = DistrictFactory(code=code, name=name, population=population)
    program = ProgramFactory(code=f"p{code}", district=district)
    start = PhaseFactory(program=program, order=1, name="启动")
    work = PhaseFactory(program=program, order=2, name="实施")
    TargetFactory(program=program, name=f"{name}北京市安全社区达标")
    month = Month.last_months(1)[0]
    for n in range(4):
        unit = UnitFactory(code=f"{prefix}{n:02d}", name=f"{name[:2]}{n}镇", program=program)
        CreatingUnit.objects.filter(pk=unit.pk).update(current_phase=start if n < 3 else work)
        if n < 2:
            CertificationFactory(unit=unit, level=TitleLevel.MUNICIPAL)
        if n < 3:
            MonthlyReportFactory(unit=unit, period=month, status=MonthlyReport.Status.SUBMITTED)
        InjuryRecordFactory(
            unit=unit, injury_date=Month.first_day(timezone.localdate()) - timedelta(days=40)
        )


def test_the_city_office_compares_the_districts_and_opens_one(page: Page, live_server):
    district_with_units("110113", "顺义区", 1_324_044, "S")
    district_with_units("110116", "怀柔区", None, "H")
    UserFactory(username="city", role=User.Role.CITY, password=PASSWORD)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("city")
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()

    expect(page).to_have_url(re.compile(r"/city/$"))
    table = page.locator("#city-table")
    expect(table.locator("#district-110113")).to_contain_text("顺义区")
    expect(table.locator("#district-110116")).to_contain_text("怀柔区")
    # 怀柔区 has no population: "no data", not a number
    expect(table.locator("#district-110116 [data-cell=rate]")).to_have_text(re.compile(r"^\D+$"))
    expect(table.locator("tfoot")).to_contain_text("8")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "city-dashboard.png"), full_page=True)
    page.emulate_media(media="print")  # printed: no navigation, no buttons
    expect(page.locator("#export-xlsx")).to_be_hidden()
    expect(page.locator("nav.navbar")).to_be_hidden()
    page.screenshot(path=str(SHOTS / "city-dashboard-print.png"), full_page=True)
    page.emulate_media(media="screen")

    table.get_by_role("link", name="怀柔区").click()

    expect(page).to_have_url(re.compile(r"/districts/110116/$"))
    expect(page.locator("#district-name")).to_contain_text("怀柔区")
    expect(page.locator("#readiness-table tbody tr")).to_have_count(4)
    expect(page.locator("#readiness-table")).not_to_contain_text("顺义")
    page.screenshot(path=str(SHOTS / "district-page.png"), full_page=False)

    page.locator("#nav-city > a").click()
    expect(page.locator("#nav-city .dropdown-menu")).to_contain_text("顺义区")
