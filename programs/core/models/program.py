"""The district's programme and its reference data: departments, phases, milestones, targets."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from safecommunity.models import ConstraintErrorsOnFields, NamedInTwoLanguages, english_name_field
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_portal_date

from .districts import District


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data: read by every signed-in user (a district's own rows by the people of
    that district, see `district_lookup`), changed by administrators."""

    unit_lookup = None


class DistrictRowsQuerySet(ReferenceQuerySet):
    """A district's own reference rows: its programme, its departments."""

    district_lookup = "district"


class PhaseQuerySet(ReferenceQuerySet):
    district_lookup = "program__district"


class MilestoneQuerySet(ReferenceQuerySet):
    district_lookup = "phase__program__district"


class Department(NamedInTwoLanguages, ConstraintErrorsOnFields, models.Model):
    """A district functional department (行业部门) that guides the units and supplies data."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="departments", verbose_name=_("district")
    )
    code = models.SlugField(
        _("code"),
        max_length=40,
        help_text=_("Stable short code, used by spreadsheet imports and the reference data."),
    )
    name = models.CharField(_("name"), max_length=100)
    name_en = english_name_field()
    duties = models.TextField(_("duties in the programme"), blank=True)
    surveillance_data = models.TextField(_("surveillance data supplied"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = DistrictRowsQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {"department_code_unique": "code", "department_name_unique": "name"}

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["district", "sort_order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "code"], name="department_code_unique"),
            models.UniqueConstraint(fields=["district", "name"], name="department_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="department_name_not_empty"),
        ]

    def __str__(self) -> str:
        return self.label

    def get_absolute_url(self) -> str:
        return reverse("programs:program-overview") + f"#department-{self.pk}"


class Program(ConstraintErrorsOnFields, models.Model):
    """A district's safe-community creation programme (安全社区创建工作方案)."""

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="programs", verbose_name=_("district")
    )
    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"), validators=[validate_portal_date])
    end_date = models.DateField(
        _("end date"), null=True, blank=True, validators=[validate_portal_date]
    )
    report_due_day = models.PositiveSmallIntegerField(
        _("monthly report due day"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Day of the following month by which a monthly report is due (1–28)."),
    )
    description = models.TextField(_("description"), blank=True)
    municipal_title_years = models.PositiveSmallIntegerField(
        _("Beijing title valid (years)"), default=3, validators=[MinValueValidator(1)]
    )
    national_title_years = models.PositiveSmallIntegerField(
        _("national title valid (years)"), default=5, validators=[MinValueValidator(1)]
    )
    international_title_years = models.PositiveSmallIntegerField(
        _("international title valid (years)"), default=5, validators=[MinValueValidator(1)]
    )

    objects = DistrictRowsQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="program_code_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="program_name_not_empty"),
            models.CheckConstraint(
                condition=Q(report_due_day__gte=1, report_due_day__lte=28),
                name="program_report_due_day_range",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="program_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program-overview")

    def title_years(self, level: str) -> int:
        """How many years a title of `level` stays valid in this programme."""
        return getattr(self, f"{level}_title_years")


class Phase(NamedInTwoLanguages, ConstraintErrorsOnFields, models.Model):
    """One of the programme's four ordered phases (启动, 实施, 申请认证, 持续改进)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="phases", verbose_name=_("programme")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=50)
    name_en = english_name_field()
    description = models.TextField(_("description"), blank=True)
    start_date = models.DateField(
        _("window opens"), null=True, blank=True, validators=[validate_portal_date]
    )
    end_date = models.DateField(
        _("window closes"), null=True, blank=True, validators=[validate_portal_date]
    )

    objects = PhaseQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {"phase_order_unique": "order", "phase_name_unique": "name"}

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["program", "order"]
        constraints = [
            models.UniqueConstraint(fields=["program", "order"], name="phase_order_unique"),
            models.UniqueConstraint(fields=["program", "name"], name="phase_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="phase_name_not_empty"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="phase_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.label}"

    def get_absolute_url(self) -> str:
        return reverse("programs:program-overview") + f"#phase-{self.order}"


class Milestone(ConstraintErrorsOnFields, models.Model):
    """A deliverable of a phase (e.g. the work plan and creation application, due 30 April)."""

    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("phase")
    )
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(
        _("due date"),
        null=True,
        blank=True,
        validators=[validate_portal_date],
        help_text=_("A fixed date, e.g. 30 April of the programme's first year."),
    )
    due_days_after_joining = models.PositiveSmallIntegerField(
        _("due days after joining"),
        null=True,
        blank=True,
        help_text=_("Or: due this many days after the unit joined the programme."),
    )
    required_for_gate = models.BooleanField(
        _("required for the phase gate"),
        default=True,
        help_text=_(
            "A unit moves to the next phase only when every required milestone is accepted."
        ),
    )
    evidence_required = models.BooleanField(_("evidence required"), default=False)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {
        "milestone_order_unique": "order",
        "milestone_name_unique": "name",
        "milestone_one_kind_of_due": "due_days_after_joining",
    }

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["phase__program", "phase__order", "order"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "order"], name="milestone_order_unique"),
            models.UniqueConstraint(fields=["phase", "name"], name="milestone_name_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="milestone_name_not_empty"),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True) | Q(due_days_after_joining__isnull=True),
                name="milestone_one_kind_of_due",
                violation_error_message=_(
                    "Give either a fixed due date or a number of days after joining, not both."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programs:program-overview") + f"#milestone-{self.pk}"

    def due_for(self, joined_on: date | None) -> date | None:
        """The date this milestone is due for a unit that joined on `joined_on`."""
        if self.due_date is not None:
            return self.due_date
        if self.due_days_after_joining is not None and joined_on is not None:
            return joined_on + timedelta(days=self.due_days_after_joining)
        return None
