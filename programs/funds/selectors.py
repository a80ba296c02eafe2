"""Reads of the creation funds: execution per unit and the year's final accounts (决算).

Every sum is made by the database over integer fen and stays integer fen; rates are
`safecommunity.numbers.percent` (rounded half up, None without a budget)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

from django.db import models
from django.db.models import BigIntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from programs.core.models import District
from programs.funds.models import (
    BudgetLine,
    Disbursement,
    Expenditure,
    FundCategory,
    FundSource,
)
from safecommunity.numbers import percent

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


def _by_category_source(rows: models.QuerySet) -> dict[tuple[int, int], int]:
    grouped = (
        rows.order_by()
        .values("category", "source")
        .annotate(total=Sum("amount_fen"))
        .values_list("category", "source", "total")
    )
    return {(category, source): total for category, source, total in grouped}


def final_accounts(district: District, year: int) -> list[AccountsRow]:
    """The district's final accounts of `year` (决算): a row per category and source that has
    a budget, a payment or spending — budget, disbursed (paid), spent, balance (budget − spent),
    execution rate — in the categories' and sources' order, then the total row."""
    budgets = _by_category_source(BudgetLine.objects.filter(unit__district=district, year=year))
    paid = _by_category_source(
        Disbursement.objects.filter(district=district, year=year, status=PAID)
    )
    spent = _by_category_source(Expenditure.objects.filter(district=district, year=year))
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
