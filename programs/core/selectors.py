"""Reading the event log: a record's or a unit's history, as people read it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Event, EventKind, User
from .transitions import WORKFLOWS

OCCURRENCES = {
    EventKind.CREATED: _("Created"),
    EventKind.ASSIGNED: _("Assigned"),
    EventKind.DEADLINE: _("Deadline reached"),
    EventKind.JOB_FINISHED: _("Finished"),
    EventKind.JOB_FAILED: _("Failed"),
}


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a history: when, who (None for the system), what, from → to, and why."""

    event: Event
    at: datetime
    actor: User | None
    action: Any
    from_label: Any
    to_label: Any
    reason: str

    @property
    def is_system(self) -> bool:
        return self.actor is None


def _state_labels(model: type[models.Model], field: str) -> dict[str, Any]:
    choices = getattr(model._meta.get_field(field), "choices", None) or ()
    return {str(value): label for value, label in choices}


def event_history(events: Iterable[Event]) -> list[HistoryEntry]:
    """The events as history lines, in the order given: each move by its table's label and
    states by their names (a unit's phases by the names they had). The events should come
    with `actor` and `content_type` selected."""
    entries = []
    for event in events:
        model = event.content_type.model_class()
        workflow = WORKFLOWS.get(model._meta.concrete_model) if model else None
        from_label = to_label = ""
        if event.kind == EventKind.MOVE and workflow is not None:
            move = workflow.by_name.get(event.action)
            action = move.label if move else _("Status changed")
            if workflow.state_of is None:
                labels = _state_labels(model, workflow.field)
                from_label = labels.get(event.from_state, event.from_state)
                to_label = labels.get(event.to_state, event.to_state)
            else:
                from_label = event.data.get("from_phase", event.from_state)
                to_label = event.data.get("to_phase", event.to_state)
        else:
            action = OCCURRENCES.get(event.kind, event.action)
        entries.append(
            HistoryEntry(
                event=event,
                at=event.at,
                actor=event.actor,
                action=action,
                from_label=from_label,
                to_label=to_label,
                reason=event.reason,
            )
        )
    return entries


def history_of(obj: models.Model, *, limit: int = 200) -> list[HistoryEntry]:
    """A record's history from the event log, newest first."""
    events = Event.objects.of(obj).select_related("actor", "content_type")[:limit]
    return event_history(events)
