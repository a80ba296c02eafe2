"""Filters every API resource shares: `updated_since`, an ISO 8601 moment turned to UTC before it
reaches the database (PostgreSQL refuses offsets past ±15:59 that Python accepts) and kept
within the portal's years, so a strange moment is a 400 at the field, never a 500."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

MOMENT_OUT_OF_RANGE = _("Give a moment between the years 2000 and 2100.")


class MomentField(django_filters.fields.IsoDateTimeField):
    def clean(self, value):
        moment = super().clean(value)
        if moment is None:
            return None
        if not 2000 <= moment.year <= 2100:
            raise forms.ValidationError(MOMENT_OUT_OF_RANGE, code="out_of_range")
        return moment.astimezone(UTC)


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    """`?updated_since=2026-05-01T00:00:00+08:00`: rows changed at or after the moment."""

    field_class = MomentField

    def __init__(self, field_name: str, **kwargs) -> None:
        kwargs.setdefault("label", _("Changed at or after (ISO 8601)"))
        super().__init__(field_name=field_name, lookup_expr="gte", **kwargs)
