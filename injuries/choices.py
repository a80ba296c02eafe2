"""The code lists of the national injury report card (全国伤害监测报告卡, HospitalEnum edition),
and the portal's own groupings derived from them.

The numbers are the card's; the labels are English message ids whose Chinese translations are
the card's own wording (跌倒/坠落, 公路/街道 …), so a spreadsheet may give a code as its number,
its Chinese label or its English label. `CODE_LISTS` names every list for the import template.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.IntegerChoices):
    """GB/T 2261.1."""

    MALE = 1, _("male")
    FEMALE = 2, _("female")
    UNSTATED = 9, _("sex not stated")


class Registration(models.IntegerChoices):
    """户籍: where the patient's household is registered."""

    THIS_CITY = 1, _("this city or county")
    THIS_PROVINCE = 2, _("elsewhere in the province")
    OTHER_PROVINCE = 3, _("another province")
    FOREIGN = 4, _("foreign national")


class Education(models.IntegerChoices):
    """文化程度."""

    CHILD_NOT_IN_SCHOOL = 1, _("child not yet in school")
    ILLITERATE = 2, _("illiterate or semi-literate")
    PRIMARY = 3, _("primary school")
    JUNIOR_MIDDLE = 4, _("junior middle school")
    SENIOR_MIDDLE = 5, _("senior middle or technical school")
    COLLEGE = 6, _("college")
    UNIVERSITY = 7, _("university or above")


class Occupation(models.IntegerChoices):
    """职业."""

    PRESCHOOL_CHILD = 1, _("pre-school child")
    STUDENT = 2, _("student")
    HOUSEWORK = 3, pgettext_lazy("occupation", "housework")
    UNEMPLOYED = 4, _("unemployed")
    RETIRED = 5, _("retired")
    PROFESSIONAL = 6, _("professional or technical staff")
    CLERICAL = 7, _("clerical and related staff")
    COMMERCE = 8, _("commerce or service worker")
    AGRICULTURE = 9, _("agriculture, forestry, fishery or water conservancy worker")
    OPERATOR = 10, _("production or transport equipment operator")
    MILITARY = 11, _("military")
    OTHER = 12, pgettext_lazy("occupation", "other or unknown")


class Cause(models.IntegerChoices):
    """伤害发生原因: the mechanism of the injury."""

    MOTOR_VEHICLE = 1, _("motor-vehicle crash")
    NON_MOTOR_VEHICLE = 2, _("non-motor-vehicle crash")
    FALL = 3, _("fall")
    BLUNT = 4, _("blunt force")
    FIREARM = 5, _("firearm")
    CUT = 6, _("cut or pierce")
    BURN = 7, _("burn or scald")
    SUFFOCATION = 8, _("suffocation or hanging")
    DROWNING = 9, _("drowning")
    POISONING = 10, _("poisoning")
    ANIMAL = 11, _("animal bite or sting")
    SEXUAL_ASSAULT = 12, _("sexual assault")
    OTHER = 13, pgettext_lazy("cause", "other or unknown")

    @classmethod
    def traffic(cls) -> set[int]:
        return {cls.MOTOR_VEHICLE, cls.NON_MOTOR_VEHICLE}

    @classmethod
    def whole_body(cls) -> set[int]:
        """Causes that injure the whole body: suffocation, drowning and poisoning."""
        return {cls.SUFFOCATION, cls.DROWNING, cls.POISONING}


class Place(models.IntegerChoices):
    """伤害发生地点."""

    HOME = 1, _("home")
    PUBLIC_RESIDENTIAL = 2, _("public residential place")
    SCHOOL_PUBLIC = 3, _("school or public place")
    SPORTS_AREA = 4, _("sports area")
    ROAD = 5, _("road or street")
    TRADE_SERVICE = 6, _("trade or service place")
    INDUSTRIAL = 7, _("industrial or construction site")
    FARM = 8, _("farmland or farm")
    OTHER = 9, pgettext_lazy("place", "other or unknown")


class Activity(models.IntegerChoices):
    """伤害发生时活动."""

    WORK = 1, pgettext_lazy("activity", "work")
    HOUSEWORK = 2, pgettext_lazy("activity", "housework")
    STUDY = 3, _("study")
    SPORTS = 4, _("sports")
    LEISURE = 5, _("leisure")
    VITAL = 6, _("vital activity (eating, sleeping …)")
    DRIVING = 7, _("driving or riding a vehicle")
    WALKING = 8, _("walking")
    OTHER = 9, pgettext_lazy("activity", "other or unknown")


class Intent(models.IntegerChoices):
    """意图."""

    UNINTENTIONAL = 1, _("unintentional")
    SELF_HARM = 2, _("self-harm or suicide")
    ASSAULT = 3, _("assault or violence")
    OTHER = 4, pgettext_lazy("intent", "other or unknown")


class Alcohol(models.IntegerChoices):
    """饮酒情况."""

    DRANK = 1, _("drank alcohol")
    DID_NOT_DRINK = 2, _("did not drink")
    UNKNOWN = 3, pgettext_lazy("alcohol", "unknown")


class Nature(models.IntegerChoices):
    """伤害性质: the most serious injury."""

    FRACTURE = 1, _("fracture")
    SPRAIN = 2, _("sprain or strain")
    OPEN_WOUND = 3, _("cut, bite or open wound")
    CONTUSION = 4, _("contusion or abrasion")
    BURN = 5, pgettext_lazy("nature", "burn")
    CONCUSSION = 6, _("concussion or brain contusion")
    INTERNAL_ORGAN = 7, _("internal organ injury")
    OTHER = 8, pgettext_lazy("nature", "other or unknown")


class BodyPart(models.IntegerChoices):
    """伤害部位."""

    HEAD = 1, _("head")
    UPPER_LIMB = 2, _("upper limb")
    LOWER_LIMB = 3, _("lower limb")
    TRUNK = 4, _("trunk")
    MULTIPLE = 5, _("multiple parts")
    WHOLE_BODY = 6, _("whole body")
    OTHER = 7, pgettext_lazy("body part", "other or unknown")


class Severity(models.IntegerChoices):
    """伤害严重程度."""

    MILD = 1, _("mild")
    MODERATE = 2, _("moderate")
    SEVERE = 3, _("severe")


class Outcome(models.IntegerChoices):
    """伤害结局."""

    DISCHARGED = 1, _("treated and discharged")
    OBSERVATION = 2, _("kept for observation")
    TRANSFERRED = 3, _("transferred")
    ADMITTED = 4, _("admitted to hospital")
    DIED = 5, _("died")
    OTHER = 6, pgettext_lazy("outcome", "other")


class Source(models.TextChoices):
    """Where a record comes from: the hospital card, or a department's own register."""

    HOSPITAL = "hospital", _("hospital")
    TRAFFIC_POLICE = "traffic_police", _("traffic police")
    FIRE = "fire", _("fire and rescue")
    WORK_SAFETY = "work_safety", _("work safety")
    SCHOOL = "school", pgettext_lazy("source", "school")
    COMMUNITY = "community", pgettext_lazy("source", "community")


class AgeBand(models.TextChoices):
    """The broad age groups of Chinese injury reports."""

    CHILDREN = "0-14", _("0–14 (children)")
    WORKING_AGE = "15-59", _("15–59")
    ELDERLY = "60+", _("60 and over (elderly)")


class Domain(models.TextChoices):
    """The safe-community field a record counts towards (see `domain_of` for the rule)."""

    TRAFFIC = "traffic", _("traffic safety")
    WORK = "work", _("work safety")
    FIRE = "fire", _("fire and burns")
    DROWNING = "drowning", _("drowning")
    POISONING = "poisoning", _("poisoning")
    FALL = "fall", _("falls")
    SCHOOL = "school", _("school safety")
    SPORTS = "sports", _("sports safety")
    CHILDREN = "children", _("children's safety")
    ELDERLY = "elderly", _("elderly safety")
    HOME = "home", _("home safety")
    OTHER = "other", pgettext_lazy("domain", "other")


AGE_GROUP_TOP = 85
AGE_GROUP_CHOICES = [
    *((low, f"{low}–{low + 4}") for low in range(0, AGE_GROUP_TOP, 5)),
    (AGE_GROUP_TOP, f"{AGE_GROUP_TOP}+"),
]


def age_group_of(age: int) -> int:
    """The five-year age group (its lower bound: 0, 5 … 85) of an age in years."""
    return min(age // 5 * 5, AGE_GROUP_TOP)


def age_band_of(age: int) -> str:
    if age < 15:
        return AgeBand.CHILDREN
    return AgeBand.WORKING_AGE if age < 60 else AgeBand.ELDERLY


def domain_of(*, cause: int, place: int, activity: int, age: int) -> str:
    """The one safe-community domain a record counts towards, the first rule that applies:

    a traffic crash → traffic; injured at work or on an industrial or construction site → work;
    burn → fire; drowning; poisoning; a fall → falls; injured while studying → school; at sport
    or on a sports ground → sports; a child under 15 → children; 60 or older → elderly; at home →
    home; anything else → other. The mechanism comes first because the programme's work groups
    are organised by it; the age groups collect what no mechanism group claims.
    """
    if cause in Cause.traffic():
        return Domain.TRAFFIC
    if activity == Activity.WORK or place == Place.INDUSTRIAL:
        return Domain.WORK
    by_cause = {
        Cause.BURN: Domain.FIRE,
        Cause.DROWNING: Domain.DROWNING,
        Cause.POISONING: Domain.POISONING,
        Cause.FALL: Domain.FALL,
    }
    if cause in by_cause:
        return by_cause[cause]
    if activity == Activity.STUDY:
        return Domain.SCHOOL
    if activity == Activity.SPORTS or place == Place.SPORTS_AREA:
        return Domain.SPORTS
    if age < 15:
        return Domain.CHILDREN
    if age >= 60:
        return Domain.ELDERLY
    if place == Place.HOME:
        return Domain.HOME
    return Domain.OTHER


#: Every code list of the card, in the order of the card: (field name, choices).
CODE_LISTS: list[tuple[str, type[models.Choices]]] = [
    ("sex", Sex),
    ("registration", Registration),
    ("education", Education),
    ("occupation", Occupation),
    ("cause", Cause),
    ("place", Place),
    ("activity", Activity),
    ("intent", Intent),
    ("alcohol", Alcohol),
    ("nature", Nature),
    ("body_part", BodyPart),
    ("severity", Severity),
    ("outcome", Outcome),
    ("source", Source),
]
