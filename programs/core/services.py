"""Use cases of the programme itself: loading the district's plan; personal API tokens; the
units' boundaries on the map."""

from __future__ import annotations

import secrets
from collections import Counter
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from programs.core import divisions, errors
from programs.core import reference_data as ref
from programs.core.choices import UnitKind
from programs.core.errors import DistrictError, TokenError
from programs.core.models import (
    ApiToken,
    CreatingUnit,
    Department,
    District,
    Milestone,
    Phase,
    Program,
    UnitBoundary,
    User,
)
from programs.core.models.tokens import key_digest
from safecommunity.geojson import read_areas, refusal
from safecommunity.models import ensure_row


@transaction.atomic
def district_load(*, code: str, created: Counter) -> District:
    """The district of official code `code`, created from the vendored list of divisions and
    the census when missing (an unknown code is refused); a district that exists is left as
    the office made it."""
    division = divisions.districts().get(code)
    if division is None:
        raise DistrictError(
            errors.DISTRICT_CODE_UNKNOWN,
            value=code,
            source=f"{divisions.SOURCE_PACKAGE} {divisions.SOURCE_VERSION}",
        )
    name_en, population = ref.DISTRICTS.get(code, ("", None))
    return ensure_row(
        District,
        created,
        {"code": code},
        name=division.name,
        population=population,
        population_year=ref.CENSUS_YEAR if population else None,
        fill={"name_en": name_en},
    )


def programme_load(*, created: Counter) -> Program:
    """Load the district plan of 顺义区 (the seed's): the district, its departments, its
    programme with phases and milestones, and its 38 units. Idempotent (a row that exists is
    left as the office made it); counts what it created."""
    district = district_load(code=ref.DIVISION_CODE, created=created)
    program_fields = dict(ref.PROGRAM)
    program = _district_programme(
        district, created, code=program_fields.pop("code"), **program_fields
    )
    first_phase = program.phases.order_by("order").first()

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
            district=district,
            program=program,
            name=name,
            kind=kind,
            current_phase=first_phase,
            fill=division,
            **defaults,
        )
    return program


@transaction.atomic
def district_add(*, code: str, created: Counter) -> District:
    """Put the district of official code `code` on the portal: the district, its departments,
    a programme with the plan's phases and milestones (their fixed dates moved to the
    programme's years), and each of its streets and towns in the official list as a creating
    unit whose code is its 9-digit division code. Economic zones are added by hand (the list's
    development zones, town parts 4xx, included). Rerunning it creates only what is missing."""
    district = district_load(code=code, created=created)
    program = district.programs.order_by("-start_date").first()
    if program is None:
        start = timezone.localdate().replace(month=1, day=1)
        program = _district_programme(
            district,
            created,
            code=f"district-{code}-safe-community",
            name=f"{district.name}安全社区创建工作",
            start_date=start,
            report_due_day=ref.PROGRAM["report_due_day"],
            years_after_plan=start.year - ref.PROGRAM["start_date"].year,
        )
    first_phase = program.phases.order_by("order").first()
    for street in divisions.streets_of(code):
        kind = _official_kind(street.name)
        if kind is None:
            continue
        unit = CreatingUnit.objects.filter(division_code=street.code).first()
        if unit is not None and unit.district_id != district.pk:
            raise DistrictError(errors.DIVISION_CODE_TAKEN)
        ensure_row(
            CreatingUnit,
            created,
            {"division_code": street.code},
            code=street.code,
            district=district,
            program=program,
            name=street.name,
            kind=kind,
            current_phase=first_phase,
        )
    return district


def _official_kind(name: str) -> str | None:
    """A unit's kind from its official name: 街道 a street office, 镇, 乡 and 地区 a town;
    anything else (a development zone listed at town level) is left to the office."""
    if name.endswith("街道"):
        return UnitKind.STREET
    if name.endswith(("镇", "乡", "地区")):
        return UnitKind.TOWN
    return None


def _district_programme(
    district: District,
    created: Counter,
    *,
    code: str,
    years_after_plan: int = 0,
    **fields: Any,
) -> Program:
    """`district`'s departments and its programme with the plan's phases and milestones;
    the milestones' fixed due dates moved `years_after_plan` years on."""
    for order, (dept_code, name, duties, data) in enumerate(ref.DEPARTMENTS, start=1):
        ensure_row(
            Department,
            created,
            {"district": district, "code": dept_code},
            name=name,
            duties=duties,
            surveillance_data=data,
            sort_order=order,
            fill={"name_en": ref.DEPARTMENT_NAMES_EN.get(dept_code, "")},
        )
    program = ensure_row(Program, created, {"code": code}, district=district, **fields)
    for order, name, description, milestones in ref.PHASES:
        phase = ensure_row(
            Phase,
            created,
            {"program": program, "order": order},
            name=name,
            description=description,
            fill={"name_en": ref.PHASE_NAMES_EN.get(order, "")},
        )
        for m_order, (m_name, m_description, due, required, evidence) in enumerate(
            milestones, start=1
        ):
            ensure_row(
                Milestone,
                created,
                {"phase": phase, "order": m_order},
                name=m_name,
                description=m_description,
                due_date=_years_on(due, years_after_plan),
                required_for_gate=required,
                evidence_required=evidence,
            )
    return program


def _years_on(day: date | None, years: int) -> date | None:
    if day is None or not years:
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a common year
        return day.replace(year=day.year + years, day=28)


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


# --- Units' boundaries ---


def may_upload_boundaries(user: User, district: District) -> bool:
    """The district's staff (who change every unit of it) and administrators."""
    return user.is_administrator or (user.edits_all_units and user.district_id == district.pk)


def unit_boundaries_replace(*, district: District, data: bytes, by: User) -> int:
    """Store the boundaries of `district`'s units from a GeoJSON FeatureCollection (`data`, the
    file's bytes; each feature names its unit by the property `code` or `unit`), replacing the
    district's earlier ones; the number stored. All or nothing: a file with any problem — not
    GeoJSON, a geometry that is not a closed polygon in China, a code that is not a unit of
    this district — raises `GeoJSONRefused` listing them, and nothing changes."""
    if not may_upload_boundaries(by, district):
        raise DistrictError(errors.BOUNDARIES_NOT_YOURS)
    areas = read_areas(data)
    units = dict(
        CreatingUnit.objects.filter(
            district=district, code__in={area.code for area in areas}
        ).values_list("code", "pk")
    )
    elsewhere = [
        str(
            errors.BOUNDARY_UNIT_ELSEWHERE
            % {"n": area.number, "code": area.code, "district": district.label}
        )
        for area in areas
        if area.code not in units
    ]
    if elsewhere:
        raise refusal(elsewhere)
    now = timezone.now()
    with transaction.atomic():
        UnitBoundary.objects.filter(unit__district=district).delete()
        UnitBoundary.objects.bulk_create(
            UnitBoundary(
                unit_id=units[area.code], geometry=area.geometry, uploaded_at=now, uploaded_by=by
            )
            for area in areas
        )
    return len(areas)
