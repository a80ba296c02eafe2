"""Notifications: one row per person told of one event of the log, and each person's choice of
how their kinds of notification reach them by e-mail."""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit, Event
from safecommunity.scoping import ScopedQuerySet


class NotificationKind(models.TextChoices):
    """What a notification tells; each kind is a row (or two) of the rule table."""

    # unit clerks
    REPORT_RETURNED = "report_returned", _("Monthly report returned")
    REPORT_APPROVED = "report_approved", _("Monthly report approved")
    REPORT_REOPENED = "report_reopened", _("Monthly report reopened")
    MILESTONE_RETURNED = "milestone_returned", _("Milestone returned")
    MILESTONE_ACCEPTED = "milestone_accepted", _("Milestone accepted")
    ROUND_OPENED = "round_opened", _("Self-assessment opened")
    EVALUATION_FINALISED = "evaluation_finalised", _("Evaluation finalised")
    EVALUATION_REOPENED = "evaluation_reopened", _("Evaluation reopened")
    REPORT_DUE = "report_due", _("Monthly report due soon")
    REPORT_OVERDUE = "report_overdue", _("Monthly report overdue")
    MILESTONE_DUE = "milestone_due", _("Milestone due soon")
    MILESTONE_OVERDUE = "milestone_overdue", _("Milestone overdue")
    QUARTER_MEETING = "quarter_meeting", _("Quarter without a creation meeting")
    # district staff
    REPORT_SUBMITTED = "report_submitted", _("Monthly report submitted")
    MILESTONE_SUBMITTED = "milestone_submitted", _("Milestone submitted")
    TITLE_EXPIRING = "title_expiring", _("Title expiring")
    IMPORT_FINISHED = "import_finished", _("Import finished")
    IMPORT_FAILED = "import_failed", _("Import failed")
    # creation funds: the unit's clerks and whoever asked; finance staff; the district
    DISBURSEMENT_APPROVED = "disbursement_approved", _("Disbursement approved")
    DISBURSEMENT_RETURNED = "disbursement_returned", _("Disbursement returned")
    DISBURSEMENT_PAID = "disbursement_paid", _("Disbursement paid")
    DISBURSEMENT_REQUESTED = "disbursement_requested", _("Disbursement requested")
    FUNDS_BEHIND = "funds_behind", _("Spending below the straight line")
    # evaluators
    EVALUATOR_NAMED = "evaluator_named", _("Named evaluator of a round")
    ROUND_CLOSING = "round_closing", _("Round closing with items to grade")


class Delivery(models.TextChoices):
    """How a kind of notification reaches a person by e-mail (the portal always shows it)."""

    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("Daily digest")
    OFF = "off", _("No e-mail")


class NotificationQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def visible_to(self, user: Any) -> Self:
        """A person sees their own notifications, and only those of units still in their scope
        (a clerk moved to another unit no longer sees the old unit's); administrators see every
        row, in the admin. Whether the record itself is still visible is asked when opening it."""
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self.all()
        mine = self.filter(user=user)
        if user.sees_all_units or user.role == user.Role.EVALUATOR:
            return mine  # an evaluator's scope is the rounds: checked on the record when opened
        return mine.filter(Q(unit__isnull=True) | Q(unit=user.unit_id))

    def editable_by(self, user: Any) -> Self:
        return self.none()  # nobody edits a notification; its recipient marks it read

    def may_create(self, user: Any, instance: Any) -> bool:
        return False

    def of(self, user: Any) -> Self:
        """The notifications `user` gets in the portal: their own, in their scope."""
        return self.visible_to(user).filter(user=user) if user.is_authenticated else self.none()

    def unread(self) -> Self:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One person told of one event of the log: what it is about, when, and whether they have
    read it and been sent it by e-mail."""

    Kind = NotificationKind

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
    )
    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="+", verbose_name=_("event")
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creating unit"),
    )
    subject = models.CharField(
        _("about"), max_length=200, help_text=_("The record's name when the event happened.")
    )
    created_at = models.DateTimeField(_("at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # The dedupe key: an event tells each person once, however often it is handed on.
            models.UniqueConstraint(fields=["user", "event"], name="notification_once_per_event"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
        ]
        indexes = [
            # The bell (unread of one user) and the list (one user's newest first).
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_user_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("programs:notification-open", args=[self.pk])

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class PreferenceQuerySet(ScopedQuerySet):
    def visible_to(self, user: Any) -> Self:
        if not user.is_authenticated:
            return self.none()
        return self.all() if user.is_administrator else self.filter(user=user)

    def editable_by(self, user: Any) -> Self:
        return self.visible_to(user)

    def may_create(self, user: Any, instance: Any) -> bool:
        return user.is_authenticated and (
            user.is_administrator or getattr(instance, "user_id", None) == user.pk
        )


class NotificationPreference(models.Model):
    """How one person wants one kind of notification by e-mail; without a row, the kind's
    default (returns and failures at once, the rest in the daily digest)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
        verbose_name=_("user"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    delivery = models.CharField(_("e-mail"), max_length=10, choices=Delivery.choices)

    objects = PreferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="preference_once_per_kind"),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="preference_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=Delivery.values), name="preference_delivery_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_kind_display()}: {self.get_delivery_display()}"
