"""The event log: one row for every move of a record from one state to another, and for the few
occurrences people are told about that are not moves (created, assigned, deadline reached, job
finished or failed, deleted).

Rows are written by `programs.core.transitions` (`transition` for moves, `record_event` for
occurrences) and never edited or deleted. Histories, notifications, to-do lists and the API's
change feed read them; field edits stay in django-simple-history.
"""

from __future__ import annotations

from typing import Any, NoReturn, Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safecommunity.scoping import ScopedQuerySet

from .units import CreatingUnit

APPEND_ONLY = "The event log is append-only: its rows are never changed or deleted."


class EventKind(models.TextChoices):
    """What an event records."""

    MOVE = "move", _("Move")
    CREATED = "created", _("Created")
    ASSIGNED = "assigned", _("Assigned")
    DEADLINE = "deadline", _("Deadline reached")
    JOB_FINISHED = "job_finished", _("Job finished")
    JOB_FAILED = "job_failed", _("Job failed")
    DELETED = "deleted", _("Deleted")


class EventQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def in_district_of(self, user: Any) -> Self:
        """A unit's events in its district; an event of no unit (a round, an import, a job) in
        the district of the person who caused it."""
        if user.district_id is None:
            return self.none()
        return self.filter(
            models.Q(unit__district=user.district_id)
            | models.Q(unit__isnull=True, actor__district=user.district_id)
        )

    def of(self, obj: models.Model) -> Self:
        """The events of one record, newest first."""
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).order_by("-pk")

    def of_unit(self, unit: CreatingUnit | int) -> Self:
        return self.filter(unit=unit).order_by("-pk")

    def after(self, event_id: int) -> Self:
        """Events written after `event_id`, oldest first: the change feed's cursor (an id rises
        with every row; a timestamp would miss events committed late)."""
        return self.filter(pk__gt=event_id).order_by("pk")

    def update(self, **kwargs: Any) -> NoReturn:
        raise TypeError(APPEND_ONLY)

    def delete(self) -> NoReturn:
        raise TypeError(APPEND_ONLY)


class Event(models.Model):
    """Something that happened to a record of the programme: who (empty for the system), when,
    the unit, the record, the move or occurrence, from → to, the reason given."""

    Kind = EventKind

    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
        help_text=_("Empty when the system acted (a command or a scheduled job)."),
    )
    # Kept after the unit or the record is gone, so the log loses nothing.
    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("creating unit"),
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", verbose_name=_("kind of record")
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.MOVE)
    action = models.CharField(
        _("action"), max_length=40, help_text=_("The move (submit, accept …) or occurrence.")
    )
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["unit", "id"], name="event_unit_id"),
            models.Index(fields=["content_type", "object_id", "id"], name="event_object_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EventKind.values), name="event_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        states = f" {self.from_state} → {self.to_state}" if self.to_state else ""
        return f"{self.action}{states}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise TypeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(APPEND_ONLY)
