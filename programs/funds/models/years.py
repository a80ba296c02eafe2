"""A district's fiscal years: open, or closed and locked by the finance bureau."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from programs.core.models import District
from programs.core.transitions import Move, Workflow, register
from programs.funds import errors
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.scoping import ScopedQuerySet

from .reference import YEAR_VALIDATORS

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User


class FiscalYearQuerySet(ScopedQuerySet):
    """A district's fiscal years: seen by whoever sees its funds, changed only by moves."""

    district_lookup = "district"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated or not user.sees_funds:
            return self.none()
        if user.sees_every_district:
            return self.all()
        return self.in_district_of(user)

    def editable_by(self, user: User | AnonymousUser) -> Self:
        return self.all() if user.is_authenticated and user.is_administrator else self.none()

    def closed(self) -> Self:
        return self.filter(status=FiscalYear.Status.CLOSED)


# --- the fiscal year ----------------------------------------------------------------------------
class FiscalYearStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("fiscal year", "Open")
    CLOSED = "closed", _("Closed")


class FiscalYear(ConstraintErrorsOnFields, UpdatedAt):
    """A district's fiscal year: open while its money records may change, closed (locked) once
    the finance bureau has closed its accounts."""

    Status = FiscalYearStatus

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="fiscal_years", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )

    objects = FiscalYearQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {"fiscalyear_one_per_district_year": "year"}

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["district", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year"],
                name="fiscalyear_one_per_district_year",
                violation_error_message=_("The district already has this fiscal year."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=FiscalYearStatus.values), name="fiscalyear_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.year}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


def keeps_district_funds(user: User, obj: FiscalYear | models.Model) -> bool:
    """The `allowed` of the finance bureau's moves: finance staff of the record's district
    (administrators anywhere)."""
    return bool(user.keeps_funds and (user.is_administrator or user.district_id == obj.district_id))


def year_closed(district_id: int | None, year: int | None) -> bool:
    """Whether `district_id`'s fiscal `year` is closed (one query): its money stays as it is."""
    if district_id is None or year is None:
        return False
    return FiscalYear.objects.closed().filter(district=district_id, year=year).exists()


def closed_year_errors(district_id: int | None, year: int | None, field: str) -> dict:
    """For a model's `clean()`: the closed year's refusal at `field`, or nothing."""
    if not year_closed(district_id, year):
        return {}
    name = District.objects.get(pk=district_id).name
    return {field: ValidationError(errors.YEAR_CLOSED, params={"year": year, "district": name})}


def ensure_year_open(district_id: int | None, year: int | None) -> None:
    """Refuse (`FundsError`, at the year) when the district's fiscal year is closed.

    Called inside the writer's transaction, it locks the year's row (FOR NO KEY UPDATE,
    stored open first when the year has none): a close in progress is waited for and then
    seen, and a close waits for the writes in progress, so no money lands in a year closed
    alongside it."""
    if district_id is None or year is None:
        return
    locked = (
        FiscalYear.objects.select_for_update(no_key=True)
        .filter(district_id=district_id, year=year)
        .values_list("status", flat=True)
    )
    status = locked.first()
    if status is None:  # the year's first money: its row stored open, then locked
        FiscalYear.objects.get_or_create(district_id=district_id, year=year)
        status = locked.first()
    if status == FiscalYear.Status.CLOSED:
        raise errors.FundsError(
            errors.YEAR_CLOSED,
            field="year",
            year=year,
            district=District.objects.get(pk=district_id).name,
        )


register(
    FiscalYear,
    Workflow(
        field="status",
        error=errors.FundsError,
        illegal=errors.ILLEGAL_YEAR_MOVE,
        moves=[
            Move(
                "close",
                sources={FiscalYearStatus.OPEN},
                target=FiscalYearStatus.CLOSED,
                label=_("Close the fiscal year"),
                past=_("closed"),
                allowed=keeps_district_funds,
                refused=errors.ONLY_FINANCE_YEAR,
                style="outline-danger",
            ),
            Move(
                "reopen",
                sources={FiscalYearStatus.CLOSED},
                target=FiscalYearStatus.OPEN,
                label=_("Reopen the fiscal year"),
                past=_("reopened"),
                allowed=keeps_district_funds,
                refused=errors.ONLY_FINANCE_YEAR,
                reason=True,
                reason_missing=errors.REOPEN_NEEDS_REASON,
            ),
        ],
    ),
)
