"""Use cases of the programme that touch several models."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import models, transaction

from programs import reference_data as ref
from programs.choices import UnitKind
from programs.models import CreatingUnit, Department, Milestone, Phase, Program, Target


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
    units and targets. Idempotent; returns how many rows of each kind were created."""
    from workgroups.models import WorkGroupTemplate

    created: Counter = Counter()
    for order, (name, duties, data) in enumerate(ref.DEPARTMENTS, start=1):
        _ensure(
            Department,
            created,
            {"name": name},
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
    return created


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
