"""What units do: the activity log and the safety promotion projects."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from programs.core.models import CreatingUnit
from programs.core.transitions import Move, Workflow, edits_unit, register
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_not_blank, validate_portal_date
from workgroups.choices import ActivityKind, Intervention, SafetyArea, TargetGroup
from workgroups.errors import (
    ACTIVITY_IN_FUTURE,
    PROJECT_ILLEGAL_MOVE,
    PROJECT_REOPEN_NEEDS_REASON,
    RECTIFIED_WITHOUT_FOUND,
    ProjectError,
)

from .organisation import WorkGroup

if TYPE_CHECKING:
    pass


class ActivityQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def in_month(self, first_day) -> ActivityQuerySet:
        """Activities dated in the calendar month that starts on `first_day`."""
        return self.filter(date__year=first_day.year, date__month=first_day.month)


class Activity(ConstraintErrorsOnFields, UpdatedAt):
    """Something a unit did for its safe community: a meeting, a training, a drill, an
    inspection … recorded when it happens, with its participants and results."""

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="activities",
        verbose_name=_("creating unit"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"), validators=[validate_portal_date])
    group = models.ForeignKey(
        WorkGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("work group"),
    )
    title = models.CharField(
        pgettext_lazy("activity", "title"), max_length=200, validators=[validate_not_blank]
    )
    participants = models.PositiveIntegerField(_("participants"), null=True, blank=True)
    hazards_found = models.PositiveIntegerField(
        _("hazards found"), null=True, blank=True, help_text=_("For hazard inspections.")
    )
    hazards_rectified = models.PositiveIntegerField(
        _("hazards rectified"), null=True, blank=True, help_text=_("For hazard inspections.")
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = ActivityQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {"activity_rectified_not_above_found": "hazards_rectified"}

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="activity_title_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=ActivityKind.values), name="activity_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(hazards_rectified__isnull=True)
                | Q(hazards_found__isnull=True)
                | Q(hazards_rectified__lte=F("hazards_found")),
                name="activity_rectified_not_above_found",
                violation_error_message=_("More hazards rectified than found."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="activity_unit_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("workgroups:activity-edit", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.group_id and self.unit_id and self.group.unit_id != self.unit_id:
            errors["group"] = _("The group belongs to another unit.")
        if self.date and self.date > timezone.localdate():
            # The log is of what happened; the monthly report counts it.
            errors["date"] = ACTIVITY_IN_FUTURE
        if self.hazards_rectified is not None and self.hazards_found is None:
            errors["hazards_found"] = RECTIFIED_WITHOUT_FOUND
        if errors:
            raise ValidationError(errors)


# --- Promotion projects -------------------------------------------------------------------


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Under way")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


@deconstructible
class CodeListValidator:
    """A list of codes, each one of `choices` (kept as JSON, so SQLite and PostgreSQL agree)."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.choices = choices

    def __call__(self, value) -> None:
        if not isinstance(value, list) or any(code not in self.choices.values for code in value):
            raise ValidationError(_("Choose from the list."), code="invalid_choice")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CodeListValidator) and other.choices is self.choices


class PromotionProjectQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def active_on(self, day) -> PromotionProjectQuerySet:
        """Projects under way on `day`."""
        return self.filter(status=ProjectStatus.ACTIVE, start__lte=day).filter(
            Q(end__isnull=True) | Q(end__gte=day)
        )


class PromotionProject(ConstraintErrorsOnFields, models.Model):
    """A safety promotion project (安全促进项目): a targeted intervention with an objective,
    run by a work group for some groups of people, and its effect."""

    Status = ProjectStatus

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="projects",
        verbose_name=_("creating unit"),
    )
    group = models.ForeignKey(
        WorkGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("work group"),
    )
    name = models.CharField(_("name"), max_length=200, validators=[validate_not_blank])
    safety_area = models.CharField(_("safety area"), max_length=20, choices=SafetyArea.choices)
    target_groups = models.JSONField(
        _("target groups"), default=list, blank=True, validators=[CodeListValidator(TargetGroup)]
    )
    objective = models.TextField(_("objective"))
    interventions = models.JSONField(
        _("interventions"), default=list, blank=True, validators=[CodeListValidator(Intervention)]
    )
    start = models.DateField(_("start"), validators=[validate_portal_date])
    end = models.DateField(_("end"), null=True, blank=True, validators=[validate_portal_date])
    status = models.CharField(
        _("status"), max_length=10, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    effect = models.TextField(_("effect"), blank=True, help_text=_("What changed, with figures."))

    objects = PromotionProjectQuerySet.as_manager()
    history = HistoricalRecords()
    constraint_fields = {
        "project_dates_ordered": "end",
        "project_name_unique_in_unit": "name",
    }

    class Meta:
        verbose_name = _("promotion project")
        verbose_name_plural = _("promotion projects")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="project_name_not_empty"),
            models.UniqueConstraint(
                fields=["unit", "name"],
                name="project_name_unique_in_unit",
                violation_error_message=_("The unit already has a project with this name."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="project_dates_ordered",
                violation_error_message=_("The project cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(safety_area__in=SafetyArea.values), name="project_area_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("workgroups:project-edit", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        if self.group_id and self.unit_id and self.group.unit_id != self.unit_id:
            raise ValidationError({"group": _("The group belongs to another unit.")})


def _project_move(name, sources, target, label, past, **options) -> Move:
    return Move(
        name,
        sources=sources,
        target=target,
        label=label,
        past=past,
        allowed=edits_unit,
        **options,
    )


register(
    PromotionProject,
    Workflow(
        field="status",
        error=ProjectError,
        illegal=PROJECT_ILLEGAL_MOVE,
        moves=[
            _project_move(
                "start",
                {ProjectStatus.PLANNED},
                ProjectStatus.ACTIVE,
                _("Start"),
                _("started"),
                style="primary",
            ),
            _project_move(
                "complete",
                {ProjectStatus.ACTIVE},
                ProjectStatus.COMPLETED,
                _("Complete"),
                _("completed"),
                style="success",
            ),
            _project_move(
                "suspend",
                {ProjectStatus.ACTIVE},
                ProjectStatus.SUSPENDED,
                _("Suspend"),
                _("suspended"),
                style="outline-warning",
            ),
            _project_move(
                "resume",
                {ProjectStatus.SUSPENDED},
                ProjectStatus.ACTIVE,
                _("Resume"),
                _("resumed"),
            ),
            _project_move(
                "reopen",
                {ProjectStatus.COMPLETED},
                ProjectStatus.ACTIVE,
                _("Reopen"),
                _("reopened"),
                reason=True,
                reason_missing=PROJECT_REOPEN_NEEDS_REASON,
                style="outline-secondary",
            ),
        ],
    ),
)
