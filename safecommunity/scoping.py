"""Who may see and edit what: the one place that decides it.

Every model of the portal has a queryset built on `ScopedQuerySet`, which knows the path from a
row to its creating unit. Pages, exports, downloads and admin views all go through
`visible_to(user)` or `editable_by(user)`; a row outside the result answers 404. Imports and
the admin ask `may_create(user, instance)` before adding a row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Self

from django.db import models

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.models import User


class ScopedQuerySet(models.QuerySet):
    """A queryset that filters rows by the creating units a user may see.

    `unit_lookup` is the lookup from this model to the unit's primary key ("pk" for the unit
    itself, "unit" for its groups and members). `None` marks reference data (departments,
    phases, templates …): every signed-in user reads it, only administrators change it.
    """

    unit_lookup: ClassVar[str | None] = None

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        if self.unit_lookup is None or user.sees_all_units:
            return self.all()
        return self._own_unit(user)

    def editable_by(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        if self.unit_lookup is None:
            return self.all() if user.is_administrator else self.none()
        if user.edits_all_units:
            return self.all()
        if user.edits_own_unit:
            return self._own_unit(user)
        return self.none()

    def may_create(self, user: User | AnonymousUser, instance: models.Model) -> bool:
        """Whether `user` may add `instance`, a row not saved yet: the rule of `editable_by`.

        Reference data is added by administrators, units by those who edit every unit, and
        anything else only under a unit the user may change (a row under no unit, such as a
        district account, only by those who edit every unit). The unit is read through the
        instance along `unit_lookup` ("unit", "evidence__unit" …).
        """
        if not user.is_authenticated:
            return False
        if self.unit_lookup is None:
            return user.is_administrator
        if self.unit_lookup == "pk":
            return user.edits_all_units
        *path, unit_field = self.unit_lookup.split("__")
        owner = instance
        for name in path:
            owner = getattr(owner, name, None)  # None when the relation is not set
            if owner is None:
                return user.edits_all_units
        unit_id = getattr(owner, f"{unit_field}_id", None)
        if unit_id is None:
            return user.edits_all_units
        units = owner._meta.get_field(unit_field).related_model._default_manager
        return units.editable_by(user).filter(pk=unit_id).exists()

    def _own_unit(self, user: User) -> Self:
        if user.unit_id is None:
            return self.none()
        return self.filter(**{self.unit_lookup: user.unit_id})
