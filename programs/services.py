"""Use cases of the programme that touch several models."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs import errors
from programs import reference_data as ref
from programs import reference_data_schemes as ref_schemes
from programs.choices import UnitKind
from programs.models import (
    Certification,
    CreatingUnit,
    Department,
    EvaluationScheme,
    Evidence,
    EvidenceVersion,
    Indicator,
    Milestone,
    Phase,
    PhaseTransition,
    Program,
    SchemeElement,
    SchemeItem,
    Target,
    UnitMilestone,
    User,
    ValidationRule,
)
from programs.models.titles import levels_at_least
from safecommunity.files import CheckedUpload, check_upload


def _ensure(model: type[models.Model], created: Counter, lookup: dict[str, Any], **defaults: Any):
    """Return the row matching `lookup`, creating it (validated) when missing.

    An existing row is left exactly as it is: the office may have corrected it in the admin,
    and a second load must change nothing.
    """
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        row = model(**lookup, **defaults)
        row.full_clean()
        row.save()
        created[model._meta.verbose_name_plural] += 1
    return row


@transaction.atomic
def reference_data_load() -> Counter:
    """Load the district's plan: departments, templates, the programme, its phases, milestones,
    units and targets, the monthly report's default indicators and validation rules, and the
    evaluation schemes. Idempotent; returns how many rows of each kind were created."""
    from workgroups.models import WorkGroupTemplate

    created: Counter = Counter()
    for order, (code, name, duties, data) in enumerate(ref.DEPARTMENTS, start=1):
        _ensure(
            Department,
            created,
            {"code": code},
            name=name,
            duties=duties,
            surveillance_data=data,
            sort_order=order,
        )
    for number, name, lead, cooperating, duties in ref.WORK_GROUP_TEMPLATES:
        _ensure(
            WorkGroupTemplate,
            created,
            {"number": number},
            name=name,
            lead=lead,
            cooperating=cooperating,
            duties=duties,
        )

    program_fields = dict(ref.PROGRAM)
    program = _ensure(Program, created, {"code": program_fields.pop("code")}, **program_fields)
    first_phase = None
    for order, name, description, milestones in ref.PHASES:
        phase = _ensure(
            Phase, created, {"program": program, "order": order}, name=name, description=description
        )
        first_phase = first_phase or phase
        for m_order, (m_name, m_description, due, required, evidence) in enumerate(
            milestones, start=1
        ):
            _ensure(
                Milestone,
                created,
                {"phase": phase, "order": m_order},
                name=m_name,
                description=m_description,
                due_date=due,
                required_for_gate=required,
                evidence_required=evidence,
            )

    for code, name, kind, defaults in _units():
        _ensure(
            CreatingUnit,
            created,
            {"code": code},
            program=program,
            name=name,
            kind=kind,
            current_phase=first_phase,
            **defaults,
        )
    for code, name, measure, level, threshold, deadline in ref.TARGETS:
        _ensure(
            Target,
            created,
            {"program": program, "code": code},
            name=name,
            measure=measure,
            level=level,
            threshold=threshold,
            deadline=deadline,
        )
    _monthly_report_load(created)
    schemes_load(created=created)
    return created


def _monthly_report_load(created: Counter) -> None:
    """The default indicators of the monthly report and the rules over them."""
    indicators = {}
    for order, (code, name, name_en, unit, section, source) in enumerate(ref.INDICATORS, 1):
        indicators[code] = _ensure(
            Indicator,
            created,
            {"code": code},
            name=name,
            name_en=name_en,
            unit_of_measure=unit,
            section=section,
            source=source,
            order=order * 10,
        )
    for code, name, left, operator, right, severity, message_zh, message_en in ref.VALIDATION_RULES:
        by_indicator = isinstance(right, str)
        _ensure(
            ValidationRule,
            created,
            {"code": code},
            name=name,
            left=indicators[left],
            operator=operator,
            right_indicator=indicators[right] if by_indicator else None,
            right_constant=None if by_indicator else Decimal(right),
            severity=severity,
            message_zh=message_zh,
            message_en=message_en,
        )


def _units():
    """The 38 units with stable codes: T01–T19 towns, S01–S06 streets, E01–E13 zones."""
    for number, name in enumerate(ref.TOWNS, start=1):
        yield f"T{number:02d}", name, UnitKind.TOWN, _pilot(name)
    for number, name in enumerate(ref.STREETS, start=1):
        yield f"S{number:02d}", name, UnitKind.STREET, _pilot(name)
    for number in range(1, ref.ZONE_COUNT + 1):
        if number <= len(ref.KNOWN_ZONES):
            name, extra = ref.KNOWN_ZONES[number - 1], {"notes": ref.KNOWN_ZONE_NOTE}
        else:
            name = ref.placeholder_zone_name(number)
            extra = {"notes": ref.PLACEHOLDER_ZONE_NOTE, "name_confirmed": False}
        yield f"E{number:02d}", name, UnitKind.ZONE, {"batch": 2, **extra}


def _pilot(name: str) -> dict[str, Any]:
    is_pilot = name in ref.PILOTS
    return {"is_pilot": is_pilot, "batch": 1 if is_pilot else 2}


# --- Milestone progress ---------------------------------------------------------------------


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
            raise errors.EvidenceError(errors.EVIDENCE_OF_ANOTHER_MILESTONE)
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


# --- Targets ----------------------------------------------------------------------------------


class TargetState(models.TextChoices):
    MET = "met", _("Met")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    MISSED = "missed", _("Missed")


@dataclass(frozen=True)
class TargetResult:
    target: Target
    numerator: int
    denominator: int | None
    value: Decimal
    state: str

    @property
    def state_label(self) -> str:
        return TargetState(self.state).label

    @property
    def progress_percent(self) -> float:
        """How far towards the threshold, 0–100, for a progress bar."""
        if not self.target.threshold:
            return 100.0
        return float(min(Decimal(100), self.value / self.target.threshold * 100))


def targets_evaluate(program: Program, today: date | None = None) -> list[TargetResult]:
    """Each target of the programme against today's numbers, in three queries."""
    today = today or timezone.localdate()
    units = CreatingUnit.objects.filter(program=program)
    held = Certification.objects.held(today).filter(unit__program=program)
    totals = units.aggregate(all=Count("pk"), pilots=Count("pk", filter=Q(is_pilot=True)))
    holders: dict[str, set[int]] = {}
    for level, unit_id, is_pilot in held.values_list("level", "unit_id", "unit__is_pilot"):
        holders.setdefault(level, set()).add((unit_id, is_pilot))
    results = []
    for target in program.targets.all():
        holding = set().union(
            *(holders.get(level, set()) for level in levels_at_least(target.level))
        )
        numerator = target_numerator(target, holding)
        if target.measure == Target.Measure.PILOTS_TITLED:
            denominator = totals["pilots"]
        elif target.measure == Target.Measure.UNITS_SHARE:
            denominator = totals["all"]
        else:
            denominator = None
        if denominator is None:
            exact = Decimal(numerator)
        else:
            exact = Decimal(100) * numerator / denominator if denominator else Decimal(0)
        state = _target_state(target, exact, program, today)
        value = exact if denominator is None else exact.quantize(Decimal("0.1"))
        results.append(TargetResult(target, numerator, denominator, value, state))
    return results


def target_numerator(target: Target, holding: set[tuple[int, bool]]) -> int:
    """How many of the units holding the target's level or a higher one — (unit id, is pilot)
    pairs — count towards it: the pilots among them for a pilots target, else all of them."""
    if target.measure == Target.Measure.PILOTS_TITLED:
        return sum(1 for _unit, is_pilot in holding if is_pilot)
    return len(holding)


def _target_state(target: Target, value: Decimal, program: Program, today: date) -> str:
    """Met, missed (deadline passed), or — comparing with a straight line from the programme's
    start to the deadline — on track or at risk."""
    if value >= target.threshold:
        return TargetState.MET
    if today > target.deadline:
        return TargetState.MISSED
    span = (target.deadline - program.start_date).days
    elapsed = max(0, (today - program.start_date).days)
    expected = target.threshold * Decimal(elapsed) / Decimal(span) if span > 0 else target.threshold
    return TargetState.ON_TRACK if value >= expected else TargetState.AT_RISK


# --- Titles -----------------------------------------------------------------------------------


def certifications_expire(today: date | None = None) -> list[Certification]:
    """Mark 到期 every named title whose validity ended before `today`; run daily (cron)."""
    today = today or timezone.localdate()
    lapsed = Certification.objects.filter(
        status=Certification.Status.NAMED, valid_until__lt=today
    ).select_related("unit")
    return [title for title in lapsed if title.expire(today)]


# --- Evaluation schemes ---------------------------------------------------------------------


@transaction.atomic
def schemes_load(*, created: Counter | None = None) -> Counter:
    """Seed the evaluation schemes (the national on-site form, a municipal variant) with their
    elements and items. Idempotent like the rest of the reference data: a scheme, element or
    item that exists is left as the office made it, and a scheme in use (with finalised
    evaluations) gets no element or item back that the office removed; returns how many rows
    were created."""
    created = Counter() if created is None else created
    for fields in ref_schemes.SCHEMES:
        fields = dict(fields)
        elements = fields.pop("elements")
        scheme = _ensure(EvaluationScheme, created, {"code": fields.pop("code")}, **fields)
        if scheme.is_in_use:
            continue
        for number, (name, items) in enumerate(elements, start=1):
            element = _ensure(
                SchemeElement, created, {"scheme": scheme, "number": number}, name=name
            )
            for item_number, (text, is_sample, (presence, evidence, effect)) in enumerate(
                items, start=1
            ):
                _ensure(
                    SchemeItem,
                    created,
                    {"element": element, "number": item_number},
                    text=text,
                    is_sample=is_sample,
                    presence_points=presence,
                    evidence_points=evidence,
                    effect_points=effect,
                )
    return created
