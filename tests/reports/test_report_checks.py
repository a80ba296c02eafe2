"""A monthly report's checks as the clerk meets them: saving runs them (the draft is kept), each
problem is one message — errors red, warnings yellow —, a month is submitted once it is over (or
within the configured days of its end), the 月报 link opens the unit's months, and the report
prints as a formal A4 document."""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse
from playwright.sync_api import Page

from programs.core.transitions import transition
from programs.models import Indicator, MonthlyReport, ValidationRule
from programs.reports import errors
from programs.reports.services import report_open, report_save
from programs.reports.views import saved_with_problems
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = MonthlyReport.Status
MAY = date(2026, 5, 1)
JUNE = date(2026, 6, 1)  # the month under way on 15 June
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def june_15_2026(request):
    if request.node.get_closest_marker("browser"):
        yield  # the live server runs on the real clock
        return
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        yield


def indicator(code: str, name: str, **fields) -> Indicator:
    values = {"unit_of_measure": "项", "section": Indicator.Section.HAZARDS}
    return Indicator.objects.create(code=code, name=name, **{**values, **fields})


@pytest.fixture
def checked(db):
    """Hazards found and fixed (fixed ≤ found: an error) and traffic deaths (= 0: a warning)."""
    found = indicator("found", "发现隐患", name_en="Hazards found", order=1)
    fixed = indicator("fixed", "整改隐患", name_en="Hazards rectified", order=2)
    deaths = indicator(
        "deaths", "交通事故死亡人数", name_en="Traffic deaths", section="accidents", order=3
    )
    ValidationRule.objects.create(
        code="fixed-within-found",
        name="整改不多于发现",
        left=fixed,
        operator=ValidationRule.Operator.LTE,
        right_indicator=found,
        severity=ValidationRule.Severity.ERROR,
        message_zh="已整改的数量不能多于发现的数量。",
        message_en="No more hazards can be rectified than were found.",
    )
    ValidationRule.objects.create(
        code="deaths-explained",
        name="死亡须说明",
        left=deaths,
        operator=ValidationRule.Operator.EQ,
        right_constant=0,
        severity=ValidationRule.Severity.WARNING,
        message_zh="本月报告了道路交通事故死亡：请在说明中写明事故经过和处置情况。",
        message_en="Traffic deaths are reported this month: describe what happened in the comment.",
    )
    return found, fixed, deaths


def detail_url(unit, period: date) -> str:
    return reverse("programs:report-detail", args=[unit.code, f"{period:%Y-%m}"])


def print_url(unit, period: date) -> str:
    return reverse("programs:report-print", args=[unit.code, f"{period:%Y-%m}"])


def form_data(report: MonthlyReport, values: dict[str, str], comments=None) -> dict[str, str]:
    data = {"version": str(report.version), "work_done": "", "problems": "", "next_plan": ""}
    for row in report.values.select_related("indicator"):
        data[f"value_{row.indicator_id}"] = values.get(row.indicator.code, "")
        data[f"comment_{row.indicator_id}"] = (comments or {}).get(row.indicator.code, "")
    return data


def row_html(html: str, code: str) -> str:
    return html.split(f'id="indicator-{code}"')[1].split("</tr>")[0]


def row_tag(html: str, code: str) -> str:
    return html.split(f'id="indicator-{code}"')[1].split(">")[0]


# --- saving runs the checks ----------------------------------------------------------------------


def test_saving_keeps_the_draft_and_shows_errors_red_and_warnings_yellow(
    client, english, unit_a, clerk_a, checked
):
    report = report_open(unit=unit_a, period=MAY, by=clerk_a)
    english.force_login(clerk_a)

    response = english.post(
        detail_url(unit_a, MAY), form_data(report, {"found": "3", "fixed": "5", "deaths": "1"})
    )

    assert response.status_code == 302
    assert response["Location"] == detail_url(unit_a, MAY) + "?check=1#indicators"
    report.refresh_from_db()
    assert (report.status, report.version) == (Status.DRAFT, 1)
    assert {v.indicator.code: v.value for v in report.values.select_related("indicator")} == {
        "found": 3,
        "fixed": 5,
        "deaths": 1,
    }
    page = english.get(response["Location"])
    html = page.content.decode()
    assert [str(m) for m in page.context["messages"]] == [saved_with_problems(1, 1)]
    assert "1 error to fix" in saved_with_problems(1, 1)
    assert 'class="table-danger"' in row_tag(html, "fixed")
    assert 'class="table-warning"' in row_tag(html, "deaths")
    assert "class=" not in row_tag(html, "found")
    assert 'id="report-errors"' in html and 'id="report-warnings"' in html


def test_each_problem_is_one_message_in_chinese(client, unit_a, clerk_a, checked):
    report = report_open(unit=unit_a, period=MAY, by=clerk_a)
    client.force_login(clerk_a)
    client.post(
        detail_url(unit_a, MAY), form_data(report, {"found": "3", "fixed": "5", "deaths": "1"})
    )

    html = client.get(detail_url(unit_a, MAY) + "?check=1").content.decode()

    deaths = row_html(html, "deaths")
    assert deaths.count('class="small problem') == 1
    assert "本月报告了道路交通事故死亡：请在说明中写明事故经过和处置情况。" in deaths
    assert "请在说明中解释" not in html  # no prompt glued before the rule's own words
    fixed = row_html(html, "fixed")
    assert fixed.count('class="small problem') == 1
    assert "problem-error" in fixed and "已整改的数量不能多于发现的数量。" in fixed
    assert "problem-warning" in deaths


def test_each_problem_is_one_message_in_english(english, unit_a, clerk_a, checked):
    report = report_open(unit=unit_a, period=MAY, by=clerk_a)
    english.force_login(clerk_a)
    english.post(detail_url(unit_a, MAY), form_data(report, {"deaths": "2"}))

    html = english.get(detail_url(unit_a, MAY) + "?check=1").content.decode()

    deaths = row_html(html, "deaths")
    assert deaths.count('class="small problem') == 1
    assert "Traffic deaths are reported this month: describe what happened in the comment." in (
        deaths
    )
    assert "Explain this in a comment" not in html


def test_a_clean_save_says_it_passes_every_check(english, unit_a, clerk_a, checked):
    report = report_open(unit=unit_a, period=MAY, by=clerk_a)
    english.force_login(clerk_a)

    response = english.post(
        detail_url(unit_a, MAY), form_data(report, {"found": "3", "fixed": "2", "deaths": "0"})
    )

    assert response["Location"] == detail_url(unit_a, MAY)
    messages = [str(m) for m in english.get(response["Location"]).context["messages"]]
    assert messages == ["The report is saved; it passes every check."]


def test_an_explained_warning_is_no_longer_shown(client, unit_a, clerk_a, checked):
    report = report_open(unit=unit_a, period=MAY, by=clerk_a)
    client.force_login(clerk_a)

    response = client.post(
        detail_url(unit_a, MAY),
        form_data(report, {"deaths": "1"}, comments={"deaths": "一起交通事故，已上报交管部门"}),
    )

    assert response["Location"] == detail_url(unit_a, MAY)


# --- a month is submitted once it is over --------------------------------------------------------


def test_the_month_under_way_cannot_be_submitted(unit_a, clerk_a, checked):
    report = report_open(unit=unit_a, period=JUNE, by=clerk_a)

    with pytest.raises(errors.ReportError) as refused:
        transition(report, "submit", by=clerk_a)

    assert str(refused.value) == str(errors.REPORT_SUBMITTED_TOO_EARLY) % {
        "month": "2026-06",
        "date": "2026-06-30",
    }
    report.refresh_from_db()
    assert (report.status, report.submitted_at) == (Status.DRAFT, None)


def test_the_month_can_be_submitted_on_its_last_day(unit_a, clerk_a, checked):
    report = report_open(unit=unit_a, period=JUNE, by=clerk_a)

    with time_machine.travel(datetime(2026, 6, 30, 0, 5, tzinfo=SHANGHAI), tick=False):
        transition(report, "submit", by=clerk_a)

    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


@override_settings(REPORT_SUBMIT_FROM_DAYS_BEFORE_END=15)
def test_the_offset_lets_a_month_be_submitted_days_before_its_end(unit_a, clerk_a, checked):
    report = report_open(unit=unit_a, period=JUNE, by=clerk_a)
    assert report.submittable_from == date(2026, 6, 15)

    transition(report, "submit", by=clerk_a)

    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_submitting_too_early_is_refused_at_the_action_in_the_users_language(
    english, unit_a, clerk_a, checked
):
    report = report_open(unit=unit_a, period=JUNE, by=clerk_a)
    english.force_login(clerk_a)

    response = english.post(
        detail_url(unit_a, JUNE),
        {**form_data(report, {"found": "1", "fixed": "1"}), "then": "submit"},
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert "The report of 2026-06 can be submitted from 2026-06-30, once the month is over." in (
        messages
    )
    report.refresh_from_db()
    assert report.status == Status.DRAFT and report.version == 1  # saved, not submitted


def test_the_submit_button_says_when_it_becomes_possible(client, english, unit_a, clerk_a):
    english.force_login(clerk_a)

    june = english.get(detail_url(unit_a, JUNE)).content.decode()
    may = english.get(detail_url(unit_a, MAY)).content.decode()

    button = (
        june.split('id="submit-report"')[0].rsplit("<button", 1)[1]
        + june.split('id="submit-report"')[1].split("</button>")[0]
    )
    assert "disabled" in button and "Submit from 2026-06-30" in button
    assert "Submit report" in may.split('id="submit-report"')[1].split("</button>")[0]
    client.cookies.pop("django_language", None)
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=SHANGHAI), tick=False):
        chinese = client.get(detail_url(unit_a, JUNE)).content.decode()
    assert "2026-06-30起可提交" in chinese


# --- the clerk's 月报 link ------------------------------------------------------------------------


def test_the_clerks_reports_link_opens_the_units_months_with_the_current_one(
    client, unit_a, clerk_a
):
    unit_a.joined_on = date(2026, 3, 10)
    unit_a.save()
    client.force_login(clerk_a)

    home = client.get(reverse("programs:unit-detail", args=[unit_a.code])).content.decode()
    link = home.split('id="nav-reports"')[0].rsplit("<a", 1)[1]
    assert f'href="{reverse("programs:report-list", args=[unit_a.code])}"' in link

    months = client.get(reverse("programs:report-list", args=[unit_a.code])).content.decode()
    assert 'id="month-2026-06"' in months and 'id="current-month"' in months
    assert 'id="month-2026-03"' in months and 'id="month-2026-02"' not in months
    assert months.index('id="month-2026-06"') < months.index('id="month-2026-05"')


def test_district_staff_keep_the_grid_behind_the_link(client, district_user):
    client.force_login(district_user)

    html = client.get(reverse("programs:dashboard")).content.decode()

    link = html.split('id="nav-reports"')[0].rsplit("<a", 1)[1]
    assert f'href="{reverse("programs:report-grid")}"' in link


# --- the printable report ------------------------------------------------------------------------


@pytest.fixture
def approved_may(unit_a, clerk_a, district_user, checked):
    found, fixed, deaths = checked
    report = report_open(unit=unit_a, period=MAY, by=clerk_a)
    report_save(
        report=report,
        by=clerk_a,
        version=report.version,
        values={found.pk: (3, ""), fixed.pk: (2, "一处待整改"), deaths.pk: (0, "")},
        narrative={"work_done": "完成辖区隐患排查。"},
    )
    with time_machine.travel(datetime(2026, 6, 3, 9, 30, tzinfo=SHANGHAI), tick=False):
        transition(report, "submit", by=clerk_a)
    with time_machine.travel(datetime(2026, 6, 4, 14, 0, tzinfo=SHANGHAI), tick=False):
        transition(report, "approve", by=district_user)
    return report


def test_the_printed_report_has_a_formal_header_and_a_signature_block(
    client, approved_may, unit_a, clerk_a, district_user
):
    clerk_a.last_name, clerk_a.first_name = "李", "静"
    clerk_a.save()
    client.force_login(clerk_a)

    response = client.get(print_url(unit_a, MAY))

    assert response.status_code == 200
    html = response.content.decode()
    meta = html.split('id="report-print-meta"')[1].split("</table>")[0]
    assert "甲镇" in meta and "A01" in meta and "2026-05" in meta
    assert "李静 · 2026-06-03 09:30" in html.split('id="report-print-submitted"')[1]
    assert "王芳 · 2026-06-04 14:00" in html.split('id="report-print-approved"')[1]
    assert 'id="report-print-signatures"' in html and 'id="report-print-stamp"' in html
    assert "单位盖章" in html and "一处待整改" in html and "完成辖区隐患排查。" in html


def test_a_report_not_yet_approved_prints_as_such(english, unit_a, clerk_a, checked):
    report_open(unit=unit_a, period=MAY, by=clerk_a)
    english.force_login(clerk_a)

    html = english.get(print_url(unit_a, MAY)).content.decode()

    assert "not approved" in html.split('id="report-print-approved"')[1].split("</td>")[0]
    assert "not submitted" in html.split('id="report-print-submitted"')[1].split("</td>")[0]
    assert "Stamp of the unit" in html


def test_the_printed_report_is_404_outside_the_scope_and_for_a_month_without_one(
    client, approved_may, unit_a, clerk_b, district_user
):
    client.force_login(clerk_b)
    assert client.get(print_url(unit_a, MAY)).status_code == 404
    client.force_login(district_user)
    assert client.get(print_url(unit_a, MAY)).status_code == 200
    assert client.get(print_url(unit_a, date(2026, 4, 1))).status_code == 404
    assert not MonthlyReport.objects.filter(period=date(2026, 4, 1)).exists()


@pytest.mark.parametrize("indicators", [3, 30])
def test_the_printed_report_reads_a_fixed_number_of_queries(
    client, unit_a, clerk_a, django_assert_max_num_queries, indicators
):
    for n in range(indicators):
        indicator(f"i{n}", f"指标{n}", order=n)
    report_open(unit=unit_a, period=MAY, by=clerk_a)
    client.force_login(clerk_a)

    with django_assert_max_num_queries(6):
        response = client.get(print_url(unit_a, MAY))

    assert response.content.decode().count("<tr><td>指标") == indicators


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_full_report_prints_on_one_a4_page(page: Page, live_server):
    unit = UnitFactory(code="T07", name="马坡镇", joined_on=date(2025, 3, 15))
    for n, (section, count) in enumerate(
        [("work", 4), ("activities", 6), ("hazards", 3), ("accidents", 15)]
    ):
        for k in range(count):
            indicator(f"{section}-{k}", f"{section}指标{k}", section=section, order=n * 20 + k)
    clerk = UserFactory(
        username="mapo", password="mapo-pass-2025", role="clerk", unit=unit, last_name="李"
    )
    report = report_open(unit=unit, period=MAY, by=clerk)
    report.work_done = "召开创建工作推进会，部署本月重点工作；开展消防安全宣传进社区活动。" * 3
    report.next_plan = "继续推进各工作组任务，开展季度创建工作会议。"
    report.save()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "mapo")
    page.fill("#id_password", "mapo-pass-2025")
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"^(?!.*/login/)"))

    page.goto(f"{live_server.url}{print_url(unit, MAY)}")
    assert page.locator(".report-print-values tbody tr").count() == 28
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)

    pages = re.findall(rb"/Type\s*/Page(?![s\w])", pdf)
    assert len(pages) == 1
    width, height = (
        float(n) for n in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups()
    )
    assert (round(width), round(height)) == (595, 842)  # A4 in points
