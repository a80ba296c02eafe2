"""The API's milestones, titles and targets: what a row says, the filters, `updated_since`, and a
target's value — the one the progress page and its selector show."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from programs.core.choices import TitleLevel
from programs.core.models import CreatingUnit
from programs.core.transitions import transition
from programs.progress.demo import demo_pdf
from programs.progress.models import UnitMilestone
from programs.progress.services import evidence_upload
from programs.titles.models import Certification, Target
from programs.titles.selectors import targets_evaluate
from tests.factories import (
    CertificationFactory,
    MilestoneFactory,
    PhaseFactory,
    TargetFactory,
    UnitFactory,
)


def _codes(response, key: str = "unit") -> list:
    assert response.status_code == 200, response.content
    return sorted(row[key] for row in response.json()["results"])


# --- Milestones -------------------------------------------------------------------------------


@pytest.fixture
def milestones(unit_a, unit_b):
    """Two phases of the units' programme: the first's milestone was due on 1 March 2025 (and
    is required for the gate), the second's has no due date and is optional. Unit A has
    submitted its first; unit B's is open and overdue."""
    first = PhaseFactory(program=unit_a.program, order=1)
    second = PhaseFactory(program=unit_a.program, order=2)
    due = MilestoneFactory(phase=first, name="制定工作方案", due_date=date(2025, 3, 1))
    MilestoneFactory(phase=second, name="年度总结", required_for_gate=False)
    submitted = UnitMilestone.objects.get(unit=unit_a, milestone=due)
    return {
        "submitted": submitted,
        "overdue": UnitMilestone.objects.get(unit=unit_b, milestone=due),
    }


def test_a_milestone_row_says_what_the_milestone_page_shows(
    token_client, district_user, clerk_a, milestones
):
    item = milestones["submitted"]
    transition(item, "submit", by=clerk_a)
    transition(item, "return", by=district_user, reason="缺少签字")

    row = token_client(clerk_a).get(f"/api/v1/milestones/{item.pk}/").json()

    assert row["unit"] == "A01"
    assert (row["milestone_id"], row["milestone"], row["phase"]) == (
        item.milestone_id,
        "制定工作方案",
        1,
    )
    assert row["required_for_gate"] is True
    assert row["status"] == "returned"
    assert row["return_reason"] == "缺少签字"
    assert row["status_changed_by"] == district_user.username
    assert row["due_date"] == "2025-03-01"
    assert (row["due_band"], row["overdue"]) == ("overdue", True)  # returned is open again
    assert row["evidence_count"] == 0


def test_milestones_filter_as_the_queue_does_by_unit_phase_status_and_band(
    token_client, district_user, clerk_a, milestones
):
    transition(milestones["submitted"], "submit", by=clerk_a)
    client = token_client(district_user)

    def listed(**query):
        rows = client.get("/api/v1/milestones/", query).json()["results"]
        return sorted((row["unit"], row["phase"], row["status"], row["due_band"]) for row in rows)

    assert listed(unit="A01") == [
        ("A01", 1, "submitted", "on_time"),
        ("A01", 2, "not_started", "none"),
    ]
    assert listed(phase=2) == [("A01", 2, "not_started", "none"), ("B01", 2, "not_started", "none")]
    assert listed(status="submitted") == [("A01", 1, "submitted", "on_time")]
    assert listed(due_band="overdue") == [("B01", 1, "not_started", "overdue")]
    assert listed(unit="B01", phase=1, status="submitted") == []


@pytest.mark.parametrize("query", [{"status": "done"}, {"due_band": "late"}, {"phase": "first"}])
def test_a_milestone_filter_outside_its_choices_is_400_at_the_field(
    token_client, provider, milestones, query
):
    response = token_client(provider).get("/api/v1/milestones/", query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_updated_since_returns_only_the_milestone_submitted_since(
    token_client, clerk_a, district_user, milestones
):
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        transition(milestones["submitted"], "submit", by=clerk_a)
    since = (start + timedelta(minutes=30)).isoformat()
    client = token_client(district_user)

    rows = client.get("/api/v1/milestones/", {"updated_since": since}).json()["results"]
    everything = client.get("/api/v1/milestones/").json()["results"]

    assert [(row["id"], row["status"]) for row in rows] == [
        (milestones["submitted"].pk, "submitted")
    ]
    assert len(everything) == 4


def test_new_evidence_counts_and_brings_the_milestone_into_updated_since(
    token_client, clerk_a, milestones
):
    item = milestones["submitted"]
    transition(item, "start", by=clerk_a)
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        evidence_upload(
            unit_milestone=item,
            by=clerk_a,
            upload=SimpleUploadedFile("方案.pdf", demo_pdf("plan"), "application/pdf"),
            effective_date=date(2025, 2, 1),
            title="工作方案",
        )
    since = (start + timedelta(minutes=30)).isoformat()

    rows = token_client(clerk_a).get("/api/v1/milestones/", {"updated_since": since}).json()

    assert [(row["id"], row["evidence_count"]) for row in rows["results"]] == [(item.pk, 1)]


# --- Titles -----------------------------------------------------------------------------------


@pytest.fixture
def titles(unit_a, unit_b):
    """Unit A holds the Beijing title (named 1 December 2025); unit B applies for the national
    one."""
    return {
        "held": CertificationFactory(unit=unit_a, certificate_number="京安社2025-01"),
        "applied": CertificationFactory(
            unit=unit_b,
            level=TitleLevel.NATIONAL,
            status=Certification.Status.APPLIED,
            named_on=None,
            valid_until=None,
            applied_on=date(2026, 3, 1),
        ),
    }


def test_a_title_row_has_its_dates_number_and_whether_it_is_held(token_client, provider, titles):
    client = token_client(provider)

    held = client.get(f"/api/v1/titles/{titles['held'].pk}/").json()
    applied = client.get(f"/api/v1/titles/{titles['applied'].pk}/").json()

    assert held["unit"] == "A01"
    assert (held["level"], held["status"], held["held"]) == ("municipal", "named", True)
    assert (held["named_on"], held["valid_until"]) == ("2025-12-01", "2028-12-01")
    assert held["certificate_number"] == "京安社2025-01"
    assert (applied["level"], applied["status"], applied["held"]) == ("national", "applied", False)
    assert (applied["applied_on"], applied["named_on"], applied["valid_until"]) == (
        "2026-03-01",
        None,
        None,
    )


def test_titles_filter_by_unit_level_and_status(token_client, district_user, titles):
    client = token_client(district_user)

    assert _codes(client.get("/api/v1/titles/", {"unit": "B01"})) == ["B01"]
    assert _codes(client.get("/api/v1/titles/", {"level": "municipal"})) == ["A01"]
    assert _codes(client.get("/api/v1/titles/", {"status": "applied"})) == ["B01"]
    assert _codes(client.get("/api/v1/titles/", {"unit": "A01", "status": "applied"})) == []
    assert client.get("/api/v1/titles/", {"level": "county"}).status_code == 400


def test_updated_since_returns_only_the_title_moved_since(token_client, district_user, titles):
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        transition(titles["applied"], "review", by=district_user)
    since = (start + timedelta(minutes=30)).isoformat()

    rows = token_client(district_user).get("/api/v1/titles/", {"updated_since": since}).json()

    assert [(row["unit"], row["status"]) for row in rows["results"]] == [("B01", "review")]


# --- Targets ----------------------------------------------------------------------------------


@pytest.fixture
def targets(unit_a, unit_b):
    """Four units, two of them pilots (A01, P02). A01 (a pilot) holds the Beijing title and B01
    the national one: half the units are titled, no pilot holds the national title, two units
    hold a title where four are wanted."""
    program = unit_a.program
    CreatingUnit.objects.filter(pk=unit_a.pk).update(is_pilot=True)
    UnitFactory(program=program, code="P02", is_pilot=True)
    UnitFactory(program=program, code="C03")
    CertificationFactory(unit=unit_a, level=TitleLevel.MUNICIPAL)
    CertificationFactory(unit=unit_b, level=TitleLevel.NATIONAL)
    return {
        "half": TargetFactory(
            program=program,
            code="beijing-half",
            measure=Target.Measure.UNITS_SHARE,
            level=TitleLevel.MUNICIPAL,
            threshold=Decimal(50),
        ),
        "pilots": TargetFactory(
            program=program,
            code="pilots-national",
            measure=Target.Measure.PILOTS_TITLED,
            level=TitleLevel.NATIONAL,
            threshold=Decimal(50),
        ),
        "four": TargetFactory(
            program=program,
            code="four-titled",
            measure=Target.Measure.UNITS_COUNT,
            level=TitleLevel.MUNICIPAL,
            threshold=Decimal(4),
        ),
    }


def test_a_targets_value_is_the_one_the_progress_page_shows(
    client, token_client, district_user, targets
):
    rows = token_client(district_user).get("/api/v1/targets/").json()["results"]
    client.force_login(district_user)
    page = client.get(reverse("programs:progress")).context["targets"]

    api = {row["code"]: row["attainment"] for row in rows}
    assert {
        (code, a["numerator"], a["denominator"], a["value"], a["met"]) for code, a in api.items()
    } == {
        ("beijing-half", 2, 4, "50.0", True),
        ("pilots-national", 0, 2, "0.0", False),
        ("four-titled", 2, None, "2.0", False),
    }
    for result in page:
        shown = api[result.target.code]
        assert Decimal(shown["value"]) == result.value
        assert (shown["numerator"], shown["denominator"]) == (result.numerator, result.denominator)
        assert shown["state"] == result.state
        assert shown["on"] == timezone.localdate().isoformat()
    assert {r.target.code for r in page} == set(api)
    selector = targets_evaluate(targets["half"].program)
    assert {r.target.code: r.value for r in selector} == {r.target.code: r.value for r in page}


def test_a_target_detail_carries_its_threshold_and_value(token_client, provider, targets):
    row = token_client(provider).get(f"/api/v1/targets/{targets['half'].pk}/").json()

    assert (row["code"], row["measure"], row["level"]) == (
        "beijing-half",
        "units_share",
        "municipal",
    )
    assert row["threshold"] == "50.00"
    assert row["program"] == targets["half"].program.code
    assert (row["attainment"]["value"], row["attainment"]["met"]) == ("50.0", True)


def test_a_clerk_reads_the_targets_without_their_values(token_client, clerk_a, targets):
    rows = token_client(clerk_a).get("/api/v1/targets/").json()["results"]

    assert len(rows) == 3
    assert {row["attainment"] for row in rows} == {None}


def test_targets_filter_by_code_measure_and_updated_since(token_client, district_user, targets):
    client = token_client(district_user)
    start = timezone.now()
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        targets["four"].threshold = Decimal(3)
        targets["four"].save()
    since = (start + timedelta(minutes=30)).isoformat()

    assert _codes(client.get("/api/v1/targets/", {"code": "pilots-national"}), "code") == [
        "pilots-national"
    ]
    assert _codes(client.get("/api/v1/targets/", {"measure": "units_count"}), "code") == [
        "four-titled"
    ]
    assert _codes(client.get("/api/v1/targets/", {"updated_since": since}), "code") == [
        "four-titled"
    ]
    assert client.get("/api/v1/targets/", {"measure": "share"}).status_code == 400
