"""A unit's progress: its milestones, their transitions, and its moves between phases."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit, Milestone, Phase
from programs.progress import errors
from safecommunity.models import ConstraintErrorsOnFields
from safecommunity.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from programs.core.models import User

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


class UnitMilestone(ConstraintErrorsOnFields, models.Model):
    """A unit's progress on one milestone: its status, due date and the last decision on it."""

    Status = MilestoneStatus

    OPEN = frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED})
    # What each transition is called in messages ("cannot be submitted").
    ACTIONS = {
        "start": _("started"),
        "submit": _("submitted"),
        "accept": _("accepted"),
        "return": _("returned"),
    }

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

    # --- transitions: each checks the state, records who and when, and saves ----------------
    def start(self, *, by: User) -> None:
        self._move(
            "start",
            to=self.Status.IN_PROGRESS,
            allowed={self.Status.NOT_STARTED, self.Status.RETURNED},
            by=by,
        )

    def submit(self, *, by: User) -> None:
        if (
            self.milestone.evidence_required
            and not self.evidence.filter(versions__isnull=False).exists()
        ):
            raise errors.MilestoneError(errors.EVIDENCE_MISSING)
        self._move("submit", to=self.Status.SUBMITTED, allowed=self.OPEN, by=by)

    def accept(self, *, by: User) -> None:
        self._require_reviewer(by)
        self._move("accept", to=self.Status.ACCEPTED, allowed={self.Status.SUBMITTED}, by=by)

    def return_(self, *, by: User, reason: str) -> None:
        self._require_reviewer(by)
        if not reason.strip():
            raise errors.MilestoneError(errors.RETURN_NEEDS_REASON)
        self._move(
            "return",
            to=self.Status.RETURNED,
            allowed={self.Status.SUBMITTED},
            by=by,
            note=reason.strip(),
        )

    def _require_reviewer(self, user: User) -> None:
        if not user.reviews_units:
            raise errors.MilestoneError(errors.ONLY_DISTRICT_REVIEWS)

    def _move(self, action: str, *, to: str, allowed: set, by: User, note: str = "") -> None:
        # Two reviewers (or a clerk and a reviewer) may act on the same milestone at once: lock
        # the row and check the state as it is now, not as it was when the page was loaded.
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.status not in allowed:
                raise errors.MilestoneError(
                    errors.ILLEGAL_MILESTONE_MOVE,
                    current=current.get_status_display(),
                    action=self.ACTIONS[action],
                )
            now = timezone.now()
            self.status = to
            self.status_changed_at = now
            self.status_changed_by = by
            if to == self.Status.RETURNED:
                self.return_reason = note
            self.save(
                update_fields=["status", "status_changed_at", "status_changed_by", "return_reason"]
            )
            MilestoneEvent.objects.create(
                unit_milestone=self,
                from_status=current.status,
                to_status=to,
                by=by,
                at=now,
                note=note,
            )


class MilestoneEventQuerySet(ScopedQuerySet):
    unit_lookup = "unit_milestone__unit"


class MilestoneEvent(models.Model):
    """One transition of a unit's milestone: from, to, who, when and the note given."""

    unit_milestone = models.ForeignKey(
        UnitMilestone,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("unit milestone"),
    )
    from_status = models.CharField(_("from"), max_length=20, choices=UnitMilestone.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=UnitMilestone.Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    objects = MilestoneEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("milestone event")
        verbose_name_plural = _("milestone events")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class PhaseTransitionQuerySet(ScopedQuerySet):
    unit_lookup = "unit"


class PhaseTransition(models.Model):
    """A unit's move from one phase to the next, with who moved it and, past the gate, why."""

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="phase_transitions",
        verbose_name=_("creating unit"),
    )
    from_phase = models.ForeignKey(
        Phase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("from"),
    )
    to_phase = models.ForeignKey(
        Phase, on_delete=models.PROTECT, related_name="+", verbose_name=_("to")
    )
    moved_at = models.DateTimeField(_("moved at"))
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("moved by"),
    )
    overridden = models.BooleanField(
        _("gate overridden"),
        default=False,
        help_text=_("Moved although required milestones were open."),
    )
    reason = models.TextField(_("reason"), blank=True)

    objects = PhaseTransitionQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase move")
        verbose_name_plural = _("phase moves")
        ordering = ["-moved_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(overridden=False) | ~Q(reason=""),
                name="phasetransition_override_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit}: {self.from_phase or '—'} → {self.to_phase}"
