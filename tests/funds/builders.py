"""Small builders of the funds' test data: budget lines, disbursements and spending."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from programs.core.transitions import transition
from programs.funds.models import (
    Disbursement,
    FundCategory,
    FundSource,
)
from programs.funds.services import (
    budget_line_set,
    disbursement_request,
    expenditure_record,
)

YEAR = 2025


@dataclass
class Codes:
    categories: dict[str, FundCategory]
    sources: dict[str, FundSource]

    @property
    def promotion(self) -> FundCategory:
        return self.categories["promotion"]

    @property
    def publicity(self) -> FundCategory:
        return self.categories["publicity"]

    @property
    def district_budget(self) -> FundSource:
        return self.sources["district_budget"]

    @property
    def city_transfer(self) -> FundSource:
        return self.sources["city_transfer"]


def budget(unit, fen: int, funds: Codes, *, year: int = YEAR, category=None, source=None):
    return budget_line_set(
        by=None,
        unit=unit,
        year=year,
        category=category or funds.promotion,
        source=source or funds.district_budget,
        amount_fen=fen,
    )


def requested(unit, fen: int, funds: Codes, *, by=None, year: int = YEAR, **key) -> Disbursement:
    return disbursement_request(
        by=by,
        unit=unit,
        year=year,
        category=key.get("category") or funds.promotion,
        source=key.get("source") or funds.district_budget,
        amount_fen=fen,
        purpose="老年人防跌倒项目第一期",
    )


def paid(unit, fen: int, funds: Codes, *, voucher: str, finance, **key) -> Disbursement:
    """A disbursement requested, approved and paid (the budget must allow it)."""
    disbursement = requested(unit, fen, funds, **key)
    transition(disbursement, "approve", by=finance)
    transition(
        disbursement,
        "pay",
        by=finance,
        voucher_number=voucher,
        paid_on=date(disbursement.year, 3, 1),
        payee="甲镇财政所",
    )
    return disbursement


def spent(unit, fen: int, funds: Codes, *, voucher: str, on: date | None = None, **key):
    return expenditure_record(
        by=None,
        unit=unit,
        spent_on=on or date(YEAR, 4, 1),
        category=key.get("category") or funds.promotion,
        source=key.get("source") or funds.district_budget,
        amount_fen=fen,
        description="宣传册印刷",
        voucher_number=voucher,
        project=key.get("project"),
        activity=key.get("activity"),
    )
