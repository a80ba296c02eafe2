"""A unit's money: its budget lines, the disbursements to it and its spending."""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.models import CreatingUnit, District
from programs.funds import errors
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.money import MAX_FEN, split_by_largest_remainder
from safecommunity.scoping import ScopedQuerySet
from safecommunity.validators import validate_not_blank, validate_portal_date

from .reference import AMOUNT_VALIDATORS, YEAR_VALIDATORS, FundCategory, FundSource
from .years import closed_year_errors

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User


# --- who sees the funds -------------------------------------------------------------------------
class FundsQuerySet(ScopedQuerySet):
    """A unit's money records: finance staff and district staff see their district's, a clerk
    their own unit's, the city office and administrators every district's; providers and
    evaluators none (`User.sees_funds`). Clerks and district staff change them through the
    services (`editable_by`, the plain rule); finance staff decide through the moves."""

    unit_lookup = "unit"

    def visible_to(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated or not user.sees_funds:
            return self.none()
        return super().visible_to(user)


class DistrictFundsQuerySet(FundsQuerySet):
    """Money records carrying their district (denormalised from the unit): scoped by it."""

    district_lookup = "district"


class BudgetLineQuerySet(FundsQuerySet):
    """Budgets are set by the district's finance staff and district staff, not by clerks."""

    def editable_by(self, user: User | AnonymousUser) -> Self:
        if not user.is_authenticated:
            return self.none()
        if user.is_administrator:
            return self.all()
        if user.sets_budgets:
            return self.in_district_of(user)
        return self.none()

    def may_create(self, user: User | AnonymousUser, instance: models.Model) -> bool:
        if not user.is_authenticated:
            return False
        if user.is_administrator:
            return True
        unit_id = getattr(instance, "unit_id", None)
        return bool(user.sets_budgets and unit_id in user.district_unit_ids)


# --- budgets --------------------------------------------------------------------------------------
class BudgetLine(ConstraintErrorsOnFields, UpdatedAt):
    """A unit's budget for one year, category and source; a line two levels fund carries its
    city : district ratio (5:5, 4:6, 8:2)."""

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.PROTECT,
        related_name="budget_lines",
        verbose_name=_("creating unit"),
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    category = models.ForeignKey(
        FundCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )
    amount_fen = models.BigIntegerField(_("amount (fen)"), validators=AMOUNT_VALIDATORS)
    city_ratio = models.PositiveSmallIntegerField(
        _("city's share"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("For a line the city and the district fund together: 5 of 5:5."),
    )
    district_ratio = models.PositiveSmallIntegerField(
        _("district's share"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    note = models.TextField(_("note"), blank=True)

    objects = BudgetLineQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {
        "budgetline_one_per_unit_year_category_source": "source",
        "budgetline_amount_not_negative": "amount_fen",
        "budgetline_ratios_both_or_neither": "district_ratio",
    }

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["unit", "-year", "category__order", "source__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "category", "source"],
                name="budgetline_one_per_unit_year_category_source",
                violation_error_message=_(
                    "The unit already has a budget line for this year, category and source."
                ),
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gte=0),
                name="budgetline_amount_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(city_ratio__isnull=True, district_ratio__isnull=True)
                | Q(  # NULL > 0 is unknown, which a CHECK lets through: say "not null"
                    city_ratio__isnull=False,
                    district_ratio__isnull=False,
                    city_ratio__gt=0,
                    district_ratio__gt=0,
                ),
                name="budgetline_ratios_both_or_neither",
                violation_error_message=errors.RATIOS_BOTH,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.category} · {self.source}"

    def clean(self) -> None:
        super().clean()
        if self.unit_id is not None:
            problems = closed_year_errors(self.unit.district_id, self.year, "year")
            if problems:
                raise ValidationError(problems)

    def shares(self) -> tuple[int, int] | None:
        """(city, district) in fen by the largest-remainder rule; None for a single level."""
        if not self.city_ratio or not self.district_ratio:
            return None
        city, district = split_by_largest_remainder(
            self.amount_fen, [self.city_ratio, self.district_ratio]
        )
        return city, district


# --- disbursements ------------------------------------------------------------------------------
class DisbursementStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    RETURNED = "returned", _("Returned")


class MoneyFlow(ConstraintErrorsOnFields, UpdatedAt):
    """What disbursements and expenditures share: a unit's money of a year, category and
    source, with the unit's district kept beside it (the vouchers' scope)."""

    unit = models.ForeignKey(
        CreatingUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("creating unit")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="+", editable=False
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    category = models.ForeignKey(
        FundCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    source = models.ForeignKey(
        FundSource, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )
    amount_fen = models.BigIntegerField(
        _("amount (fen)"), validators=[MinValueValidator(1), MaxValueValidator(MAX_FEN)]
    )
    voucher_number = models.CharField(_("voucher number"), max_length=50, blank=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.unit_id is not None and self.district_id is None:
            self.district_id = self.unit.district_id
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None) -> None:
        if self.unit_id is not None:
            self.district_id = self.unit.district_id  # the unit's, never chosen apart
        super().clean_fields(exclude)


class Disbursement(MoneyFlow):
    """A disbursement (拨付) of money to a unit: requested by the unit or district staff,
    approved by the finance bureau within the budget (or beyond it, once overridden), then
    paid with a voucher, or returned with a reason."""

    Status = DisbursementStatus
    OPEN = frozenset({Status.REQUESTED, Status.APPROVED})
    SPENDS_BUDGET = frozenset({Status.APPROVED, Status.PAID})

    purpose = models.TextField(_("purpose"), validators=[validate_not_blank])
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    paid_on = models.DateField(
        _("paid on"), null=True, blank=True, validators=[validate_portal_date]
    )
    payee = models.CharField(_("payee"), max_length=200, blank=True)
    override = models.BooleanField(
        _("over budget allowed"),
        default=False,
        help_text=_("District staff let this disbursement exceed the remaining budget."),
    )
    override_reason = models.TextField(_("reason for exceeding the budget"), blank=True)
    return_reason = models.TextField(_("reason for returning"), blank=True)
    requested_by = models.ForeignKey(
        "programs.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status_changed_by = models.ForeignKey(
        "programs.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("status changed by"),
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)

    objects = DistrictFundsQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {
        "disbursement_voucher_unique": "voucher_number",
        "disbursement_paid_has_voucher": "voucher_number",
        "disbursement_amount_positive": "amount_fen",
        "disbursement_override_has_reason": "override_reason",
    }

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["-year", "unit", "-requested_at"]
        indexes = [models.Index(fields=["unit", "year"], name="disbursement_unit_year")]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "voucher_number"],
                condition=~Q(voucher_number=""),
                name="disbursement_voucher_unique",
                violation_error_message=_(
                    "This voucher number is already used by a disbursement of this district "
                    "and year."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status=DisbursementStatus.PAID)
                | (Q(paid_on__isnull=False) & ~Q(voucher_number="")),
                name="disbursement_paid_has_voucher",
                violation_error_message=_("A paid disbursement needs its voucher number and date."),
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0),
                name="disbursement_amount_positive",
                violation_error_message=errors.AMOUNT_POSITIVE,
            ),
            models.CheckConstraint(
                condition=Q(override=False) | ~Q(override_reason=""),
                name="disbursement_override_has_reason",
                violation_error_message=errors.OVERRIDE_NEEDS_REASON,
            ),
            models.CheckConstraint(
                condition=Q(status__in=DisbursementStatus.values),
                name="disbursement_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year} {self.category} · {self.source}"

    def get_absolute_url(self) -> str:
        return reverse("programs:funds-disbursement", args=[self.pk])


# --- spending -------------------------------------------------------------------------------------
class Expenditure(MoneyFlow):
    """A payment (支出) the unit made from its funds, against a category and source and,
    where it applies, one of its promotion projects or activities, with its voucher."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS, editable=False)
    spent_on = models.DateField(_("spent on"), validators=[validate_portal_date])
    description = models.TextField(_("description"), validators=[validate_not_blank])
    project = models.ForeignKey(
        "workgroups.PromotionProject",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("promotion project"),
    )
    activity = models.ForeignKey(
        "workgroups.Activity",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("activity"),
    )
    recorded_by = models.ForeignKey(
        "programs.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )

    objects = DistrictFundsQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {
        "expenditure_voucher_unique": "voucher_number",
        "expenditure_voucher_given": "voucher_number",
        "expenditure_amount_positive": "amount_fen",
    }

    class Meta:
        verbose_name = _("expenditure")
        verbose_name_plural = _("expenditures")
        ordering = ["-spent_on", "-pk"]
        indexes = [
            models.Index(fields=["unit", "spent_on"], name="expenditure_unit_spent_on"),
            # A unit's year — `/funds/`' sums per unit, its months, the ledger — read from the
            # index alone on PostgreSQL (bench/funds.py: the city's 400 units read 2,000 rows
            # each for their year's 200 by the unit's index).
            models.Index(
                fields=["unit", "year"],
                include=["spent_on", "amount_fen"],
                name="expenditure_unit_year",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "voucher_number"],
                name="expenditure_voucher_unique",
                violation_error_message=_(
                    "This voucher number is already used by an expenditure of this district "
                    "and year."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(voucher_number=""),
                name="expenditure_voucher_given",
                violation_error_message=errors.VOUCHER_REQUIRED,
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0),
                name="expenditure_amount_positive",
                violation_error_message=errors.AMOUNT_POSITIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.spent_on} {self.voucher_number}"

    def get_absolute_url(self) -> str:
        return reverse("programs:funds-expenditure", args=[self.pk])

    def clean_fields(self, exclude=None) -> None:
        if self.spent_on is not None:
            self.year = self.spent_on.year  # the year is the day's, never typed apart
        super().clean_fields(exclude)

    def clean(self) -> None:
        super().clean()
        problems = {}
        if self.project_id is not None and self.project.unit_id != self.unit_id:
            problems["project"] = errors.PROJECT_OF_OTHER_UNIT
        if self.activity_id is not None and self.activity.unit_id != self.unit_id:
            problems["activity"] = errors.ACTIVITY_OF_OTHER_UNIT
        if self.unit_id is not None and self.spent_on is not None:
            problems |= closed_year_errors(self.unit.district_id, self.spent_on.year, "spent_on")
        if problems:
            raise ValidationError(problems)

    def save(self, *args, **kwargs) -> None:
        if self.spent_on is not None and not kwargs.get("update_fields"):
            self.year = self.spent_on.year
        super().save(*args, **kwargs)
