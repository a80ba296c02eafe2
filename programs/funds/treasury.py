"""The treasury's file of paid disbursements (国库支付文件), imported all or nothing.

Each row — voucher number, unit code, amount, date, payee — records the payment of one approved
disbursement of that unit in the date's year with exactly that amount (the oldest approved one
first when several match; two rows never claim the same one). A row whose voucher already paid
a disbursement of the district and year with the same unit and amount is *already imported* and
changes nothing, so the same file twice pays nothing twice.

- `payment_rows_read`: the file (xlsx, or CSV in UTF-8 or GB18030, read by the portal's formats
  in `safecommunity.spreadsheets`) as `PaymentRow`s, each cell's problem at its row and column;
- `treasury_check`: what the rows would do — pay, already imported, or a problem — against the
  data as it is now, in four queries whatever the number of rows;
- `treasury_import`: checked again and, without a problem, every row paid in one transaction
  through the disbursement's move `pay` (its row lock, the event log, the change history);
The import runs as a background job (`jobs.treasury_import_job`: one move per row, and
thousands of rows take longer than a request should).
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from programs.core.models import CreatingUnit
from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.models import Disbursement, FiscalYear
from safecommunity.money import fen_from_number, fen_from_text, shown_yuan
from safecommunity.spreadsheets import (
    CodeWidget,
    SpreadsheetCSV,
    SpreadsheetXLSX,
    StrictDateWidget,
    TextWidget,
    UnreadableFile,
    _is_blank,
    _normalise,
)
from safecommunity.spreadsheets.widgets import _in_every_language
from safecommunity.validators import validate_portal_date

if TYPE_CHECKING:
    from programs.core.models import User

#: The most rows a file may have: a district's payments of a year are far fewer.
MAX_ROWS = 5000
#: A job tells how far it is every this many rows.
PROGRESS_EVERY = 500
#: How an xlsx file (a zip archive) begins.
XLSX_HEAD = b"PK\x03\x04"
CSV_SUFFIXES = (".csv", ".txt")
SUFFIXES = (".xlsx", *CSV_SUFFIXES)


@dataclass(frozen=True)
class Column:
    """A column of the file: the row's attribute, its header (English msgid, recognised in every
    language of the portal) and the other headers treasury systems write."""

    name: str
    label: Any
    aliases: tuple[str, ...] = ()

    def headers(self) -> set[str]:
        return {_normalise(text) for text in (*_in_every_language(self.label), *self.aliases)}


VOUCHER = Column("voucher_number", _("Voucher number"), ("凭证号", "凭证编号", "支付凭证号"))
UNIT = Column("unit_code", _("Unit code"), ("单位代码", "单位编码", "单位编号"))
AMOUNT = Column("amount", _("Amount"), ("金额", "支付金额"))
DATE = Column("paid_on", _("Date"), ("日期", "支付日期"))
PAYEE = Column("payee", _("Payee"), ("收款人", "收款单位"))
COLUMNS = (VOUCHER, UNIT, AMOUNT, DATE, PAYEE)
FIELD_COLUMNS = {"voucher_number": VOUCHER, "paid_on": DATE, "payee": PAYEE, "year": DATE}


@dataclass(frozen=True)
class PaymentRow:
    """One row of the file, read: its row number in the spreadsheet (the header is row 1)."""

    row: int
    voucher_number: str
    unit_code: str
    amount_fen: int
    paid_on: date
    payee: str

    def as_list(self) -> list[Any]:
        """JSON-serialisable (a job's params, the preview's signed rows)."""
        return [
            self.row,
            self.voucher_number,
            self.unit_code,
            self.amount_fen,
            self.paid_on.isoformat(),
            self.payee,
        ]

    @classmethod
    def from_list(cls, values: Sequence[Any]) -> PaymentRow:
        row, voucher, unit, fen, day, payee = values
        return cls(int(row), str(voucher), str(unit), int(fen), date.fromisoformat(day), payee)


@dataclass(frozen=True)
class RowProblem:
    """A problem of the file at its row and column (`column` a lazily translated header)."""

    row: int
    column: Any
    message: str


@dataclass
class TreasuryCheck:
    """What the rows do: the disbursements they pay, those already paid by them, the problems."""

    rows: list[PaymentRow]
    problems: list[RowProblem] = field(default_factory=list)
    to_pay: list[tuple[PaymentRow, Disbursement]] = field(default_factory=list)
    already: list[tuple[PaymentRow, Disbursement]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def outcomes(self) -> list[tuple[PaymentRow, Disbursement, bool]]:
        """Each row that pays or was paid, in the file's order, with True when it pays now."""
        rows = [(row, flow, True) for row, flow in self.to_pay]
        rows += [(row, flow, False) for row, flow in self.already]
        return sorted(rows, key=lambda item: item[0].row)


class TreasuryRefused(errors.FundsError):
    """The file's import refused: nothing changed. Says the first problem and how many."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(
            errors.TREASURY_REFUSED,
            row=first.row,
            column=first.column,
            problem=first.message,
            count=len(problems),
        )


def may_import_treasury(user: Any) -> bool:
    """Finance staff of a district (their district's units) and administrators (every unit)."""
    return bool(user.is_authenticated and user.keeps_funds)


def _ensure_importer(user: User) -> None:
    if not may_import_treasury(user):
        raise errors.FundsError(errors.ONLY_TREASURY_IMPORTERS)


# --- reading the file -----------------------------------------------------------------------------
def _dataset(content: bytes, name: str) -> Any:
    """The file's first sheet (xlsx) or its text (CSV) as a tablib dataset, header first."""
    suffix = PurePath(name).suffix.lower()
    if content.startswith(XLSX_HEAD):
        reader: Any = SpreadsheetXLSX()
    elif suffix in CSV_SUFFIXES:
        reader = SpreadsheetCSV()
    else:
        raise errors.FundsError(errors.TREASURY_FILE_TYPE, name=name)
    try:
        return reader.create_dataset(content)
    except UnreadableFile as error:
        raise errors.FundsError(str(error)) from None
    except Exception:  # a damaged workbook fails in openpyxl or zipfile in many ways
        raise errors.FundsError(errors.TREASURY_UNREADABLE) from None


def _column_positions(headers: Sequence[Any] | None) -> tuple[dict[str, int], list[RowProblem]]:
    positions: dict[str, int] = {}
    problems = []
    normalised = [_normalise(text) for text in headers or ()]
    for column in COLUMNS:
        known = column.headers()
        index = next((i for i, text in enumerate(normalised) if text in known), None)
        if index is None:
            problems.append(
                RowProblem(
                    1, column.label, errors.TREASURY_COLUMN_MISSING % {"column": column.label}
                )
            )
        else:
            positions[column.name] = index
    return positions, problems


def _text(cell: Any, column: Column, limit: int, missing: Any) -> str:
    reader = CodeWidget() if column is UNIT else TextWidget()
    text = reader.clean(cell)
    if not text:
        raise ValidationError(missing)
    if len(text) > limit:
        raise ValidationError(errors.TREASURY_TOO_LONG, params={"limit": limit})
    return text


def _amount(cell: Any) -> int:
    """A number cell through `fen_from_number` (whole fen within 0.001), text through
    `fen_from_text`; zero is no payment."""
    if _is_blank(cell):
        raise ValidationError(errors.TREASURY_AMOUNT_MISSING)
    if isinstance(cell, int | float | Decimal) and not isinstance(cell, bool):
        fen = fen_from_number(cell)
    else:
        fen = fen_from_text(str(cell))
    if fen <= 0:
        raise ValidationError(errors.AMOUNT_POSITIVE)
    return fen


def _day(cell: Any) -> date:
    """A date cell, or text such as 2025-03-31, 2025/3/31 or 2025年3月31日."""
    if _is_blank(cell):
        raise ValidationError(errors.PAID_ON_REQUIRED)
    try:
        day = StrictDateWidget().clean(cell)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    validate_portal_date(day)
    return day


def _cells(cells: Sequence[Any], positions: dict[str, int]) -> dict[str, Any]:
    return {name: cells[i] if i < len(cells) else None for name, i in positions.items()}


def payment_rows_read(content: bytes, *, name: str) -> tuple[list[PaymentRow], list[RowProblem]]:
    """The file's rows, and every cell's problem at its row and column. Empty rows are skipped.
    A file that cannot be read at all, or is too long, is refused (`FundsError`)."""
    dataset = _dataset(content, name)
    positions, problems = _column_positions(dataset.headers)
    if problems:
        return [], problems
    if len(dataset) > MAX_ROWS:
        raise errors.FundsError(errors.TREASURY_TOO_MANY_ROWS, limit=MAX_ROWS)
    readers = (
        (VOUCHER, lambda cell: _text(cell, VOUCHER, 50, errors.VOUCHER_REQUIRED)),
        (UNIT, lambda cell: _text(cell, UNIT, 16, errors.TREASURY_UNIT_MISSING)),
        (AMOUNT, _amount),
        (DATE, _day),
        (PAYEE, lambda cell: _text(cell, PAYEE, 200, errors.PAYEE_REQUIRED)),
    )
    rows = []
    for number, cells in enumerate(dataset, start=2):
        if all(_is_blank(cell) for cell in cells):
            continue
        given = _cells(cells, positions)
        values: dict[str, Any] = {}
        for column, read in readers:
            try:
                values[column.name] = read(given[column.name])
            except ValidationError as error:
                problems += [RowProblem(number, column.label, text) for text in error.messages]
        if len(values) == len(readers):
            rows.append(
                PaymentRow(
                    row=number,
                    voucher_number=values["voucher_number"],
                    unit_code=values["unit_code"],
                    amount_fen=values["amount"],
                    paid_on=values["paid_on"],
                    payee=values["payee"],
                )
            )
    if not rows and not problems:
        problems.append(RowProblem(2, VOUCHER.label, str(errors.TREASURY_NO_ROWS)))
    return rows, problems


# --- checking and importing -----------------------------------------------------------------------
def treasury_check(*, by: User, rows: Sequence[PaymentRow]) -> TreasuryCheck:
    """What each row would do now, without changing anything; four queries for any number of
    rows (the units, the closed years, the vouchers in use, the approved disbursements)."""
    _ensure_importer(by)
    check = TreasuryCheck(rows=list(rows))
    codes = {row.unit_code for row in rows}
    units = {
        unit.code: unit
        for unit in CreatingUnit.objects.visible_to(by)
        .filter(code__in=codes)
        .select_related("district")
    }
    years = {row.paid_on.year for row in rows}
    districts = {unit.district_id for unit in units.values()}
    closed = set(
        FiscalYear.objects.closed()
        .filter(district__in=districts, year__in=years)
        .values_list("district", "year")
    )
    flows = Disbursement.objects.visible_to(by)
    in_use = {
        (flow.district_id, flow.year, flow.voucher_number): flow
        for flow in flows.filter(
            district__in=districts,
            year__in=years,
            voucher_number__in={row.voucher_number for row in rows},
        )
    }
    waiting: dict[tuple[int, int, int], deque[Disbursement]] = defaultdict(deque)
    for flow in flows.filter(
        unit__in=[unit.pk for unit in units.values()],
        year__in=years,
        status=Disbursement.Status.APPROVED,
        amount_fen__in={row.amount_fen for row in rows},
    ).order_by("requested_at", "pk"):
        waiting[(flow.unit_id, flow.year, flow.amount_fen)].append(flow)

    first_row: dict[tuple[int, int, str], int] = {}
    for row in rows:

        def problem(column: Column, message: Any, _row: PaymentRow = row, **params: Any) -> None:
            check.problems.append(RowProblem(_row.row, column.label, str(message) % params))

        unit = units.get(row.unit_code)
        if unit is None:
            problem(UNIT, errors.TREASURY_UNIT_UNKNOWN, value=row.unit_code)
            continue
        year = row.paid_on.year
        if (unit.district_id, year) in closed:
            problem(DATE, errors.YEAR_CLOSED, year=year, district=unit.district.name)
            continue
        key = (unit.district_id, year, row.voucher_number)
        if key in first_row:
            problem(
                VOUCHER,
                errors.TREASURY_VOUCHER_REPEATED,
                voucher=row.voucher_number,
                row=first_row[key],
            )
            continue
        first_row[key] = row.row
        used = in_use.get(key)
        if used is not None:
            if (
                used.status == Disbursement.Status.PAID
                and used.unit_id == unit.pk
                and used.amount_fen == row.amount_fen
            ):
                used.unit = unit
                check.already.append((row, used))
            else:
                problem(VOUCHER, errors.VOUCHER_USED, voucher=row.voucher_number, year=year)
            continue
        candidates = waiting[(unit.pk, year, row.amount_fen)]
        if not candidates:
            amount = shown_yuan(row.amount_fen)
            problem(AMOUNT, errors.TREASURY_NO_MATCH, amount=amount, unit=unit, year=year)
            continue
        flow = candidates.popleft()
        flow.unit = unit
        check.to_pay.append((row, flow))
    check.problems.sort(key=lambda item: item.row)
    return check


def treasury_import(
    *,
    by: User,
    rows: Sequence[PaymentRow],
    progress: Callable[[int, int], None] | None = None,
) -> TreasuryCheck:
    """Check the rows again and pay every disbursement they claim, in one transaction, each
    through the move `pay` (its row lock: a disbursement paid meanwhile refuses the whole file).
    Any problem refuses the file (`TreasuryRefused`) and nothing changes."""
    with transaction.atomic():
        check = treasury_check(by=by, rows=rows)
        if check.problems:
            raise TreasuryRefused(check.problems)
        for done, (row, flow) in enumerate(check.to_pay):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, len(check.to_pay))
            try:
                transition(
                    flow,
                    "pay",
                    by=by,
                    voucher_number=row.voucher_number,
                    paid_on=row.paid_on,
                    payee=row.payee,
                )
            except errors.FundsError as error:
                column = FIELD_COLUMNS.get(error.field or "", VOUCHER)
                raise TreasuryRefused([RowProblem(row.row, column.label, str(error))]) from None
    return check


def treasury_summary(check: TreasuryCheck) -> str:
    paid = ngettext(
        "%(count)s disbursement paid", "%(count)s disbursements paid", len(check.to_pay)
    ) % {"count": len(check.to_pay)}
    already = ngettext(
        "%(count)s row already imported", "%(count)s rows already imported", len(check.already)
    ) % {"count": len(check.already)}
    return f"{paid}; {already}."
