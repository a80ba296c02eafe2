"""The district's progress page: the targets on top, every unit's phase, gate, overdue work and
title, its filters and sort orders, and the xlsx export of exactly the rows shown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from programs.core.choices import TitleLevel, UnitKind
from programs.models import Certification, CreatingUnit, Phase, UnitMilestone
from programs.setup import reference_data_load
from programs.titles.selectors import TargetState
from tests.factories import MilestoneFactory, PhaseFactory, UnitFactory

PROGRESS = reverse("programs:progress")
EXPORT = reverse("programs:progress-export")
EXPORT_HEADER = [
    "Code",
    "Name",
    "Kind",
    "Pilot",
    "Phase",
    "Required milestones accepted",
    "Required milestones",
    "Overdue milestones",
    "Title held",
    "Title valid until",
]


def codes(response) -> list[str]:
    return [unit.code for unit in response.context["units"]]


def exported(response) -> list[list]:
    """The rows of the xlsx workbook in the response, header first."""
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="progress-')
    sheet = load_workbook(BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def name_title(unit: CreatingUnit, level: str, *, valid_for_days: int) -> Certification:
    today = timezone.localdate()
    return Certification.objects.create(
        unit=unit,
        level=level,
        status=Certification.Status.NAMED,
        applied_on=today - timedelta(days=300),
        named_on=today - timedelta(days=200),
        valid_until=today + timedelta(days=valid_for_days),
    )


def accept(unit: CreatingUnit, *names: str) -> None:
    UnitMilestone.objects.filter(unit=unit, milestone__name__in=names).update(
        status=UnitMilestone.Status.ACCEPTED
    )


@dataclass
class District:
    phase_1: Phase
    phase_2: Phase


@pytest.fixture
def district(unit_a, unit_b) -> District:
    """Four units, each different in every column of the page:

    ====  ======  =====  =====  ====  =======  ============================  ===========
    code  kind    pilot  phase  gate  overdue  highest title in force        valid for
    ====  ======  =====  =====  ====  =======  ============================  ===========
    A01   town    yes    1      2/2   0        Beijing municipal             400 days
    T02   town    no     2      1/3   1        international                 20 days
    B01   street  no     1      1/2   2        —                             —
    Z01   zone    yes    2      0/3   0        national (and municipal)      100 days
    ====  ======  =====  =====  ====  =======  ============================  ===========

    Overdue work comes from milestones due 30 and 90 days after joining in phase 1, and 60 days
    in phase 2: B01 joined 100 days ago (both phase-1 ones late; the phase-2 one does not count,
    B01 has not reached that phase), T02 45 days ago (one late), A01 and Z01 have no joining
    date.
    """
    program = unit_a.program
    phase_1 = PhaseFactory(program=program, order=1, name="启动阶段")
    phase_2 = PhaseFactory(program=program, order=2, name="实施阶段")
    MilestoneFactory(phase=phase_1, order=1, name="组建促进委员会")
    MilestoneFactory(phase=phase_1, order=2, name="制定工作方案")
    MilestoneFactory(
        phase=phase_1,
        order=3,
        name="开展创建宣传",
        required_for_gate=False,
        due_days_after_joining=30,
    )
    MilestoneFactory(
        phase=phase_1,
        order=4,
        name="参加专项培训",
        required_for_gate=False,
        due_days_after_joining=90,
    )
    MilestoneFactory(phase=phase_2, order=1, name="社区诊断")
    MilestoneFactory(phase=phase_2, order=2, name="制定安全促进计划")
    MilestoneFactory(phase=phase_2, order=3, name="实施安全促进项目")
    MilestoneFactory(
        phase=phase_2, order=4, name="中期自评", required_for_gate=False, due_days_after_joining=60
    )
    today = timezone.localdate()
    unit_t02 = UnitFactory(code="T02", name="丙镇", kind=UnitKind.TOWN)
    unit_z01 = UnitFactory(code="Z01", name="开发区", kind=UnitKind.ZONE)
    for unit, pilot, phase, joined in (
        (unit_a, True, phase_1, None),
        (unit_t02, False, phase_2, today - timedelta(days=45)),
        (unit_b, False, phase_1, today - timedelta(days=100)),
        (unit_z01, True, phase_2, None),
    ):
        unit.is_pilot, unit.current_phase, unit.joined_on = pilot, phase, joined
        unit.save()  # the signal moves the relative due dates along with the joining date

    accept(unit_a, "组建促进委员会", "制定工作方案")
    accept(unit_b, "组建促进委员会")
    accept(unit_t02, "社区诊断")
    name_title(unit_a, TitleLevel.MUNICIPAL, valid_for_days=400)
    name_title(unit_t02, TitleLevel.INTERNATIONAL, valid_for_days=20)
    name_title(unit_z01, TitleLevel.NATIONAL, valid_for_days=100)
    name_title(unit_z01, TitleLevel.MUNICIPAL, valid_for_days=50)
    # Neither an application under way nor an expired title counts as held.
    Certification.objects.create(unit=unit_b, level=TitleLevel.NATIONAL, applied_on=today)
    Certification.objects.create(
        unit=unit_b,
        level=TitleLevel.MUNICIPAL,
        status=Certification.Status.NAMED,
        applied_on=today - timedelta(days=1500),
        named_on=today - timedelta(days=1400),
        valid_until=today - timedelta(days=300),
    )
    return District(phase_1=phase_1, phase_2=phase_2)


# --- the rows ---------------------------------------------------------------------------------


def test_every_unit_shows_its_phase_gate_overdue_work_and_title(english, district_user, district):
    english.force_login(district_user)

    response = english.get(PROGRESS)

    assert response.status_code == 200
    assert response.context["total"] == 4
    rows = {
        unit.code: (
            unit.current_phase.order,
            unit.gate_accepted,
            unit.gate_total,
            unit.overdue_count,
            unit.title_level,
            unit.title_days_left,
        )
        for unit in response.context["units"]
    }
    assert rows == {
        "A01": (1, 2, 2, 0, TitleLevel.MUNICIPAL, 400),
        "T02": (2, 1, 3, 1, TitleLevel.INTERNATIONAL, 20),
        "B01": (1, 1, 2, 2, None, None),
        "Z01": (2, 0, 3, 0, TitleLevel.NATIONAL, 100),
    }
    html = response.content.decode()
    row = html.split(">T02<", 1)[1].split("</tr>", 1)[0]
    assert "1/3" in row
    assert '<span class="badge text-bg-danger">1</span>' in row  # overdue
    assert "International" in row
    assert "20 days left" in row


def test_units_come_in_plan_order_towns_streets_zones(client, district_user, district):
    client.force_login(district_user)

    assert codes(client.get(PROGRESS)) == ["A01", "T02", "B01", "Z01"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"kind": "town"}, ["A01", "T02"]),
        ({"kind": "street"}, ["B01"]),
        ({"kind": "zone"}, ["Z01"]),
        ({"pilot": "yes"}, ["A01", "Z01"]),
        ({"pilot": "no"}, ["T02", "B01"]),
        ({"title": "none"}, ["B01"]),
        ({"title": "municipal"}, ["A01"]),  # Z01's highest title is national
        ({"title": "national"}, ["Z01"]),
        ({"title": "international"}, ["T02"]),
        ({"overdue": "yes"}, ["T02", "B01"]),
        ({"overdue": "no"}, ["A01", "Z01"]),
        ({"kind": "town", "overdue": "yes"}, ["T02"]),
        ({"pilot": "yes", "title": "none"}, []),
    ],
)
def test_filters_change_the_rows(client, district_user, district, query, expected):
    client.force_login(district_user)

    assert codes(client.get(PROGRESS, query)) == expected


def test_filter_by_phase(client, district_user, district):
    client.force_login(district_user)

    assert codes(client.get(PROGRESS, {"phase": district.phase_1.pk})) == ["A01", "B01"]
    assert codes(client.get(PROGRESS, {"phase": district.phase_2.pk})) == ["T02", "Z01"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("gate", ["Z01", "T02", "B01", "A01"]),  # 0, 1/3, 1/2, 2/2
        ("-gate", ["A01", "B01", "T02", "Z01"]),
        ("title", ["B01", "A01", "Z01", "T02"]),  # none, municipal, national, international
        ("-title", ["T02", "Z01", "A01", "B01"]),
    ],
)
def test_sort_orders_the_rows(client, district_user, district, sort, expected):
    client.force_login(district_user)

    assert codes(client.get(PROGRESS, {"sort": sort})) == expected


def test_sort_by_overdue_puts_the_latest_units_last_or_first(client, district_user, district):
    client.force_login(district_user)

    ascending = client.get(PROGRESS, {"sort": "overdue"}).context["units"]
    descending = client.get(PROGRESS, {"sort": "-overdue"}).context["units"]

    assert [u.overdue_count for u in ascending] == [0, 0, 1, 2]
    assert [u.code for u in ascending][2:] == ["T02", "B01"]
    assert [u.code for u in descending][:2] == ["B01", "T02"]


def test_sort_by_expiry_puts_the_soonest_expiring_title_first(client, district_user, district):
    client.force_login(district_user)

    ascending = codes(client.get(PROGRESS, {"sort": "expiry"}))
    descending = codes(client.get(PROGRESS, {"sort": "-expiry"}))

    # Where the untitled B01 goes is the database's choice (SQLite sorts NULL first,
    # PostgreSQL last); the titled units are in order of expiry either way.
    assert [code for code in ascending if code != "B01"] == ["T02", "Z01", "A01"]
    assert [code for code in descending if code != "B01"] == ["A01", "Z01", "T02"]


def test_no_match_says_so(english, district_user, district):
    english.force_login(district_user)

    response = english.get(PROGRESS, {"kind": "zone", "pilot": "no"})

    assert codes(response) == []
    assert "No unit matches these filters." in response.content.decode()


# --- the export -------------------------------------------------------------------------------


def test_export_has_a_header_and_every_column_of_a_row(english, district_user, district):
    english.force_login(district_user)

    rows = exported(english.get(EXPORT, {"title": "international"}))

    assert rows[0] == EXPORT_HEADER
    valid_until = timezone.localdate() + timedelta(days=20)
    assert rows[1:] == [
        [
            "T02",
            "丙镇",
            "Town",
            "no",
            "实施阶段",
            1,
            3,
            1,
            "International",
            datetime.combine(valid_until, datetime.min.time()),
        ]
    ]


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"sort": "-gate"},
        {"sort": "title"},
        {"pilot": "no", "sort": "-overdue"},
        {"kind": "town", "sort": "expiry"},
        {"overdue": "no", "sort": "-title"},
        {"title": "none"},
        {"kind": "street", "pilot": "yes"},
    ],
    ids=lambda query: "&".join(f"{k}={v}" for k, v in query.items()) or "all",
)
def test_export_has_exactly_the_filtered_rows_in_the_pages_order(
    client, district_user, district, query
):
    client.force_login(district_user)
    page = codes(client.get(PROGRESS, query))

    rows = exported(client.get(EXPORT, query))

    assert [row[0] for row in rows[1:]] == page


def test_the_export_link_carries_the_filters(client, district_user, district):
    client.force_login(district_user)

    response = client.get(PROGRESS, {"kind": "town", "sort": "-gate"})

    assert f'href="{EXPORT}?kind=town&amp;sort=-gate"' in response.content.decode()


# --- a clerk ----------------------------------------------------------------------------------


def test_clerk_sees_and_exports_only_the_own_unit(english, clerk_a, district):
    english.force_login(clerk_a)

    page = english.get(PROGRESS)
    rows = exported(english.get(EXPORT))

    assert codes(page) == ["A01"]
    assert [row[0] for row in rows] == ["Code", "A01"]
    # A filter cannot widen the scope.
    assert codes(english.get(PROGRESS, {"kind": "street"})) == []
    assert exported(english.get(EXPORT, {"kind": "street"})) == [EXPORT_HEADER]


# --- the targets ------------------------------------------------------------------------------

MIDYEAR = datetime(2026, 6, 30, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def plan_with_17_titles(db):
    """The district's real plan (38 units, 6 pilots, three targets) at the end of June 2026,
    with the Beijing title held by the six pilots and eleven other units."""
    with time_machine.travel(MIDYEAR, tick=False):
        reference_data_load()
        units = CreatingUnit.objects.order_by("-is_pilot", "code")[:17]
        for unit in units:
            Certification.objects.create(
                unit=unit,
                level=TitleLevel.MUNICIPAL,
                status=Certification.Status.NAMED,
                applied_on=date(2025, 9, 1),
                named_on=date(2025, 12, 15),
                valid_until=date(2028, 12, 15),
            )
        yield


def test_targets_show_real_numbers_from_the_titles_held(
    english, district_user, plan_with_17_titles
):
    english.force_login(district_user)
    with time_machine.travel(MIDYEAR, tick=False):
        response = english.get(PROGRESS)

    results = {r.target.code: r for r in response.context["targets"]}
    pilots, half, national = (
        results["pilots-beijing-title"],
        results["half-beijing-title"],
        results["two-national-titles"],
    )
    assert (pilots.numerator, pilots.denominator, str(pilots.value)) == (6, 6, "100.0")
    assert (half.numerator, half.denominator, str(half.value)) == (17, 38, "44.7")
    assert (national.numerator, national.denominator) == (0, None)
    # Half-way to the deadline a straight line expects about 36 %: 44.7 % is on track; no
    # national title yet, with about two units expected by now, is at risk.
    assert [pilots.state, half.state, national.state] == [
        TargetState.MET,
        TargetState.ON_TRACK,
        TargetState.AT_RISK,
    ]

    targets = response.content.decode().split('id="targets"', 1)[1].split("</section>", 1)[0]
    assert "6 of 6 units" in targets
    assert "17 of 38 units" in targets
    assert "44.7%" in targets
    assert "by 2026-12-31" in targets
    for label in ("Met", "On track", "At risk"):
        assert label in targets
