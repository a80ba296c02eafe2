"""Injury records: one record per injured person, as the national report card has it, who may
read and write them, and the fields derived from a card for the statistics.

No personal identifiers are stored: no name, ID number, phone or address. A record is known by
its source, the reporting organisation and that organisation's own record number.
"""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from injuries import choices
from injuries.choices import (
    AGE_GROUP_CHOICES,
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
)
from injuries.errors import (
    CARD_ALREADY_REPORTED,
    ICD10_FORMAT,
    INJURY_DATE_IN_FUTURE,
    RECORD_NUMBER_SPACES,
    VISIT_DATE_IN_FUTURE,
)
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User

MAX_AGE = 120


ICD10_RE = re.compile(r"^[A-Z][0-9]{2}(\.[0-9A-Z]{1,2})?$")
ICD10_VALIDATOR = RegexValidator(ICD10_RE, ICD10_FORMAT)
RECORD_NUMBER_VALIDATOR = RegexValidator(r"^\S(.*\S)?$", RECORD_NUMBER_SPACES)


OPTIONAL_CODES = {"registration", "education", "occupation", "alcohol"}


def _code_valid(field_name: str, codes: type[models.Choices]) -> Q:
    """A coded field holds one of its list's codes (or nothing, where the card allows it)."""
    valid = Q(**{f"{field_name}__in": codes.values})
    return valid | Q(**{f"{field_name}__isnull": True}) if field_name in OPTIONAL_CODES else valid


class InjuryRecordQuerySet(ScopedQuerySet):
    unit_lookup = "unit"
    district_by_unit_ids = True

    def unit_ids_editable_by(self, user: User | AnonymousUser) -> set[int] | None:
        """The units whose records `user` may add, change and import; None means every unit.

        Department providers keep the surveillance data of every unit of their district, as
        district staff do; a clerk keeps their own unit's; administrators every unit's;
        everyone else none.
        """
        if not user.is_authenticated:
            return set()
        if user.is_administrator:
            return None
        if user.edits_all_units or user.role == user.Role.PROVIDER:
            return set(user.district_unit_ids)
        return {user.unit_id} if user.edits_own_unit and user.unit_id else set()

    def enters_records(self, user: User | AnonymousUser) -> bool:
        """Whether `user` enters and imports records at all (their units: `unit_ids_editable_by`),
        read from the user without a query: administrators, district staff and providers of a
        district, a clerk of a unit; evaluators and the city office do not."""
        if not user.is_authenticated:
            return False
        if user.is_administrator:
            return True
        if user.edits_all_units or user.role == user.Role.PROVIDER:
            return user.district_id is not None
        return bool(user.edits_own_unit and user.unit_id)

    def unit_ids_visible_to(self, user: User | AnonymousUser) -> set[int] | None:
        """The units whose records `user` may read; None means every unit. As for every
        unit's rows: the city office and administrators every unit, those who read every unit
        of their district (district staff, providers) the district's, else a user's own unit.
        Pages that must tell "no records" from "may not see them" ask this."""
        if not user.is_authenticated:
            return set()
        if user.sees_every_district:
            return None
        if user.sees_all_units:
            return set(user.district_unit_ids)
        return {user.unit_id} if user.unit_id else set()

    # visible_to: the rule of every unit's rows (`ScopedQuerySet`), a district's records by
    # the list of its unit ids (`district_by_unit_ids`).

    def editable_by(self, user: User | AnonymousUser) -> Self:
        """As `unit_ids_editable_by`: providers keep the records of their district as
        district staff do."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self.all()
        if user.edits_all_units or user.role == user.Role.PROVIDER:
            return self.in_district_of(user)
        if user.edits_own_unit and user.unit_id:
            return self.filter(unit=user.unit_id)
        return self.none()

    def may_create(self, user: User | AnonymousUser, instance: models.Model) -> bool:
        units = self.unit_ids_editable_by(user)
        return units is None or instance.unit_id in units


# Field names in the context "injury card" are translated as the card prints them (性别,
# 伤害发生原因 …): those are the Chinese headers an import recognises.
class InjuryRecord(ConstraintErrorsOnFields, UpdatedAt):
    """One injured person as a hospital or department reported them (伤害监测报告卡): what
    happened, to whom (age, sex …, never who), and how it ended."""

    unit = models.ForeignKey(
        "programs.CreatingUnit",
        on_delete=models.PROTECT,
        db_index=False,  # injury_unit_date_idx (unit, injury_date) serves
        db_constraint=False,  # checked per statement: injuries.models.references_sql
        related_name="injury_records",
        verbose_name=pgettext_lazy("injury card", "creating unit"),
    )
    source = models.CharField(
        pgettext_lazy("injury card", "data source"), max_length=20, choices=Source.choices
    )
    reporting_org = models.CharField(
        pgettext_lazy("injury card", "reporting organisation"),
        max_length=100,
        help_text=_("The hospital or department that filled in the card, e.g. 顺义区医院."),
    )
    record_number = models.CharField(
        pgettext_lazy("injury card", "card number"),
        max_length=50,
        validators=[RECORD_NUMBER_VALIDATOR],
        help_text=_("The reporting organisation's own number for the card."),
    )

    injury_date = models.DateField(pgettext_lazy("injury card", "injury date"))
    injury_time = models.TimeField(
        pgettext_lazy("injury card", "injury time"), null=True, blank=True
    )
    visit_date = models.DateField(pgettext_lazy("injury card", "visit date"), null=True, blank=True)
    visit_time = models.TimeField(pgettext_lazy("injury card", "visit time"), null=True, blank=True)

    sex = models.PositiveSmallIntegerField(pgettext_lazy("injury card", "sex"), choices=Sex.choices)
    age = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "age"), validators=[MaxValueValidator(MAX_AGE)]
    )
    registration = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "household registration"),
        choices=Registration.choices,
        null=True,
        blank=True,
    )
    education = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "education"), choices=Education.choices, null=True, blank=True
    )
    occupation = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "occupation"),
        choices=Occupation.choices,
        null=True,
        blank=True,
    )

    cause = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "cause"), choices=Cause.choices
    )
    place = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "place"), choices=Place.choices
    )
    activity = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "activity"), choices=Activity.choices
    )
    intent = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "intent"), choices=Intent.choices
    )
    alcohol = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "alcohol"), choices=Alcohol.choices, null=True, blank=True
    )

    nature = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "nature of injury"), choices=Nature.choices
    )
    body_part = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "body part"), choices=BodyPart.choices
    )
    severity = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "severity"), choices=Severity.choices
    )
    outcome = models.PositiveSmallIntegerField(
        pgettext_lazy("injury card", "outcome"), choices=Outcome.choices
    )
    diagnosis = models.CharField(
        pgettext_lazy("injury card", "clinical diagnosis"), max_length=200, blank=True
    )
    icd10 = models.CharField(
        pgettext_lazy("injury card", "ICD-10 code"),
        max_length=8,
        blank=True,
        validators=[ICD10_VALIDATOR],
    )
    narrative = models.TextField(
        pgettext_lazy("injury card", "what happened"),
        max_length=1000,
        blank=True,
        help_text=_("How the injury happened, in a sentence or two; no names or addresses."),
    )

    # Derived from the fields above on every save and import (`derive`), for fast statistics.
    year = models.PositiveSmallIntegerField(_("year"), editable=False)
    month = models.PositiveSmallIntegerField(_("month"), editable=False)
    age_group = models.PositiveSmallIntegerField(
        _("age group"), choices=AGE_GROUP_CHOICES, editable=False
    )
    age_band = models.CharField(
        _("broad age group"), max_length=5, choices=AgeBand.choices, editable=False
    )
    domain = models.CharField(
        _("safe-community domain"), max_length=10, choices=Domain.choices, editable=False
    )

    batch = models.ForeignKey(
        "ImportBatch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        db_index=False,  # injury_batch_idx serves
        db_constraint=False,  # checked per statement: injuries.models.references_sql
        related_name="records",
        verbose_name=_("import batch"),
        help_text=_("The import that last wrote the record; empty when entered by hand."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = InjuryRecordQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["year", "month", "age_group", "age_band"])
    constraint_fields = {
        "injury_record_unique_per_source": "record_number",
    }

    class Meta:
        verbose_name = _("injury record")
        verbose_name_plural = _("injury records")
        ordering = ["-injury_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "reporting_org", "record_number"],
                name="injury_record_unique_per_source",
                violation_error_message=CARD_ALREADY_REPORTED,
            ),
            models.CheckConstraint(
                condition=~Q(reporting_org="") & ~Q(record_number=""),
                name="injury_record_key_not_empty",
            ),
            models.CheckConstraint(condition=Q(age__lte=MAX_AGE), name="injury_age_in_range"),
            *(
                models.CheckConstraint(
                    condition=_code_valid(name, codes), name=f"injury_{name}_valid"
                )
                for name, codes in choices.CODE_LISTS
            ),
        ]
        indexes = [
            # The statistics page filters by date (and unit), then counts by a code.
            models.Index(fields=["injury_date", "unit"], name="injury_date_unit_idx"),
            models.Index(fields=["unit", "injury_date"], name="injury_unit_date_idx"),
            models.Index(fields=["year", "month", "unit"], name="injury_year_month_idx"),
            models.Index(fields=["domain", "injury_date"], name="injury_domain_date_idx"),
            models.Index(fields=["source", "injury_date"], name="injury_source_date_idx"),
            models.Index(fields=["batch"], name="injury_batch_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reporting_org} {self.record_number}"

    def save(self, *args, **kwargs) -> None:
        self.derive()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], *DERIVED_FIELDS}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("injuries:record-detail", args=[self.pk])

    def derive(self) -> None:
        """Fill in the fields the statistics count by; imports call this before bulk writes."""
        for name, value in derived_values(vars(self)).items():
            setattr(self, name, value)

    def clean(self) -> None:
        """Hard rules; the card's plausibility checks are warnings (`injuries.checks`)."""
        super().clean()
        today = timezone.localdate()
        errors = {}
        if self.injury_date and self.injury_date > today:
            errors["injury_date"] = INJURY_DATE_IN_FUTURE
        if self.visit_date and self.visit_date > today:
            errors["visit_date"] = VISIT_DATE_IN_FUTURE
        if errors:
            raise ValidationError(errors)

    # The card's "伤害发生时间" and "患者就诊时间" are one date-and-time each; spreadsheets give
    # them so, and imports and exports read and write them through these two properties.
    @property
    def injured_at(self) -> datetime.datetime | datetime.date | None:
        return _combine(self.injury_date, self.injury_time)

    @injured_at.setter
    def injured_at(self, value: datetime.datetime | datetime.date | None) -> None:
        self.injury_date, self.injury_time = split_datetime(value)

    @property
    def visited_at(self) -> datetime.datetime | datetime.date | None:
        return _combine(self.visit_date, self.visit_time)

    @visited_at.setter
    def visited_at(self, value: datetime.datetime | datetime.date | None) -> None:
        self.visit_date, self.visit_time = split_datetime(value)


def _combine(
    day: datetime.date | None, time: datetime.time | None
) -> datetime.datetime | datetime.date | None:
    if day is None or time is None:
        return day
    return datetime.datetime.combine(day, time)


def split_datetime(
    value: datetime.datetime | datetime.date | None,
) -> tuple[datetime.date | None, datetime.time | None]:
    """A date and time as the record's two fields (the time to the minute)."""
    if isinstance(value, datetime.datetime):
        return value.date(), value.time().replace(second=0, microsecond=0)
    return value, None


DERIVED_FIELDS = ("year", "month", "age_group", "age_band", "domain")
#: The card's fields after its key (source, organisation, number) and its two dates, in the
#: card's order: what spreadsheets carry beside those.
CARD_FIELDS = (
    "sex",
    "age",
    "registration",
    "education",
    "occupation",
    "cause",
    "place",
    "activity",
    "intent",
    "alcohol",
    "nature",
    "body_part",
    "severity",
    "outcome",
    "diagnosis",
    "icd10",
    "narrative",
)


def derived_values(values: dict[str, Any]) -> dict[str, Any]:
    """The derived fields (`DERIVED_FIELDS`) of a record's values, by field name."""
    age, injury_date = values["age"], values["injury_date"]
    return {
        "year": injury_date.year,
        "month": injury_date.month,
        "age_group": choices.age_group_of(age),
        "age_band": choices.age_band_of(age),
        "domain": choices.domain_of(
            cause=values["cause"], place=values["place"], activity=values["activity"], age=age
        ),
    }
