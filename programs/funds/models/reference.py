"""The fund sources and categories the whole city shares, configured in the admin."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.models import ReferenceQuerySet
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.models import (
    ConstraintErrorsOnFields,
    NamedInTwoLanguages,
    english_name_field,
)
from safecommunity.money import MAX_FEN
from safecommunity.validators import validate_not_blank

YEAR_VALIDATORS = [MinValueValidator(FIRST_DAY.year), MaxValueValidator(LAST_DAY.year)]
AMOUNT_VALIDATORS = [MinValueValidator(0), MaxValueValidator(MAX_FEN)]


# --- reference data, shared city-wide ---------------------------------------------------------
class FundReference(NamedInTwoLanguages, ConstraintErrorsOnFields, models.Model):
    """What fund sources and categories share: a stable code, names, order, in use or not."""

    code = models.SlugField(
        _("code"), max_length=40, help_text=_("Stable short code, used by imports and exports.")
    )
    name = models.CharField(_("name"), max_length=100, validators=[validate_not_blank])
    name_en = english_name_field()
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(
        _("in use"), default=True, help_text=_("Only sources and categories in use are offered.")
    )

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label


class FundSource(FundReference):
    """Where money comes from (district budget, city transfer, the unit's own, society)."""

    history = HistoricalRecords()

    class Meta(FundReference.Meta):
        verbose_name = _("fund source")
        verbose_name_plural = _("fund sources")
        constraints = [models.UniqueConstraint(fields=["code"], name="fundsource_code_unique")]


class FundCategory(FundReference):
    """What money is for (promotion projects, publicity and training, facilities …)."""

    history = HistoricalRecords()

    class Meta(FundReference.Meta):
        verbose_name = _("fund category")
        verbose_name_plural = _("fund categories")
        constraints = [models.UniqueConstraint(fields=["code"], name="fundcategory_code_unique")]
