"""Use cases of a unit's progress: its milestone rows, the phase gate and advance, evidence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from programs.core.access import ensure_edits_unit
from programs.core.models import CreatingUnit, Milestone, User
from programs.core.transitions import transition
from programs.progress import errors
from programs.progress.models import Evidence, EvidenceVersion, UnitMilestone
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
                row.due_date, row.updated_at = due, timezone.now()
                to_update.append(row)
    UnitMilestone.objects.bulk_create(to_create, batch_size=1000)
    UnitMilestone.objects.bulk_update(to_update, ["due_date", "updated_at"], batch_size=1000)
    return len(to_create) + len(to_update)


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
    ensure_edits_unit(by, unit_milestone.unit_id, errors.EvidenceError)
    checked = checked or check_upload(upload)

    def attach() -> Evidence:
        # Lock the milestone: a review may be under way, or a second upload may race this one
        # to start the milestone and to number its version.
        locked = UnitMilestone.objects.select_for_update().get(pk=unit_milestone.pk)
        if locked.status not in UnitMilestone.OPEN:
            raise errors.EvidenceError(errors.EVIDENCE_CLOSED, status=locked.get_status_display())
        if evidence is not None and evidence.unit_milestone_id != unit_milestone.pk:
            raise errors.EvidenceError(errors.EVIDENCE_OF_ANOTHER_MILESTONE)
        if evidence is None:
            # A new piece changes the milestone's evidence count, which the API serves with
            # it: the milestone has changed for `updated_since` too.
            UnitMilestone.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
        return evidence or Evidence(
            unit=unit_milestone.unit, unit_milestone=unit_milestone, title=title.strip()
        )

    def after(version: EvidenceVersion) -> None:
        locked = UnitMilestone.objects.get(pk=unit_milestone.pk)
        if locked.status == UnitMilestone.Status.NOT_STARTED:
            transition(unit_milestone, "start", by=by)

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
    ensure_edits_unit(by, activity.unit_id, errors.EvidenceError)
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
