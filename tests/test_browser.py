"""User journeys in a real Chromium, driven by Playwright against a live server."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.models import (
    Event,
    EvidenceVersion,
    Indicator,
    MonthlyReport,
    UnitMilestone,
    User,
    ValidationRule,
)
from programs.progress.demo import demo_pdf
from safecommunity.calendar import Month
from tests.factories import (
    MemberFactory,
    MilestoneFactory,
    PhaseFactory,
    UnitFactory,
    UserFactory,
    WorkGroupFactory,
)
from workgroups.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "clerk-pass-2025"


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("#login-submit").click()


def test_clerk_edits_a_member_of_a_work_group_and_cannot_open_another_unit(page: Page, live_server):
    own = UnitFactory(code="T07", name="马坡镇")
    other = UnitFactory(code="S06", name="旺泉街道")
    group = WorkGroupFactory(unit=own, name="消防安全组")
    member = MemberFactory(
        unit=own, body=Member.Body.GROUP, group=group, name="孟磊", phone="010-1234567"
    )
    UserFactory(username="clerk", role=User.Role.CLERK, unit=own, password=PASSWORD)

    log_in(page, live_server, "clerk")

    # The clerk lands on the unit's own page, in Chinese.
    expect(page).to_have_url(re.compile(r"/units/T07/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("马坡镇")
    card = page.locator(f"#group-{group.pk}")
    expect(card).to_contain_text("孟磊")

    card.get_by_role("link", name="编辑 孟磊").click()
    phone = page.get_by_label("电话")
    expect(phone).to_have_value("010-1234567")
    phone.fill("010-69441234")
    page.get_by_role("button", name="保存").click()

    expect(page).to_have_url(re.compile(rf"/units/T07/#member-{member.pk}$"))
    expect(page.get_by_role("alert")).to_contain_text("孟磊")
    expect(page.locator(f"#member-{member.pk}")).to_contain_text("010-69441234")
    member.refresh_from_db()
    assert member.phone == "010-69441234"

    # Another unit's page is outside the clerk's scope: 404, whatever the route.
    response = page.goto(f"{live_server.url}{other.get_absolute_url()}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_contain_text("页面不存在")


def test_wrong_input_in_a_member_form_is_shown_at_the_field_and_saves_nothing(
    page: Page, live_server
):
    own = UnitFactory(code="T07", name="马坡镇")
    group = WorkGroupFactory(unit=own, name="交通安全组")
    MemberFactory(unit=own, body=Member.Body.GROUP, group=group, name="郝洋")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=own, password=PASSWORD)

    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/units/T07/members/add/?group={group.pk}")
    page.get_by_label("姓名").fill("郝洋")
    page.get_by_role("button", name="保存").click()

    field = page.locator("#field-name")
    expect(field.locator(".invalid-feedback")).to_contain_text("已是该工作组成员")
    assert Member.objects.filter(group=group, name="郝洋").count() == 1


def test_clerk_uploads_and_submits_district_accepts_and_the_unit_moves_on(
    page: Page, live_server, browser, browser_context_args, tmp_path
):
    unit = UnitFactory(code="T07", name="马坡镇")
    start = PhaseFactory(program=unit.program, order=1, name="启动阶段")
    next_phase = PhaseFactory(program=unit.program, order=2, name="实施阶段")
    milestone = MilestoneFactory(
        phase=start, order=1, name="制定安全社区建设工作方案并上报", evidence_required=True
    )
    MilestoneFactory(phase=next_phase, order=1, name="开展社区诊断")
    unit.current_phase = start
    unit.save()
    item = UnitMilestone.objects.get(unit=unit, milestone=milestone)
    clerk = UserFactory(username="clerk", role=User.Role.CLERK, unit=unit, password=PASSWORD)
    UserFactory(username="office", role=User.Role.DISTRICT, password=PASSWORD)
    scan = tmp_path / "工作方案.pdf"
    scan.write_bytes(demo_pdf("Work plan of Mapo town, signed"))

    # The clerk opens the milestone from the unit's timeline and uploads the signed plan.
    log_in(page, live_server, "clerk")
    expect(page).to_have_url(re.compile(r"/units/T07/$"))
    page.locator("#timeline").get_by_role("link", name=milestone.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("未开始")
    page.get_by_label("标题").fill("安全社区建设工作方案")
    page.get_by_label("文件").set_input_files(scan)
    page.get_by_role("button", name="上传", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/units/T07/milestones/{item.pk}/#evidence$"))
    expect(page.get_by_role("alert")).to_contain_text("已上传“安全社区建设工作方案”第 1 版")
    expect(page.locator("#evidence")).to_contain_text("工作方案.pdf")
    assert EvidenceVersion.objects.get().sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()

    page.get_by_role("button", name="提交验收").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")

    # District staff, in their own browser session, accept it.
    office_context = browser.new_context(**browser_context_args)
    office = office_context.new_page()
    log_in(office, live_server, "office")
    office.goto(f"{live_server.url}{item.get_absolute_url()}")
    office.get_by_role("button", name="验收", exact=True).click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("已验收")
    office_context.close()
    item.refresh_from_db()
    assert item.status == UnitMilestone.Status.ACCEPTED

    # The phase's only required milestone is accepted: the gate is open and the clerk moves on.
    page.goto(f"{live_server.url}{unit.get_absolute_url()}")
    gate = page.locator("#gate")
    expect(gate).to_contain_text("已满足转段条件")
    gate.get_by_role("link", name="进入下一阶段").click()
    page.get_by_role("button", name="进入下一阶段").click()

    expect(page).to_have_url(re.compile(r"/units/T07/$"))
    expect(page.get_by_role("alert")).to_contain_text("已进入“实施阶段”阶段")
    unit.refresh_from_db()
    assert unit.current_phase == next_phase
    move = Event.objects.of(unit).get()
    assert (move.from_state, move.to_state, move.actor) == (
        str(start.pk),
        str(next_phase.pk),
        clerk,
    )
    assert not move.data["overridden"]


def test_clerk_reports_the_month_district_returns_it_then_approves_the_resubmission(
    page: Page, live_server, browser, browser_context_args, settings
):
    # A month is submitted once it is over; the office lets this one be submitted from today.
    today = timezone.localdate()
    settings.REPORT_SUBMIT_FROM_DAYS_BEFORE_END = (Month.last_day(today) - today).days
    unit = UnitFactory(code="T07", name="马坡镇")
    UserFactory(username="clerk", role=User.Role.CLERK, unit=unit, password=PASSWORD)
    UserFactory(username="office", role=User.Role.DISTRICT, password=PASSWORD)
    Indicator.objects.create(
        code="trainings",
        name="培训次数",
        unit_of_measure="次",
        section=Indicator.Section.ACTIVITIES,
        source=Indicator.Source.TRAINING_COUNT,
    )
    found = Indicator.objects.create(
        code="found", name="发现隐患数", unit_of_measure="处", section=Indicator.Section.HAZARDS
    )
    fixed = Indicator.objects.create(
        code="fixed", name="整改隐患数", unit_of_measure="处", section=Indicator.Section.HAZARDS
    )
    ValidationRule.objects.create(
        code="fixed-le-found",
        name="整改不多于发现",
        left=fixed,
        operator=ValidationRule.Operator.LTE,
        right_indicator=found,
        message_zh="整改隐患数不能多于发现隐患数",
    )
    today = timezone.localdate()
    report_url = f"{live_server.url}/units/T07/reports/{today:%Y-%m}/"

    # The clerk logs a training, then opens this month's report: the log has filled it in.
    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/units/T07/activities/add/")
    page.get_by_label("类型").select_option(label="培训")
    page.get_by_label("日期").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("标题").fill("消防安全培训")
    page.get_by_label("参与人数").fill("30")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("消防安全培训")

    page.goto(report_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("草稿")
    expect(page.get_by_label("培训次数", exact=True)).to_have_value("1")

    # Two hazards found but three rectified: the error rule blocks the submission at its row.
    page.get_by_label("发现隐患数", exact=True).fill("2")
    page.get_by_label("整改隐患数", exact=True).fill("3")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("月报已保存")  # and marked at once:
    expect(page.locator("#indicator-fixed")).to_contain_text("整改隐患数不能多于发现隐患数")
    page.get_by_role("button", name="提交月报").click()
    expect(page.locator("#indicator-fixed")).to_contain_text("整改隐患数不能多于发现隐患数")
    expect(page.get_by_role("heading", level=1)).to_contain_text("草稿")

    page.get_by_label("整改隐患数", exact=True).fill("2")
    page.get_by_role("button", name="保存", exact=True).click()
    page.get_by_role("button", name="提交月报").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")

    # District staff return it with a reason.
    office_context = browser.new_context(**browser_context_args)
    office = office_context.new_page()
    log_in(office, live_server, "office")
    office.goto(report_url)
    office.get_by_label("理由").fill("请补充培训签到表后重新提交")
    office.get_by_role("button", name="按此理由退回").click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("已退回")

    # The clerk reads the reason and submits again.
    page.goto(report_url)
    expect(page.locator("#return-reason")).to_contain_text("请补充培训签到表后重新提交")
    page.get_by_role("button", name="提交月报").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已提交")

    # District staff approve; the report is locked.
    office.goto(report_url)
    office.get_by_role("button", name="通过", exact=True).click()
    expect(office.get_by_role("heading", level=1)).to_contain_text("已通过")
    expect(office.locator("#report-form")).to_have_count(0)

    # The district's completeness grid shows the month approved and on time.
    office.goto(f"{live_server.url}/reports/?start={today:%Y-%m}&end={today:%Y-%m}")
    cell = office.locator(f'a[href="/units/T07/reports/{today:%Y-%m}/"]')
    expect(cell).to_have_attribute("title", f"马坡镇 {today:%Y-%m}: 已通过 · 按时")
    expect(cell.locator("xpath=..")).to_have_class(re.compile(r"\breport-approved\b"))
    office_context.close()

    report = MonthlyReport.objects.get(unit=unit)
    assert (report.status, report.on_time, report.return_reason) == (
        MonthlyReport.Status.APPROVED,
        True,
        "请补充培训签到表后重新提交",
    )
    values = dict(report.values.values_list("indicator__code", "value"))
    assert values == {"trainings": 1, "found": 2, "fixed": 2}


def test_provider_imports_a_spreadsheet_fixes_its_bad_row_and_sees_the_statistics_grow(
    page: Page, live_server, tmp_path, settings
):
    """The check and the import are jobs. The first file's check runs at once (the tests'
    backend runs a job inside the request that starts it); the corrected file's check and its
    import wait in the queue until the test plays the worker, while their pages show a progress
    bar that follows the job and then the result."""
    from injuries.models import ImportBatch, InjuryRecord
    from programs.jobs.models import Job
    from tests.factories import DepartmentFactory, InjuryRecordFactory
    from tests.injury_files import card_row, write_xlsx
    from tests.jobs.kinds import deliver

    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(settings.PRIVATE_MEDIA_ROOT), "base_url": None},
        },
    }
    UnitFactory(code="A01", name="马坡镇")
    UserFactory(
        username="provider",
        role=User.Role.PROVIDER,
        department=DepartmentFactory(),
        password=PASSWORD,
    )
    today = timezone.localdate()
    InjuryRecordFactory(unit__code="T07", injury_date=today, visit_date=today)
    # Injured today: inside the statistics page's default period (1 January to today).
    when = {"伤害发生时间": f"{today:%Y-%m-%d}", "患者就诊时间": f"{today:%Y-%m-%d}"}
    rows = [card_row(number="H0001", **when), card_row(number="H0002", 年龄="三十", **when)]
    bad = write_xlsx(tmp_path / "三月伤害.xlsx", rows)
    rows[1]["年龄"] = 30
    fixed = write_xlsx(tmp_path / "三月伤害-改.xlsx", rows)

    log_in(page, live_server, "provider")
    page.get_by_role("link", name="伤害监测").click()
    expect(page.locator("#headline-total")).to_have_text("1")

    # The import tab: the file is checked, and its one bad row shown with its row and column.
    page.locator('.nav-tabs a[href="/injuries/import/"]').click()
    page.locator("#import-form input[type=file]").set_input_files(bad)
    page.locator("#import-check").click()
    errors = page.locator("#batch-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.locator("td").nth(0)).to_have_text("3")
    expect(errors.locator("td").nth(1)).to_have_text("年龄")
    expect(errors.locator("td").nth(2)).to_contain_text("三十")
    expect(page.locator("#count-added")).to_have_text("1")
    expect(page.locator("#import-commit")).to_have_count(0)
    assert InjuryRecord.objects.count() == 1

    # From here jobs wait in the queue for a worker: the test is the worker.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}

    def work() -> None:
        """Run the queued job, the page's polls held off meanwhile (SQLite's shared in-memory
        test database refuses a read while a write holds its table)."""
        polls = re.compile(r"/jobs/\d+/progress/")
        page.route(polls, lambda route: route.abort())
        page.wait_for_timeout(300)
        deliver(Job.objects.get(state=Job.State.QUEUED))
        page.unroute(polls)

    # The corrected file: its check's page follows the job, then shows the batch.
    page.locator('.nav-tabs a[href="/injuries/import/"]').click()
    page.locator("#import-form input[type=file]").set_input_files(fixed)
    page.locator("#import-check").click()
    expect(page).to_have_url(re.compile(r"/injuries/import/checks/\d+/$"))
    expect(page.locator("#check-job .progress")).to_be_visible()
    expect(page.locator("#check-job .job-state")).to_have_text("排队中")
    work()
    expect(page.locator("#count-added")).to_have_text("2", timeout=15_000)
    expect(page).to_have_url(re.compile(r"/injuries/import/\d+/$"))
    expect(page.locator("#batch-errors")).to_have_count(0)

    # Importing: the batch page follows the import, then shows what it did.
    page.locator("#import-commit").click()
    expect(page.locator("#batch-job .progress")).to_be_visible()
    expect(page.locator("#import-commit")).to_have_count(0)
    work()
    expect(page.locator("#batch-job")).to_have_count(0, timeout=15_000)
    expect(page.locator("#import-commit")).to_have_count(0)
    expect(page.locator("#count-added")).to_have_text("2")
    expect(page.locator("h1 .badge")).to_have_text("已导入")

    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.status, batch.rows_added) == ("三月伤害-改.xlsx", "imported", 2)
    assert set(InjuryRecord.objects.filter(batch=batch).values_list("record_number", "age")) == {
        ("H0001", 34),
        ("H0002", 30),
    }
    assert set(Job.objects.values_list("state", flat=True)) == {"done"}

    page.locator('.nav-tabs a[href="/injuries/statistics/"]').click()
    expect(page.locator("#headline-total")).to_have_text("3")
