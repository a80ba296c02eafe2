"""The one transition mechanism: every model's table of moves, tried by every persona from every
state, and the event log each legal move writes.

The expectations are written out here (`WHO` says who may make each move; the states come from
the table's `sources`), so a change to a table that the office did not ask for fails a test.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.db import models
from django.utils import timezone

from injuries.models import ImportBatch
from programs.core.models import Event
from programs.core.transitions import WORKFLOWS, allowed_moves, record_event, transition
from programs.evaluations.models import Evaluation, EvaluationRound, ItemScore
from programs.funds.models import BudgetLine, Disbursement, FiscalYear, FundCategory, FundSource
from programs.funds.services import funds_reference_load
from programs.models import Certification, MonthlyReport, UnitMilestone
from safecommunity.errors import DomainError
from tests.factories import (
    CertificationFactory,
    EvaluationFactory,
    EvaluationRoundFactory,
    ImportBatchFactory,
    MonthlyReportFactory,
    PromotionProjectFactory,
    SchemeItemFactory,
    UnitMilestoneFactory,
    WorkGroupFactory,
)
from workgroups.models import ProjectStatus, PromotionProject, WorkGroup

PERSONAS = ["district_user", "clerk_a", "clerk_b", "provider", "finance_user", "evaluator"]
REASON = "材料不全，请补充后再提交。"


@dataclass(frozen=True)
class Case:
    """How to place a record of one model in a given state, and who may make each move."""

    model: type[models.Model]
    states: list[str]
    make: Callable[[Any, str], models.Model]  # (request, state) -> record in that state
    who: dict[str, set[str]]  # move -> personas allowed (within the unit's scope)
    params: dict[str, dict[str, Any]]


def milestone_in(request, state: str) -> UnitMilestone:
    return UnitMilestoneFactory(unit=request.getfixturevalue("unit_a"), status=state)


def report_in(request, state: str) -> MonthlyReport:
    return MonthlyReportFactory(unit=request.getfixturevalue("unit_a"), status=state)


def title_in(request, state: str) -> Certification:
    named = state in (Certification.Status.NAMED, Certification.Status.EXPIRED)
    return CertificationFactory(
        unit=request.getfixturevalue("unit_a"),
        status=state,
        applied_on=date(2025, 1, 10),
        named_on=date(2025, 12, 1) if named else None,
        valid_until=date(2028, 12, 1) if named else None,
    )


def evaluation_in(request, state: str) -> Evaluation:
    """A district review of unit A with one fully graded item; the evaluator is named in it."""
    item = SchemeItemFactory()
    round_ = EvaluationRoundFactory(
        scheme=item.element.scheme,
        kind=EvaluationRound.Kind.DISTRICT,
        evaluators=[request.getfixturevalue("evaluator")],
    )
    evaluation = EvaluationFactory(
        round=round_,
        unit=request.getfixturevalue("unit_a"),
        final=state == Evaluation.Status.FINAL,
    )
    ItemScore.objects.create(
        evaluation=evaluation, item=item, presence="a", evidence="a", effect="a"
    )
    return evaluation


def group_in(request, state: str) -> WorkGroup:
    dropped = state == WorkGroup.Status.DROPPED
    return WorkGroupFactory(
        unit=request.getfixturevalue("unit_a"),
        status=state,
        dropped_at=request.getfixturevalue("now") if dropped else None,
    )


def project_in(request, state: str) -> PromotionProject:
    return PromotionProjectFactory(unit=request.getfixturevalue("unit_a"), status=state)


def disbursement_in(request, state: str) -> Disbursement:
    """A disbursement of unit A within its budget line (paid: with its voucher)."""
    funds_reference_load(created=Counter())
    unit = request.getfixturevalue("unit_a")
    key = {
        "unit": unit,
        "year": 2025,
        "category": FundCategory.objects.get(code="promotion"),
        "source": FundSource.objects.get(code="district_budget"),
    }
    BudgetLine.objects.create(**key, amount_fen=100_000)
    paid = state == Disbursement.Status.PAID
    return Disbursement.objects.create(
        **key,
        amount_fen=1_000,
        purpose="防跌倒",
        status=state,
        voucher_number="BF-1" if paid else "",
        paid_on=date(2025, 3, 1) if paid else None,
    )


def fiscal_year_in(request, state: str) -> FiscalYear:
    """Unit A's district's fiscal year 2025."""
    district = request.getfixturevalue("unit_a").district
    return FiscalYear.objects.create(district=district, year=2025, status=state)


@pytest.fixture
def now():
    return timezone.now()


MS = UnitMilestone.Status
RS = MonthlyReport.Status
TS = Certification.Status
EDITORS = {"district_user", "clerk_a"}
DISTRICT = {"district_user"}

CASES = {
    "milestone": Case(
        UnitMilestone,
        list(MS),
        milestone_in,
        {"start": EDITORS, "submit": EDITORS, "accept": DISTRICT, "return": DISTRICT},
        {"return": {"reason": REASON}},
    ),
    "report": Case(
        MonthlyReport,
        list(RS),
        report_in,
        {"submit": EDITORS, "approve": DISTRICT, "return": DISTRICT, "reopen": DISTRICT},
        {"return": {"reason": REASON}, "reopen": {"reason": REASON}},
    ),
    "title": Case(
        Certification,
        list(TS),
        title_in,
        {move: DISTRICT for move in ("review", "onsite", "rectify", "named", "expired", "revoked")},
        {"named": {"on": date(2026, 3, 1)}},
    ),
    "work group": Case(
        WorkGroup,
        list(WorkGroup.Status),
        group_in,
        {"drop": EDITORS, "restore": EDITORS},
        {},
    ),
    "project": Case(
        PromotionProject,
        list(ProjectStatus),
        project_in,
        {move: EDITORS for move in ("start", "complete", "suspend", "resume", "reopen")},
        {"reopen": {"reason": REASON}},
    ),
    "disbursement": Case(
        Disbursement,
        list(Disbursement.Status),
        disbursement_in,
        {
            "override": DISTRICT,
            "approve": {"finance_user"},
            "return": {"finance_user"},
            "pay": {"finance_user"},
        },
        {
            "override": {"reason": REASON},
            "return": {"reason": REASON},
            "pay": {"voucher_number": "BF-2", "paid_on": date(2025, 4, 1), "payee": "甲镇"},
        },
    ),
    "fiscal year": Case(
        FiscalYear,
        list(FiscalYear.Status),
        fiscal_year_in,
        {"close": {"finance_user"}, "reopen": {"finance_user"}},
        {"reopen": {"reason": REASON}},
    ),
    "evaluation": Case(
        Evaluation,
        list(Evaluation.Status),
        evaluation_in,
        {"finalise": {"district_user", "evaluator"}, "reopen": DISTRICT},
        {"reopen": {"reason": REASON}},
    ),
}


def tries() -> list[Any]:
    found = []
    for name, case in CASES.items():
        workflow = WORKFLOWS[case.model]
        assert set(case.who) == set(workflow.by_name), f"{name}: every move has its expectation"
        for state in case.states:
            for move in workflow.moves:
                for persona in PERSONAS:
                    legal = move.starts_from(state) and persona in case.who[move.name]
                    found.append(
                        pytest.param(
                            name,
                            state,
                            move.name,
                            persona,
                            legal,
                            id=f"{name}-{state}-{move.name}-{persona}",
                        )
                    )
    return found


@pytest.mark.parametrize(("case_name", "state", "move_name", "persona", "legal"), tries())
def test_every_move_by_every_persona(db, request, case_name, state, move_name, persona, legal):
    case = CASES[case_name]
    record = case.make(request, state)
    user = request.getfixturevalue(persona)
    move = WORKFLOWS[case.model][move_name]
    history = record.history.count() if hasattr(record, "history") else None

    assert (move in allowed_moves(record, user)) == legal  # what the page offers
    if legal:
        event = transition(record, move_name, by=user, **case.params.get(move_name, {}))

        record.refresh_from_db()
        assert record.status == move.target
        assert Event.objects.of(record).get() == event
        assert (event.actor, event.action, event.from_state, event.to_state) == (
            user,
            move_name,
            state,
            move.target,
        )
        assert event.unit_id == getattr(record, "unit_id", None)  # a fiscal year has no unit
        assert event.reason == case.params.get(move_name, {}).get("reason", "")
    else:
        with pytest.raises(DomainError):
            transition(record, move_name, by=user, **case.params.get(move_name, {}))

        record.refresh_from_db()
        assert record.status == state
        assert not Event.objects.of(record).exists()
        if history is not None:
            assert record.history.count() == history


# --- the primitive ------------------------------------------------------------------------------


def test_a_move_needing_a_reason_is_refused_without_one(request, district_user):
    row = milestone_in(request, MS.SUBMITTED)

    with pytest.raises(DomainError):
        transition(row, "return", by=district_user, reason="   ")

    row.refresh_from_db()
    assert row.status == MS.SUBMITTED
    assert not Event.objects.exists()


def test_an_unknown_move_is_refused(request, district_user):
    row = milestone_in(request, MS.SUBMITTED)

    with pytest.raises(DomainError):
        transition(row, "approve", by=district_user)

    assert not Event.objects.exists()


def test_the_system_may_make_only_system_moves(request):
    title = title_in(request, TS.NAMED)
    Certification.objects.filter(pk=title.pk).update(valid_until=date(2025, 12, 2))

    with pytest.raises(DomainError):
        transition(title, TS.REVOKED, by=None)
    event = transition(title, TS.EXPIRED, by=None, on=date(2026, 1, 5))

    title.refresh_from_db()
    assert title.status == TS.EXPIRED
    assert event.actor is None
    assert list(Event.objects.of(title)) == [event]


def test_a_failing_precondition_changes_nothing(request, clerk_a):
    row = milestone_in(request, MS.IN_PROGRESS)
    row.milestone.evidence_required = True
    row.milestone.save()

    with pytest.raises(DomainError):
        transition(row, "submit", by=clerk_a)

    row.refresh_from_db()
    assert row.status == MS.IN_PROGRESS
    assert not Event.objects.exists()


def test_record_event_writes_an_occurrence(request, district_user):
    report = report_in(request, RS.DRAFT)

    event = record_event(report, Event.Kind.CREATED, by=district_user, data={"month": "2026-05"})

    assert (event.kind, event.action, event.actor, event.unit_id) == (
        Event.Kind.CREATED,
        Event.Kind.CREATED,
        district_user,
        report.unit_id,
    )
    assert event.data == {"month": "2026-05"}


def test_the_event_log_is_append_only(request, district_user):
    row = milestone_in(request, MS.SUBMITTED)
    event = transition(row, "accept", by=district_user)

    event.reason = "changed afterwards"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).update(reason="changed")
    with pytest.raises(TypeError):
        Event.objects.filter(pk=event.pk).delete()

    event.refresh_from_db()
    assert event.reason == ""


def test_the_change_feed_reads_events_after_an_id(request, clerk_a, district_user):
    row = milestone_in(request, MS.NOT_STARTED)
    first = transition(row, "start", by=clerk_a)
    second = transition(row, "submit", by=clerk_a)
    third = transition(row, "accept", by=district_user)

    assert list(Event.objects.after(first.pk)) == [second, third]
    assert list(Event.objects.of_unit(row.unit_id)) == [third, second, first]


def test_the_log_answers_only_what_the_user_may_see(request, clerk_a, clerk_b, district_user):
    row = milestone_in(request, MS.SUBMITTED)
    transition(row, "accept", by=district_user)

    assert Event.objects.visible_to(clerk_a).count() == 1
    assert Event.objects.visible_to(clerk_b).count() == 0
    assert Event.objects.visible_to(district_user).count() == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_district_staff_withdraw_an_import(db, request, persona):
    user = request.getfixturevalue(persona)
    batch = ImportBatchFactory(imported=True)
    legal = persona == "district_user"

    assert (WORKFLOWS[ImportBatch]["withdraw"] in allowed_moves(batch, user)) == legal
    if legal:
        transition(batch, "withdraw", by=user)
    else:
        with pytest.raises(DomainError):
            transition(batch, "withdraw", by=user)

    batch.refresh_from_db()
    assert batch.status == (ImportBatch.Status.WITHDRAWN if legal else ImportBatch.Status.IMPORTED)
    assert Event.objects.of(batch).count() == legal
