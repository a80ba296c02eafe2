"""Enumerations shared by several models of the programme."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    """The three kinds of creating unit named in the district plan."""

    TOWN = "town", _("Town")
    STREET = "street", _("Street office")
    ZONE = "zone", _("Economic zone")


class TitleLevel(models.TextChoices):
    """Safe-community title levels, lowest first: Beijing, national, international (ISCCC)."""

    MUNICIPAL = "municipal", _("Beijing municipal")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")
