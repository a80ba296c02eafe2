"""A readable change log (who, when, what) built from django-simple-history's records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    when: datetime
    who: Any
    action: str
    model: str
    object_label: str
    changes: tuple[FieldChange, ...]


def change_log(histories: Iterable[models.QuerySet], limit: int = 200) -> list[Change]:
    """Newest changes first across several history querysets, one query per queryset.

    Each queryset holds the whole history of the objects concerned, so the differences
    between consecutive records are computed here rather than one query per record.
    """
    entries: list[Change] = []
    for history in histories:
        per_object: dict[Any, list] = defaultdict(list)
        for record in history.select_related("history_user").order_by("history_date", "pk"):
            per_object[record.id].append(record)
        for records in per_object.values():
            previous = None
            for record in records:
                entries.append(_describe(record, previous))
                previous = record
    entries.sort(key=lambda change: change.when, reverse=True)
    return entries[:limit]


def _describe(record: Any, previous: Any | None) -> Change:
    model = record.instance_type._meta
    changes: tuple[FieldChange, ...] = ()
    if previous is not None and record.history_type == "~":
        delta = record.diff_against(previous)
        changes = tuple(
            FieldChange(
                field=str(model.get_field(change.field).verbose_name),
                old=_display(model, change.field, change.old),
                new=_display(model, change.field, change.new),
            )
            for change in delta.changes
        )
    return Change(
        when=record.history_date,
        who=record.history_user,
        action=str(ACTIONS.get(record.history_type, record.history_type)),
        model=str(model.verbose_name),
        object_label=str(record.instance),
        changes=changes,
    )


def _display(model: Any, field_name: str, value: Any) -> Any:
    """Show a choice's label rather than its stored value."""
    field = model.get_field(field_name)
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return "—" if value in (None, "") else value
