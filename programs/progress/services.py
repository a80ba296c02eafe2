"""Use cases of a unit's progress: its milestone rows, the phase gate and advance, evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from programs.core.models import CreatingUnit, Milestone, Phase, User
from programs.progress import errors
from programs.progress.models import Evidence, EvidenceVersion, PhaseTransition, UnitMilestone
from safecommunity.files import CheckedUpload, check_upload


def unit_milestones_sync(
    *, units: Iterable[CreatingUnit] | None = None, milestones: Iterable[Milestone] | None = None
) -> int:
    """Give every unit a UnitMilestone for each milestone of its programme, and keep their due
    dates in step with the milestones (fixed, or counted from the unit's joining date).

    Called when a unit joins or changes, and when a milestone is added or changed. Returns the
    number of rows created or updated.
    """
    unit_rows = list(
        CreatingUnit.objects.filter(pk__in=[u.pk for u in units])
        if units is not None
        else CreatingUnit.objects.all()
    )
    milestone_rows = Milestone.objects.select_related("phase")
    if milestones is not None:
        milestone_rows = milestone_rows.filter(pk__in=[m.pk for m in milestones])
    by_program: dict[int, list[Milestone]] = {}
    for milestone in milestone_rows.filter(phase__program__in={u.program_id for u in unit_rows}):
        by_program.setdefault(milestone.phase.program_id, []).append(milestone)

    existing = {
        (row.unit_id, row.milestone_id): row
        for row in UnitMilestone.objects.filter(
            unit__in=unit_rows, milestone__in=[m for ms in by_program.values() for m in ms]
        )
    }
    to_create, to_update = [], []
    for unit in unit_rows:
        for milestone in by_program.get(unit.program_id, ()):
            due = milestone.due_for(unit.joined_on)
            row = existing.get((unit.pk, milestone.pk))
            if row is None:
                to_create.append(UnitMilestone(unit=unit, milestone=milestone, due_date=due))
            elif row.due_date != due:
                row.due_date = due
                to_update.append(row)
    UnitMilestone.objects.bulk_create(to_create, batch_size=1000)
    UnitMilestone.objects.bulk_update(to_update, ["due_date"], batch_size=1000)
    return len(to_create) + len(to_update)


@dataclass(frozen=True)
class Gate:
    """Whether a unit may leave its current phase, and what still stands in the way."""

    phase: Phase | None
    next_phase: Phase | None
    required: list[UnitMilestone]  # the current phase's milestones the gate waits for

    @property
    def open_required(self) -> list[UnitMilestone]:
        return [i for i in self.required if i.status != UnitMilestone.Status.ACCEPTED]

    @property
    def accepted_count(self) -> int:
        return len(self.required) - len(self.open_required)

    @property
    def is_open(self) -> bool:
        return self.next_phase is not None and not self.open_required


def unit_gate(
    unit: CreatingUnit,
    *,
    phases: list[Phase] | None = None,
    items: Iterable[UnitMilestone] | None = None,
) -> Gate:
    """The gate of the unit's current phase. Pages that already hold the unit's phases and
    milestones pass them in; otherwise they are read here."""
    if phases is None:
        phases = list(unit.program.phases.order_by("order"))
    current = unit.current_phase
    later = [p for p in phases if current is None or p.order > current.order]
    required: list[UnitMilestone] = []
    if current is not None:
        if items is None:
            items = UnitMilestone.objects.filter(
                unit=unit, milestone__phase=current
            ).select_related("milestone", "unit")
        required = [
            i for i in items if i.milestone.phase_id == current.pk and i.milestone.required_for_gate
        ]
    return Gate(phase=current, next_phase=later[0] if later else None, required=required)


def unit_advance_phase(*, unit: CreatingUnit, by: User, reason: str = "") -> PhaseTransition:
    """Move the unit to its next phase when every required milestone of this one is accepted;
    district staff may move it anyway, with the reason kept on record."""
    with transaction.atomic():
        # Two people pressing "advance" at once must not move the unit twice.
        unit = (
            CreatingUnit.objects.select_for_update(of=("self",))
            .select_related("program", "current_phase")
            .get(pk=unit.pk)
        )
        gate = unit_gate(unit)
        if gate.next_phase is None:
            raise errors.PhaseGateError(errors.LAST_PHASE)
        overridden = bool(gate.open_required)
        if overridden:
            if not by.reviews_units:
                raise errors.PhaseGateError(
                    errors.GATE_CLOSED, phase=gate.phase.name, count=len(gate.open_required)
                )
            if not reason.strip():
                raise errors.PhaseGateError(errors.OVERRIDE_NEEDS_REASON)
        transition = PhaseTransition.objects.create(
            unit=unit,
            from_phase=gate.phase,
            to_phase=gate.next_phase,
            moved_at=timezone.now(),
            moved_by=by,
            overridden=overridden,
            reason=reason.strip(),
        )
        unit.current_phase = gate.next_phase
        unit._history_user = by
        unit.save(update_fields=["current_phase"])
    return transition


# --- Evidence ---------------------------------------------------------------------------------


def evidence_upload(
    *,
    unit_milestone: UnitMilestone,
    by: User,
    upload: UploadedFile,
    effective_date: date,
    title: str = "",
    evidence: Evidence | None = None,
    note: str = "",
    checked: CheckedUpload | None = None,
) -> EvidenceVersion:
    """Store an uploaded file as a new version of `evidence` (or as new evidence titled `title`).

    The file is checked by content first (pass `checked` when a form already did); a refused
    file stores nothing. Evidence changes only while the milestone is open (not while it is
    submitted or after it is accepted). A milestone not yet started is started by its first
    upload.
    """
    checked = checked or check_upload(upload)

    def attach() -> Evidence:
        # Lock the milestone: a review may be under way, or a second upload may race this one
        # to start the milestone and to number its version.
        locked = UnitMilestone.objects.select_for_update().get(pk=unit_milestone.pk)
        if locked.status not in UnitMilestone.OPEN:
            raise errors.EvidenceError(errors.EVIDENCE_CLOSED, status=locked.get_status_display())
        if evidence is not None and evidence.unit_milestone_id != unit_milestone.pk:
            raise errors.EvidenceError(errors.EVIDENCE_OF_ANOTHER_MILESTONE)
        return evidence or Evidence(
            unit=unit_milestone.unit, unit_milestone=unit_milestone, title=title.strip()
        )

    def after(version: EvidenceVersion) -> None:
        locked = UnitMilestone.objects.get(pk=unit_milestone.pk)
        if locked.status == UnitMilestone.Status.NOT_STARTED:
            unit_milestone.start(by=by)

    return _store_version(attach, after, by, upload, checked, effective_date, note)


def activity_attachment_upload(
    *,
    activity: Any,
    by: User,
    upload: UploadedFile,
    title: str = "",
    evidence: Evidence | None = None,
    note: str = "",
    checked: CheckedUpload | None = None,
) -> EvidenceVersion:
    """Attach a file (sign-in sheet, photos, minutes) to an activity, through the same private,
    versioned evidence store as milestones; effective on the activity's date."""
    checked = checked or check_upload(upload)

    def attach() -> Evidence:
        if evidence is not None and evidence.activity_id != activity.pk:
            raise errors.EvidenceError(errors.EVIDENCE_OF_ANOTHER_ACTIVITY)
        return evidence or Evidence(unit=activity.unit, activity=activity, title=title.strip())

    return _store_version(attach, None, by, upload, checked, activity.date, note)


def _store_version(attach, after, by, upload, checked, effective_date, note) -> EvidenceVersion:
    """One new version of a piece of evidence: numbered under a lock, its file removed again if
    anything fails, so a refused or failed upload leaves nothing behind."""
    version = EvidenceVersion(
        number=0,
        original_name=PurePath(upload.name).name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        effective_date=effective_date,
        uploaded_by=by,
        note=note,
    )
    try:
        with transaction.atomic():
            evidence = attach()
            if evidence.pk is None:
                evidence.full_clean()
                evidence.save()
            else:
                # Lock the evidence so two uploads at once get different version numbers.
                evidence = Evidence.objects.select_for_update().get(pk=evidence.pk)
            version.evidence = evidence
            version.number = (evidence.versions.aggregate(n=Max("number"))["n"] or 0) + 1
            version.file.save(upload.name, upload, save=False)
            version.save()
            if after is not None:
                after(version)
    except Exception:
        # The database rolled back; the file written to disk must go with it.
        if version.file:
            version.file.delete(save=False)
        raise
    return version
