"""A unit's milestone page, evidence uploads and downloads, milestone transitions, the phase
gate's advance page, and recording and moving titles — all through their URLs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from programs.core.choices import TitleLevel
from programs.models import (
    Certification,
    CreatingUnit,
    Event,
    Evidence,
    EvidenceVersion,
    Phase,
    UnitMilestone,
)
from programs.progress import errors
from programs.progress.demo import demo_pdf
from safecommunity import files
from tests.factories import MilestoneFactory, PhaseFactory

Status = UnitMilestone.Status
PLAN_PDF = demo_pdf("Work plan of unit A01, signed")
PNG_HEAD = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def en(message, **params) -> str:
    """A domain error's message as an English-speaking user reads it."""
    with translation.override("en"):
        return str(message) % params if params else str(message)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


@dataclass
class Plan:
    """Unit A in the first of two phases. Its one required milestone needs evidence and is due
    in 10 days; an optional one was due yesterday. Unit B has the same milestones."""

    phase_1: Phase
    phase_2: Phase
    plan: UnitMilestone  # required for the gate, evidence required, due soon
    publicity: UnitMilestone  # optional, no evidence needed, overdue

    def url(self, name: str, item: UnitMilestone | None = None, *extra) -> str:
        item = item or self.plan
        return reverse(f"programs:{name}", args=[item.unit.code, item.pk, *extra])


@pytest.fixture
def plan(unit_a, unit_b) -> Plan:
    today = timezone.localdate()
    phase_1 = PhaseFactory(program=unit_a.program, order=1, name="启动阶段")
    phase_2 = PhaseFactory(program=unit_a.program, order=2, name="实施阶段")
    MilestoneFactory(
        phase=phase_1,
        order=1,
        name="制定工作方案",
        evidence_required=True,
        due_date=today + timedelta(days=10),
    )
    MilestoneFactory(
        phase=phase_1,
        order=2,
        name="开展创建宣传",
        required_for_gate=False,
        due_date=today - timedelta(days=1),
    )
    MilestoneFactory(phase=phase_2, order=1, name="社区诊断")
    CreatingUnit.objects.filter(pk__in=[unit_a.pk, unit_b.pk]).update(current_phase=phase_1)
    items = UnitMilestone.objects.filter(unit=unit_a, milestone__phase=phase_1)
    return Plan(
        phase_1=phase_1,
        phase_2=phase_2,
        plan=items.get(milestone__order=1),
        publicity=items.get(milestone__order=2),
    )


def upload_data(name: str = "工作方案.pdf", content: bytes = PLAN_PDF, **fields) -> dict:
    return {
        "title": "安全社区建设工作方案",
        "effective_date": "2026-03-15",
        "note": "",
        "file": SimpleUploadedFile(name, content, "application/pdf"),
        **fields,
    }


def set_status(item: UnitMilestone, status: str) -> None:
    UnitMilestone.objects.filter(pk=item.pk).update(status=status)


# --- the milestone's page ---------------------------------------------------------------------


def test_milestone_page_shows_status_due_badge_and_evidence_versions(english, clerk_a, plan):
    english.force_login(clerk_a)
    english.post(plan.url("evidence-upload"), upload_data())
    evidence = Evidence.objects.get()
    english.post(
        plan.url("evidence-upload"),
        upload_data("工作方案（签字版）.pdf", demo_pdf("signed"), evidence=evidence.pk, title=""),
    )

    response = english.get(plan.url("milestone-detail"))

    assert response.status_code == 200
    html = response.content.decode()
    header = html.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert "制定工作方案" in header
    assert "In progress" in header  # the first upload started it
    assert "due in 10 days" in html
    assert "required before submitting" in html
    versions = html.split('id="evidence"', 1)[1]
    assert versions.index("v2") < versions.index("v1")  # newest first
    assert "工作方案（签字版）.pdf" in versions
    assert "工作方案.pdf" in versions
    assert "current" in versions
    for version in EvidenceVersion.objects.all():
        assert version.get_absolute_url() in versions


def test_overdue_milestone_shows_how_late_it_is(english, clerk_a, plan):
    english.force_login(clerk_a)

    response = english.get(plan.url("milestone-detail", plan.publicity))

    assert "1 day overdue" in response.content.decode()


# --- uploads ----------------------------------------------------------------------------------


def test_upload_stores_a_version_and_redirects_to_the_evidence(client, clerk_a, plan):
    client.force_login(clerk_a)

    response = client.post(plan.url("evidence-upload"), upload_data())

    assert response.status_code == 302
    assert response["Location"] == plan.url("milestone-detail") + "#evidence"
    version = EvidenceVersion.objects.select_related("evidence").get()
    assert version.evidence.title == "安全社区建设工作方案"
    assert version.evidence.unit_milestone == plan.plan
    assert (version.number, version.original_name) == (1, "工作方案.pdf")
    assert (version.content_type, version.size) == ("application/pdf", len(PLAN_PDF))
    assert version.sha256 == hashlib.sha256(PLAN_PDF).hexdigest()
    assert version.effective_date == date(2026, 3, 15)
    assert version.uploaded_by == clerk_a
    with version.file.open("rb") as stored:
        assert stored.read() == PLAN_PDF
    plan.plan.refresh_from_db()
    assert plan.plan.status == Status.IN_PROGRESS


def test_a_second_upload_adds_a_version_and_keeps_the_first(client, clerk_a, plan):
    client.force_login(clerk_a)
    client.post(plan.url("evidence-upload"), upload_data())
    first = EvidenceVersion.objects.get()
    signed = demo_pdf("Work plan, signed and stamped")

    response = client.post(
        plan.url("evidence-upload"),
        upload_data("签字版.pdf", signed, evidence=first.evidence_id, title=""),
    )

    assert response.status_code == 302
    versions = list(EvidenceVersion.objects.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert {v.evidence_id for v in versions} == {first.evidence_id}
    assert versions[0].file.name != versions[1].file.name
    with versions[0].file.open("rb") as stored:
        assert stored.read() == PLAN_PDF
    assert versions[1].sha256 == hashlib.sha256(signed).hexdigest()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "工作方案.pdf",
            b"MZ\x90\x00" + b"\x00" * 60,  # a Windows program named like a PDF
            lambda: en(files.FILE_TYPE_REFUSED, name="工作方案.pdf"),
        ),
        (
            "工作方案.pdf",
            PNG_HEAD,  # a picture named like a PDF
            lambda: en(files.FILE_TYPE_MISMATCH, name="工作方案.pdf", claimed="PDF", actual="PNG"),
        ),
    ],
    ids=["program-as-pdf", "png-as-pdf"],
)
def test_disguised_file_is_refused_at_the_file_field_and_nothing_is_stored(
    english, clerk_a, plan, name, content, message
):
    english.force_login(clerk_a)

    response = english.post(plan.url("evidence-upload"), upload_data(name, content))

    assert response.status_code == 200
    assert response.context["upload_form"].errors["file"] == [message()]
    assert message() in response.content.decode()
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    plan.plan.refresh_from_db()
    assert plan.plan.status == Status.NOT_STARTED


def test_new_evidence_needs_a_title_when_none_is_chosen(english, clerk_a, plan):
    english.force_login(clerk_a)

    response = english.post(plan.url("evidence-upload"), upload_data(title="  "))

    assert response.status_code == 200
    assert response.context["upload_form"].errors["title"] == [
        "Give the new evidence a title, or choose evidence to add a version to."
    ]
    assert not EvidenceVersion.objects.exists()


def test_a_second_evidence_with_the_same_title_is_refused_at_the_title(english, clerk_a, plan):
    english.force_login(clerk_a)
    english.post(plan.url("evidence-upload"), upload_data())

    response = english.post(plan.url("evidence-upload"), upload_data())

    assert response.status_code == 200
    assert response.context["upload_form"].errors["title"] == [en(errors.EVIDENCE_TITLE_TAKEN)]
    assert EvidenceVersion.objects.count() == 1


def test_evidence_of_another_milestone_cannot_be_chosen(english, clerk_a, plan):
    english.force_login(clerk_a)
    english.post(plan.url("evidence-upload", plan.publicity), upload_data(title="宣传照片"))
    other = Evidence.objects.get()

    response = english.post(plan.url("evidence-upload"), upload_data(evidence=other.pk, title=""))

    assert response.status_code == 200
    assert "evidence" in response.context["upload_form"].errors
    assert EvidenceVersion.objects.count() == 1


# --- downloads --------------------------------------------------------------------------------


def test_own_clerk_downloads_the_file_as_an_attachment(client, clerk_a, plan):
    client.force_login(clerk_a)
    client.post(plan.url("evidence-upload"), upload_data())
    version = EvidenceVersion.objects.get()

    response = client.get(reverse("programs:evidence-download", args=[version.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PLAN_PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert quote("工作方案.pdf") in disposition


def test_another_units_clerk_cannot_download_the_file(client, clerk_a, clerk_b, plan):
    client.force_login(clerk_a)
    client.post(plan.url("evidence-upload"), upload_data())
    version = EvidenceVersion.objects.get()
    client.force_login(clerk_b)

    response = client.get(reverse("programs:evidence-download", args=[version.pk]))

    assert response.status_code == 404


# --- transitions ------------------------------------------------------------------------------


def test_clerk_submits_with_evidence_and_district_accepts(client, clerk_a, district_user, plan):
    client.force_login(clerk_a)
    client.post(plan.url("evidence-upload"), upload_data())

    response = client.post(plan.url("milestone-transition", None, "submit"))

    assert response.status_code == 302
    assert response["Location"] == plan.url("milestone-detail")
    plan.plan.refresh_from_db()
    assert (plan.plan.status, plan.plan.status_changed_by) == (Status.SUBMITTED, clerk_a)

    client.force_login(district_user)
    response = client.post(plan.url("milestone-transition", None, "accept"))

    assert response.status_code == 302
    plan.plan.refresh_from_db()
    assert (plan.plan.status, plan.plan.status_changed_by) == (Status.ACCEPTED, district_user)
    moves = Event.objects.of(plan.plan).order_by("at", "pk")
    assert [(e.from_state, e.to_state, e.actor) for e in moves] == [
        (Status.NOT_STARTED, Status.IN_PROGRESS, clerk_a),
        (Status.IN_PROGRESS, Status.SUBMITTED, clerk_a),
        (Status.SUBMITTED, Status.ACCEPTED, district_user),
    ]


def test_submitting_without_the_required_evidence_is_refused(english, clerk_a, plan):
    english.force_login(clerk_a)

    response = english.post(plan.url("milestone-transition", None, "submit"), follow=True)

    assert messages_of(response) == [en(errors.EVIDENCE_MISSING)]
    plan.plan.refresh_from_db()
    assert plan.plan.status == Status.NOT_STARTED


def test_clerk_cannot_accept_the_own_milestone(english, clerk_a, plan):
    set_status(plan.publicity, Status.SUBMITTED)
    english.force_login(clerk_a)

    response = english.post(plan.url("milestone-transition", plan.publicity, "accept"), follow=True)

    assert response.status_code == 200
    assert messages_of(response) == [en(errors.ONLY_DISTRICT_REVIEWS)]
    plan.publicity.refresh_from_db()
    assert plan.publicity.status == Status.SUBMITTED
    assert not Event.objects.exists()


def test_district_returns_with_a_reason(client, district_user, plan):
    set_status(plan.publicity, Status.SUBMITTED)
    client.force_login(district_user)

    response = client.post(
        plan.url("milestone-transition", plan.publicity, "return"),
        {"reason": "缺少现场照片，请补充。"},
    )

    assert response.status_code == 302
    plan.publicity.refresh_from_db()
    assert plan.publicity.status == Status.RETURNED
    assert plan.publicity.return_reason == "缺少现场照片，请补充。"
    event = Event.objects.get()
    assert (event.to_state, event.actor, event.reason) == (
        Status.RETURNED,
        district_user,
        "缺少现场照片，请补充。",
    )


def test_return_without_a_reason_shows_the_error_at_the_reason(english, district_user, plan):
    set_status(plan.publicity, Status.SUBMITTED)
    english.force_login(district_user)

    response = english.post(
        plan.url("milestone-transition", plan.publicity, "return"), {"reason": "  "}
    )

    assert response.status_code == 200
    assert response.context["return_form"].errors["reason"] == ["This field is required."]
    plan.publicity.refresh_from_db()
    assert plan.publicity.status == Status.SUBMITTED
    assert not Event.objects.exists()


def test_accepting_a_milestone_that_is_not_submitted_is_refused(english, district_user, plan):
    english.force_login(district_user)

    response = english.post(plan.url("milestone-transition", plan.publicity, "accept"), follow=True)

    assert messages_of(response) == [
        en(errors.ILLEGAL_MILESTONE_MOVE, current="Not started", action="accepted")
    ]
    plan.publicity.refresh_from_db()
    assert plan.publicity.status == Status.NOT_STARTED


def test_unknown_action_is_404(client, district_user, plan):
    client.force_login(district_user)

    response = client.post(plan.url("milestone-transition", None, "approve"))

    assert response.status_code == 404


# --- the phase gate ---------------------------------------------------------------------------


def advance_url(plan: Plan) -> str:
    return reverse("programs:unit-advance", args=[plan.plan.unit.code])


def test_advance_page_lists_the_open_required_milestones(english, clerk_a, plan):
    english.force_login(clerk_a)

    response = english.get(advance_url(plan))

    assert response.status_code == 200
    gate = response.context["gate"]
    assert gate.open_required == [plan.plan]
    assert not gate.is_open
    html = response.content.decode()
    assert "制定工作方案" in html
    assert "开展创建宣传" not in html  # optional: not in the way
    assert "District staff can move the unit on anyway, with a reason." in html


def test_clerk_cannot_move_the_unit_while_the_gate_is_closed(english, clerk_a, plan):
    english.force_login(clerk_a)

    response = english.post(advance_url(plan), {"reason": "我们想继续"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        en(errors.GATE_CLOSED, phase="启动阶段", count=1)
    ]
    unit = CreatingUnit.objects.get(pk=plan.plan.unit_id)
    assert unit.current_phase == plan.phase_1
    assert not Event.objects.filter(action="advance").exists()


def test_clerk_moves_the_unit_once_the_gate_is_open(client, clerk_a, plan):
    set_status(plan.plan, Status.ACCEPTED)
    client.force_login(clerk_a)

    response = client.post(advance_url(plan))

    assert response.status_code == 302
    unit = CreatingUnit.objects.get(pk=plan.plan.unit_id)
    assert unit.current_phase == plan.phase_2
    move = Event.objects.get(action="advance")
    assert (move.from_state, move.to_state, move.actor) == (
        str(plan.phase_1.pk),
        str(plan.phase_2.pk),
        clerk_a,
    )
    assert (move.data["overridden"], move.reason) == (False, "")


def test_district_moves_the_unit_past_a_closed_gate_with_a_reason(client, district_user, plan):
    client.force_login(district_user)

    response = client.post(advance_url(plan), {"reason": "领导小组会议决定先行推进"})

    assert response.status_code == 302
    assert response["Location"] == reverse("programs:unit-detail", args=["A01"])
    unit = CreatingUnit.objects.get(pk=plan.plan.unit_id)
    assert unit.current_phase == plan.phase_2
    move = Event.objects.get(action="advance")
    assert (move.data["overridden"], move.reason, move.actor) == (
        True,
        "领导小组会议决定先行推进",
        district_user,
    )


def test_district_needs_a_reason_to_pass_a_closed_gate(english, district_user, plan):
    english.force_login(district_user)

    response = english.post(advance_url(plan), {"reason": ""})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["This field is required."]
    assert CreatingUnit.objects.get(pk=plan.plan.unit_id).current_phase == plan.phase_1
    assert not Event.objects.filter(action="advance").exists()


# --- titles -----------------------------------------------------------------------------------


def test_district_records_a_title_application(client, district_user, unit_a):
    client.force_login(district_user)

    response = client.post(
        reverse("programs:title-add", args=[unit_a.code]),
        {"level": TitleLevel.MUNICIPAL, "applied_on": "2026-03-01", "notes": ""},
    )

    title = Certification.objects.get()
    assert response.status_code == 302
    assert response["Location"] == title.get_absolute_url()
    assert (title.unit, title.level, title.status, title.applied_on) == (
        unit_a,
        TitleLevel.MUNICIPAL,
        Certification.Status.APPLIED,
        date(2026, 3, 1),
    )


def test_a_second_open_application_for_the_same_level_is_refused_at_the_level(
    client, district_user, unit_a
):
    Certification.objects.create(
        unit=unit_a, level=TitleLevel.MUNICIPAL, applied_on=date(2026, 1, 5)
    )
    client.force_login(district_user)

    response = client.post(
        reverse("programs:title-add", args=[unit_a.code]),
        {"level": TitleLevel.MUNICIPAL, "applied_on": "2026-03-01", "notes": ""},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["level"]
    assert Certification.objects.count() == 1


def test_naming_a_title_sets_its_date_number_and_validity(client, district_user, unit_a):
    title = Certification.objects.create(
        unit=unit_a,
        level=TitleLevel.MUNICIPAL,
        status=Certification.Status.ONSITE,
        applied_on=date(2025, 9, 1),
    )
    client.force_login(district_user)

    response = client.post(
        reverse("programs:title-move", args=[title.pk]),
        {"status": "named", "on": "2025-12-12", "certificate_number": "京安社2025-017"},
    )

    assert response.status_code == 302
    assert response["Location"] == title.get_absolute_url()
    title.refresh_from_db()
    assert title.status == Certification.Status.NAMED
    assert (title.named_on, title.certificate_number) == (date(2025, 12, 12), "京安社2025-017")
    assert title.valid_until == date(2028, 12, 12)  # municipal titles: three years


def test_naming_a_title_without_a_date_is_refused(english, district_user, unit_a):
    title = Certification.objects.create(
        unit=unit_a,
        level=TitleLevel.NATIONAL,
        status=Certification.Status.ONSITE,
        applied_on=date(2025, 9, 1),
    )
    english.force_login(district_user)

    response = english.post(
        reverse("programs:title-move", args=[title.pk]), {"status": "named", "on": ""}, follow=True
    )

    assert any(
        "Give the date on which the title was conferred." in m for m in messages_of(response)
    )
    title.refresh_from_db()
    assert (title.status, title.named_on) == (Certification.Status.ONSITE, None)


def test_a_title_cannot_skip_its_review(english, district_user, unit_a):
    title = Certification.objects.create(
        unit=unit_a, level=TitleLevel.MUNICIPAL, applied_on=date(2026, 1, 5)
    )
    english.force_login(district_user)

    english.post(
        reverse("programs:title-move", args=[title.pk]), {"status": "named", "on": "2026-02-01"}
    )

    title.refresh_from_db()
    assert title.status == Certification.Status.APPLIED


def constraint_message(name: str) -> str:
    """The message of one of the title's database constraints, as an English-speaking user
    reads it."""
    (constraint,) = [c for c in Certification._meta.constraints if c.name == name]
    return en(constraint.violation_error_message)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"on": "2025-08-31"}, "certification_named_after_applied"),  # the day before applying
        ({"on": "2025-12-12", "valid_until": "2025-12-12"}, "certification_valid_after_named"),
    ],
    ids=["named-before-applied", "valid-only-on-the-naming-day"],
)
def test_naming_a_title_with_impossible_dates_is_refused_with_a_message(
    english, district_user, unit_a, fields, constraint
):
    title = Certification.objects.create(
        unit=unit_a,
        level=TitleLevel.MUNICIPAL,
        status=Certification.Status.ONSITE,
        applied_on=date(2025, 9, 1),
    )
    history = title.history.count()
    english.force_login(district_user)

    response = english.post(
        reverse("programs:title-move", args=[title.pk]),
        {"status": "named", "certificate_number": "京安社2025-018", **fields},
        follow=True,
    )

    assert response.redirect_chain == [(title.get_absolute_url(), 302)]
    assert response.status_code == 200
    assert messages_of(response) == [constraint_message(constraint)]
    title.refresh_from_db()
    assert title.status == Certification.Status.ONSITE
    assert (title.named_on, title.valid_until, title.certificate_number) == (None, None, "")
    assert title.history.count() == history


def evidence_files() -> set:
    """Every file in the test run's private evidence folder."""
    root = settings.PRIVATE_MEDIA_ROOT / "evidence"
    return {path for path in root.rglob("*") if path.is_file()}


@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.ACCEPTED])
def test_upload_to_a_submitted_or_accepted_milestone_is_refused_at_the_file(
    english, clerk_a, plan, status
):
    set_status(plan.plan, status)
    files = evidence_files()
    english.force_login(clerk_a)

    response = english.post(plan.url("evidence-upload"), upload_data())

    assert response.status_code == 200
    message = en(errors.EVIDENCE_CLOSED, status=en(Status(status).label))
    assert response.context["upload_form"].errors["file"] == [message]
    assert escape(message) in response.content.decode()  # the user sees why, on the page
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    assert evidence_files() == files
    plan.plan.refresh_from_db()
    assert plan.plan.status == status


def test_evidence_of_another_unit_cannot_be_chosen(english, clerk_a, plan, unit_b):
    theirs = Evidence.objects.create(
        unit=unit_b,
        unit_milestone=UnitMilestone.objects.get(unit=unit_b, milestone=plan.plan.milestone),
        title="乙街道工作方案",
    )
    files = evidence_files()
    english.force_login(clerk_a)

    response = english.post(plan.url("evidence-upload"), upload_data(evidence=theirs.pk, title=""))

    assert response.status_code == 200
    assert "evidence" in response.context["upload_form"].errors
    assert list(Evidence.objects.all()) == [theirs]
    assert not EvidenceVersion.objects.exists()
    assert evidence_files() == files
    plan.plan.refresh_from_db()
    assert plan.plan.status == Status.NOT_STARTED
