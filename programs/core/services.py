"""Use cases of the programme itself: loading the district's plan; personal API tokens."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from programs.core import divisions, errors
from programs.core import reference_data as ref
from programs.core.choices import UnitKind
from programs.core.errors import TokenError
from programs.core.models import (
    ApiToken,
    CreatingUnit,
    Department,
    Milestone,
    Phase,
    Program,
    User,
)
from programs.core.models.tokens import key_digest
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

    # division code → unit code: a code the office gave another unit stays with it
    taken = dict(
        CreatingUnit.objects.exclude(division_code="").values_list("division_code", "code")
    )
    for code, name, kind, defaults in _units():
        division = _division(name)
        if taken.get(division.get("division_code"), code) != code:
            division = {}
        ensure_row(
            CreatingUnit,
            created,
            {"code": code},
            program=program,
            name=name,
            kind=kind,
            current_phase=first_phase,
            fill=division,
            **defaults,
        )
    return program


def _division(name: str) -> dict[str, str]:
    """A town's or street's official code and, where the plan names it otherwise, its official
    name, from the vendored list of 顺义区's divisions; nothing for an economic zone."""
    if name not in ref.TOWNS and name not in ref.STREETS:
        return {}
    official = ref.OFFICIAL_NAMES.get(name, name)
    code = divisions.street_code(ref.DIVISION_CODE, official)
    if code is None:
        raise LookupError(f"{official} ({name}) is not in the official list of {ref.DIVISION_CODE}")
    return {"division_code": code, "official_name": "" if official == name else official}


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


# --- Personal API tokens ---------------------------------------------------------------------

TOKEN_DEFAULT_DAYS = 90
TOKEN_MAX_DAYS = 365
#: The last use is written at most this often, so a busy token writes once a minute, not per call.
TOKEN_TOUCH_SECONDS = 60


def token_create(*, user: User, name: str, days: int = TOKEN_DEFAULT_DAYS) -> tuple[ApiToken, str]:
    """A new token of `user`'s, lasting `days` (1 to 365); returns it and its key, which is
    kept nowhere: only its SHA-256."""
    if not 1 <= days <= TOKEN_MAX_DAYS:
        raise TokenError(errors.TOKEN_DAYS_RANGE, max=TOKEN_MAX_DAYS)
    key = "sc_" + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=key_digest(key),
        prefix=key[:10],
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    return token, key


def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke `token` (its owner's act); a revoked token answers 401 from then on."""
    if not ApiToken.objects.allows_edit(by, token):
        raise TokenError(errors.TOKEN_INVALID)
    if token.revoked_at is not None:
        raise TokenError(errors.TOKEN_ALREADY_REVOKED)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token


def token_touch(token: ApiToken, now=None) -> None:
    """Record a use of `token`, unless one was recorded less than a minute ago."""
    now = now or timezone.now()
    last = token.last_used_at
    if last is not None and (now - last).total_seconds() < TOKEN_TOUCH_SECONDS:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
