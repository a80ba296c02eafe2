"""Deletions in the event log. A system keeping a copy of the portal's records through the API
re-reads what changed (`updated_since`) and learns what went from the change feed
(`/api/v1/events/`): each row of a record the API serves (every model with an `updated_at`,
`safecommunity.models.UpdatedAt`, and injury records) leaves a `deleted` event when it is
deleted — through a page, the admin or a cascade. Who deleted it is the request's user (the
change history's middleware keeps the request), else the system.

A bulk delete that bypasses the signals (an import's withdrawal) writes its events itself with
`deletion_events`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.signals import post_delete
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .models.events import Event, EventKind
from .models.units import CreatingUnit
from .transitions import announce, record_event

if TYPE_CHECKING:
    from .models import User

DELETED = "deleted"


def log_deletions(*senders: type[models.Model]) -> None:
    """Write a `deleted` event whenever a row of one of `senders` is deleted (connected per
    model, so the deletes of other models stay fast deletes)."""
    for sender in senders:
        post_delete.connect(_deleted, sender=sender, dispatch_uid=f"deleted-{sender._meta.label}")


def _deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    unit_id = instance.pk if isinstance(instance, CreatingUnit) else None
    record_event(instance, EventKind.DELETED, by=_request_user(), unit_id=unit_id)


def deletion_events(
    model: type[models.Model],
    rows: Iterable[tuple[int, int | None]],
    *,
    by: User | None,
    data: dict[str, Any] | None = None,
) -> list[Event]:
    """Write one `deleted` event per (id, unit id) of `model`'s rows, in bulk, and tell the
    listeners: for deletes that send no signals."""
    content_type = ContentType.objects.get_for_model(model)
    at = timezone.now()
    events = [
        Event(
            at=at,
            actor=by,
            unit_id=unit_id,
            content_type=content_type,
            object_id=pk,
            kind=EventKind.DELETED,
            action=DELETED,
            data=dict(data or {}),
        )
        for pk, unit_id in rows
    ]
    if not events:
        return []
    written = Event.objects.bulk_create(events, batch_size=2000)
    announce(written)
    return written


def _request_user() -> User | None:
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None
