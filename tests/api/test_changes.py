"""What a system keeping a copy relies on: every record the API serves knows when it last
changed (`updated_at`, written by saves, moves and the services that write in bulk), and each
deletion — through a page, the admin, a cascade or a withdrawn import — is an event in the
change feed, in the scope of the unit the record belonged to."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from injuries.models import InjuryRecord
from injuries.services.imports import batch_withdraw
from programs.core.models import Event, EventKind
from programs.core.transitions import transition
from programs.models import MonthlyReport, UnitMilestone
from programs.titles.models import Certification, Target
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    MilestoneFactory,
    MonthlyReportFactory,
    PhaseFactory,
    TargetFactory,
    UnitFactory,
)
from tests.injuries.test_json_batches import batch_of, card_json, post
from workgroups.models import Activity

PAST = datetime(2026, 1, 1, tzinfo=UTC)
SINCE = "2026-03-01T00:00:00+08:00"


def deleted_events(model) -> list[Event]:
    label = model._meta.model_name
    return list(
        Event.objects.filter(kind=EventKind.DELETED, content_type__model=label).order_by("pk")
    )


def test_a_move_marks_the_record_changed(district_user, unit_a):
    report = MonthlyReportFactory(unit=unit_a, status=MonthlyReport.Status.SUBMITTED)
    MonthlyReport.objects.filter(pk=report.pk).update(updated_at=PAST)

    transition(report, "return", by=district_user, reason="请核对火灾起数。")

    report.refresh_from_db()
    assert report.updated_at > PAST


def test_units_changed_since_include_those_whose_milestone_or_title_changed(
    token_client, district_user, unit_a, unit_b
):
    untouched = UnitFactory(code="C01", program=unit_a.program)
    phase = PhaseFactory(program=unit_a.program)
    MilestoneFactory(phase=phase)  # the signals give every unit its row
    CertificationFactory(unit=unit_b)
    for model in (type(unit_a), UnitMilestone, Certification):
        model.objects.update(updated_at=PAST)
    client = token_client(district_user)

    def changed() -> set[str]:
        rows = client.get("/api/v1/units/", {"updated_since": SINCE}).json()["results"]
        return {row["code"] for row in rows}

    assert changed() == set()
    milestone = UnitMilestone.objects.get(unit=unit_a)
    transition(milestone, "start", by=district_user)
    certification = Certification.objects.get(unit=unit_b)
    certification.notes = "区级复核"
    certification.save()

    assert changed() == {"A01", "B01"}
    assert untouched.code not in changed()


def test_deleting_an_activity_on_its_page_writes_who_deleted_it(
    client, token_client, clerk_a, clerk_b, unit_a
):
    activity = ActivityFactory(unit=unit_a)
    client.force_login(clerk_a)

    response = client.post(reverse("workgroups:activity-delete", args=[activity.pk]))

    assert response.status_code == 302
    assert not Activity.objects.filter(pk=activity.pk).exists()
    (event,) = deleted_events(Activity)
    assert (event.object_id, event.actor, event.unit_id) == (activity.pk, clerk_a, unit_a.pk)
    feed = token_client(clerk_a).get("/api/v1/events/", {"kind": "deleted"}).json()["results"]
    assert [(row["record_type"], row["record_id"]) for row in feed] == [
        ("workgroups.activity", activity.pk)
    ]
    assert token_client(clerk_b).get("/api/v1/events/", {"kind": "deleted"}).json()["results"] == []


def test_deleting_in_the_admin_writes_the_admins_name(client, admin_user):
    target = TargetFactory()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:programs_target_delete", args=[target.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Target.objects.filter(pk=target.pk).exists()
    (event,) = deleted_events(Target)
    assert (event.object_id, event.actor, event.unit_id) == (target.pk, admin_user, None)


def test_a_units_deletion_tells_of_its_records_going_with_it(unit_a):
    reports = MonthlyReportFactory.create_batch(1, unit=unit_a)
    pk = unit_a.pk

    unit_a.delete()

    (unit_event,) = deleted_events(type(unit_a))
    assert (unit_event.object_id, unit_event.unit_id, unit_event.actor) == (pk, pk, None)
    assert [e.object_id for e in deleted_events(MonthlyReport)] == [r.pk for r in reports]


def test_withdrawing_an_import_writes_each_deleted_record_and_marks_the_restored_changed(
    provider, district_user, unit_a
):
    first, _body = post(batch_of(2), provider)
    InjuryRecord.objects.update(updated_at=PAST)
    # The second import changes H0001 and adds H0003.
    second, _body = post([card_json(number="H0001", age=41), card_json(number="H0003")], provider)
    added = InjuryRecord.objects.get(record_number="H0003")
    InjuryRecord.objects.update(updated_at=PAST)

    deleted = batch_withdraw(batch=second.batch, by=district_user)

    assert deleted == 1
    (event,) = deleted_events(InjuryRecord)
    assert (event.object_id, event.unit_id, event.actor) == (added.pk, unit_a.pk, district_user)
    assert event.data == {"batch": second.batch.pk}
    restored = InjuryRecord.objects.get(record_number="H0001")
    assert restored.batch == first.batch
    assert restored.updated_at > PAST
    assert InjuryRecord.objects.get(record_number="H0002").updated_at == PAST


@pytest.mark.parametrize("value", ["yesterday", "1999-12-31T00:00:00Z", "2026-13-01"])
def test_a_bad_moment_for_units_is_a_400_at_the_field(token_client, district_user, value):
    response = token_client(district_user, HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/units/", {"updated_since": value}
    )

    assert response.status_code == 400
    assert list(response.json()) == ["updated_since"]
