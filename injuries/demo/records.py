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
year since they joined.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from injuries.choices import (
    Activity,
    AgeBand,
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
    Registration,
    Severity,
    Sex,
    Source,
    domain_of,
)
from injuries.models import InjuryRecord
from programs.models import CreatingUnit

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

CHILD, WORKING, ELDERLY = AgeBand.CHILDREN, AgeBand.WORKING_AGE, AgeBand.ELDERLY
C, W, E = "c", "w", "e"
BANDS = {C: CHILD, W: WORKING, E: ELDERLY}


@dataclass(frozen=True)
class Scene:
    """How an injury of one cause happens: where, doing what, with what intent, to which age
    bands (c children, w working age, e elderly), how often relative to the cause's others."""

    place: int
    activity: int
    weight: float
    bands: str
    narrative: str = ""
    intent: int = Intent.UNINTENTIONAL


P, A, I = Place, Activity, Intent  # noqa: E741 (short names keep the table below readable)

# cause: (share of all records, share of children / working age / elderly, scenes)
CAUSES: dict[int, tuple[float, tuple[float, float, float], list[Scene]]] = {
    Cause.FALL: (
        0.36,
        (0.25, 0.37, 0.38),
        [
            Scene(P.HOME, A.VITAL, 4, E, "夜间起床如厕时在家中滑倒"),
            Scene(P.HOME, A.HOUSEWORK, 3, W + E, "在家做家务时从凳子上跌落"),
            Scene(P.HOME, A.LEISURE, 2, C, "在家中玩耍时从床上跌落"),
            Scene(P.PUBLIC_RESIDENTIAL, A.WALKING, 3, C + W + E, "在小区内步行时被台阶绊倒"),
            Scene(P.ROAD, A.WALKING, 2, W + E, "在人行道上行走时滑倒"),
            Scene(P.SCHOOL_PUBLIC, A.STUDY, 2, C, "课间在教学楼楼梯上摔倒"),
            Scene(P.SPORTS_AREA, A.SPORTS, 1.5, C + W, "打篮球时摔倒"),
            Scene(P.TRADE_SERVICE, A.LEISURE, 1, W + E, "在商场内地面湿滑摔倒"),
            Scene(P.INDUSTRIAL, A.WORK, 1.5, W, "在建筑工地从脚手架上坠落"),
            Scene(P.FARM, A.WORK, 1, W + E, "在果园采摘时从梯子上跌落"),
        ],
    ),
    Cause.MOTOR_VEHICLE: (
        0.13,
        (0.08, 0.75, 0.17),
        [
            Scene(P.ROAD, A.DRIVING, 6, W + E, "驾驶小客车与前车追尾"),
            Scene(P.ROAD, A.DRIVING, 3, C + W + E, "乘坐小客车时发生碰撞"),
            Scene(P.ROAD, A.WALKING, 3, C + W + E, "步行过马路时被机动车撞倒"),
        ],
    ),
    Cause.NON_MOTOR_VEHICLE: (
        0.08,
        (0.07, 0.68, 0.25),
        [
            Scene(P.ROAD, A.DRIVING, 7, W + E, "骑电动自行车与机动车相撞"),
            Scene(P.ROAD, A.DRIVING, 2, C + W + E, "骑自行车时摔倒"),
            Scene(P.ROAD, A.WALKING, 2, C + W + E, "步行时被电动自行车撞倒"),
        ],
    ),
    Cause.BLUNT: (
        0.10,
        (0.2, 0.7, 0.1),
        [
            Scene(P.HOME, A.HOUSEWORK, 2, W + E, "搬运重物时被砸伤"),
            Scene(P.INDUSTRIAL, A.WORK, 3, W, "作业时被坠落物体砸伤"),
            Scene(P.SCHOOL_PUBLIC, A.STUDY, 1.5, C, "课间与同学相撞"),
            Scene(P.SPORTS_AREA, A.SPORTS, 2, C + W, "踢足球时与他人相撞"),
            Scene(P.TRADE_SERVICE, A.LEISURE, 1.5, W, "在餐馆与他人发生冲突被打伤", I.ASSAULT),
            Scene(P.ROAD, A.WALKING, 1, W, "在街上与他人发生争执被打伤", I.ASSAULT),
            Scene(P.HOME, A.VITAL, 0.7, W + E, "家庭纠纷中被打伤", I.ASSAULT),
        ],
    ),
    Cause.CUT: (
        0.08,
        (0.08, 0.8, 0.12),
        [
            Scene(P.HOME, A.HOUSEWORK, 4, W + E, "切菜时被菜刀割伤"),
            Scene(P.INDUSTRIAL, A.WORK, 2.5, W, "操作机器时被金属片割伤"),
            Scene(P.TRADE_SERVICE, A.WORK, 1, W, "在餐馆后厨工作时被刀划伤"),
            Scene(P.HOME, A.LEISURE, 1, C, "玩耍时被碎玻璃划伤"),
            Scene(P.ROAD, A.LEISURE, 0.5, W, "与他人斗殴时被刀刺伤", I.ASSAULT),
            Scene(P.HOME, A.OTHER, 0.3, W + E, "", I.SELF_HARM),
        ],
    ),
    Cause.ANIMAL: (
        0.07,
        (0.25, 0.55, 0.2),
        [
            Scene(P.PUBLIC_RESIDENTIAL, A.WALKING, 4, C + W + E, "在小区内被犬咬伤"),
            Scene(P.HOME, A.LEISURE, 3, C + W + E, "被家养宠物猫抓伤"),
            Scene(P.FARM, A.WORK, 1, W + E, "在田间劳作时被蜂蜇伤"),
        ],
    ),
    Cause.BURN: (
        0.04,
        (0.35, 0.5, 0.15),
        [
            Scene(P.HOME, A.HOUSEWORK, 4, W + E, "做饭时被热油烫伤"),
            Scene(P.HOME, A.LEISURE, 2.5, C, "碰翻热水壶被开水烫伤"),
            Scene(P.HOME, A.VITAL, 1, E, "使用电热毯时被烫伤"),
            Scene(P.PUBLIC_RESIDENTIAL, A.LEISURE, 0.8, C + W, "燃放烟花爆竹时被烧伤"),
            Scene(P.TRADE_SERVICE, A.WORK, 0.8, W, "在餐馆后厨被热汤烫伤"),
            Scene(P.INDUSTRIAL, A.WORK, 0.6, W, "焊接作业时被烧伤"),
        ],
    ),
    Cause.POISONING: (
        0.025,
        (0.25, 0.55, 0.2),
        [
            Scene(P.HOME, A.VITAL, 3, W + E, "冬季烧煤取暖时一氧化碳中毒"),
            Scene(P.HOME, A.LEISURE, 1.5, C, "误服家中药品"),
            Scene(P.FARM, A.WORK, 1, W + E, "喷洒农药时中毒"),
            Scene(P.HOME, A.OTHER, 1, W + E, "", I.SELF_HARM),
        ],
    ),
    Cause.DROWNING: (
        0.01,
        (0.55, 0.4, 0.05),
        [
            Scene(P.OTHER, A.LEISURE, 2, C, "在河边玩耍时落水"),
            Scene(P.OTHER, A.SPORTS, 2, C + W, "在水库野泳时溺水"),
            Scene(P.SPORTS_AREA, A.SPORTS, 1, C + W + E, "在游泳馆游泳时溺水"),
        ],
    ),
    Cause.SUFFOCATION: (
        0.005,
        (0.4, 0.3, 0.3),
        [
            Scene(P.HOME, A.VITAL, 2, C + E, "进食时被食物噎住"),
            Scene(P.HOME, A.OTHER, 1, W + E, "", I.SELF_HARM),
        ],
    ),
    Cause.OTHER: (
        0.03,
        (0.2, 0.6, 0.2),
        [
            Scene(P.SPORTS_AREA, A.SPORTS, 1, C + W, "跑步时扭伤"),
            Scene(P.HOME, A.OTHER, 1, C + W + E),
            Scene(P.OTHER, A.OTHER, 1, C + W + E),
        ],
    ),
}

# Seasonal factors, January to December (normalised to a mean of 1 below).
SEASONS: dict[int, tuple[float, ...]] = {
    Cause.FALL: (1.35, 1.25, 1.05, 0.9, 0.85, 0.85, 0.85, 0.85, 0.9, 1.0, 1.1, 1.3),
    Cause.MOTOR_VEHICLE: (0.95, 0.9, 1.0, 1.0, 1.05, 1.0, 1.0, 1.0, 1.05, 1.05, 1.0, 1.0),
    Cause.NON_MOTOR_VEHICLE: (0.8, 0.8, 0.95, 1.05, 1.15, 1.15, 1.1, 1.1, 1.1, 1.05, 0.9, 0.85),
    Cause.BURN: (1.4, 1.5, 1.1, 0.9, 0.8, 0.8, 0.8, 0.8, 0.85, 0.95, 1.1, 1.3),
    Cause.POISONING: (1.8, 1.5, 1.1, 0.8, 0.7, 0.6, 0.6, 0.6, 0.7, 0.9, 1.3, 1.7),
    Cause.DROWNING: (0.2, 0.2, 0.4, 0.6, 1.1, 2.2, 3.0, 2.7, 1.2, 0.5, 0.3, 0.2),
    Cause.ANIMAL: (0.6, 0.6, 0.8, 1.0, 1.2, 1.4, 1.5, 1.4, 1.2, 1.0, 0.7, 0.6),
}

P_MALE = {
    Cause.MOTOR_VEHICLE: 0.68,
    Cause.NON_MOTOR_VEHICLE: 0.66,
    Cause.BLUNT: 0.75,
    Cause.CUT: 0.72,
    Cause.DROWNING: 0.75,
    Cause.POISONING: 0.5,
    Cause.ANIMAL: 0.5,
}
P_MALE_DEFAULT = 0.6
P_MALE_ELDERLY_FALL = 0.42  # old women fall more often than old men

SEVERITY = {  # mild, moderate, severe
    Cause.MOTOR_VEHICLE: (0.5, 0.36, 0.14),
    Cause.NON_MOTOR_VEHICLE: (0.55, 0.35, 0.1),
    Cause.DROWNING: (0.2, 0.3, 0.5),
    Cause.SUFFOCATION: (0.3, 0.3, 0.4),
    Cause.POISONING: (0.4, 0.4, 0.2),
    Cause.CUT: (0.75, 0.22, 0.03),
    Cause.ANIMAL: (0.9, 0.09, 0.01),
}
SEVERITY_DEFAULT = (0.66, 0.28, 0.06)
SEVERITY_ELDERLY_FALL = (0.45, 0.4, 0.15)
OUTCOMES = {
    Severity.MILD: {Outcome.DISCHARGED: 93, Outcome.OBSERVATION: 5, Outcome.ADMITTED: 2},
    Severity.MODERATE: {
        Outcome.DISCHARGED: 50,
        Outcome.OBSERVATION: 17,
        Outcome.ADMITTED: 28,
        Outcome.TRANSFERRED: 5,
    },
    Severity.SEVERE: {
        Outcome.ADMITTED: 55,
        Outcome.TRANSFERRED: 20,
        Outcome.OBSERVATION: 7,
        Outcome.DIED: 18,
    },
}

N, B = Nature, BodyPart
LIMBS_AND_HEAD = {B.UPPER_LIMB: 30, B.LOWER_LIMB: 35, B.HEAD: 15, B.TRUNK: 10, B.MULTIPLE: 10}
WHOLE_BODY = {B.WHOLE_BODY: 1}
# cause: (nature weights, body part weights)
INJURIES: dict[int, tuple[dict[int, float], dict[int, float]]] = {
    Cause.FALL: (
        {N.FRACTURE: 35, N.CONTUSION: 35, N.SPRAIN: 15, N.OPEN_WOUND: 10, N.CONCUSSION: 5},
        LIMBS_AND_HEAD,
    ),
    Cause.MOTOR_VEHICLE: (
        {
            N.CONTUSION: 40,
            N.FRACTURE: 25,
            N.OPEN_WOUND: 15,
            N.CONCUSSION: 10,
            N.INTERNAL_ORGAN: 5,
            N.SPRAIN: 5,
        },
        {B.MULTIPLE: 25, B.HEAD: 20, B.LOWER_LIMB: 25, B.UPPER_LIMB: 20, B.TRUNK: 10},
    ),
    Cause.NON_MOTOR_VEHICLE: (
        {N.CONTUSION: 45, N.FRACTURE: 25, N.OPEN_WOUND: 15, N.SPRAIN: 8, N.CONCUSSION: 7},
        {B.LOWER_LIMB: 30, B.UPPER_LIMB: 25, B.HEAD: 20, B.MULTIPLE: 15, B.TRUNK: 10},
    ),
    Cause.BLUNT: (
        {N.CONTUSION: 55, N.OPEN_WOUND: 20, N.FRACTURE: 15, N.CONCUSSION: 10},
        {B.HEAD: 35, B.UPPER_LIMB: 25, B.TRUNK: 15, B.LOWER_LIMB: 15, B.MULTIPLE: 10},
    ),
    Cause.CUT: (
        {N.OPEN_WOUND: 95, N.OTHER: 5},
        {B.UPPER_LIMB: 65, B.LOWER_LIMB: 20, B.HEAD: 10, B.TRUNK: 5},
    ),
    Cause.BURN: (
        {N.BURN: 1},
        {B.UPPER_LIMB: 40, B.LOWER_LIMB: 20, B.HEAD: 15, B.MULTIPLE: 15, B.TRUNK: 10},
    ),
    Cause.ANIMAL: (
        {N.OPEN_WOUND: 80, N.CONTUSION: 10, N.OTHER: 10},
        {B.UPPER_LIMB: 45, B.LOWER_LIMB: 45, B.HEAD: 5, B.TRUNK: 5},
    ),
    Cause.DROWNING: ({N.OTHER: 85, N.INTERNAL_ORGAN: 15}, WHOLE_BODY),
    Cause.POISONING: ({N.OTHER: 80, N.INTERNAL_ORGAN: 20}, WHOLE_BODY),
    Cause.SUFFOCATION: ({N.OTHER: 1}, WHOLE_BODY),
    Cause.OTHER: (
        {N.SPRAIN: 35, N.CONTUSION: 35, N.OTHER: 30},
        {B.LOWER_LIMB: 30, B.UPPER_LIMB: 20, B.TRUNK: 10, B.OTHER: 40},
    ),
}
# How often a card breaks a plausibility check on purpose: the checks' warnings are rare.
P_ODD_TRAFFIC_PLACE = 0.04  # a crash in a residential compound's car park
P_ODD_TRAFFIC_ACTIVITY = 0.03
P_ODD_WHOLE_BODY = 0.08
P_ODD_BURN_NATURE = 0.05
P_VISIT_BEFORE_INJURY = 0.006  # a slip of the keyboard

# The card's diagnosis and the ICD-10 external cause, for hospital and community records.
BODY_CN = {
    B.HEAD: "头部",
    B.UPPER_LIMB: "上肢",
    B.LOWER_LIMB: "下肢",
    B.TRUNK: "躯干",
    B.MULTIPLE: "多处",
    B.WHOLE_BODY: "",
    B.OTHER: "",
}
NATURE_CN = {
    N.FRACTURE: "骨折",
    N.SPRAIN: "扭伤",
    N.OPEN_WOUND: "开放性伤口",
    N.CONTUSION: "挫伤",
    N.BURN: "烧烫伤",
    N.CONCUSSION: "脑震荡",
    N.INTERNAL_ORGAN: "内脏损伤",
    N.OTHER: "损伤",
}
WHOLE_BODY_CN = {Cause.DROWNING: "溺水", Cause.POISONING: "中毒", Cause.SUFFOCATION: "窒息"}
ICD10 = {
    Cause.FALL: "W19",
    Cause.MOTOR_VEHICLE: "V89.2",
    Cause.NON_MOTOR_VEHICLE: "V19.9",
    Cause.BLUNT: "W22",
    Cause.CUT: "W26",
    Cause.BURN: "X19",
    Cause.SUFFOCATION: "W80",
    Cause.DROWNING: "W74",
    Cause.POISONING: "X47",
    Cause.ANIMAL: "W54",
    Cause.OTHER: "X59",
}
ICD10_BY_INTENT = {I.ASSAULT: "Y09", I.SELF_HARM: "X84"}

HOSPITALS = {"顺义区医院": 55, "北京中医医院顺义医院": 25, "顺义区空港医院": 20}
CHILDREN_HOSPITAL = "顺义区妇幼保健院"
TRAFFIC_POLICE = "顺义交通支队"
WORK_SAFETY = "顺义区应急管理局"
FIRE_BRIGADE = "顺义区消防救援支队"

# The hour of the day injuries happen, midnight to 11 pm.
HOURS = dict(enumerate((1, 1, 1, 1, 1, 2, 4, 7, 9, 9, 9, 8, 7, 7, 8, 9, 9, 10, 9, 7, 5, 4, 2, 1)))


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
    month = first
    while month <= today:
        following = (month + timedelta(days=32)).replace(day=1)
        end = min(following - timedelta(days=1), today)
        yield month, end, ((end - month).days + 1) / (following - month).days
        month = following


def _scenes(cause: int) -> tuple[list[tuple[Scene, str]], list[float]]:
    """Each (scene, age band) of a cause with its weight: the scene's, times the band's share."""
    _share, band_shares, scenes = CAUSES[cause]
    shares = dict(zip((C, W, E), band_shares, strict=True))
    pairs = [(scene, BANDS[b]) for scene in scenes for b in scene.bands]
    weights = [scene.weight * shares[b] for scene in scenes for b in scene.bands]
    return pairs, weights


SCENES = {cause: _scenes(cause) for cause in CAUSES}
SEASONAL = {
    cause: tuple(f * 12 / sum(factors) for f in factors) for cause, factors in SEASONS.items()
}


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


REGISTRATIONS = {
    Registration.THIS_CITY: 75,
    Registration.THIS_PROVINCE: 5,
    Registration.OTHER_PROVINCE: 19,
    Registration.FOREIGN: 1,
}
ADULT_EDUCATION = {
    Education.PRIMARY: 8,
    Education.JUNIOR_MIDDLE: 35,
    Education.SENIOR_MIDDLE: 30,
    Education.COLLEGE: 15,
    Education.UNIVERSITY: 12,
}
ELDERLY_EDUCATION = {
    Education.ILLITERATE: 15,
    Education.PRIMARY: 40,
    Education.JUNIOR_MIDDLE: 30,
    Education.SENIOR_MIDDLE: 12,
    Education.COLLEGE: 3,
}
WORKING_OCCUPATIONS = {
    Occupation.COMMERCE: 25,
    Occupation.OPERATOR: 20,
    Occupation.AGRICULTURE: 12,
    Occupation.CLERICAL: 12,
    Occupation.PROFESSIONAL: 10,
    Occupation.HOUSEWORK: 8,
    Occupation.UNEMPLOYED: 5,
    Occupation.OTHER: 8,
}
ELDERLY_OCCUPATIONS = {
    Occupation.RETIRED: 55,
    Occupation.AGRICULTURE: 25,
    Occupation.HOUSEWORK: 15,
    Occupation.OTHER: 5,
}
WORKPLACE_OCCUPATIONS = {
    Place.INDUSTRIAL: Occupation.OPERATOR,
    Place.FARM: Occupation.AGRICULTURE,
    Place.TRADE_SERVICE: Occupation.COMMERCE,
}


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
