"""Browser journey of a performance evaluation: district staff open a round, an evaluator scores
a unit to a "rectify" result, and the district dashboard shows it — in a real Chromium."""

from __future__ import annotations

import os
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from programs.evaluations.services import evaluation_finalise, round_open, schemes_load
from programs.models import (
    Evaluation,
    EvaluationRound,
    EvaluationScheme,
    ItemScore,
    SchemeItem,
    User,
)
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
    # A confirmation page first: the total and result the finalising will lock.
    expect(expert.get_by_role("heading", level=1)).to_have_text("确认评定？")
    expect(expert.locator("#confirm-total")).to_have_text("81.00 / 150.00")
    assert Evaluation.objects.get().status == Evaluation.Status.DRAFT
    expert.get_by_role("button", name="确认评定并锁定").click()
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


SHOTS = Path(os.environ.get("SCREENSHOTS", "/tmp/screenshots"))


def pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF of Chromium's has (its page objects)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-z])", pdf))


def national_round(units, evaluators=()):
    """A district review of the national form (50 items of 3 points) over `units`."""
    schemes_load()
    scheme = EvaluationScheme.objects.get(code="national-onsite")
    district = UserFactory(username="office", role=User.Role.DISTRICT, password=PASSWORD)
    today = timezone.localdate()
    return round_open(
        scheme=scheme,
        kind=EvaluationRound.Kind.DISTRICT,
        name="2026年区级复核",
        opens_on=today,
        closes_on=today + timedelta(days=30),
        units=units,
        evaluators=evaluators,
        by=district,
    )


def test_the_grading_page_follows_the_grades_chosen_and_marks_a_zero_item(page: Page, live_server):
    expert = UserFactory(username="expert", role=User.Role.EVALUATOR, password=PASSWORD)
    evaluation_round = national_round([UnitFactory(code="T07", name="马坡镇")], [expert])
    evaluation = evaluation_round.evaluations.get()
    first, second = list(
        SchemeItem.objects.filter(element__scheme=evaluation_round.scheme).order_by(
            "element__number", "number"
        )[:2]
    )
    log_in(page, live_server, "expert")
    page.goto(f"{live_server.url}/evaluations/scores/{evaluation.pk}/")
    expect(page.locator("#grade-legend")).to_contain_text("（100%）")
    expect(page.locator("#grade-legend")).to_contain_text("（0%）")

    # a / b / c on the first item: 0.8 + 0.7 + 0.36 = 1.86, its element and the total follow.
    page.get_by_label(f"{first.code} 有无", exact=True).select_option("a")
    page.get_by_label(f"{first.code} 痕迹", exact=True).select_option("b")
    page.get_by_label(f"{first.code} 效果", exact=True).select_option("c")
    row = page.locator(f"#item-{first.pk}")
    expect(row.locator("[data-item-points]")).to_have_text("1.86")
    expect(page.locator("#element-1 [data-element-subtotal]")).to_have_text("1.86")
    expect(page.locator("#running-total")).to_have_text("1.86")

    # d / d / d on the second: zero points, the row is marked; the total is unchanged.
    zero_row = page.locator(f"#item-{second.pk}")
    for part in ("有无", "痕迹", "效果"):
        page.get_by_label(f"{second.code} {part}", exact=True).select_option("d")
    expect(zero_row).to_have_class(re.compile(r"item-zero"))
    expect(zero_row.locator(".zero-flag")).to_be_visible()
    expect(page.locator("#running-total")).to_have_text("1.86")
    expect(row).not_to_have_class(re.compile(r"item-zero"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "grading-page.png"), full_page=False)

    # Saved, the server agrees and keeps the zero mark.
    page.get_by_role("button", name="保存评分").click()
    expect(page.get_by_role("alert")).to_contain_text("评分已保存")
    expect(page.locator("#running-total")).to_have_text("1.86")
    expect(page.locator(f"#item-{second.pk}")).to_have_class(re.compile(r"item-zero"))


def test_a_scoring_sheet_of_the_national_form_prints_on_a4_pages(page: Page, live_server):
    """The 50 items of the national form print on a known number of A4 pages, finalised (plain
    text) and while being graded (the form's selects printed as their values)."""
    expert = UserFactory(username="expert", role=User.Role.EVALUATOR, password=PASSWORD)
    town = UnitFactory(code="T07", name="马坡镇")
    street = UnitFactory(code="S06", name="旺泉街道", program=town.program)
    evaluation_round = national_round([town, street], [expert])
    ItemScore.objects.filter(evaluation__round=evaluation_round).update(
        presence="a", evidence="b", effect="b", comment="资料齐全，效果待提升"
    )
    final = evaluation_round.evaluations.get(unit=town)
    evaluation_finalise(evaluation=final, by=expert)
    draft = evaluation_round.evaluations.get(unit=street)
    log_in(page, live_server, "expert")
    SHOTS.mkdir(parents=True, exist_ok=True)

    for evaluation, name in ((final, "final"), (draft, "draft")):
        page.goto(f"{live_server.url}/evaluations/scores/{evaluation.pk}/")
        expect(page.locator("#evaluation-items tr[data-item]")).to_have_count(50)
        pdf = page.pdf(format="A4", print_background=True)
        (SHOTS / f"scoring-sheet-{name}.pdf").write_bytes(pdf)
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 718, "height": 1000})  # A4 less its margins, at 96 dpi
        page.screenshot(path=str(SHOTS / f"scoring-sheet-{name}.png"), full_page=True)
        page.emulate_media(media="null")  # back to no emulation: page.pdf() prints as print
        page.set_viewport_size({"width": 1366, "height": 900})
        assert pdf_pages(pdf) == SHEET_PAGES, name


SHEET_PAGES = 3


def test_opening_a_round_selects_none_then_units_by_kind_phase_and_pilot(page: Page, live_server):
    town = UnitFactory(code="T01", name="甲镇", kind="town", is_pilot=True)
    program = town.program
    street = UnitFactory(code="S01", name="乙街道", kind="street", program=program)
    zone = UnitFactory(code="Z01", name="丙园区", kind="zone", program=program, is_pilot=True)
    first = PhaseFactory(program=program, order=1, name="启动阶段")
    second = PhaseFactory(program=program, order=2, name="实施阶段")
    for unit, phase in ((town, first), (street, second), (zone, second)):
        unit.current_phase = phase
        unit.save(update_fields=["current_phase"])
    schemes_load()
    UserFactory(username="office", role=User.Role.DISTRICT, password=PASSWORD)
    log_in(page, live_server, "office")
    page.goto(f"{live_server.url}/evaluations/new/")
    boxes = {unit.code: page.get_by_label(unit.name, exact=True) for unit in (town, street, zone)}
    count = page.locator("#unit-count")
    expect(count).to_have_text("已选 3 / 3 个单位")

    page.get_by_role("button", name="全不选").click()
    for box in boxes.values():
        expect(box).not_to_be_checked()
    expect(count).to_have_text("已选 0 / 3 个单位")

    page.locator("#unit-phase").select_option(label="2. 实施阶段")
    page.get_by_role("button", name="只选这些").click()
    expect(boxes["S01"]).to_be_checked()
    expect(boxes["Z01"]).to_be_checked()
    expect(boxes["T01"]).not_to_be_checked()

    page.locator("#unit-phase").select_option("")
    page.locator("#unit-pilot").select_option(label="仅试点单位")
    page.locator("#unit-kind").select_option(label="镇")
    page.get_by_role("button", name="加上这些").click()
    for box in boxes.values():
        expect(box).to_be_checked()

    page.locator("#unit-kind").select_option("")
    page.get_by_role("button", name="只选这些").click()
    expect(boxes["S01"]).not_to_be_checked()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "round-create.png"), full_page=True)

    # The server takes the boxes as they are: the two pilots.
    page.get_by_label("评定表").select_option(label=str(EvaluationScheme.objects.first()))
    page.locator("#id_kind").select_option("district")
    page.get_by_label("名称").fill("试点单位复核")
    page.get_by_label("开始日期").fill(f"{timezone.localdate():%Y-%m-%d}")
    page.get_by_label("截止日期").fill(f"{timezone.localdate() + timedelta(days=9):%Y-%m-%d}")
    page.get_by_role("button", name="发起本批次评定").click()
    expect(page.get_by_role("alert")).to_contain_text("共 2 个单位")
    assert set(Evaluation.objects.values_list("unit__code", flat=True)) == {"T01", "Z01"}
