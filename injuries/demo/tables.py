"""What the demo injury records are drawn from: each cause's share, age bands, season and
scenes, who is hurt and how badly, the card's diagnosis and ICD-10 code, who reports it, and the
shares of the patients' registration, education and occupation (see `injuries.demo.records`)."""

from __future__ import annotations

from dataclasses import dataclass

from injuries.choices import (
    Activity,
    AgeBand,
    BodyPart,
    Cause,
    Education,
    Intent,
    Nature,
    Occupation,
    Outcome,
    Place,
    Registration,
    Severity,
)

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
