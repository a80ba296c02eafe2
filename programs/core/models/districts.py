"""Districts (区): the level above the creating units, each running its own programme."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.divisions import validate_district_code
from safecommunity.models import ConstraintErrorsOnFields, NamedInTwoLanguages, english_name_field
from safecommunity.scoping import ScopedQuerySet


class DistrictQuerySet(ScopedQuerySet):
    """District staff and everyone else working in a district see that district; the city
    role and administrators see every district."""

    unit_lookup = None
    district_lookup = "pk"


class District(NamedInTwoLanguages, ConstraintErrorsOnFields, models.Model):
    """One of Beijing's districts that runs the programme on this portal, with its own
    programme, departments, units and staff (顺义区, 怀柔区 …)."""

    code = models.CharField(
        _("division code"),
        max_length=6,
        validators=[validate_district_code],
        help_text=_("The district's official 6-digit code (GB/T 2260), e.g. 110113 for 顺义区."),
    )
    name = models.CharField(_("name"), max_length=50)
    name_en = english_name_field()
    population = models.PositiveIntegerField(
        _("population"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Resident population, for injury rates per 100,000 across districts; "
            "blank when not known."
        ),
    )
    population_year = models.PositiveSmallIntegerField(
        _("population year"), null=True, blank=True, validators=[MinValueValidator(1949)]
    )

    objects = DistrictQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {"district_code_unique": "code", "district_name_unique": "name"}

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="district_code_unique"),
            models.UniqueConstraint(fields=["name"], name="district_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="district_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("programs:district-detail", kwargs={"code": self.code})
