"""Reads of the creation funds: execution per unit and the year's final accounts (决算).

Every sum is made by the database over integer fen and stays integer fen; rates are
`safecommunity.numbers.percent` (rounded half up, None without a budget)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import groupby
from typing import TYPE_CHECKING, TypedDict

from django.db import models
from django.db.models import BigIntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils import timezone

from programs.core.models import CreatingUnit, District
from programs.funds.forms import FundsFilterForm
from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FiscalYear,
    FundCategory,
    FundSource,
)
from safecommunity.calendar import Month
from safecommunity.errors import BadQuery
from safecommunity.numbers import percent

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.http import QueryDict

    from programs.core.models import User

PAID = Disbursement.Status.PAID


class ExecutionRow(TypedDict):
    """One unit's year: its budget, what was paid to it and what it spent, in fen."""

    unit_id: int
    code: str
    name: str
    budget: int
    disbursed: int
    spent: int
    execution_rate: Decimal | None  # spent ÷ budget, percent
    disbursement_rate: Decimal | None  # paid ÷ budget, percent


class AccountsRow(TypedDict):
    """A (category, source) row of the final accounts, or the total (category None)."""

    category: str | None
    source: str | None
    budget: int
    disbursed: int
    spent: int
    balance: int  # budget − spent
    execution_rate: Decimal | None


def _unit_total(rows: models.QuerySet) -> Coalesce:
    """The sum of `rows`' amounts for the outer unit, 0 when it has none (a subquery)."""
    total = rows.filter(unit=OuterRef("pk")).order_by().values("unit")
    total = total.annotate(total=Sum("amount_fen")).values("total")
    return Coalesce(Subquery(total), Value(0), output_field=BigIntegerField())


def execution(units: models.QuerySet, year: int) -> list[ExecutionRow]:
    """Budget, disbursed (paid), spent, execution and disbursement rates of each of `units`
    (already scoped by the caller) in `year`, in the queryset's order: one query."""
    rows = units.annotate(
        budget=_unit_total(BudgetLine.objects.filter(year=year)),
        disbursed=_unit_total(Disbursement.objects.filter(year=year, status=PAID)),
        spent=_unit_total(Expenditure.objects.filter(year=year)),
    ).values("pk", "code", "name", "budget", "disbursed", "spent")
    return [
        ExecutionRow(
            unit_id=row["pk"],
            code=row["code"],
            name=row["name"],
            budget=row["budget"],
            disbursed=row["disbursed"],
            spent=row["spent"],
            execution_rate=percent(row["spent"], row["budget"]),
            disbursement_rate=percent(row["disbursed"], row["budget"]),
        )
        for row in rows
    ]


@dataclass(frozen=True)
class ExecutionTotal:
    """Units' year together: budget, disbursed (paid) and spent, in fen, and the rates."""

    budget: int = 0
    disbursed: int = 0
    spent: int = 0

    @property
    def execution_rate(self) -> Decimal | None:
        return percent(self.spent, self.budget)

    @property
    def disbursement_rate(self) -> Decimal | None:
        return percent(self.disbursed, self.budget)


def execution_total(unit_ids: Iterable[int], year: int) -> ExecutionTotal:
    """What the units `unit_ids` (already scoped by the caller) were given, were paid and spent
    in `year`, together: one query of three sums (UNION ALL), each read by its index — the
    spending by (unit, day) over the year's days."""
    ids = list(unit_ids)
    if not ids:
        return ExecutionTotal()

    def summed(rows: models.QuerySet, part: int) -> models.QuerySet:
        # grouped by a constant: no GROUP BY, so one row even when nothing matches
        return (
            rows.filter(unit__in=ids)
            .order_by()
            .annotate(part=Value(part))
            .values("part")
            .annotate(total=Sum("amount_fen"))
            .values_list("part", "total")
        )

    first, last = date(year, 1, 1), date(year, 12, 31)
    parts = summed(BudgetLine.objects.filter(year=year), 0).union(
        summed(Disbursement.objects.filter(year=year, status=PAID), 1),
        summed(Expenditure.objects.filter(year=year, spent_on__range=(first, last)), 2),
        all=True,
    )
    totals = {part: int(total or 0) for part, total in parts}
    return ExecutionTotal(budget=totals[0], disbursed=totals[1], spent=totals[2])


def _by_category_source(rows: models.QuerySet) -> dict[tuple[int, int], int]:
    grouped = (
        rows.order_by()
        .values("category", "source")
        .annotate(total=Sum("amount_fen"))
        .values_list("category", "source", "total")
    )
    return {(category, source): total for category, source, total in grouped}


def final_accounts(
    district: District | None, year: int, *, units: models.QuerySet | None = None
) -> list[AccountsRow]:
    """The district's final accounts of `year` (决算): a row per category and source that has
    a budget, a payment or spending — budget, disbursed (paid), spent, balance (budget − spent),
    execution rate — in the categories' and sources' order, then the total row. Of `units`
    only when given (a user's scope; every district's when `district` is None)."""
    lines = BudgetLine.objects.filter(year=year)
    payments = Disbursement.objects.filter(year=year, status=PAID)
    spending = Expenditure.objects.filter(year=year)
    if district is not None:
        lines = lines.filter(unit__district=district)
        payments, spending = payments.filter(district=district), spending.filter(district=district)
    if units is not None:
        chosen = units.order_by().values("pk")
        lines, payments, spending = (
            rows.filter(unit__in=chosen) for rows in (lines, payments, spending)
        )
    budgets = _by_category_source(lines)
    paid = _by_category_source(payments)
    spent = _by_category_source(spending)
    keys = budgets.keys() | paid.keys() | spent.keys()
    categories = FundCategory.objects.in_bulk({category for category, _source in keys})
    sources = FundSource.objects.in_bulk({source for _category, source in keys})
    ordered = sorted(
        keys,
        key=lambda key: (
            categories[key[0]].order,
            categories[key[0]].code,
            sources[key[1]].order,
            sources[key[1]].code,
        ),
    )
    rows = [
        _accounts_row(
            str(categories[category]),
            str(sources[source]),
            budgets.get((category, source), 0),
            paid.get((category, source), 0),
            spent.get((category, source), 0),
        )
        for category, source in ordered
    ]
    total = _accounts_row(
        None,
        None,
        sum(row["budget"] for row in rows),
        sum(row["disbursed"] for row in rows),
        sum(row["spent"] for row in rows),
    )
    return [*rows, total]


def _accounts_row(
    category: str | None, source: str | None, budget: int, disbursed: int, spent: int
) -> AccountsRow:
    return AccountsRow(
        category=category,
        source=source,
        budget=budget,
        disbursed=disbursed,
        spent=spent,
        balance=budget - spent,
        execution_rate=percent(spent, budget),
    )


# --- pages ----------------------------------------------------------------------------------------
def funds_units(user: User | AnonymousUser) -> models.QuerySet[CreatingUnit]:
    """The units whose funds `user` reads: the units whose records they read (a clerk their
    own, district and finance staff their district's, the city office every district's), none
    for providers and evaluators (`User.sees_funds`) — the scope of `/funds/` and the ledgers."""
    if not user.is_authenticated or not user.sees_funds:
        return CreatingUnit.objects.none()
    return CreatingUnit.objects.records_visible_to(user)


def fiscal_years(districts: models.QuerySet[District], year: int) -> list[FiscalYear]:
    """The fiscal `year` of each of `districts` (already scoped by the caller), by code: the
    stored row, or an open one not yet stored (a year is opened the first time it is asked
    for). One query."""
    of_district = FiscalYear.objects.filter(district=OuterRef("pk"), year=year)
    rows = districts.order_by("code").annotate(
        fiscal_year_id=Subquery(of_district.values("pk")[:1]),
        fiscal_year_status=Subquery(of_district.values("status")[:1]),
    )
    return [
        FiscalYear(
            pk=row.fiscal_year_id,
            district=row,
            year=year,
            status=row.fiscal_year_status or FiscalYear.Status.OPEN,
        )
        for row in rows
    ]


def monthly_spending(units: models.QuerySet, year: int) -> list[int]:
    """What `units` spent in each month of `year`, cumulative (January's, then January's and
    February's …), in fen: twelve numbers from one grouped query."""
    by_month = dict(
        Expenditure.objects.filter(unit__in=units.order_by().values("pk"), year=year)
        .annotate(month=ExtractMonth("spent_on"))
        .order_by()
        .values("month")
        .annotate(total=Sum("amount_fen"))
        .values_list("month", "total")
    )
    running, cumulative = 0, []
    for month in range(1, 13):
        running += by_month.get(month, 0)
        cumulative.append(running)
    return cumulative


class MonthPoint(TypedDict):
    month: int
    spent: int  # cumulative, fen
    rate: Decimal | None  # cumulative spending ÷ the year's budget, percent
    line: Decimal  # the straight line to the year's end: month ÷ 12, percent


def execution_by_month(cumulative: list[int], budget: int) -> list[MonthPoint]:
    """Each month's cumulative execution rate against the straight line k/12 to year end."""
    return [
        MonthPoint(
            month=month,
            spent=spent,
            rate=percent(spent, budget),
            line=percent(month, 12),
        )
        for month, spent in enumerate(cumulative, start=1)
    ]


@dataclass(frozen=True)
class BehindLine:
    """A unit whose spending to a month's end lags the straight line of its year's budget."""

    unit: CreatingUnit
    budget: int  # the year's, fen
    spent: int  # from January to the month's end, fen
    rate: Decimal  # spent ÷ budget, percent, rounded half up
    line: Decimal  # month ÷ 12, percent, rounded half up


def behind_straight_line(
    units: models.QuerySet, year: int, month: int, margin: int | Decimal
) -> list[BehindLine]:
    """The units of `units` whose spending from January to the end of `month` of `year` falls
    below the straight line month/12 of their year's budget by more than `margin` percentage
    points — compared exactly, not on rounded rates; a unit without a budget is never behind.
    One query."""
    until = Month.last_day(date(year, month, 1))
    rows = units.annotate(
        budget=_unit_total(BudgetLine.objects.filter(year=year)),
        spent=_unit_total(
            Expenditure.objects.filter(year=year, spent_on__range=(date(year, 1, 1), until))
        ),
    ).filter(budget__gt=0)
    line = Fraction(100 * month, 12)
    return [
        BehindLine(
            unit=unit,
            budget=unit.budget,
            spent=unit.spent,
            rate=percent(unit.spent, unit.budget) or Decimal(0),
            line=percent(month, 12) or Decimal(0),
        )
        for unit in rows
        if line - Fraction(100 * unit.spent, unit.budget) > Fraction(margin)
    ]


@dataclass(frozen=True)
class LedgerEntry:
    """One row of a unit's ledger: a disbursement or an expenditure, on its day, with the
    balance after it (a paid disbursement adds, an expenditure subtracts, others nothing)."""

    day: date
    record: Disbursement | Expenditure
    change: int  # fen added to the balance (negative for spending), 0 when unpaid
    balance: int

    @property
    def is_disbursement(self) -> bool:
        return isinstance(self.record, Disbursement)


@dataclass(frozen=True)
class Ledger:
    """A unit's year: its budget lines and every money movement in date order."""

    unit: CreatingUnit
    year: int
    lines: list[BudgetLine]
    entries: list[LedgerEntry]

    @property
    def budget(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def disbursed(self) -> int:
        return sum(entry.change for entry in self.entries if entry.change > 0)

    @property
    def spent(self) -> int:
        return -sum(entry.change for entry in self.entries if entry.change < 0)

    @property
    def balance(self) -> int:
        return self.entries[-1].balance if self.entries else 0


def _disbursement_day(disbursement: Disbursement) -> date:
    """A paid disbursement counts on its payment day, any other on the day it was asked for."""
    if disbursement.paid_on is not None:
        return disbursement.paid_on
    return timezone.localdate(disbursement.requested_at)


def _with_references(records: list, lines: list[BudgetLine]) -> list:
    """`records` with their category and source set from the budget lines' (one instance each
    shared by every record: a year's 200 entries built 400 more objects when each joined its
    own), those no line has read in one query each — in practice none."""
    for model, attribute in ((FundCategory, "category"), (FundSource, "source")):
        known = {getattr(line, f"{attribute}_id"): getattr(line, attribute) for line in lines}
        missing = {getattr(record, f"{attribute}_id") for record in records} - known.keys()
        if missing:
            known |= model.objects.in_bulk(missing)
        for record in records:
            setattr(record, attribute, known[getattr(record, f"{attribute}_id")])
    return records


def ledger(unit: CreatingUnit, year: int) -> Ledger:
    """`unit`'s ledger of `year`: three queries (budget lines, disbursements, spending)."""
    lines = list(
        BudgetLine.objects.filter(unit=unit, year=year)
        .select_related("category", "source")
        .order_by("category__order", "category__code", "source__order", "source__code")
    )
    disbursements = _with_references(list(Disbursement.objects.filter(unit=unit, year=year)), lines)
    spending = _with_references(
        list(
            Expenditure.objects.filter(unit=unit, year=year).select_related("project", "activity")
        ),
        lines,
    )
    movements: list[tuple[date, int, int, Disbursement | Expenditure, int]] = [
        (_disbursement_day(d), 0, d.pk, d, d.amount_fen if d.status == PAID else 0)
        for d in disbursements
    ]
    movements += [(e.spent_on, 1, e.pk, e, -e.amount_fen) for e in spending]
    movements.sort(key=lambda movement: movement[:3])  # by day; money in before money out
    balance, entries = 0, []
    for day, _kind, _pk, record, change in movements:
        balance += change
        entries.append(LedgerEntry(day=day, record=record, change=change, balance=balance))
    return Ledger(unit=unit, year=year, lines=lines, entries=entries)


# --- the final accounts' page and file ------------------------------------------------------------
@dataclass(frozen=True)
class AccountsGroup:
    """A category's rows of the final accounts, one per source, and their subtotal."""

    category: str
    rows: list[AccountsRow]
    subtotal: AccountsRow


@dataclass(frozen=True)
class Accounts:
    """The final accounts of a year as the page and its file show them: the rows grouped by
    category with a subtotal each, and the grand total; of `district` (None: every district
    the user sees), of the units the user reads there."""

    year: int
    district: District | None
    groups: list[AccountsGroup]
    total: AccountsRow

    def lines(self) -> Iterator[tuple[str, AccountsRow]]:
        """Every line in print order, with its kind: "row", "subtotal" (after each category's
        rows), then one "total"."""
        for group in self.groups:
            for row in group.rows:
                yield "row", row
            yield "subtotal", group.subtotal
        yield "total", self.total


def accounts_groups(rows: list[AccountsRow]) -> list[AccountsGroup]:
    """`final_accounts`' rows (without the total) by category, in their order, each category
    with its subtotal summed in fen."""
    groups: list[AccountsGroup] = []
    for category, members in groupby(rows, key=lambda row: row["category"]):
        members = list(members)
        subtotal = _accounts_row(
            category,
            None,
            sum(row["budget"] for row in members),
            sum(row["disbursed"] for row in members),
            sum(row["spent"] for row in members),
        )
        groups.append(AccountsGroup(category=category or "", rows=members, subtotal=subtotal))
    return groups


def accounts_for(
    user: User | AnonymousUser, data: QueryDict, *, today: date | None = None
) -> tuple[FundsFilterForm, Accounts]:
    """The final accounts the funds filters `data` ask for (`?year=&district=`), of the units
    `user` reads (`funds_units`): the page's and the export job's one reading. A bad year is
    `BadQuery` (the 400 page); a district the user may not choose an error at the field, and
    no rows. The year defaults to `today`'s; the district to the user's own, else every one."""
    form = FundsFilterForm(data, user=user)
    form.is_valid()
    if "year" in form.errors:
        raise BadQuery(form.errors["year"][0])
    year = form.cleaned_data.get("year") or (today or timezone.localdate()).year
    units = funds_units(user)
    district = form.cleaned_data.get("district")
    if "district" in form.errors:
        units = units.none()
    elif district is None and not user.sees_every_district:
        district = user.district
    if district is not None:
        units = units.filter(district=district)
    rows = final_accounts(district, year, units=units)
    accounts = Accounts(
        year=year, district=district, groups=accounts_groups(rows[:-1]), total=rows[-1]
    )
    return form, accounts
