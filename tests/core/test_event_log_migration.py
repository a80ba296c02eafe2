"""No history disappears when the event log replaces milestone events and phase moves: migration
0009 copies them, and the status changes the change history kept of reports, titles and
evaluations, into the log."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tests.migrations import migrate, migrated_back

BEFORE = [("programs", "0008_event_log"), ("workgroups", "0002_activities_projects")]
AFTER = [("programs", "0009_event_log_from_history"), ("workgroups", "0003_event_log_from_history")]
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def old_apps(transactional_db):
    yield from migrated_back(BEFORE)


def test_milestone_events_phase_moves_and_status_changes_are_copied(old_apps):
    get = old_apps.get_model
    program = get("programs", "Program").objects.create(
        code="p", name="创建工作", start_date=date(2025, 3, 1)
    )
    first = get("programs", "Phase").objects.create(program=program, order=1, name="启动")
    second = get("programs", "Phase").objects.create(program=program, order=2, name="实施")
    milestone = get("programs", "Milestone").objects.create(phase=first, order=1, name="方案")
    unit = get("programs", "CreatingUnit").objects.create(
        program=program, code="A01", name="甲镇", kind="town", current_phase=second
    )
    user = get("programs", "User").objects.create(username="district", role="district")
    row = get("programs", "UnitMilestone").objects.create(unit=unit, milestone=milestone)
    get("programs", "MilestoneEvent").objects.create(
        unit_milestone=row,
        from_status="submitted",
        to_status="returned",
        by=user,
        at=AT,
        note="缺少签字页",
    )
    get("programs", "PhaseTransition").objects.create(
        unit=unit,
        from_phase=first,
        to_phase=second,
        moved_at=AT,
        moved_by=user,
        overridden=True,
        reason="区里决定",
    )
    report = get("programs", "MonthlyReport").objects.create(unit=unit, period=date(2026, 2, 1))
    history = get("programs", "HistoricalMonthlyReport")
    for n, (status, reason) in enumerate([("draft", ""), ("submitted", ""), ("returned", "补")]):
        history.objects.create(
            id=report.pk,
            unit_id=unit.pk,
            period=report.period,
            status=status,
            return_reason=reason,
            history_date=datetime(2026, 3, 3 + n, tzinfo=UTC),
            history_type="~",
            history_user=user,
            version=n,
            submitted_at=AT if status != "draft" else None,
            first_submitted_at=AT if status != "draft" else None,
        )

    apps = migrate(AFTER)

    events = apps.get_model("programs", "Event").objects.order_by("pk")
    assert [
        (e.content_type.model, e.object_id, e.action, e.from_state, e.to_state, e.reason)
        for e in events
    ] == [
        ("unitmilestone", row.pk, "return", "submitted", "returned", "缺少签字页"),
        ("creatingunit", unit.pk, "advance", str(first.pk), str(second.pk), "区里决定"),
        ("monthlyreport", report.pk, "submit", "draft", "submitted", ""),
        ("monthlyreport", report.pk, "return", "submitted", "returned", "补"),
    ]
    assert all(e.actor_id == user.pk and e.unit_id == unit.pk for e in events)
    assert events[1].data == {"overridden": True, "from_phase": "启动", "to_phase": "实施"}
    assert not apps.get_model("programs", "Event").objects.filter(action="edit").exists()


def test_work_group_and_project_status_changes_are_copied(old_apps):
    get = old_apps.get_model
    program = get("programs", "Program").objects.create(
        code="p", name="创建工作", start_date=date(2025, 3, 1)
    )
    unit = get("programs", "CreatingUnit").objects.create(
        program=program, code="A01", name="甲镇", kind="town"
    )
    user = get("programs", "User").objects.create(username="clerk", role="clerk", unit=unit)
    groups = get("workgroups", "HistoricalWorkGroup")
    for n, status in enumerate(["active", "dropped", "active"]):
        groups.objects.create(
            id=7,
            unit_id=unit.pk,
            name="交通安全组",
            status=status,
            sort_order=1,
            dropped_at=AT if status == "dropped" else None,
            history_date=datetime(2026, 3, 3 + n, tzinfo=UTC),
            history_type="~",
            history_user=user,
        )
    projects = get("workgroups", "HistoricalPromotionProject")
    for n, status in enumerate(["planned", "active", "completed", "planned"]):
        projects.objects.create(
            id=9,
            unit_id=unit.pk,
            name="防跌倒",
            safety_area="elderly",
            objective="降低跌倒",
            start=date(2026, 1, 1),
            status=status,
            target_groups=[],
            interventions=[],
            history_date=datetime(2026, 4, 3 + n, tzinfo=UTC),
            history_type="~",
            history_user=user,
        )

    apps = migrate(AFTER)

    events = apps.get_model("programs", "Event").objects.order_by("pk")
    assert [
        (e.content_type.model, e.object_id, e.action, e.from_state, e.to_state) for e in events
    ] == [
        ("workgroup", 7, "drop", "active", "dropped"),
        ("workgroup", 7, "restore", "dropped", "active"),
        ("promotionproject", 9, "start", "planned", "active"),
        ("promotionproject", 9, "complete", "active", "completed"),
        ("promotionproject", 9, "edit", "completed", "planned"),
    ]
    assert all(e.actor_id == user.pk and e.unit_id == unit.pk for e in events)
