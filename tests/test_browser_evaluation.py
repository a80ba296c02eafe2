"""Browser journey of a performance evaluation: district staff open a round, an evaluator scores
a unit to a "rectify" result, and the district dashboard shows it — in a real Chromium."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.evaluations.services import schemes_load
from programs.models import Evaluation, EvaluationScheme, SchemeItem, User
from tests.factories import PhaseFactory, UnitFactory, UserFactory
from tests.test_browser import PASSWORD, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every item of the national form is worth 3 points: 有无 0.8, 痕迹 1.0, 效果 1.2. Graded
# b / b / c an item earns 0.56 + 0.70 + 0.36 = 1.62, and the 50 items 81 of 150: inside the
# rectify band (75–99), with no item at zero.
GRADES = {"presence": "b", "evidence": "b", "effect": "c"}
TOTAL = Decimal("81.00")

# Sets every grade select still blank (a / b / c / d by part) in one go; the selects are the
# form's own, so the real buttons then post them.
FILL_BLANK_GRADES = """(grades) => {
    let filled = 0;
    for (const select of document.querySelectorAll("#grades-form select")) {
        const part = /^(presence|evidence|effect)_\\d+$/.exec(select.name);
        if (part && !select.value) {
            select.value = grades[part[1]];
            filled += 1;
        }
    }
    return filled;
}"""


def test_district_opens_a_round_an_evaluator_scores_a_unit_to_rectify_and_the_dashboard_shows_it(
    page: Page, live_server, browser, browser_context_args
):
    schemes_load()
    scheme = EvaluationScheme.objects.get(code="national-onsite")
    items = list(
        SchemeItem.objects.filter(element__scheme=scheme).order_by("element__number", "number")
    )
    assert len(items) == 50 and all(item.points == 3 for item in items)
    unit = UnitFactory(code="T07", name="马坡镇")
    other = UnitFactory(code="S06", name="旺泉街道", program=unit.program)
    phase = PhaseFactory(program=unit.program, order=1, name="启动阶段")
    for creating_unit in (unit, other):
        creating_unit.current_phase = phase
        creating_unit.save(update_fields=["current_phase"])
    UserFactory(username="office", role=User.Role.DISTRICT, password=PASSWORD)
    UserFactory(
        username="expert",
        role=User.Role.EVALUATOR,
        last_name="李",
        first_name="强",
        password=PASSWORD,
    )
    today = timezone.localdate()

    # District staff land on the dashboard: the unit has no evaluation yet.
    log_in(page, live_server, "office")
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    cell = page.locator('#readiness-table tr[data-unit="T07"] td[data-col="evaluation"]')
    expect(cell).to_have_text("—")

    # They open an expert on-site round of the national form for Mapo town, with one evaluator.
    page.locator("nav").get_by_role("link", name="评定", exact=True).click()
    page.get_by_role("link", name="发起评定").click()
    expect(page).to_have_url(re.compile(r"/evaluations/new/$"))
    page.get_by_label("评定表").select_option(label=str(scheme))
    page.get_by_label("类型").select_option(label="专家现场评定")
    page.get_by_label("名称").fill("2026年专家现场评定")
    page.get_by_label("开始日期").fill(f"{today:%Y-%m-%d}")
    page.get_by_label("截止日期").fill(f"{today + timedelta(days=30):%Y-%m-%d}")
    expect(page.get_by_label("马坡镇", exact=True)).to_be_checked()
    page.get_by_label("旺泉街道", exact=True).uncheck()
    page.get_by_label("李强", exact=True).check()
    page.get_by_role("button", name="发起本批次评定").click()

    expect(page.get_by_role("alert")).to_contain_text("“2026年专家现场评定”已发起，共 1 个单位")
    evaluation = Evaluation.objects.get()
    assert (evaluation.unit, evaluation.round.scheme, evaluation.round.kind) == (
        unit,
        scheme,
        "expert",
    )

    # The evaluator, in their own browser session, lands on their rounds and opens the unit.
    expert_context = browser.new_context(**browser_context_args)
    expert = expert_context.new_page()
    log_in(expert, live_server, "expert")
    expect(expert).to_have_url(re.compile(r"/evaluations/$"))
    expert.get_by_role("link", name="2026年专家现场评定").click()
    expert.locator(f"#evaluation-{evaluation.pk}").get_by_role("link", name="打开").click()
    expect(expert.get_by_role("heading", level=1)).to_contain_text("马坡镇")

    # The first item graded by hand, with a comment; the other 49 in one script.
    first = items[0]
    expert.get_by_label(f"{first.code} 有无", exact=True).select_option("b")
    expert.get_by_label(f"{first.code} 痕迹", exact=True).select_option("b")
    expert.get_by_label(f"{first.code} 效果", exact=True).select_option("c")
    expert.get_by_label(f"{first.code} 评语", exact=True).fill("领导机构已建立，部门覆盖不全")
    assert expert.evaluate(FILL_BLANK_GRADES, GRADES) == 3 * (len(items) - 1)
    expert.get_by_role("button", name="保存评分").click()

    summary = expert.locator("#evaluation-summary")
    expect(expert.get_by_role("alert")).to_contain_text("评分已保存")
    expect(summary).to_contain_text("81.00 / 150.00")
    expect(summary.locator(".badge")).to_have_text("整改")

    expert.get_by_role("button", name="确认评定").click()
    expect(expert.get_by_role("alert")).to_contain_text("评定已确认：81.00 分，整改")
    expect(expert.locator("#grades-form")).to_have_count(0)
    expert_context.close()

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.total, evaluation.result) == (
        Evaluation.Status.FINAL,
        TOTAL,
        Evaluation.Result.RECTIFY,
    )
    assert evaluation.scores.get(item=first).comment == "领导机构已建立，部门覆盖不全"

    # Back on the dashboard, the unit's row shows the score and the rectify result.
    page.goto(f"{live_server.url}/dashboard/")
    expect(cell).to_contain_text("81")
    expect(cell.locator(".badge")).to_have_text("整改")
    expect(cell.get_by_role("link", name="81")).to_have_attribute(
        "href", f"/evaluations/scores/{evaluation.pk}/"
    )
    other_cell = page.locator('#readiness-table tr[data-unit="S06"] td[data-col="evaluation"]')
    expect(other_cell).to_have_text("—")
