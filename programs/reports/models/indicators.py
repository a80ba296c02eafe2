"""What a monthly report asks for: the indicators and the validation rules over their values."""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Self

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.models import ReferenceQuerySet
from safecommunity.models import (
    ConstraintErrorsOnFields,
    NamedInTwoLanguages,
    english_name_field,
    in_active_language,
)


class IndicatorSection(models.TextChoices):
    """The parts of the monthly report form, in the order they are shown."""

    WORK = "work", _("Work done")
    ACTIVITIES = "activities", _("Publicity, training and drills")
    HAZARDS = "hazards", _("Hazard inspection")
    ACCIDENTS = "accidents", _("Accidents and injuries")


class IndicatorSource(models.TextChoices):
    """Where the portal finds an indicator's value for the month, if anywhere: in the activity
    log, or in the injury records; `programs.reports.indicator_values_from_activities` computes
    them.

    There is one count for each kind of activity (`workgroups.models.ActivityKind`; a test
    keeps the two lists in step). The injury records count people, injured (any outcome but
    death) and dead, never accidents: how many crashes or fires there were stays the unit's
    figure, and so do gas accidents, which the report card cannot tell apart.
    """

    NONE = "none", _("None: entered by the unit")
    CREATION_MEETING_COUNT = "creation_meeting_count", _("Creation work meetings held")
    COMMITTEE_MEETING_COUNT = "committee_meeting_count", _("Committee meetings held")
    PUBLICITY_COUNT = "publicity_count", _("Publicity events held")
    TRAINING_COUNT = "training_count", _("Trainings held")
    DRILL_COUNT = "drill_count", _("Emergency drills held")
    HAZARD_INSPECTION_COUNT = "hazard_inspection_count", _("Hazard inspections made")
    OTHER_COUNT = "other_count", _("Other activities")
    PUBLICITY_PARTICIPANTS = "publicity_participants", _("Participants in publicity events")
    TRAINING_PARTICIPANTS = "training_participants", _("Participants in trainings")
    DRILL_PARTICIPANTS = "drill_participants", _("Participants in drills")
    HAZARDS_FOUND = "hazards_found", _("Hazards found")
    HAZARDS_RECTIFIED = "hazards_rectified", _("Hazards rectified")
    PROJECTS_ACTIVE = "projects_active", _("Promotion projects under way at the month's end")
    INJURY_TRAFFIC_INJURED = (
        "injury_traffic_injured",
        _("Injured in traffic crashes (injury records)"),
    )
    INJURY_TRAFFIC_DEATHS = "injury_traffic_deaths", _("Died in traffic crashes (injury records)")
    INJURY_WORK_INJURED = "injury_work_injured", _("Injured at work (injury records)")
    INJURY_WORK_DEATHS = "injury_work_deaths", _("Died at work (injury records)")
    INJURY_FIRE_INJURED = "injury_fire_injured", _("Injured by fire and burns (injury records)")
    INJURY_FIRE_DEATHS = "injury_fire_deaths", _("Died of fire and burns (injury records)")
    INJURY_ASSAULT_INJURED = "injury_assault_injured", _("Injured by assault (injury records)")
    INJURY_ASSAULT_DEATHS = "injury_assault_deaths", _("Died of assault (injury records)")

    @classmethod
    def count_of(cls, activity_kind: str) -> IndicatorSource:
        """The source counting activities of `activity_kind` (an ActivityKind value)."""
        return cls(f"{activity_kind}_count")


class IndicatorQuerySet(ReferenceQuerySet):
    def active(self) -> Self:
        return self.filter(is_active=True)

    def automatic(self) -> Self:
        """Active indicators the portal fills in from the activity log or the injury records."""
        return self.active().exclude(source=IndicatorSource.NONE)


class Indicator(NamedInTwoLanguages, ConstraintErrorsOnFields, models.Model):
    """A figure every unit reports each month, such as trainings held or traffic deaths;
    some are filled in from the unit's activity log or its injury records."""

    Section = IndicatorSection
    Source = IndicatorSource

    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Stable short code, used by spreadsheets, exports and the reference data."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = english_name_field()
    unit_of_measure = models.CharField(
        _("unit of measure"), max_length=20, help_text=_("For example 次, 人次, 起, 人.")
    )
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to stop asking units for this figure.")
    )
    source = models.CharField(
        _("automatic source"),
        max_length=30,
        choices=Source.choices,
        default=Source.NONE,
        help_text=_(
            "The month's activity log or injury records fill the value in; the unit may change it "
            "with a comment."
        ),
    )

    objects = IndicatorQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {
        "indicator_code_unique": "code",
        "indicator_name_unique": "name",
        "indicator_source_unique": "source",
    }

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="indicator_code_unique"),
            models.UniqueConstraint(fields=["name"], name="indicator_name_unique"),
            models.UniqueConstraint(
                fields=["source"],
                condition=~Q(source=IndicatorSource.NONE),
                name="indicator_source_unique",
                violation_error_message=_("Another indicator already takes its value from there."),
            ),
            models.CheckConstraint(condition=~Q(code=""), name="indicator_code_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="indicator_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(unit_of_measure=""), name="indicator_unit_of_measure_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(section__in=IndicatorSection.values), name="indicator_section_valid"
            ),
            models.CheckConstraint(
                condition=Q(source__in=IndicatorSource.values), name="indicator_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_automatic(self) -> bool:
        return self.source != IndicatorSource.NONE


_COMPARISONS: dict[str, Callable[[Decimal, Decimal], bool]] = {
    "lt": operator.lt,
    "lte": operator.le,
    "eq": operator.eq,
    "ne": operator.ne,
    "gte": operator.ge,
    "gt": operator.gt,
}


class RuleOperator(models.TextChoices):
    """How a rule compares its left side with its right side."""

    LT = "lt", "<"
    LTE = "lte", "≤"
    EQ = "eq", "="
    NE = "ne", "≠"
    GTE = "gte", "≥"
    GT = "gt", ">"

    def holds(self, left: Decimal, right: Decimal) -> bool:
        return _COMPARISONS[self.value](left, right)


class RuleSeverity(models.TextChoices):
    """What a broken rule does to a report."""

    ERROR = "error", _("Error: blocks submission")
    WARNING = "warning", _("Warning: needs a comment")


class ValidationRuleQuerySet(ReferenceQuerySet):
    def in_force(self) -> Self:
        """Active rules with their indicators, ready for `rules_evaluate`."""
        return self.filter(is_active=True).select_related("left", "right_indicator")


class ValidationRule(ConstraintErrorsOnFields, models.Model):
    """A check on a monthly report, such as "hazards rectified ≤ hazards found": an indicator
    compared with another indicator or with a constant."""

    Operator = RuleOperator
    Severity = RuleSeverity

    code = models.SlugField(
        _("code"),
        max_length=50,
        help_text=_("Stable short code, used by the reference data."),
    )
    name = models.CharField(_("name"), max_length=100)
    left = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="rules_on_left",
        verbose_name=_("left indicator"),
    )
    operator = models.CharField(_("operator"), max_length=3, choices=Operator.choices)
    right_indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rules_on_right",
        verbose_name=_("right indicator"),
    )
    right_constant = models.DecimalField(
        _("right constant"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Compare with this number instead of another indicator."),
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.ERROR
    )
    message_zh = models.CharField(
        _("message in Chinese"),
        max_length=300,
        help_text=_("What the clerk reads when the rule is broken."),
    )
    message_en = models.CharField(
        _("message in English"),
        max_length=300,
        blank=True,
        help_text=_("Shown in the English interface; the Chinese message is shown when empty."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ValidationRuleQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {
        "validationrule_code_unique": "code",
        "validationrule_name_unique": "name",
        "validationrule_one_right_side": "right_constant",
        "validationrule_sides_differ": "right_indicator",
    }

    class Meta:
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")
        ordering = ["left__order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="validationrule_code_unique"),
            models.UniqueConstraint(fields=["name"], name="validationrule_name_unique"),
            models.CheckConstraint(condition=~Q(code=""), name="validationrule_code_not_empty"),
            models.CheckConstraint(condition=~Q(name=""), name="validationrule_name_not_empty"),
            models.CheckConstraint(
                condition=~Q(message_zh=""), name="validationrule_message_zh_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(right_indicator__isnull=False, right_constant__isnull=True)
                | Q(right_indicator__isnull=True, right_constant__isnull=False),
                name="validationrule_one_right_side",
                violation_error_message=_(
                    "Compare with either another indicator or a constant: give exactly one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(right_indicator__isnull=True) | ~Q(right_indicator=F("left")),
                name="validationrule_sides_differ",
                violation_error_message=_("An indicator cannot be compared with itself."),
            ),
            models.CheckConstraint(
                condition=Q(operator__in=RuleOperator.values), name="validationrule_operator_valid"
            ),
            models.CheckConstraint(
                condition=Q(severity__in=RuleSeverity.values), name="validationrule_severity_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def message(self) -> str:
        """The message in the interface's language."""
        return in_active_language(self.message_zh, self.message_en)

    @property
    def is_error(self) -> bool:
        return self.severity == RuleSeverity.ERROR

    @property
    def expression(self) -> str:
        """The rule as a formula of indicator codes, e.g. `hazards-rectified ≤ hazards-found`."""
        right = self.right_indicator.code if self.right_indicator_id else self.right_constant
        return f"{self.left.code} {RuleOperator(self.operator).label} {right}"

    def holds(self, left: Decimal, right: Decimal) -> bool:
        """Whether the values `left` and `right` satisfy the rule's comparison."""
        return RuleOperator(self.operator).holds(left, right)
