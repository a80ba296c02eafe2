"""Demo progress: milestones worked through (accepted, submitted, returned, overdue), evidence
files, phase moves and titles, so `make run` shows a believable district. Deterministic."""

from __future__ import annotations

import hashlib
import random
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from programs.core.models import CreatingUnit, Event, Phase, User
from programs.progress.models import Evidence, EvidenceVersion, UnitMilestone

Status = UnitMilestone.Status
# The move that reaches each status, as the event log names it.
MOVE_TO = {
    Status.IN_PROGRESS: "start",
    Status.SUBMITTED: "submit",
    Status.ACCEPTED: "accept",
    Status.RETURNED: "return",
}

RETURN_REASONS = [
    "材料缺少会议签到表和现场照片，请补充后重新提交。",
    "工作方案未明确各工作组职责分工，请修改。",
    "社区诊断报告缺少伤害监测数据分析部分。",
    "请补充主要负责人签字盖章的版本。",
]


def _moment(day: date, rng: random.Random) -> datetime:
    """A working-hours moment on `day`, never in the future."""
    moment = timezone.make_aware(
        datetime.combine(day, time(rng.randint(9, 17), rng.randint(0, 59)))
    )
    return min(moment, timezone.now() - timedelta(hours=1))


def demo_pdf(text: str) -> bytes:
    """A small, valid one-page PDF that says `text` (ASCII), standing in for a scanned document."""
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def unit_progress(
    unit: CreatingUnit, *, clerk: User, district: User, phases: dict[int, Phase]
) -> None:
    """Work the unit's milestones up to its current phase; skip a unit that already has history."""
    milestone_type = ContentType.objects.get_for_model(UnitMilestone)
    if (
        Event.objects.filter(unit=unit, content_type=milestone_type).exists()
        or unit.current_phase is None
    ):
        return
    rng = random.Random(f"progress-{unit.code}")
    current = unit.current_phase.order
    today = timezone.localdate()
    events: list[Event] = []
    items = UnitMilestone.objects.filter(unit=unit).select_related("milestone__phase")
    for item in items:
        order = item.milestone.phase.order
        if order > current:
            continue
        if order < current:
            target = Status.ACCEPTED
        else:
            target = rng.choices(
                [
                    Status.ACCEPTED,
                    Status.SUBMITTED,
                    Status.IN_PROGRESS,
                    Status.RETURNED,
                    Status.NOT_STARTED,
                ],
                weights=[4, 2, 2, 1, 1],
            )[0]
        if target == Status.NOT_STARTED:
            continue
        due = item.due_date or (unit.joined_on or today) + timedelta(days=60 * order)
        started = min(due - timedelta(days=rng.randint(20, 40)), today - timedelta(days=3))
        steps = [(Status.NOT_STARTED, Status.IN_PROGRESS, clerk, started, "")]
        if target != Status.IN_PROGRESS:
            submitted = min(started + timedelta(days=rng.randint(5, 15)), today - timedelta(days=2))
            steps.append((Status.IN_PROGRESS, Status.SUBMITTED, clerk, submitted, ""))
            if item.milestone.evidence_required:
                _evidence(item, clerk, submitted, rng)
        if target == Status.ACCEPTED:
            steps.append(
                (
                    Status.SUBMITTED,
                    Status.ACCEPTED,
                    district,
                    submitted + timedelta(days=rng.randint(1, 6)),
                    "",
                )
            )
        if target == Status.RETURNED:
            steps.append(
                (
                    Status.SUBMITTED,
                    Status.RETURNED,
                    district,
                    submitted + timedelta(days=1),
                    rng.choice(RETURN_REASONS),
                )
            )
        for from_status, to_status, by, day, note in steps:
            events.append(
                Event(
                    at=_moment(min(day, today), rng),
                    actor=by,
                    unit=unit,
                    content_type=milestone_type,
                    object_id=item.pk,
                    action=MOVE_TO[to_status],
                    from_state=from_status,
                    to_state=to_status,
                    reason=note,
                )
            )
        last = events[-1]
        item.status, item.status_changed_at, item.status_changed_by = target, last.at, last.actor
        item.return_reason = last.reason if target == Status.RETURNED else ""
        item.save(
            update_fields=["status", "status_changed_at", "status_changed_by", "return_reason"]
        )
    joined = unit.joined_on or today
    events += [
        Event(
            at=_moment(min(joined + timedelta(days=150 * (order - 1)), today), rng),
            actor=district,
            unit=unit,
            content_type=ContentType.objects.get_for_model(CreatingUnit),
            object_id=unit.pk,
            action="advance",
            from_state=str(phases[order - 1].pk),
            to_state=str(phases[order].pk),
            data={
                "overridden": False,
                "from_phase": phases[order - 1].name,
                "to_phase": phases[order].name,
            },
        )
        for order in range(2, current + 1)
    ]
    Event.objects.bulk_create(sorted(events, key=lambda event: event.at))


def _evidence(item: UnitMilestone, clerk: User, day: date, rng: random.Random) -> None:
    milestone = item.milestone
    content = demo_pdf(
        f"Demo evidence: unit {item.unit.code}, step {milestone.phase.order}.{milestone.order}"
    )
    evidence = Evidence.objects.create(
        unit=item.unit, unit_milestone=item, title=item.milestone.name
    )
    version = EvidenceVersion(
        evidence=evidence,
        number=1,
        original_name=f"{item.milestone.name}.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        effective_date=day,
        uploaded_at=_moment(day, rng),
        uploaded_by=clerk,
    )
    version.file.save(f"{item.unit.code}.pdf", ContentFile(content), save=False)
    version.save()
