"""Fields every resource names the same way: a unit by its code, a person by their username
(never an id an integrator would have to look up)."""

from __future__ import annotations

from datetime import datetime
from operator import attrgetter
from typing import Any

from django.utils import timezone
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings


class UnitCode(serializers.SlugRelatedField):
    """The record's unit, by its code (`A01`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", read_only=True, **kwargs)


class Username(serializers.SlugRelatedField):
    """A person, by their username; null where nobody (the system) acted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(slug_field="username", read_only=True, **kwargs)


# --- Rows by the million: the representation planned once per page --------------------------

#: Fields whose representation of a value read from the row is the value itself (DRF's
#: `to_representation` of a stored int, bool or text, or a code of the field's choices).
AS_STORED = (serializers.IntegerField, serializers.BooleanField, serializers.CharField)


class PlannedRepresentation:
    """A serializer mixin for collections read by the million (injury records): the same JSON
    as DRF's `Serializer.to_representation`, without its per-field, per-row dispatch. How each
    field reads and writes a value is decided once for the serializer (a page's rows share
    it): a stored number, flag, text or code is the value itself; a date or time its ISO text;
    anything else (a moment, a related row, a method) goes through the field as usual.
    `tests/api/test_api_behaviour.py` checks the output equals DRF's, field by field."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        plan = self.__dict__.get("_plan")
        if plan is None:
            plan = self._plan = [_planned(field) for field in self._readable_fields]
        row = {}
        for name, read, write in plan:
            value = read(instance)
            row[name] = None if value is None else write(value)
        return row


def _planned(field: serializers.Field) -> tuple[str, Any, Any]:
    kind = type(field)
    plain = len(field.source_attrs) == 1 and not isinstance(field, serializers.RelatedField)
    if not plain or isinstance(field, serializers.SerializerMethodField):
        return field.field_name, field.get_attribute, field.to_representation
    read = attrgetter(field.source_attrs[0])
    if kind in AS_STORED or (
        isinstance(field, serializers.ChoiceField)
        and not isinstance(field, serializers.MultipleChoiceField)
    ):
        return field.field_name, read, _same
    if kind in (serializers.DateField, serializers.TimeField) and _iso(field):
        return field.field_name, read, _isoformat
    if kind is serializers.DateTimeField and _iso(field):
        return field.field_name, read, _moment_in(field)
    return field.field_name, read, field.to_representation


def _iso(field: serializers.Field) -> bool:
    setting = {
        serializers.DateField: "DATE_FORMAT",
        serializers.TimeField: "TIME_FORMAT",
        serializers.DateTimeField: "DATETIME_FORMAT",
    }[type(field)]
    output = getattr(field, "format", getattr(api_settings, setting))
    return output is not None and output.lower() == ISO_8601


def _moment_in(field: serializers.DateTimeField) -> Any:
    """A moment as DRF writes it (`enforce_timezone`, ISO 8601, `Z` for UTC), in the zone the
    field would look up for every value, looked up once."""
    zone = field.timezone if hasattr(field, "timezone") else field.default_timezone()

    def write(value: datetime) -> str:
        if zone is not None and timezone.is_aware(value):
            value = value.astimezone(zone)
        text = value.isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def _same(value: Any) -> Any:
    return value


def _isoformat(value: Any) -> Any:
    return value.isoformat() if value else None
