"""Who may see and edit what: the one place that decides it.

Every model of the portal has a queryset built on `ScopedQuerySet`, which knows the path from a
row to its creating unit. Pages, exports, downloads and admin views all go through
`visible_to(user)` or `editable_by(user)`; a row outside the result answers 404. Imports and
the admin ask `may_create(user, instance)` before adding a row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.models import User


class ScopedQuerySet(models.QuerySet):
    """A queryset that filters rows by the district and the creating units a user may see.

    `unit_lookup` is the lookup from this model to the unit's primary key ("pk" for the unit
    itself, "unit" for its groups and members). `None` marks reference data (departments,
    phases, templates …): every signed-in user reads it, only administrators change it.

    `district_lookup` is the lookup from this model to its district: derived from
    `unit_lookup` ("unit__district") for a unit's rows, given for a district's own reference
    data (its programme, phases, departments, targets: "program__district" …), `None` for what
    the whole city shares (indicators, validation rules, scoring schemes, work-group templates).

    The city role and administrators see every district; everyone else works inside their
    district: district staff and providers every unit of it, a clerk their own unit.

    `district_by_unit_ids` narrows a unit's rows to a district by the list of the district's
    unit ids (`User.district_unit_ids`, one query a request) instead of a join on the unit:
    for the large tables read by unit and date (injury records, their rollup) PostgreSQL then
    reads its (unit, date) index once per unit and date range, where the join makes it AND a
    bitmap of each unit's every row with the dates' (bench/README.md, the city).
    """

    unit_lookup: ClassVar[str | None] = None
    district_lookup: ClassVar[str | None] = None
    district_by_unit_ids: ClassVar[bool] = False

    @classmethod
    def district_path(cls) -> str | None:
        """The lookup from a row to its district's primary key, or None for city-wide rows."""
        if cls.district_lookup is not None:
            return cls.district_lookup
        if cls.unit_lookup == "pk":
            return "district"
        if cls.unit_lookup is not None:
            return f"{cls.unit_lookup}__district"
        return None

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        if user.sees_every_district:
            return self.all()
        if self.unit_lookup is None or user.sees_all_units:
            return self.in_district_of(user)
        return self._own_unit(user)

    def editable_by(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        if self.unit_lookup is None:
            return self.all() if user.is_administrator else self.none()
        if user.is_administrator:
            return self.all()
        if user.edits_all_units:
            return self.in_district_of(user)
        if user.edits_own_unit:
            return self._own_unit(user)
        return self.none()

    def in_district_of(self, user: User) -> Self:
        """The rows of `user`'s district (every row for city-wide data); none for a user
        without a district."""
        path = self.district_path()
        if path is None:
            return self.all()
        if user.district_id is None:
            return self.none()
        if self.district_by_unit_ids and self.unit_lookup is not None:
            return self.filter(**{f"{self.unit_lookup}__in": sorted(user.district_unit_ids)})
        return self.filter(**{path: user.district_id})

    def may_create(self, user: User | AnonymousUser, instance: models.Model) -> bool:
        """Whether `user` may add `instance`, a row not saved yet: the rule of `editable_by`.

        Reference data is added by administrators, units by those who edit every unit of the
        unit's district, and anything else only under a unit the user may change (a row under
        no unit, such as a district account, only by those who edit every unit). The unit is
        read through the instance along `unit_lookup` ("unit", "evidence__unit" …).
        """
        if not user.is_authenticated:
            return False
        if self.unit_lookup is None:
            return user.is_administrator
        if self.unit_lookup == "pk":
            return user.is_administrator or (
                user.edits_all_units and getattr(instance, "district_id", None) == user.district_id
            )
        unit_id = unit_id_of(instance, self.unit_lookup)
        if unit_id is None:
            return user.edits_all_units
        return user.edits_unit(unit_id)

    def allows_edit(self, user: User | AnonymousUser, obj: models.Model) -> bool:
        """Whether the saved row `obj` is in `editable_by(user)`: read from the row itself
        where the rule is the plain one of this class, asked of the database where a model
        narrows it (an evaluation is locked once final, a round is the district's …)."""
        if not user.is_authenticated:
            return False
        if type(self).editable_by is not ScopedQuerySet.editable_by:
            return self.editable_by(user).filter(pk=obj.pk).exists()
        if self.unit_lookup is None:
            return user.is_administrator
        if self.unit_lookup == "pk":
            return user.edits_unit(obj.pk)
        return user.edits_unit(unit_id_of(obj, self.unit_lookup))

    def _own_unit(self, user: User) -> Self:
        if user.unit_id is None:
            return self.none()
        return self.filter(**{self.unit_lookup: user.unit_id})


def unit_id_of(obj: models.Model, unit_lookup: str) -> int | None:
    """The unit id of `obj` along `unit_lookup` ("unit", "evidence__unit" …); None when a
    relation on the way is not set."""
    *path, unit_field = unit_lookup.split("__")
    owner = obj
    for name in path:
        owner = getattr(owner, name, None)  # None when the relation is not set
        if owner is None:
            return None
    return getattr(owner, f"{unit_field}_id", None)


def scoped_object(
    request: HttpRequest,
    model: type[models.Model] | models.QuerySet,
    *,
    editable: bool = False,
    **lookup: Any,
) -> Any:
    """The row matching `lookup` among those the signed-in user may see — or change, with
    `editable` — else 404. `model` may be a queryset, to bring related rows along
    (`MonthlyReport.objects.select_related("unit")`). A lookup value of the wrong type (a
    20-digit id, a word for a number) is no row either: 404, never a 500."""
    rows = model if isinstance(model, models.QuerySet) else model._default_manager.all()
    rows = rows.editable_by(request.user) if editable else rows.visible_to(request.user)
    try:
        return rows.get(**lookup)
    except (rows.model.DoesNotExist, ValueError, TypeError, ValidationError, OverflowError):
        raise Http404 from None
