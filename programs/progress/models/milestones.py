"""A unit's progress: its milestones, their transitions, and its moves between phases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit, Milestone
from programs.core.transitions import Move, Step, Workflow, edits_unit, register, reviews
from programs.progress import errors
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.scoping import ScopedQuerySet

if TYPE_CHECKING:
    pass

DUE_SOON_DAYS = 14


class DueBand(models.TextChoices):
    """Where an open milestone stands against its due date (Asia/Shanghai calendar)."""

    OVERDUE = "overdue", _("Overdue")
    DUE_SOON = "due_soon", _("Due soon")
    ON_TIME = "on_time", _("On time")
    NONE = "none", _("No due date")


# A milestone counts as due (or overdue) once the unit has reached its phase; a unit whose phase
# is not set yet is taken at its word for every phase.
REACHED = Q(unit__current_phase__isnull=True) | Q(
    milestone__phase__order__lte=F("unit__current_phase__order")
)


class UnitMilestoneQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def open(self) -> Self:
        return self.filter(status__in=UnitMilestone.OPEN)

    def overdue(self, today: date | None = None) -> Self:
        return self.open().filter(REACHED, due_date__lt=today or timezone.localdate())

    def due_soon(self, today: date | None = None) -> Self:
        today = today or timezone.localdate()
        return self.open().filter(
            REACHED, due_date__gte=today, due_date__lte=today + timedelta(DUE_SOON_DAYS)
        )

    def with_band(self, today: date | None = None) -> Self:
        """Annotate `band` (a DueBand value), computed in the database."""
        today = today or timezone.localdate()
        is_open = Q(status__in=UnitMilestone.OPEN) & REACHED
        return self.annotate(
            band=Case(
                When(is_open & Q(due_date__lt=today), then=Value(DueBand.OVERDUE)),
                When(
                    is_open & Q(due_date__lte=today + timedelta(DUE_SOON_DAYS)),
                    then=Value(DueBand.DUE_SOON),
                ),
                When(due_date__isnull=False, then=Value(DueBand.ON_TIME)),
                default=Value(DueBand.NONE),
            )
        )


class MilestoneStatus(models.TextChoices):
    """未开始 → 进行中 → 已提交 → 已验收, or 已退回 (with a reason) and back to work."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned")


class UnitMilestone(ConstraintErrorsOnFields, UpdatedAt):
    """A unit's progress on one milestone: its status, due date and the last decision on it."""

    Status = MilestoneStatus

    OPEN = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED})

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="unit_milestones",
        verbose_name=_("creating unit"),
    )
    milestone = models.ForeignKey(
        Milestone,
        on_delete=models.CASCADE,
        related_name="unit_milestones",
        verbose_name=_("milestone"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    due_date = models.DateField(
        _("due date"), null=True, blank=True, help_text=_("Kept in step with the milestone.")
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)

    objects = UnitMilestoneQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit milestone")
        verbose_name_plural = _("unit milestones")
        ordering = ["unit", "milestone__phase__order", "milestone__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "milestone"], name="unitmilestone_once_per_unit"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MilestoneStatus.values),
                name="unitmilestone_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=MilestoneStatus.RETURNED) | ~Q(return_reason=""),
                name="unitmilestone_returned_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="unitmilestone_status_due")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.milestone}"

    def get_absolute_url(self) -> str:
        return reverse("programs:milestone-detail", args=[self.unit.code, self.pk])

    # --- state -----------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    def due_band(self, today: date | None = None) -> str:
        """The due band, computed in Python (list pages use `with_band()` in SQL instead)."""
        today = today or timezone.localdate()
        if self.due_date is None:
            return DueBand.NONE
        flagged = self.is_open and self.phase_reached
        if flagged and self.due_date < today:
            return DueBand.OVERDUE
        if flagged and self.due_date <= today + timedelta(DUE_SOON_DAYS):
            return DueBand.DUE_SOON
        return DueBand.ON_TIME

    @property
    def phase_reached(self) -> bool:
        """Whether the unit has reached this milestone's phase (see REACHED)."""
        current = self.unit.current_phase
        return current is None or self.milestone.phase.order <= current.order

    @property
    def is_returned(self) -> bool:
        return self.status == self.Status.RETURNED


def _evidence_present(step: Step) -> None:
    item = step.current
    if (
        item.milestone.evidence_required
        and not item.evidence.filter(versions__isnull=False).exists()
    ):
        raise errors.MilestoneError(errors.EVIDENCE_MISSING)


def _decided(step: Step) -> list[str]:
    """Who moved the milestone last, and when; a return keeps its reason for the unit."""
    item = step.obj
    item.status_changed_at, item.status_changed_by = step.at, step.by
    if item.status == MilestoneStatus.RETURNED:
        item.return_reason = step.reason
    return ["status_changed_at", "status_changed_by", "return_reason"]


register(
    UnitMilestone,
    Workflow(
        field="status",
        error=errors.MilestoneError,
        illegal=errors.ILLEGAL_MILESTONE_MOVE,
        moves=[
            Move(
                "start",
                sources={MilestoneStatus.NOT_STARTED, MilestoneStatus.RETURNED},
                target=MilestoneStatus.IN_PROGRESS,
                label=_("Start work"),
                past=_("started"),
                allowed=edits_unit,
                effect=_decided,
            ),
            Move(
                "submit",
                sources=UnitMilestone.OPEN,
                target=MilestoneStatus.SUBMITTED,
                label=_("Submit for acceptance"),
                past=_("submitted"),
                allowed=edits_unit,
                check=_evidence_present,
                effect=_decided,
                style="primary",
            ),
            Move(
                "accept",
                sources={MilestoneStatus.SUBMITTED},
                target=MilestoneStatus.ACCEPTED,
                label=_("Accept"),
                past=_("accepted"),
                allowed=reviews,
                refused=errors.ONLY_DISTRICT_REVIEWS,
                effect=_decided,
                style="success",
            ),
            Move(
                "return",
                sources={MilestoneStatus.SUBMITTED},
                target=MilestoneStatus.RETURNED,
                label=_("Return"),
                past=_("returned"),
                allowed=reviews,
                refused=errors.ONLY_DISTRICT_REVIEWS,
                reason=True,
                reason_missing=errors.RETURN_NEEDS_REASON,
                effect=_decided,
                style="outline-danger",
            ),
        ],
    ),
)
