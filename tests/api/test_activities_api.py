"""The activity log through the API: an activity reads back as recorded (its work group by name
and standard number), the log's filters answer as they say, a malformed date is a 400 at its
field, `updated_since` finds an activity once it is changed, and an evaluator reads none."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from programs.core.models import CreatingUnit
from tests.factories import (
    ActivityFactory,
    EvaluationFactory,
    WorkGroupFactory,
    WorkGroupTemplateFactory,
)
from workgroups.choices import ActivityKind
from workgroups.models import Activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(unit_a, unit_b):
    """Unit A: a training of its fire group (standard group no. 5) on 3 March 2026, a hazard
    inspection of its own patrol group on 20 April, a drill of no group on 2 May; unit B: a
    training of its fire group (the same standard group) on 10 April."""
    fire = WorkGroupTemplateFactory(number=5, name="消防安全促进工作组")
    fire_a = WorkGroupFactory(unit=unit_a, template=fire, name="消防安全促进工作组")
    patrol = WorkGroupFactory(unit=unit_a, name="巡查组")
    fire_b = WorkGroupFactory(unit=unit_b, template=fire, name="消防安全促进工作组")
    return {
        "a-training": ActivityFactory(
            unit=unit_a,
            group=fire_a,
            kind=ActivityKind.TRAINING,
            date=date(2026, 3, 3),
            title="消防培训",
            participants=40,
        ),
        "a-inspection": ActivityFactory(
            unit=unit_a,
            group=patrol,
            kind=ActivityKind.HAZARD_INSPECTION,
            date=date(2026, 4, 20),
            title="隐患排查",
            participants=None,
            hazards_found=6,
            hazards_rectified=4,
        ),
        "a-drill": ActivityFactory(
            unit=unit_a, kind=ActivityKind.DRILL, date=date(2026, 5, 2), title="疏散演练"
        ),
        "b-training": ActivityFactory(
            unit=unit_b, group=fire_b, kind=ActivityKind.TRAINING, date=date(2026, 4, 10)
        ),
    }


def test_an_activity_reads_back_as_recorded(token_client, clerk_a, log):
    client = token_client(clerk_a)

    inspection = client.get(f"/api/v1/activities/{log['a-inspection'].pk}/").json()
    training = client.get(f"/api/v1/activities/{log['a-training'].pk}/").json()
    drill = client.get(f"/api/v1/activities/{log['a-drill'].pk}/").json()

    assert {key: inspection[key] for key in inspection if key != "updated_at"} == {
        "id": log["a-inspection"].pk,
        "unit": "A01",
        "date": "2026-04-20",
        "kind": "hazard_inspection",
        "group": "巡查组",
        "group_template": None,
        "title": "隐患排查",
        "participants": None,
        "hazards_found": 6,
        "hazards_rectified": 4,
        "notes": "",
    }
    assert (training["group"], training["group_template"]) == ("消防安全促进工作组", 5)
    assert (training["kind"], training["participants"]) == ("training", 40)
    assert (drill["group"], drill["group_template"]) == (None, None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"a-training", "a-inspection", "a-drill", "b-training"}),
        ({"unit": "B01"}, {"b-training"}),
        ({"group": "巡查组"}, {"a-inspection"}),
        ({"group_template": 5}, {"a-training", "b-training"}),
        ({"group_template": 5, "unit": "A01"}, {"a-training"}),
        ({"kind": "training"}, {"a-training", "b-training"}),
        ({"start": "2026-04-10"}, {"a-inspection", "a-drill", "b-training"}),
        ({"end": "2026-04-10"}, {"a-training", "b-training"}),
        ({"start": "2026-04-01", "end": "2026-04-30"}, {"a-inspection", "b-training"}),
    ],
)
def test_the_filters_of_the_activity_log(token_client, provider, log, query, expected):
    names = {activity.pk: name for name, activity in log.items()}

    response = token_client(provider).get("/api/v1/activities/", query)

    assert response.status_code == 200
    assert {names[row["id"]] for row in response.json()["results"]} == expected


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("start", "2026-13-01"),
        ("end", "yesterday"),
        ("kind", "picnic"),
        ("group_template", "five"),
        ("group", "组" * 101),
    ],
)
def test_a_malformed_filter_is_400_at_its_field(token_client, provider, field, value):
    response = token_client(provider, HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/activities/", {field: value}
    )

    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_updated_since_finds_an_activity_once_changed(token_client, provider, log):
    client = token_client(provider)
    Activity.objects.update(updated_at=timezone.now() - timedelta(hours=1))
    since = (timezone.now() - timedelta(minutes=1)).isoformat()
    changed = log["a-drill"]

    before = client.get("/api/v1/activities/", {"updated_since": since}).json()["results"]
    changed.participants = 80
    changed.save()
    after = client.get("/api/v1/activities/", {"updated_since": since}).json()["results"]

    assert before == []
    assert [(row["id"], row["participants"]) for row in after] == [(changed.pk, 80)]


def test_an_evaluator_reads_no_activity_even_of_a_unit_they_evaluate(
    token_client, evaluator, unit_a, log
):
    EvaluationFactory(unit=unit_a, round__evaluators=[evaluator])
    client = token_client(evaluator)

    assert [row["code"] for row in client.get("/api/v1/units/").json()["results"]] == ["A01"]
    assert not CreatingUnit.objects.records_visible_to(evaluator).exists()
    assert not Activity.objects.visible_to(evaluator).exists()
    assert client.get("/api/v1/activities/").json()["results"] == []
    assert client.get(f"/api/v1/activities/{log['a-training'].pk}/").status_code == 404
