"""Background work of the creation funds: the year's final accounts (决算表) and a unit's ledger
of a year (台账) as printable xlsx files.

Each job rebuilds its rows for `record.user` from the same selector as its page
(`accounts_for`, `ledger`), in the same order. Money is written as yuan from integer fen
(`safecommunity.money.yuan`: a `Decimal`, never a float sum) in number cells formatted 0.00;
every total is summed in fen before it is written. Rates are the selector's half-up percentages
in number cells formatted 0.0.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext

from programs.funds.errors import UNIT_OUT_OF_SCOPE, FundsError
from programs.funds.selectors import (
    Accounts,
    AccountsRow,
    Ledger,
    accounts_for,
    funds_units,
    ledger,
)
from programs.jobs.exports import file_outcome, query_dict, rows_with_progress
from programs.jobs.models import Job
from programs.jobs.runner import Outcome, job
from safecommunity.money import yuan
from safecommunity.spreadsheets import PageSetup, WorkbookWriter

MONEY = "0.00"  # money cells: yuan with two decimals
RATE = "0.0"  # percentages: one decimal, as the portal shows them
FOOTER = gettext_noop("Page &P of &N")

ACCOUNTS_HEADERS = [
    gettext_noop("Category"),
    gettext_noop("Source"),
    gettext_noop("Budget"),
    gettext_noop("Disbursed"),
    gettext_noop("Spent"),
    gettext_noop("Balance"),
    gettext_noop("Execution rate %"),
]
ACCOUNTS_WIDTHS = (22, 18, 16, 16, 16, 16, 12)
ACCOUNTS_FORMATS = (None, None, MONEY, MONEY, MONEY, MONEY, RATE)

LEDGER_HEADERS = [
    gettext_noop("Date"),
    gettext_noop("Kind"),
    gettext_noop("Category"),
    gettext_noop("Source"),
    gettext_noop("Purpose or description"),
    gettext_noop("Status"),
    gettext_noop("Voucher number"),
    gettext_noop("Amount"),
    gettext_noop("In"),
    gettext_noop("Out"),
    gettext_noop("Balance"),
]
LEDGER_WIDTHS = (11, 8, 16, 14, 36, 10, 14, 14, 14, 14, 14)
LEDGER_FORMATS = (None, None, None, None, None, None, None, MONEY, MONEY, MONEY, MONEY)
BUDGET_HEADERS = [
    gettext_noop("Category"),
    gettext_noop("Source"),
    gettext_noop("Amount"),
    gettext_noop("City share"),
    gettext_noop("District share"),
]
BUDGET_FORMATS = (None, None, MONEY, MONEY, MONEY)


def headers(names: list[str]) -> list[str]:
    """The columns' names in the user's language; "Source" as the funds pages say it (a
    fund's source, not a data source)."""
    return [pgettext("funds", name) if name == "Source" else _(name) for name in names]


def money(fen: int | None) -> Any:
    """A cell of money: the yuan of `fen` as an exact `Decimal`, empty for None."""
    return None if fen is None else yuan(fen)


# --- the final accounts ---------------------------------------------------------------------------
def accounts_cells(kind: str, row: AccountsRow) -> list[Any]:
    """A line of the final accounts: a (category, source) row, a category's subtotal or the
    total (`Accounts.lines`)."""
    if kind == "row":
        first = [row["category"], row["source"]]
    elif kind == "subtotal":
        first = [row["category"], _("Subtotal")]
    else:
        first = [_("Total"), ""]
    return [
        *first,
        money(row["budget"]),
        money(row["disbursed"]),
        money(row["spent"]),
        money(row["balance"]),
        row["execution_rate"],
    ]


def accounts_title(accounts: Accounts) -> str:
    district = accounts.district.label if accounts.district else _("All districts")
    return _("%(district)s: final accounts of the creation funds, %(year)s") % {
        "district": district,
        "year": accounts.year,
    }


def write_accounts(path: Path, accounts: Accounts, lines: Iterator[tuple[str, AccountsRow]]):
    book = WorkbookWriter()
    sheet = book.sheet(
        _("Final accounts"),
        headers(ACCOUNTS_HEADERS),
        widths=ACCOUNTS_WIDTHS,
        formats=ACCOUNTS_FORMATS,
        freeze="C2",
        page=PageSetup(title=accounts_title(accounts), footer=_(FOOTER)),
    )
    for kind, row in lines:
        sheet.row(accounts_cells(kind, row), bold=kind != "row")
    book.save_to(path)


@job(label=gettext_lazy("Export of the final accounts"))
def export_final_accounts(record: Job, *, query: dict[str, list[str]]) -> Outcome:
    """The final accounts (决算表) of the year and district in `query` (the page's filters,
    the year written in), of the units the job's user reads: a row per category and source,
    each category's subtotal, the total."""
    _form, accounts = accounts_for(record.user, query_dict(query))
    lines = list(accounts.lines())
    district = accounts.district.code if accounts.district else "all"

    def write(path: Path) -> None:
        write_accounts(path, accounts, rows_with_progress(record, lines, len(lines)))

    return file_outcome(record, write, file_name=f"final-accounts-{district}-{accounts.year}.xlsx")


# --- a unit's ledger ------------------------------------------------------------------------------
def ledger_cells(book: Ledger) -> Iterator[tuple[list[Any], bool]]:
    """The ledger's movements as the page lists them, then the total row (in and out summed
    in fen, the closing balance); each with whether it is bold."""
    for entry in book.entries:
        record = entry.record
        if entry.is_disbursement:
            kind, text, status = _("Disbursement"), record.purpose, record.get_status_display()
        else:
            kind, text, status = _("Expenditure"), record.description, _("Spent")
        yield (
            [
                entry.day,
                kind,
                str(record.category),
                str(record.source),
                text,
                str(status),
                record.voucher_number,
                money(record.amount_fen),
                money(entry.change) if entry.change > 0 else None,
                money(record.amount_fen) if entry.change < 0 else None,
                money(entry.balance),
            ],
            False,
        )
    total = [_("Total"), "", "", "", "", "", "", None]
    yield [*total, money(book.disbursed), money(book.spent), money(book.balance)], True


def budget_cells(book: Ledger) -> Iterator[tuple[list[Any], bool]]:
    for line in book.lines:
        shares = line.shares()
        yield (
            [
                str(line.category),
                str(line.source),
                money(line.amount_fen),
                money(shares[0]) if shares else None,
                money(shares[1]) if shares else None,
            ],
            False,
        )
    yield [_("Total"), "", money(book.budget), None, None], True


@job(label=gettext_lazy("Export of a ledger"))
def export_ledger(record: Job, *, code: str, year: int) -> Outcome:
    """The ledger (台账) of the unit `code` in `year`, as its page shows it to the job's user:
    every disbursement and expenditure with the running balance and the total, then the
    budget lines on a second sheet."""
    unit = funds_units(record.user).select_related("district").filter(code=code).first()
    if unit is None:  # the user's scope no longer holds it
        raise FundsError(UNIT_OUT_OF_SCOPE)
    book = ledger(unit, year)
    title = _("Ledger of %(unit)s, %(year)s") % {"unit": f"{unit.name} ({unit.code})", "year": year}
    footer = _(FOOTER)

    def write(path: Path) -> None:
        workbook = WorkbookWriter()
        sheet = workbook.sheet(
            _("Ledger"),
            headers(LEDGER_HEADERS),
            widths=LEDGER_WIDTHS,
            formats=LEDGER_FORMATS,
            freeze="C2",
            page=PageSetup(title=title, landscape=True, footer=footer),
        )
        movements = list(ledger_cells(book))
        for values, bold in rows_with_progress(record, movements, len(movements)):
            sheet.row(values, bold=bold)
        budget = workbook.sheet(
            _("Budget lines"),
            headers(BUDGET_HEADERS),
            widths=(22, 18, 16, 16, 16),
            formats=BUDGET_FORMATS,
            page=PageSetup(title=title, footer=footer),
        )
        for values, bold in budget_cells(book):
            budget.row(values, bold=bold)
        workbook.save_to(path)

    return file_outcome(record, write, file_name=f"ledger-{unit.code}-{year}.xlsx")
