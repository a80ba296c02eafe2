"""The code lists of a unit's activity log and its promotion projects: kinds of activity,
the plan's safety areas, the groups of people a project is for and its kinds of intervention."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ActivityKind(models.TextChoices):
    """Kinds of work a unit records as it happens; the monthly report counts them."""

    CREATION_MEETING = "creation_meeting", _("Creation work meeting")
    COMMITTEE_MEETING = "committee_meeting", _("Committee meeting")
    PUBLICITY = "publicity", _("Publicity event")
    TRAINING = "training", _("Training")
    DRILL = "drill", _("Emergency drill")
    HAZARD_INSPECTION = "hazard_inspection", _("Hazard inspection")
    OTHER = "other", _("Other")


class SafetyArea(models.TextChoices):
    """The plan's 15 safety areas of promotion work."""

    PRODUCTION = "production", _("Production safety")
    PUBLIC_ORDER = "public_order", _("Public order")
    TRAFFIC = "traffic", _("Traffic")
    FIRE = "fire", _("Fire")
    WORKPLACE = "workplace", _("Workplace")
    HOME = "home", pgettext_lazy("safety area", "Home")
    ELDERLY = "elderly", _("Elderly people")
    CHILDREN = "children", _("Children")
    DISABLED = "disabled", _("Disabled people")
    SCHOOL = "school", _("Schools")
    FOOD_DRUG = "food_drug", _("Food and drugs")
    PUBLIC_PLACES = "public_places", _("Public places")
    SPORTS = "sports", _("Sports")
    WATER = "water", _("Water")
    DISASTER = "disaster", _("Disaster prevention and environment")


class TargetGroup(models.TextChoices):
    """The groups of people a promotion project is for."""

    ELDERLY = "elderly", _("Elderly people")
    CHILDREN = "children", _("Children")
    DISABLED = "disabled", _("Disabled people")
    STUDENTS = "students", _("Students")
    WORKERS = "workers", _("Workers")
    RESIDENTS = "residents", _("Residents")
    MIGRANTS = "migrants", _("Migrant population")
    DRIVERS = "drivers", _("Drivers")


class Intervention(models.TextChoices):
    """The kinds of intervention a promotion project makes."""

    MANAGEMENT = "management", _("Management")
    EDUCATION = "education", _("Publicity, education and training")
    SERVICES = "services", _("Services")
    FACILITIES = "facilities", _("Facilities and products")
    ENGINEERING = "engineering", _("Engineering")
