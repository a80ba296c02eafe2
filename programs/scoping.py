"""Who may see and edit what: the one place that decides it.

Every model of the portal has a queryset built on `ScopedQuerySet`, which knows the path from a
row to its creating unit. Pages, exports, downloads and admin views all go through
`visible_to(user)` or `editable_by(user)`; a row outside the result answers 404.
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

    def _own_unit(self, user: User) -> Self:
        if user.unit_id is None:
            return self.none()
        return self.filter(**{self.unit_lookup: user.unit_id})
