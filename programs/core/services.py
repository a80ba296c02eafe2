"""Use cases of the programme itself: loading the district's plan."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction

from programs.core import reference_data as ref
from programs.core.choices import UnitKind
from programs.core.models import CreatingUnit, Department, Milestone, Phase, Program
from safecommunity.models import ensure_row


@transaction.atomic
def programme_load(*, created: Counter) -> Program:
    """Load the district's plan: departments, the programme, its phases, milestones and units.
    Idempotent (a row that exists is left as the office made it); counts what it created."""
    for order, (code, name, duties, data) in enumerate(ref.DEPARTMENTS, start=1):
        ensure_row(
            Department,
            created,
            {"code": code},
            name=name,
            duties=duties,
            surveillance_data=data,
            sort_order=order,
            fill={"name_en": ref.DEPARTMENT_NAMES_EN.get(code, "")},
        )
    program_fields = dict(ref.PROGRAM)
    program = ensure_row(Program, created, {"code": program_fields.pop("code")}, **program_fields)
    first_phase = None
    for order, name, description, milestones in ref.PHASES:
        phase = ensure_row(
            Phase,
            created,
            {"program": program, "order": order},
            name=name,
            description=description,
            fill={"name_en": ref.PHASE_NAMES_EN.get(order, "")},
        )
        first_phase = first_phase or phase
        for m_order, (m_name, m_description, due, required, evidence) in enumerate(
            milestones, start=1
        ):
            ensure_row(
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
        ensure_row(
            CreatingUnit,
            created,
            {"code": code},
            program=program,
            name=name,
            kind=kind,
            current_phase=first_phase,
            **defaults,
        )
    return program


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
