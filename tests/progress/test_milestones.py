"""Milestone progress: a row per unit × milestone, due dates, transitions, due bands, the gate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from programs.core.transitions import transition
from programs.models import Event, Evidence, UnitMilestone
from programs.progress import errors
from programs.progress.demo import demo_pdf
from programs.progress.models.milestones import DueBand
from programs.progress.selectors import unit_gate
from programs.progress.services import evidence_upload
from tests.factories import MilestoneFactory, PhaseFactory, ProgramFactory, UnitFactory

pytestmark = pytest.mark.django_db

Status = UnitMilestone.Status
SHANGHAI = ZoneInfo("Asia/Shanghai")
# 00:30 on 1 May in Beijing is still 30 April in UTC: the bands must follow Beijing.
NOW = datetime(2026, 5, 1, 0, 30, tzinfo=SHANGHAI)
TODAY = date(2026, 5, 1)
REASON = "缺少签字页，请补充后重新提交"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def phases(unit_a):
    names = ["启动", "实施", "申请认证", "持续改进"]
    return [
        PhaseFactory(program=unit_a.program, order=order, name=name)
        for order, name in enumerate(names, start=1)
    ]


@pytest.fixture
def row(unit_a, phases):
    """Unit A's row for a milestone that needs no evidence."""
    milestone = MilestoneFactory(phase=phases[0], evidence_required=False)
    return row_of(unit_a, milestone)


def row_of(unit, milestone) -> UnitMilestone:
    return UnitMilestone.objects.get(unit=unit, milestone=milestone)


def put(row: UnitMilestone, status: str) -> UnitMilestone:
    """Place a row in `status` directly (set-up only, not a transition)."""
    reason = REASON if status == Status.RETURNED else ""
    UnitMilestone.objects.filter(pk=row.pk).update(status=status, return_reason=reason)
    row.refresh_from_db()
    return row


def perform(row: UnitMilestone, action: str, *, clerk, district, reason: str = REASON) -> None:
    """Clerks start and submit; district staff accept and return."""
    if action == "start":
        transition(row, "start", by=clerk)
    elif action == "submit":
        transition(row, "submit", by=clerk)
    elif action == "accept":
        transition(row, "accept", by=district)
    else:
        transition(row, "return", by=district, reason=reason)


# --- one row per unit × milestone, kept in step by the signals ---------------------------------


def test_new_unit_gets_a_row_for_every_milestone_of_its_programme(phases):
    program = phases[0].program
    milestones = [
        MilestoneFactory(phase=phases[0]),
        MilestoneFactory(phase=phases[0]),
        MilestoneFactory(phase=phases[2]),
    ]
    other = ProgramFactory(code="other", name="其他方案")
    MilestoneFactory(phase=PhaseFactory(program=other, order=1, name="启动"))

    unit = UnitFactory(program=program)

    rows = UnitMilestone.objects.filter(unit=unit)
    assert sorted(rows.values_list("milestone_id", flat=True)) == sorted(m.pk for m in milestones)
    assert set(rows.values_list("status", flat=True)) == {Status.NOT_STARTED}


def test_new_milestone_gets_a_row_for_every_unit_of_its_programme(unit_a, unit_b, phases):
    other_unit = UnitFactory(program=ProgramFactory(code="other", name="其他方案"))

    milestone = MilestoneFactory(phase=phases[1])

    units = set(UnitMilestone.objects.filter(milestone=milestone).values_list("unit", flat=True))
    assert units == {unit_a.pk, unit_b.pk}
    assert not UnitMilestone.objects.filter(unit=other_unit).exists()


def test_saving_a_unit_or_milestone_again_adds_no_rows(unit_a, unit_b, phases):
    milestone = MilestoneFactory(phase=phases[0])

    unit_a.save()
    milestone.save()

    assert UnitMilestone.objects.filter(milestone=milestone).count() == 2


# --- due dates --------------------------------------------------------------------------------


def test_fixed_due_date_applies_to_every_unit_whenever_it_joined(unit_a, unit_b, phases):
    unit_a.joined_on = date(2026, 1, 5)
    unit_a.save()

    milestone = MilestoneFactory(phase=phases[0], due_date=date(2026, 4, 30))

    assert row_of(unit_a, milestone).due_date == date(2026, 4, 30)
    assert row_of(unit_b, milestone).due_date == date(2026, 4, 30)


def test_due_date_counted_from_joining(unit_a, unit_b, phases):
    unit_a.joined_on = date(2026, 3, 1)
    unit_a.save()

    milestone = MilestoneFactory(phase=phases[0], due_days_after_joining=30)

    assert row_of(unit_a, milestone).due_date == date(2026, 3, 31)
    assert row_of(unit_b, milestone).due_date is None  # unit B has no joining date


def test_changing_the_milestone_due_date_moves_every_row(unit_a, unit_b, phases):
    unit_a.joined_on = date(2026, 3, 1)
    unit_a.save()
    milestone = MilestoneFactory(phase=phases[0], due_date=date(2026, 4, 30))

    milestone.due_date = date(2026, 6, 30)
    milestone.save()

    assert row_of(unit_a, milestone).due_date == date(2026, 6, 30)
    assert row_of(unit_b, milestone).due_date == date(2026, 6, 30)

    milestone.due_date = None
    milestone.due_days_after_joining = 10
    milestone.save()

    assert row_of(unit_a, milestone).due_date == date(2026, 3, 11)
    assert row_of(unit_b, milestone).due_date is None


def test_changing_the_joining_date_moves_only_relative_due_dates(unit_a, phases):
    fixed = MilestoneFactory(phase=phases[0], due_date=date(2026, 4, 30))
    relative = MilestoneFactory(phase=phases[0], due_days_after_joining=60)

    unit_a.joined_on = date(2026, 2, 1)
    unit_a.save()
    assert row_of(unit_a, relative).due_date == date(2026, 4, 2)

    unit_a.joined_on = date(2026, 3, 1)
    unit_a.save()

    assert row_of(unit_a, relative).due_date == date(2026, 4, 30)
    assert row_of(unit_a, fixed).due_date == date(2026, 4, 30)


# --- transitions ------------------------------------------------------------------------------

LEGAL = [
    (Status.NOT_STARTED, "start", Status.IN_PROGRESS),
    (Status.RETURNED, "start", Status.IN_PROGRESS),
    (Status.NOT_STARTED, "submit", Status.SUBMITTED),
    (Status.IN_PROGRESS, "submit", Status.SUBMITTED),
    (Status.RETURNED, "submit", Status.SUBMITTED),
    (Status.SUBMITTED, "accept", Status.ACCEPTED),
    (Status.SUBMITTED, "return", Status.RETURNED),
]
ILLEGAL = [
    (status, action)
    for status in Status
    for action in ("start", "submit", "accept", "return")
    if (status, action) not in {(before, act) for before, act, _after in LEGAL}
]


@pytest.mark.parametrize(("before", "action", "after"), LEGAL)
def test_legal_move_records_status_who_and_when(
    frozen, row, clerk_a, district_user, before, action, after
):
    put(row, before)

    perform(row, action, clerk=clerk_a, district=district_user)

    actor = district_user if action in ("accept", "return") else clerk_a
    row.refresh_from_db()
    assert row.status == after
    assert row.status_changed_at == NOW
    assert row.status_changed_by == actor
    event = Event.objects.of(row).get()
    assert (event.from_state, event.to_state) == (before, after)
    assert event.actor == actor
    assert event.at == NOW
    assert event.reason == (REASON if action == "return" else "")


@pytest.mark.parametrize(("before", "action"), ILLEGAL)
def test_illegal_move_is_refused_and_changes_nothing(row, clerk_a, district_user, before, action):
    put(row, before)

    with pytest.raises(errors.MilestoneError) as refused:
        perform(row, action, clerk=clerk_a, district=district_user)

    assert refused.value.message == errors.ILLEGAL_MILESTONE_MOVE
    row.refresh_from_db()
    assert row.status == before
    assert row.status_changed_at is None
    assert not Event.objects.of(row).exists()


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_return_without_reason_is_refused(row, district_user, reason):
    put(row, Status.SUBMITTED)

    with pytest.raises(errors.MilestoneError) as refused:
        transition(row, "return", by=district_user, reason=reason)

    assert refused.value.message == errors.RETURN_NEEDS_REASON
    row.refresh_from_db()
    assert row.status == Status.SUBMITTED
    assert row.return_reason == ""
    assert not Event.objects.of(row).exists()


@pytest.mark.parametrize("persona", ["clerk_a", "provider", "evaluator"])
@pytest.mark.parametrize("action", ["accept", "return"])
def test_only_district_staff_accept_or_return(request, row, persona, action):
    user = request.getfixturevalue(persona)
    put(row, Status.SUBMITTED)

    with pytest.raises(errors.MilestoneError) as refused:
        perform(row, action, clerk=user, district=user)

    assert refused.value.message == errors.ONLY_DISTRICT_REVIEWS
    row.refresh_from_db()
    assert row.status == Status.SUBMITTED
    assert not Event.objects.of(row).exists()


def test_return_keeps_the_reason_trimmed(row, district_user):
    put(row, Status.SUBMITTED)

    transition(row, "return", by=district_user, reason=f"  {REASON}\n")

    row.refresh_from_db()
    assert row.status == Status.RETURNED
    assert row.return_reason == REASON
    assert Event.objects.of(row).get().reason == REASON


def test_full_round_writes_one_event_per_move(frozen, row, clerk_a, district_user):
    for action in ("start", "submit", "return", "start", "submit", "accept"):
        perform(row, action, clerk=clerk_a, district=district_user)
        frozen.shift(timedelta(hours=1))

    row.refresh_from_db()
    assert row.status == Status.ACCEPTED
    events = list(Event.objects.of(row).order_by("at"))
    assert [(e.from_state, e.to_state) for e in events] == [
        (Status.NOT_STARTED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.SUBMITTED),
        (Status.SUBMITTED, Status.RETURNED),
        (Status.RETURNED, Status.IN_PROGRESS),
        (Status.IN_PROGRESS, Status.SUBMITTED),
        (Status.SUBMITTED, Status.ACCEPTED),
    ]
    assert [e.actor for e in events] == [
        clerk_a,
        clerk_a,
        district_user,
        clerk_a,
        clerk_a,
        district_user,
    ]
    assert [e.at for e in events] == [NOW + timedelta(hours=n) for n in range(6)]


def test_a_stale_page_cannot_return_what_was_just_accepted(row, district_user):
    put(row, Status.SUBMITTED)
    stale = row_of(row.unit, row.milestone)
    transition(row, "accept", by=district_user)

    with pytest.raises(errors.MilestoneError) as refused:
        transition(stale, "return", by=district_user, reason=REASON)

    assert refused.value.message == errors.ILLEGAL_MILESTONE_MOVE
    row.refresh_from_db()
    assert row.status == Status.ACCEPTED
    assert Event.objects.of(row).count() == 1


def test_submit_without_evidence_is_refused_when_evidence_is_required(
    unit_a, phases, clerk_a, private_storage
):
    row = row_of(unit_a, MilestoneFactory(phase=phases[0], evidence_required=True))
    Evidence.objects.create(unit=unit_a, unit_milestone=row, title="工作方案")  # no file yet

    with pytest.raises(errors.MilestoneError) as refused:
        transition(row, "submit", by=clerk_a)

    assert refused.value.message == errors.EVIDENCE_MISSING
    row.refresh_from_db()
    assert row.status == Status.NOT_STARTED

    evidence_upload(
        unit_milestone=row,
        by=clerk_a,
        upload=SimpleUploadedFile("plan.pdf", demo_pdf("work plan")),
        effective_date=date(2026, 4, 1),
        title="创建工作方案",
    )
    row.refresh_from_db()
    transition(row, "submit", by=clerk_a)

    row.refresh_from_db()
    assert row.status == Status.SUBMITTED


# --- due bands, against the Asia/Shanghai calendar --------------------------------------------


def milestone_due(phase, offset: int | None):
    return MilestoneFactory(
        phase=phase, due_date=None if offset is None else TODAY + timedelta(days=offset)
    )


def test_clock_is_past_midnight_in_shanghai_but_not_in_utc(frozen):
    assert timezone.now().astimezone(UTC).date() == date(2026, 4, 30)
    assert timezone.localdate() == TODAY


@pytest.mark.parametrize(
    ("offset", "band"),
    [
        (-30, DueBand.OVERDUE),
        (-1, DueBand.OVERDUE),  # 30 April: "today" in UTC, yesterday in Shanghai
        (0, DueBand.DUE_SOON),
        (14, DueBand.DUE_SOON),
        (15, DueBand.ON_TIME),
        (None, DueBand.NONE),
    ],
)
@pytest.mark.parametrize("status", sorted(UnitMilestone.OPEN))
def test_open_milestone_band(frozen, unit_a, phases, offset, band, status):
    row = put(row_of(unit_a, milestone_due(phases[0], offset)), status)

    assert row.due_band() == band
    assert UnitMilestone.objects.with_band().get(pk=row.pk).band == band
    assert UnitMilestone.objects.overdue().filter(pk=row.pk).exists() == (band == DueBand.OVERDUE)
    assert UnitMilestone.objects.due_soon().filter(pk=row.pk).exists() == (band == DueBand.DUE_SOON)


@pytest.mark.parametrize("offset", [-30, -1, 0, 14])
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ACCEPTED])
def test_submitted_or_accepted_milestone_is_never_overdue_or_due_soon(
    frozen, unit_a, phases, offset, status
):
    row = put(row_of(unit_a, milestone_due(phases[0], offset)), status)

    assert row.due_band() == DueBand.ON_TIME
    assert UnitMilestone.objects.with_band().get(pk=row.pk).band == DueBand.ON_TIME
    assert not UnitMilestone.objects.overdue().filter(pk=row.pk).exists()
    assert not UnitMilestone.objects.due_soon().filter(pk=row.pk).exists()


def test_band_in_sql_agrees_with_band_in_python(frozen, unit_a, phases):
    for offset in (-400, -15, -1, 0, 1, 13, 14, 15, 90, None):
        for status in Status:
            put(row_of(unit_a, milestone_due(phases[0], offset)), status)

    rows = list(UnitMilestone.objects.filter(unit=unit_a).with_band())

    assert len(rows) == 50
    assert {row.pk: row.band for row in rows} == {row.pk: row.due_band() for row in rows}
    assert {row.band for row in rows} == set(DueBand.values)


# --- the phase gate -------------------------------------------------------------------------


@pytest.fixture
def gate_rows(unit_a, phases):
    """Unit A in phase 1 with two required milestones, an optional one, and a required one in
    phase 2."""
    unit_a.current_phase = phases[0]
    unit_a.save()
    required = [MilestoneFactory(phase=phases[0], required_for_gate=True) for _ in range(2)]
    optional = MilestoneFactory(phase=phases[0], required_for_gate=False)
    later = MilestoneFactory(phase=phases[1], required_for_gate=True)
    return {
        "required": [row_of(unit_a, m) for m in required],
        "optional": row_of(unit_a, optional),
        "later": row_of(unit_a, later),
    }


@pytest.mark.parametrize(
    "status", [Status.NOT_STARTED, Status.IN_PROGRESS, Status.SUBMITTED, Status.RETURNED]
)
def test_gate_stays_closed_while_a_required_milestone_is_not_accepted(
    unit_a, phases, gate_rows, status
):
    put(gate_rows["required"][0], Status.ACCEPTED)
    put(gate_rows["required"][1], status)

    gate = unit_gate(unit_a)

    assert (gate.phase, gate.next_phase) == (phases[0], phases[1])
    assert gate.open_required == [gate_rows["required"][1]]
    assert not gate.is_open


def test_gate_opens_when_every_required_milestone_is_accepted(
    unit_a, phases, gate_rows, clerk_a, district_user
):
    for row in gate_rows["required"]:
        transition(row, "submit", by=clerk_a)
        transition(row, "accept", by=district_user)
    # The optional milestone of this phase and the required one of the next stay untouched.

    gate = unit_gate(unit_a)

    assert gate.open_required == []
    assert gate.is_open
    assert gate.next_phase == phases[1]


def test_gate_of_the_last_phase_never_opens(unit_a, phases):
    unit_a.current_phase = phases[-1]
    unit_a.save()

    gate = unit_gate(unit_a)

    assert gate.next_phase is None
    assert not gate.is_open


# --- moving past the gate ---------------------------------------------------------------------


@pytest.fixture
def gate(gate_rows):
    return gate_rows


def test_clerk_cannot_advance_while_a_required_milestone_is_open(unit_a, phases, gate, clerk_a):
    put(gate["required"][0], Status.ACCEPTED)
    put(gate["required"][1], Status.SUBMITTED)

    with pytest.raises(errors.PhaseGateError) as refused:
        transition(unit_a, "advance", by=clerk_a, reason="急需推进")

    assert refused.value.message == errors.GATE_CLOSED
    assert refused.value.params["count"] == 1
    unit_a.refresh_from_db()
    assert unit_a.current_phase == phases[0]
    assert not Event.objects.filter(action="advance").exists()


@pytest.mark.parametrize("reason", ["", "  "])
def test_district_override_without_reason_is_refused(unit_a, phases, gate, district_user, reason):
    with pytest.raises(errors.PhaseGateError) as refused:
        transition(unit_a, "advance", by=district_user, reason=reason)

    assert refused.value.message == errors.OVERRIDE_NEEDS_REASON
    unit_a.refresh_from_db()
    assert unit_a.current_phase == phases[0]
    assert not Event.objects.filter(action="advance").exists()


def test_district_override_with_reason_moves_the_unit(frozen, unit_a, phases, gate, district_user):
    transition(unit_a, "advance", by=district_user, reason=" 区里统一安排提前进入实施 ")

    unit_a.refresh_from_db()
    assert unit_a.current_phase == phases[1]
    move = Event.objects.of(unit_a).get()
    assert (move.from_state, move.to_state) == (str(phases[0].pk), str(phases[1].pk))
    assert (move.data["from_phase"], move.data["to_phase"]) == (phases[0].name, phases[1].name)
    assert move.data["overridden"] is True
    assert move.reason == "区里统一安排提前进入实施"
    assert move.actor == district_user
    assert move.at == NOW
    assert unit_a.history.first().history_user == district_user


def test_clerk_advances_when_every_required_milestone_is_accepted(
    frozen, unit_a, phases, gate, clerk_a, district_user
):
    for row in gate["required"]:
        transition(row, "submit", by=clerk_a)
        transition(row, "accept", by=district_user)
    # The optional milestone of this phase and the required one of the next stay untouched.

    transition(unit_a, "advance", by=clerk_a)

    unit_a.refresh_from_db()
    assert unit_a.current_phase == phases[1]
    move = Event.objects.of(unit_a).get()
    assert (move.from_state, move.to_state) == (str(phases[0].pk), str(phases[1].pk))
    assert (move.data["from_phase"], move.data["to_phase"]) == (phases[0].name, phases[1].name)
    assert move.data["overridden"] is False
    assert move.reason == ""
    assert move.actor == clerk_a
    gate["optional"].refresh_from_db()
    assert gate["optional"].status == Status.NOT_STARTED


def test_district_move_through_an_open_gate_is_not_an_override(unit_a, phases, gate, district_user):
    for row in gate["required"]:
        put(row, Status.ACCEPTED)

    transition(unit_a, "advance", by=district_user)

    assert Event.objects.of(unit_a).get().data["overridden"] is False


def test_required_milestone_of_the_next_phase_then_closes_its_gate(unit_a, phases, gate, clerk_a):
    for row in gate["required"]:
        put(row, Status.ACCEPTED)
    transition(unit_a, "advance", by=clerk_a)

    with pytest.raises(errors.PhaseGateError) as refused:
        transition(unit_a, "advance", by=clerk_a)

    assert refused.value.message == errors.GATE_CLOSED
    unit_a.refresh_from_db()
    assert unit_a.current_phase == phases[1]
    assert Event.objects.of(unit_a).count() == 1


def test_last_phase_cannot_be_left(unit_a, phases, district_user):
    unit_a.current_phase = phases[-1]
    unit_a.save()

    with pytest.raises(errors.PhaseGateError) as refused:
        transition(unit_a, "advance", by=district_user, reason="再往前走")

    assert refused.value.message == errors.LAST_PHASE
    unit_a.refresh_from_db()
    assert unit_a.current_phase == phases[-1]
    assert not Event.objects.filter(action="advance").exists()


# --- a milestone is due only once the unit has reached its phase -------------------------------


def set_phase(unit, phase) -> None:
    unit.current_phase = phase
    unit.save(update_fields=["current_phase"])


@pytest.mark.parametrize(("offset", "band"), [(-5, DueBand.OVERDUE), (3, DueBand.DUE_SOON)])
def test_milestone_of_a_phase_not_reached_is_neither_overdue_nor_due_soon(
    frozen, unit_a, phases, offset, band
):
    set_phase(unit_a, phases[0])
    ahead = row_of(unit_a, milestone_due(phases[1], offset))
    current = row_of(unit_a, milestone_due(phases[0], offset))

    assert ahead.due_band() == DueBand.ON_TIME
    assert current.due_band() == band
    bands = dict(UnitMilestone.objects.with_band().values_list("pk", "band"))
    assert (bands[ahead.pk], bands[current.pk]) == (DueBand.ON_TIME, band)
    assert list(UnitMilestone.objects.overdue()) == ([current] if band == DueBand.OVERDUE else [])
    assert list(UnitMilestone.objects.due_soon()) == ([current] if band == DueBand.DUE_SOON else [])


def test_milestone_of_a_phase_already_left_stays_overdue(frozen, unit_a, phases):
    set_phase(unit_a, phases[1])
    behind = row_of(unit_a, milestone_due(phases[0], -5))

    assert behind.due_band() == DueBand.OVERDUE
    assert UnitMilestone.objects.with_band().get(pk=behind.pk).band == DueBand.OVERDUE
    assert list(UnitMilestone.objects.overdue()) == [behind]


def test_unit_without_a_phase_counts_every_phase_as_reached(frozen, unit_a, phases):
    assert unit_a.current_phase is None
    late = row_of(unit_a, milestone_due(phases[3], -5))

    assert late.due_band() == DueBand.OVERDUE
    assert UnitMilestone.objects.with_band().get(pk=late.pk).band == DueBand.OVERDUE
    assert list(UnitMilestone.objects.overdue()) == [late]


def test_reaching_the_phase_makes_its_late_milestone_overdue(frozen, unit_a, phases, clerk_a):
    set_phase(unit_a, phases[0])
    late = row_of(unit_a, milestone_due(phases[1], -5))
    assert not UnitMilestone.objects.overdue().exists()

    transition(unit_a, "advance", by=clerk_a)  # phase 1 has no required milestone

    assert list(UnitMilestone.objects.overdue()) == [late]
    assert row_of(unit_a, late.milestone).due_band() == DueBand.OVERDUE


# --- which saves of a unit resync its milestones ----------------------------------------------


@pytest.fixture
def sync_calls(monkeypatch):
    """Record the signal's calls of `unit_milestones_sync` (and still make them)."""
    from programs.progress import signals

    calls = []
    real = signals.unit_milestones_sync

    def recording(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(signals, "unit_milestones_sync", recording)
    return calls


def test_moving_a_unit_to_another_phase_does_not_resync_its_milestones(
    unit_a, phases, sync_calls, clerk_a
):
    MilestoneFactory(phase=phases[0], required_for_gate=False)
    sync_calls.clear()

    set_phase(unit_a, phases[1])
    transition(unit_a, "advance", by=clerk_a)

    assert sync_calls == []
    unit_a.refresh_from_db()
    assert unit_a.current_phase == phases[2]


@pytest.mark.parametrize("update_fields", [["joined_on"], ["joined_on", "current_phase"], None])
def test_changing_the_joining_date_resyncs_the_units_milestones(
    unit_a, phases, sync_calls, update_fields
):
    relative = MilestoneFactory(phase=phases[0], due_days_after_joining=30)
    sync_calls.clear()

    unit_a.joined_on = date(2026, 3, 1)
    unit_a.current_phase = phases[0]
    unit_a.save(update_fields=update_fields)

    assert [[u.pk for u in call["units"]] for call in sync_calls] == [[unit_a.pk]]
    assert row_of(unit_a, relative).due_date == date(2026, 3, 31)
