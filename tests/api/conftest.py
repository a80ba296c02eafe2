"""The API's fixtures: a client holding a personal token, and one record of unit A of each
resource (its unit, an event, an injury record, a milestone, a title, a monthly report, an
activity, an evaluation, an import batch) and a target."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from programs.core.services import token_create
from programs.progress.models import UnitMilestone
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    EvaluationFactory,
    EventFactory,
    ImportBatchFactory,
    InjuryRecordFactory,
    MilestoneFactory,
    MonthlyReportFactory,
    PhaseFactory,
    TargetFactory,
)


@pytest.fixture
def token_client():
    """`token_client(user, **headers)` — an API client sending a new token of `user`'s."""

    def make(user, **headers):
        _token, key = token_create(user=user, name="test")
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {key}", **headers)
        return client

    return make


@pytest.fixture
def api_world(unit_a, unit_b, clerk_a, clerk_b):
    """Unit A and B, each with one event, one injury record, one milestone, one title, a
    monthly report, an activity, an evaluation (in a round naming no evaluator) and an import
    batch (sent by the unit's clerk); and a target of their programme."""
    milestone = MilestoneFactory(phase=PhaseFactory(program=unit_a.program))  # both get a row
    return SimpleNamespace(
        unit=unit_a,
        event=EventFactory(record=unit_a),
        event_b=EventFactory(record=unit_b),
        record=InjuryRecordFactory(unit=unit_a),
        record_b=InjuryRecordFactory(unit=unit_b),
        milestone=UnitMilestone.objects.get(unit=unit_a, milestone=milestone),
        title=CertificationFactory(unit=unit_a),
        title_b=CertificationFactory(unit=unit_b),
        target=TargetFactory(program=unit_a.program),
        report=MonthlyReportFactory(unit=unit_a),
        report_b=MonthlyReportFactory(unit=unit_b),
        activity=ActivityFactory(unit=unit_a),
        activity_b=ActivityFactory(unit=unit_b),
        evaluation=EvaluationFactory(unit=unit_a),
        evaluation_b=EvaluationFactory(unit=unit_b),
        batch=ImportBatchFactory(uploaded_by=clerk_a, imported=True),
        batch_b=ImportBatchFactory(uploaded_by=clerk_b, imported=True),
    )
