"""A unit's one-page summary: what it shows, who may open it, and its query count."""

from __future__ import annotations

import itertools
import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from injuries import choices as card
from programs.core.choices import TitleLevel
from programs.evaluations.services import evaluation_finalise, evaluation_grade, round_open
from programs.models import (
    Certification,
    CreatingUnit,
    Evaluation,
    EvaluationRound,
    MonthlyReport,
)
from safecommunity.calendar import Month
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    EvaluationSchemeFactory,
    EventFactory,
    InjuryRecordFactory,
    MilestoneFactory,
    PhaseFactory,
    SchemeElementFactory,
    SchemeItemFactory,
    UnitFactory,
    UserFactory,
)
from workgroups.models import ActivityKind

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 15, 10, tzinfo=SHANGHAI)
TODAY = NOW.date()
Status = MonthlyReport.Status

# Measured at both sizes (1 and 6 of everything: titles, evaluations with their items, injury
# records, activities): session, user, the unit (with its progress columns), phases, phase
# moves, titles, reports, the latest evaluation, its grades and the scheme's items, injuries,
# activities, meetings; and the navigation's counts of what waits for review (district staff).
# + the header's bell (injuries: the rollup, then the edge month), + the ids of the district's
# units (the injury records' scope)
SUMMARY_MAX_QUERIES = 15 + 1 + 1


@pytest.fixture(autouse=True)
def frozen_clock(request):
    """The clock stands at NOW, except for the browser, whose session cookie would expire."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(NOW, tick=False):
        yield


def url(unit: CreatingUnit) -> str:
    return reverse("programs:unit-summary", args=[unit.code])


def finalised_evaluation(
    unit, by, *, grade: str, items: int = 4, elements: int = 3, name: str = "区级评估"
):
    """A district review of `unit` against a scheme of `elements` elements of `items` items,
    every part graded `grade`, finalised."""
    points = 3 * items * elements
    scheme = EvaluationSchemeFactory(
        max_score=Decimal(points),
        pass_mark=Decimal(2 * points // 3),
        rectify_mark=Decimal(points // 2),
    )
    for number in range(1, elements + 1):
        element = SchemeElementFactory(scheme=scheme, number=number, name=f"要素{number}")
        for item_number in range(1, items + 1):
            SchemeItemFactory(element=element, number=item_number)
    evaluation_round = round_open(
        scheme=scheme,
        kind=EvaluationRound.Kind.DISTRICT,
        name=name,
        opens_on=timezone.localdate() - timedelta(days=10),
        closes_on=timezone.localdate(),
        units=[unit],
        evaluators=[],
        by=by,
    )
    evaluation = evaluation_round.evaluations.get()
    evaluation_grade(
        evaluation=evaluation,
        by=by,
        grades={row.item_id: (grade, grade, grade, "") for row in evaluation.scores.all()},
    )
    return evaluation_finalise(evaluation=evaluation, by=by)


def unit_history(unit, by, size: int = 1, elements: int = 3) -> None:
    """Four phases (the unit in the second, one of its two required milestones accepted), a
    title in force and one applied for, 12 months of reports (the last one late), `size` final
    evaluations (the last graded b: 70 %), injuries this year and last, activities and a
    creation work meeting in three of the last four quarters; more rows of each with `size`."""
    phases = [PhaseFactory(program=unit.program, order=n, name=f"阶段{n}") for n in (1, 2, 3, 4)]
    for n in (1, 2):
        MilestoneFactory(phase=phases[1], order=n, name=f"必备任务{n}", required_for_gate=True)
    unit.current_phase = phases[1]
    unit.joined_on = date(2024, 3, 1)
    unit.save()
    unit.unit_milestones.filter(milestone__order=1).update(status="accepted")
    EventFactory(
        record=unit,
        action="advance",
        from_state=str(phases[0].pk),
        to_state=str(phases[1].pk),
        at=datetime(2025, 9, 1, 9, tzinfo=SHANGHAI),
        actor=by,
    )
    CertificationFactory(
        unit=unit,
        level=TitleLevel.MUNICIPAL,
        named_on=date(2023, 7, 1),
        valid_until=date(2026, 7, 1),
    )
    CertificationFactory(
        unit=unit,
        level=TitleLevel.NATIONAL,
        named_on=None,
        status=Certification.Status.REVIEW,
        applied_on=date(2026, 3, 1),
    )
    for n in range(size - 1):  # expired ones: not shown
        CertificationFactory(
            unit=unit,
            level=TitleLevel.INTERNATIONAL,
            named_on=date(2015 + n, 1, 1),
            valid_until=date(2016 + n, 1, 1),
            status=Certification.Status.EXPIRED,
        )
    reports = []
    for n, month in enumerate(Month.last_months(12)):
        day = 3 if n < 11 else 20  # due on the 5th of the next month: the last one is late
        first = datetime(
            month.year + (month.month == 12), month.month % 12 + 1, day, 9, tzinfo=SHANGHAI
        )
        reports.append(
            MonthlyReport(
                unit=unit,
                period=month,
                status=Status.APPROVED,
                first_submitted_at=first,
                submitted_at=first,
            )
        )
    MonthlyReport.objects.bulk_create(reports)
    for n in range(size):
        grade = "a" if n < size - 1 else "b"
        finalised_evaluation(unit, by, grade=grade, elements=elements, name=f"评估{n}")
    for n in range(3 * size):
        InjuryRecordFactory(unit=unit, injury_date=date(2026, 1, 10) + timedelta(days=n))
    InjuryRecordFactory(unit=unit, injury_date=date(2026, 6, 1), outcome=card.Outcome.DIED)
    for n in range(2 * size):
        InjuryRecordFactory(unit=unit, injury_date=date(2025, 2, 1) + timedelta(days=n))
    # Not counted: after the same date last year, and two years back.
    InjuryRecordFactory(unit=unit, injury_date=date(2025, 6, 16))
    InjuryRecordFactory(unit=unit, injury_date=date(2024, 6, 1))
    kinds = itertools.cycle([ActivityKind.TRAINING, ActivityKind.DRILL])
    for n in range(2 * size):
        ActivityFactory(unit=unit, kind=next(kinds), date=date(2026, 2, 1) + timedelta(days=n))
    ActivityFactory(unit=unit, kind=ActivityKind.TRAINING, date=date(2025, 12, 30))  # last year
    for day in (date(2025, 7, 10), date(2025, 11, 5), date(2026, 2, 20), date(2026, 6, 10)):
        ActivityFactory(unit=unit, kind=ActivityKind.CREATION_MEETING, date=day)


# --- What it shows --------------------------------------------------------------------------------


def test_district_staff_see_the_whole_summary_of_a_unit(client, district_user, unit_a):
    unit_history(unit_a, district_user)
    client.force_login(district_user)

    response = client.get(url(unit_a))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert [step.state for step in summary.phases] == ["done", "current", "ahead", "ahead"]
    assert summary.phases[1].entered_on == date(2025, 9, 1)
    assert summary.phases[0].entered_on == date(2024, 3, 1)  # joined
    unit = response.context["unit"]
    assert (unit.gate_accepted, unit.gate_total) == (1, 2)
    assert [title.level for title in summary.held_titles] == [TitleLevel.MUNICIPAL]
    assert summary.held_titles[0].days_to_expiry() == 16
    assert [title.status for title in summary.open_applications] == ["review"]
    assert len(summary.report_cells) == 12
    assert (summary.on_time.numerator, summary.on_time.denominator) == (11, 12)
    assert (summary.reported.numerator, summary.reported.denominator) == (12, 12)
    assert summary.evaluation.total == Decimal("25.20")  # 12 items × 3 points × 70 %
    assert [(line.score, line.maximum) for line in summary.elements] == [
        (Decimal("8.40"), Decimal("12.00"))
    ] * 3
    injuries = summary.injuries
    assert (injuries.now, injuries.before) == (4, 2)
    assert (injuries.deaths_now, injuries.deaths_before) == (1, 0)
    assert injuries.change == 100.0
    counts = {kind: count for kind, _label, count in summary.activities}
    assert counts[ActivityKind.TRAINING] == counts[ActivityKind.DRILL] == 1
    assert counts[ActivityKind.CREATION_MEETING] == 2  # this year to date
    assert summary.activities_total == 4
    # The last four completed quarters: 2025 Q2 (none), Q3, Q4, 2026 Q1; Q2 is still open.
    assert [str(entry.quarter) for entry in summary.meetings] == [
        "2025年第2季度",
        "2025年第3季度",
        "2025年第4季度",
        "2026年第1季度",
    ]
    assert (summary.meetings_held.numerator, summary.meetings_held.denominator) == (3, 4)
    html = response.content.decode()
    for marker in (
        unit_a.name,
        'id="summary-phase"',
        'data-title="municipal"',
        "2026-07-01",
        'id="summary-reports"',
        'id="summary-evaluation-total"',
        "25.20 / 36.00",
        'data-element="3"',
        'data-row="deaths"',
        'data-kind="training"',
        'data-quarter="2025-2"',
        'id="summary-footer"',
        district_user.display_name,
        "data-print",
        "unit-summary-page",
    ):
        assert marker in html, marker


def test_the_summary_reads_in_english_too(client, district_user, unit_a):
    unit_history(unit_a, district_user)
    client.force_login(district_user)
    client.cookies["django_language"] = "en"

    html = client.get(url(unit_a)).content.decode()

    assert "One-page summary" in html
    assert "Latest evaluation" in html
    assert "printed by" in html


def test_the_latest_final_evaluation_is_shown_and_drafts_are_not(client, district_user, unit_a):
    older = finalised_evaluation(unit_a, district_user, grade="a", name="早先")
    newer = finalised_evaluation(unit_a, district_user, grade="c", name="最近")
    round_open(
        scheme=newer.round.scheme,
        kind=EvaluationRound.Kind.SELF,
        name="草稿",
        opens_on=TODAY,
        closes_on=TODAY,
        units=[unit_a],
        evaluators=[],
        by=district_user,
    )
    client.force_login(district_user)

    summary = client.get(url(unit_a)).context["summary"]

    assert summary.evaluation == newer != older
    assert summary.evaluation.result == Evaluation.Result.FAIL
    assert summary.score.reason


def test_a_unit_without_history_shows_empty_sections(client, district_user, unit_a):
    client.force_login(district_user)

    response = client.get(url(unit_a))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.evaluation is None and summary.evaluations_visible
    assert summary.held_titles == [] and summary.open_applications == []
    assert (summary.injuries.now, summary.injuries.before) == (0, 0)
    assert summary.activities_total == 0


def test_the_unit_page_links_to_its_summary(client, district_user, unit_a):
    client.force_login(district_user)

    html = client.get(reverse("programs:unit-detail", args=[unit_a.code])).content.decode()

    assert f'href="{url(unit_a)}"' in html


# --- Who may open it ------------------------------------------------------------------------------


def test_a_clerk_sees_their_own_units_summary_with_evaluations_and_injuries(
    client, district_user, clerk_a, unit_a
):
    unit_history(unit_a, district_user)
    client.force_login(clerk_a)

    response = client.get(url(unit_a))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.evaluation is not None
    assert summary.injuries.now == 4


def test_a_clerk_of_another_unit_gets_404(client, district_user, clerk_b, unit_a):
    unit_history(unit_a, district_user)
    client.force_login(clerk_b)

    assert client.get(url(unit_a)).status_code == 404


def test_a_provider_sees_the_summary_and_injuries_but_no_evaluation(
    client, district_user, provider, unit_a
):
    unit_history(unit_a, district_user)
    client.force_login(provider)

    response = client.get(url(unit_a))

    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.evaluation is None and not summary.evaluations_visible
    assert summary.injuries.now == 4
    assert 'id="summary-evaluation-total"' not in response.content.decode()


def test_an_evaluator_gets_404(client, district_user, evaluator, unit_a):
    finalised_evaluation(unit_a, district_user, grade="a")
    client.force_login(evaluator)

    assert client.get(url(unit_a)).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client, unit_a):
    response = client.get(url(unit_a))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_unit_is_404(client, district_user):
    client.force_login(district_user)

    assert client.get(reverse("programs:unit-summary", args=["X99"])).status_code == 404


# --- Query count ----------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 6])
def test_the_summary_reads_a_fixed_number_of_queries(
    client, district_user, unit_a, django_assert_max_num_queries, size
):
    unit_history(unit_a, district_user, size=size)
    client.force_login(district_user)

    with django_assert_max_num_queries(SUMMARY_MAX_QUERIES):
        response = client.get(url(unit_a))

    assert response.status_code == 200
    assert len(response.context["summary"].elements) == 3


@pytest.mark.parametrize("size", [1, 6])
def test_a_clerks_summary_reads_a_fixed_number_of_queries(
    client, district_user, clerk_a, unit_a, django_assert_max_num_queries, size
):
    unit_history(unit_a, district_user, size=size)
    client.force_login(clerk_a)

    # No navigation counts, one more for the clerk's own unit in the navigation bar.
    with django_assert_max_num_queries(SUMMARY_MAX_QUERIES - 1 + 1):
        response = client.get(url(unit_a))

    assert response.status_code == 200


# --- One printed page ----------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_full_summary_prints_on_one_a4_page(page: Page, live_server, district_user):
    unit = UnitFactory(
        code="T07",
        name="马坡镇",
        is_pilot=True,
        head_name="万平鹏",
        contact_name="尹刚磊",
        contact_phone="010-65882289",
    )
    unit_history(unit, district_user, size=2, elements=12)
    Certification.objects.filter(unit=unit, level=TitleLevel.NATIONAL).update(
        status=Certification.Status.NAMED, named_on=date(2026, 4, 1), valid_until=date(2031, 4, 1)
    )
    CertificationFactory(
        unit=unit,
        level=TitleLevel.INTERNATIONAL,
        named_on=None,
        status=Certification.Status.APPLIED,
        applied_on=date(2026, 1, 1),
    )
    UserFactory(username="office", password="office-pass-2025")
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", "office-pass-2025")
    page.click("#login-submit")
    page.wait_for_url(re.compile(r"^(?!.*/login/)"))

    page.goto(f"{live_server.url}{url(unit)}")
    assert page.locator("#summary-elements tbody tr").count() == 12
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)

    pages = re.findall(rb"/Type\s*/Page(?![s\w])", pdf)
    assert len(pages) == 1
    width, height = (
        float(n) for n in re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf).groups()
    )
    assert (round(width), round(height)) == (595, 842)  # A4 in points
