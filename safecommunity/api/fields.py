"""Fields every resource names the same way: a unit by its code, a person by their username
(never an id an integrator would have to look up)."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


class UnitCode(serializers.SlugRelatedField):
    """The record's unit, by its code (`A01`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", read_only=True, **kwargs)


class Username(serializers.SlugRelatedField):
    """A person, by their username; null where nobody (the system) acted."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(slug_field="username", read_only=True, **kwargs)
