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
    """Newest changes first across several history querysets.

    Each queryset holds the whole history of the objects concerned, so the differences between
    consecutive records are computed here, not one query per record; related rows named in a
    change (a member's group, a unit's phase) are looked up once per model to show their names.
    """
    raw: list[tuple[Any, list[tuple[models.Field, Any, Any]]]] = []
    for history in histories:
        per_object: dict[Any, list] = defaultdict(list)
        for record in history.select_related("history_user").order_by("history_date", "pk"):
            per_object[record.id].append(record)
        for records in per_object.values():
            previous = None
            for record in records:
                raw.append((record, _differences(record, previous)))
                previous = record
    raw.sort(key=lambda entry: entry[0].history_date, reverse=True)
    raw = raw[:limit]
    labels = _related_labels(diff for _record, diffs in raw for diff in diffs)
    return [
        Change(
            when=record.history_date,
            who=record.history_user,
            action=str(ACTIONS.get(record.history_type, record.history_type)),
            model=str(record.instance_type._meta.verbose_name),
            object_label=str(record.instance),
            changes=tuple(
                FieldChange(
                    field=str(field.verbose_name),
                    old=_display(field, old, labels),
                    new=_display(field, new, labels),
                )
                for field, old, new in diffs
            ),
        )
        for record, diffs in raw
    ]


def _differences(record: Any, previous: Any | None) -> list[tuple[models.Field, Any, Any]]:
    if previous is None or record.history_type != "~":
        return []
    meta = record.instance_type._meta
    return [
        (meta.get_field(change.field), change.old, change.new)
        for change in record.diff_against(previous).changes
    ]


def _related_labels(diffs: Iterable[tuple[models.Field, Any, Any]]) -> dict[tuple[type, Any], str]:
    """Names of the rows that foreign-key changes point to: one query per related model."""
    wanted: dict[type, set] = defaultdict(set)
    for field, old, new in diffs:
        if field.is_relation:
            wanted[field.related_model].update(v for v in (old, new) if v is not None)
    return {
        (model, pk): str(row)
        for model, ids in wanted.items()
        for pk, row in model._base_manager.in_bulk(ids).items()
    }


def _display(field: models.Field, value: Any, labels: dict[tuple[type, Any], str]) -> Any:
    """A choice's label, a related row's name, yes/no — rather than the stored value."""
    if value in (None, ""):
        return "—"
    if field.is_relation:
        return labels.get((field.related_model, value), _("(deleted #%(id)s)") % {"id": value})
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value
