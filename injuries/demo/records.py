"""Demo injury records: five years of synthetic report cards for every unit, so the statistics
have something to show.

For `make run` and screenshots; never for production. Deterministic for a given `rng` and day,
and a unit that already has injury records is left alone. No personal identifiers: a card
holds age, sex and codes, never who. Written with bulk_create after `derive()` (bulk_create
skips `save()`), so the 38 units take about a second.

The pattern is that of Chinese hospital-based injury surveillance: falls first, road traffic
second; more falls (ice), burns and poisoning (heating) in winter, drowning in summer; many
elderly falls and children's injuries; about 1.5 men to a woman; mostly treated and sent home,
few deaths; records from the traffic police, work safety, fire and rescue, schools and
community health centres for the causes they see; the card's plausibility checks
(`injuries.checks`) broken by a few percent; and in the first-batch pilots fewer injuries each
year since they joined. The shares, seasons and scenes are in `injuries.demo.tables`.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from injuries.choices import (
    Activity,
    Alcohol,
    BodyPart,
    Cause,
    Domain,
    Education,
    Intent,
    Nature,
    Occupation,
    Outcome,
    Place,
    Severity,
    Sex,
    Source,
    domain_of,
)
from injuries.demo.tables import (
    ADULT_EDUCATION,
    BODY_CN,
    CAUSES,
    CHILD,
    CHILDREN_HOSPITAL,
    ELDERLY,
    ELDERLY_EDUCATION,
    ELDERLY_OCCUPATIONS,
    FIRE_BRIGADE,
    HOSPITALS,
    HOURS,
    ICD10,
    ICD10_BY_INTENT,
    INJURIES,
    NATURE_CN,
    OUTCOMES,
    P_MALE,
    P_MALE_DEFAULT,
    P_MALE_ELDERLY_FALL,
    P_ODD_BURN_NATURE,
    P_ODD_TRAFFIC_ACTIVITY,
    P_ODD_TRAFFIC_PLACE,
    P_ODD_WHOLE_BODY,
    P_VISIT_BEFORE_INJURY,
    REGISTRATIONS,
    SCENES,
    SEASONAL,
    SEVERITY,
    SEVERITY_DEFAULT,
    SEVERITY_ELDERLY_FALL,
    TRAFFIC_POLICE,
    WHOLE_BODY_CN,
    WORK_SAFETY,
    WORKING,
    WORKING_OCCUPATIONS,
    WORKPLACE_OCCUPATIONS,
    Scene,
)
from injuries.models import InjuryRecord
from programs.core.models import CreatingUnit
from safecommunity.calendar import Month

YEARS = 5
"""The demo covers this many calendar years up to today (this year included)."""
RATE = 4.4
"""Records a month per 100,000 residents: about 4,500 for the district's 1.8 million."""
DEFAULT_POPULATION = 30_000
PILOT_EFFECT = 0.15
"""The share of injuries a pilot unit prevents per year since joining …"""
PILOT_EFFECT_MAX = 0.3
"""… up to this share."""
BATCH_SIZE = 500


def _pick(weights: dict, rng: random.Random):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _poisson(mean: float, rng: random.Random) -> int:
    """A Poisson count (Knuth's method: the means here are small)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _months(first: date, today: date):
    """(first day, last day, share of the month passed) for each month from `first` to today."""
    for month in Month.between(first, today):
        end = min(Month.last_day(month), today)
        yield month, end, ((end - month).days + 1) / Month.last_day(month).day


def injuries_demo(unit: CreatingUnit, rng: random.Random) -> list[InjuryRecord]:
    """Give `unit` five years of injury records (to today), about 4.4 a month per 100,000
    residents, each cause with its share, season and people (see the module docstring). A
    pilot unit has fewer each year since it joined. Returns the records written."""
    if unit.injury_records.exists():
        return []
    today = timezone.localdate()
    size = (unit.population or DEFAULT_POPULATION) / 100_000
    rows: list[InjuryRecord] = []
    for first, last, passed in _months(date(today.year - YEARS + 1, 1, 1), today):
        mean = RATE * size * passed * _programme_effect(unit, first)
        count = 0
        for cause, (share, *_) in CAUSES.items():
            seasonal = SEASONAL.get(cause, (1.0,) * 12)[first.month - 1]
            for _ in range(_poisson(mean * share * seasonal, rng)):
                count += 1
                day = first + timedelta(days=rng.randint(0, (last - first).days))
                number = f"{unit.code}-{first:%Y%m}-{count:03d}"
                rows.append(_record(unit, cause, day, number, today, rng))
    for row in rows:
        row.derive()
    return InjuryRecord.objects.bulk_create(rows, batch_size=BATCH_SIZE)


def _programme_effect(unit: CreatingUnit, month: date) -> float:
    """The first-batch pilots prevent a growing share of injuries from the month they joined."""
    if not unit.is_pilot or unit.joined_on is None or month < unit.joined_on:
        return 1.0
    years = (month - unit.joined_on).days / 365
    return 1 - min(PILOT_EFFECT * years, PILOT_EFFECT_MAX)


def _record(
    unit: CreatingUnit, cause: int, day: date, number: str, today: date, rng: random.Random
) -> InjuryRecord:
    pairs, weights = SCENES[cause]
    scene, band = rng.choices(pairs, weights=weights)[0]
    age = _age(band, rng)
    elderly_fall = cause == Cause.FALL and band == ELDERLY
    p_male = P_MALE_ELDERLY_FALL if elderly_fall else P_MALE.get(cause, P_MALE_DEFAULT)
    place, activity = scene.place, scene.activity
    if cause in Cause.traffic():
        if rng.random() < P_ODD_TRAFFIC_PLACE:
            place = Place.PUBLIC_RESIDENTIAL
        if rng.random() < P_ODD_TRAFFIC_ACTIVITY:
            activity = Activity.WORK if band == WORKING else Activity.LEISURE

    natures, parts = INJURIES[cause]
    nature, body_part = _pick(natures, rng), _pick(parts, rng)
    if cause in Cause.whole_body() and rng.random() < P_ODD_WHOLE_BODY:
        body_part = BodyPart.HEAD
    if cause == Cause.BURN and rng.random() < P_ODD_BURN_NATURE:
        nature = Nature.OPEN_WOUND
    if nature == Nature.FRACTURE and elderly_fall:
        body_part = rng.choice((BodyPart.LOWER_LIMB, BodyPart.LOWER_LIMB, BodyPart.UPPER_LIMB))
    severities = SEVERITY_ELDERLY_FALL if elderly_fall else SEVERITY.get(cause, SEVERITY_DEFAULT)
    severity = rng.choices(Severity.values, weights=severities)[0]
    outcomes = dict(OUTCOMES[severity])
    if cause == Cause.DROWNING and severity == Severity.SEVERE:
        outcomes[Outcome.DIED] = 80

    domain = domain_of(cause=cause, place=place, activity=activity, age=age)
    source, reporting_org = _source(unit, cause, domain, scene, age, rng)
    injured_at = datetime.combine(day, time(_pick(HOURS, rng), rng.randint(0, 59)))
    record = InjuryRecord(
        unit=unit,
        source=source,
        reporting_org=reporting_org,
        record_number=number,
        injured_at=injured_at if rng.random() > 0.06 else day,
        sex=Sex.MALE if rng.random() < p_male else Sex.FEMALE,
        age=age,
        registration=_pick(REGISTRATIONS, rng) if rng.random() > 0.04 else None,
        education=_education(age, rng) if rng.random() > 0.08 else None,
        occupation=_occupation(age, place, activity, rng) if rng.random() > 0.04 else None,
        cause=cause,
        place=place,
        activity=activity,
        intent=scene.intent,
        alcohol=_alcohol(age, cause, scene.intent, injured_at.hour, rng),
        nature=nature,
        body_part=body_part,
        severity=severity,
        outcome=_pick(outcomes, rng),
        narrative=scene.narrative if rng.random() < 0.7 else "",
    )
    if source in (Source.HOSPITAL, Source.COMMUNITY):
        _visit(record, today, rng)
        record.diagnosis = WHOLE_BODY_CN.get(cause) or BODY_CN[body_part] + NATURE_CN[nature]
        record.icd10 = ICD10_BY_INTENT.get(scene.intent, ICD10[cause])
    return record


def _age(band: str, rng: random.Random) -> int:
    if band == CHILD:
        return rng.randint(0, 14)
    if band == WORKING:
        return rng.randint(15, 59)
    return min(int(rng.triangular(60, 99, 72)), 99)


def _source(
    unit: CreatingUnit, cause: int, domain: str, scene: Scene, age: int, rng: random.Random
) -> tuple[str, str]:
    """Who reported the card: mostly a hospital; a department for the injuries it deals with."""
    roll = rng.random()
    if domain == Domain.TRAFFIC and roll < 0.15:
        return Source.TRAFFIC_POLICE, TRAFFIC_POLICE
    if domain == Domain.WORK and roll < 0.2:
        return Source.WORK_SAFETY, WORK_SAFETY
    if domain == Domain.FIRE and roll < 0.2:
        return Source.FIRE, FIRE_BRIGADE
    if scene.place == Place.SCHOOL_PUBLIC and age < 15 and roll < 0.3:
        return Source.SCHOOL, f"{unit.name}{'中心小学' if age < 12 else '中学'}"
    elderly_at_home = age >= 60 and scene.place == Place.HOME
    if (cause == Cause.ANIMAL and roll < 0.5) or (elderly_at_home and roll < 0.15):
        return Source.COMMUNITY, f"{unit.name}社区卫生服务中心"
    if age < 15 and rng.random() < 0.5:
        return Source.HOSPITAL, CHILDREN_HOSPITAL
    return Source.HOSPITAL, _pick(HOSPITALS, rng)


def _visit(record: InjuryRecord, today: date, rng: random.Random) -> None:
    """The patient came in some minutes to hours later (never after today)."""
    if record.injury_time is None:
        record.visit_date = min(
            record.injury_date + timedelta(days=rng.choice((0, 0, 0, 1))), today
        )
        return
    injured = datetime.combine(record.injury_date, record.injury_time)
    minutes = rng.randint(15, 240)
    if rng.random() < P_VISIT_BEFORE_INJURY:
        minutes = -24 * 60
    visited = injured + timedelta(minutes=minutes)
    record.visited_at = visited if visited.date() <= today else record.injury_date


def _education(age: int, rng: random.Random) -> int:
    if age < 7:
        return Education.CHILD_NOT_IN_SCHOOL
    for below, level in ((13, Education.PRIMARY), (16, Education.JUNIOR_MIDDLE)):
        if age < below:
            return level
    if age < 19:
        return Education.SENIOR_MIDDLE
    return _pick(ELDERLY_EDUCATION if age >= 60 else ADULT_EDUCATION, rng)


def _occupation(age: int, place: int, activity: int, rng: random.Random) -> int:
    if age < 7:
        return Occupation.PRESCHOOL_CHILD
    if age < 19 or (age < 23 and rng.random() < 0.6):
        return Occupation.STUDENT
    if age >= 60:
        return _pick(ELDERLY_OCCUPATIONS, rng)
    if activity == Activity.WORK:
        return WORKPLACE_OCCUPATIONS.get(place, Occupation.OPERATOR)
    return _pick(WORKING_OCCUPATIONS, rng)


def _alcohol(age: int, cause: int, intent: int, hour: int, rng: random.Random) -> int | None:
    if age < 15:
        return Alcohol.DID_NOT_DRINK
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.1:
        return Alcohol.UNKNOWN
    drank = 0.03
    if intent == Intent.ASSAULT:
        drank = 0.25
    elif cause in Cause.traffic() and (hour >= 20 or hour < 4):
        drank = 0.2
    return Alcohol.DRANK if rng.random() < drank else Alcohol.DID_NOT_DRINK
