"""Exports in a real Chromium: the export button starts a job, the browser lands on the job's page,
whose progress bar has ended (the test settings run jobs at once) and whose button downloads the
file; 我的任务 lists it."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from programs.models import Indicator, MonthlyReport, ReportValue, User
from safecommunity.calendar import Month
from tests.factories import InjuryRecordFactory, UnitFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "district-pass-2025"


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()


def download_from_the_job_page(page: Page, tmp_path) -> object:
    expect(page).to_have_url(re.compile(r"/jobs/\d+/$"))
    expect(page.locator("#job-status")).to_have_attribute("data-finished", "done")
    expect(page.locator(".job-count")).to_contain_text("100%")
    with page.expect_download() as info:
        page.locator("#job-download").click()
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    return load_workbook(path)


def test_district_exports_the_report_values_and_downloads_them_from_the_job_page(
    page: Page, live_server, tmp_path
):
    unit = UnitFactory(code="T07", name="马坡镇")
    month = Month.last_months(1)[0]
    report = MonthlyReport.objects.create(unit=unit, period=month)
    indicator = Indicator.objects.create(
        code="train", name="培训人次", unit_of_measure="人次", section="work", order=1
    )
    ReportValue.objects.create(report=report, indicator=indicator, value=42)
    UserFactory(username="district", role=User.Role.DISTRICT, password=PASSWORD)

    log_in(page, live_server, "district")
    page.goto(f"{live_server.url}/reports/")
    button = page.locator("#export-xlsx")
    expect(button).to_have_attribute("title", re.compile("我的任务"))
    button.click()

    book = download_from_the_job_page(page, tmp_path)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("单位编码", "单位", "月份")
    assert [(row[0], row[5], row[8]) for row in rows[1:]] == [("T07", "train", 42)]

    page.goto(f"{live_server.url}/jobs/")
    expect(page.locator("#jobs")).to_contain_text("月报数据导出")


def test_district_exports_the_injury_statistics_and_the_dashboard_as_jobs(
    page: Page, live_server, tmp_path
):
    unit = UnitFactory(code="T07", name="马坡镇")
    InjuryRecordFactory(unit=unit, injury_date=timezone.localdate().replace(day=1))
    UserFactory(username="district", role=User.Role.DISTRICT, password=PASSWORD)

    log_in(page, live_server, "district")
    page.goto(f"{live_server.url}/injuries/statistics/")
    page.locator("#export-xlsx").click()
    statistics = download_from_the_job_page(page, tmp_path)
    assert statistics.sheetnames[0] == "筛选条件"

    page.goto(f"{live_server.url}/dashboard/")
    page.locator("#export-xlsx").click()
    dashboard = download_from_the_job_page(page, tmp_path)
    assert [row[0] for row in dashboard.active.iter_rows(min_row=2, values_only=True)] == ["T07"]
