"""A small world for notifications: unit A with its clerk (and a clerk who left), unit B with
its own, district staff and an administrator, an evaluator named in unit A's self-assessment and
one who is not, and a provider."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from programs.core.models import Event, User
from programs.jobs.models import Job
from programs.models import (
    Certification,
    CreatingUnit,
    Evaluation,
    EvaluationRound,
    MonthlyReport,
    UnitMilestone,
)
from programs.notifications.models import Notification
from programs.notifications.services import notify_events
from tests.factories import (
    CertificationFactory,
    EvaluationFactory,
    EventFactory,
    MonthlyReportFactory,
    UnitMilestoneFactory,
    UserFactory,
)


@dataclass
class World:
    unit: CreatingUnit
    report: MonthlyReport
    milestone: UnitMilestone
    evaluation: Evaluation
    round: EvaluationRound
    title: Certification
    job: Job
    other_job: Job

    def record(self, name: str):
        return {
            "report": self.report,
            "milestone": self.milestone,
            "evaluation": self.evaluation,
            "round": self.round,
            "title": self.title,
            "unit": self.unit,
            "job": self.job,
            "other_job": self.other_job,
        }[name]


@pytest.fixture
def inactive_clerk_a(unit_a):
    return UserFactory(username="left_a", role=User.Role.CLERK, unit=unit_a, is_active=False)


@pytest.fixture
def other_evaluator(db):
    return UserFactory(username="evaluator_b", role=User.Role.EVALUATOR)


@pytest.fixture
def world(
    unit_a,
    unit_b,
    clerk_a,
    clerk_b,
    inactive_clerk_a,
    district_user,
    admin_user,
    evaluator,
    other_evaluator,
    provider,
) -> World:
    evaluation = EvaluationFactory(unit=unit_a, round__evaluators=[evaluator])
    # unit B is evaluated in the same round: its clerk sees the round, not unit A's evaluation
    EvaluationFactory(unit=unit_b, round=evaluation.round)
    job = Job.objects.create(
        kind="injuries.jobs.imports.injuries_commit", user=provider, title="伤害记录导入"
    )
    other_job = Job.objects.create(
        kind="programs.reports.jobs.export_report_values", user=district_user, title="导出月报"
    )
    return World(
        unit=unit_a,
        report=MonthlyReportFactory(unit=unit_a, period=date(2026, 5, 1)),
        milestone=UnitMilestoneFactory(unit=unit_a),
        evaluation=evaluation,
        round=evaluation.round,
        title=CertificationFactory(unit=unit_a),
        job=job,
        other_job=other_job,
    )


def event_of(record, action: str, *, actor=None, data=None, unit_id=None, kind=None) -> Event:
    """An event of the log about `record`, as the transition primitive or a job writes it."""
    if unit_id is None and hasattr(record, "unit_id"):
        unit_id = record.unit_id
    if unit_id is None and isinstance(record, CreatingUnit):
        unit_id = record.pk
    return EventFactory(
        record=record,
        action=action,
        actor=actor,
        unit_id=unit_id,
        data=data or {},
        kind=kind or Event.Kind.MOVE,
    )


def told(event: Event) -> set[str]:
    """Who `event` tells: their usernames."""
    notify_events([event])
    return set(Notification.objects.filter(event=event).values_list("user__username", flat=True))
