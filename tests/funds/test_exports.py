"""The funds' xlsx exports, written by jobs: the final accounts (决算表) and a unit's ledger of a
year (台账). Read back with openpyxl: every money cell a number formatted 0.00, the totals equal
to the fen to the page's and the selector's, the running balance the ledger page's, a printable
layout; database properties over random amounts and orders of entry; query counts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.errors import FundsError
from programs.funds.jobs import export_final_accounts, export_ledger
from programs.funds.selectors import final_accounts, ledger
from tests.downloads import downloaded, export_job, export_record, in_english, run_export
from tests.factories import UnitFactory
from tests.funds.builders import YEAR, budget, paid, requested, spent

pytestmark = pytest.mark.django_db

ACCOUNTS_EXPORT = reverse("programs:funds-accounts-export")
MONEY_COLUMNS_ACCOUNTS = "CDEF"
MONEY_COLUMNS_LEDGER = "HIJK"


def ledger_export(unit, year: int = YEAR) -> str:
    return reverse("programs:funds-ledger-export", args=[unit.code, year])


@pytest.fixture
def money(unit_a, unit_b, finance_user, funds):
    budget(unit_a, 1_000_000, funds)
    budget(unit_a, 333_333, funds, source=funds.city_transfer)
    budget(unit_b, 20_000, funds, category=funds.publicity)
    paid(unit_a, 400_000, funds, voucher="BF-1", finance=finance_user)
    requested(unit_a, 50_000, funds)  # not paid: no change to the balance
    spent(unit_a, 123_456, funds, voucher="ZC-1", on=date(YEAR, 1, 15))
    spent(unit_a, 1, funds, voucher="ZC-2", on=date(YEAR, 3, 2), source=funds.city_transfer)
    spent(unit_b, 20_001, funds, voucher="ZC-3", category=funds.publicity)


def fen(cell) -> int:
    """A money cell's amount in fen: a number cell, formatted 0.00, whole fen."""
    assert cell.data_type == "n" and isinstance(cell.value, int | float), cell.coordinate
    assert cell.number_format == "0.00", (cell.coordinate, cell.number_format)
    in_fen = Decimal(repr(cell.value)) * 100  # the shortest decimal that prints the float
    assert in_fen == in_fen.to_integral_value(), (cell.coordinate, cell.value)
    return int(in_fen)


def table(sheet, first_row: int = 3) -> list[tuple]:
    """The sheet's rows below its title and header rows, as cells."""
    return list(sheet.iter_rows(min_row=first_row))


def accounts_fen(sheet) -> tuple[list[tuple], list[tuple], tuple]:
    """The accounts sheet's (category, source) rows, subtotals and total, as fen (budget,
    disbursed, spent, balance); every money cell checked."""
    rows, subtotals, total = [], [], None
    for cells in table(sheet):
        amounts = tuple(fen(cells["ABCDEFG".index(c)]) for c in MONEY_COLUMNS_ACCOUNTS)
        if cells[0].value in ("合计", "Total"):
            total = amounts
        elif cells[1].value in ("小计", "Subtotal"):
            subtotals.append(amounts)
        else:
            rows.append(amounts)
    return rows, subtotals, total


def selector_fen(row) -> tuple[int, int, int, int]:
    return (row["budget"], row["disbursed"], row["spent"], row["balance"])


# --- the final accounts ---------------------------------------------------------------------------
def test_the_accounts_file_adds_up_to_the_fen_as_the_page_and_the_selector(
    client, money, district_user, unit_a
):
    in_english(district_user)
    client.force_login(district_user)
    page = client.get(reverse("programs:funds-accounts"), {"year": YEAR}).context["accounts"]

    response = client.get(ACCOUNTS_EXPORT, {"year": YEAR})
    book = downloaded(client, response).workbook()

    sheet = book["Final accounts"]
    assert (
        sheet["A1"].value
        == f"{unit_a.district.label}: final accounts of the creation funds, {YEAR}"
    )
    assert [c.value for c in sheet[2]] == [
        "Category", "Source", "Budget", "Disbursed", "Spent", "Balance", "Execution rate %",
    ]  # fmt: skip
    rows, subtotals, total = accounts_fen(sheet)
    *selector_rows, selector_total = final_accounts(unit_a.district, YEAR)
    assert rows == [selector_fen(row) for row in selector_rows]
    assert subtotals == [selector_fen(group.subtotal) for group in page.groups]
    assert total == selector_fen(selector_total) == selector_fen(page.total)
    assert total == (1_353_333, 400_000, 143_458, 1_209_875)
    assert total == tuple(map(sum, zip(*rows, strict=True)))
    rates = [cells[6] for cells in table(sheet)]
    assert rates[-1].value == float(selector_total["execution_rate"])  # 10.6
    assert all(cell.number_format == "0.0" for cell in rates if cell.value is not None)


def test_the_accounts_file_is_printable_chinese_and_a_job(client, money, district_user):
    client.force_login(district_user)

    response = client.get(ACCOUNTS_EXPORT)  # the year left out: this year, written in
    job = export_job(response)

    assert job.params == {"query": {"year": [str(date.today().year)]}}
    response = client.get(ACCOUNTS_EXPORT, {"year": YEAR})
    download = downloaded(client, response)
    assert download.job.title.startswith("Final accounts export") or "决算" in download.job.title
    sheet = download.workbook().worksheets[0]
    assert sheet.print_title_rows == "$1:$2"  # title and header on every page
    assert sheet.page_setup.paperSize == 9 and sheet.page_setup.orientation == "portrait"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToHeight == 0
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet["A1"].font.b


def test_a_clerks_file_holds_their_own_unit_only(client, money, clerk_a):
    client.force_login(clerk_a)

    book = downloaded(client, client.get(ACCOUNTS_EXPORT, {"year": YEAR})).workbook()

    _rows, _subtotals, total = accounts_fen(book.worksheets[0])
    assert total == (1_333_333, 400_000, 123_457, 1_209_876)


def test_a_bad_year_is_the_400_page_and_a_district_out_of_reach_goes_back_to_the_page(
    client, city_user, funds
):
    client.force_login(city_user)

    assert client.get(ACCOUNTS_EXPORT, {"year": "1999"}).status_code == 400
    response = client.get(ACCOUNTS_EXPORT, {"year": YEAR, "district": "999999"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("programs:funds-accounts") + "?")


# --- a unit's ledger ------------------------------------------------------------------------------
def test_the_ledger_file_has_the_pages_running_balance_and_totals(
    client, money, finance_user, unit_a
):
    in_english(finance_user)
    client.force_login(finance_user)
    page = client.get(reverse("programs:funds-ledger", args=[unit_a.code, YEAR])).context["ledger"]

    download = downloaded(client, client.get(ledger_export(unit_a)))

    book = download.workbook()
    assert book.sheetnames == ["Ledger", "Budget lines"]
    sheet = book["Ledger"]
    assert sheet["A1"].value == f"Ledger of {unit_a.name} ({unit_a.code}), {YEAR}"
    *movements, total = table(sheet)
    assert len(movements) == len(page.entries) == 4
    assert [fen(cells[10]) for cells in movements] == [e.balance for e in page.entries]
    assert [cells[0].value.date() for cells in movements] == [e.day for e in page.entries]
    for cells, entry in zip(movements, page.entries, strict=True):
        assert fen(cells[7]) == entry.record.amount_fen
        money_in = fen(cells[8]) if cells[8].value is not None else 0
        money_out = fen(cells[9]) if cells[9].value is not None else 0
        assert money_in - money_out == entry.change
    assert total[0].value == "Total"
    assert (fen(total[8]), fen(total[9]), fen(total[10])) == (
        page.disbursed, page.spent, page.balance
    )  # fmt: skip
    assert page.balance == 400_000 - 123_457
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$2"
    lines = table(book["Budget lines"])
    assert [fen(cells[2]) for cells in lines] == [1_000_000, 333_333, 1_333_333]


def test_a_ledger_out_of_reach_is_404_and_a_year_out_of_range_too(client, clerk_b, clerk_a, unit_a):
    client.force_login(clerk_b)
    assert client.get(ledger_export(unit_a)).status_code == 404
    client.force_login(clerk_a)
    assert client.get(ledger_export(unit_a, 1999)).status_code == 404
    assert client.get(ledger_export(unit_a)).status_code == 302


def test_a_ledger_job_whose_unit_left_the_scope_fails_with_a_message(clerk_b, unit_a, funds):
    record = export_record(export_ledger, clerk_b, code=unit_a.code, year=YEAR)

    with pytest.raises(FundsError) as refused:
        run_export(record)

    assert refused.value.message == errors.UNIT_OUT_OF_SCOPE


# --- properties: whatever the amounts and the order of entry ---------------------------------
class Rollback(Exception):
    """Raised to roll an example's rows back."""


amounts = st.integers(min_value=1, max_value=10**9)
entries = st.lists(
    st.tuples(
        st.sampled_from(["budget", "paid", "spent"]),
        st.sampled_from(["A01", "B01"]),
        st.sampled_from(["promotion", "publicity"]),
        st.sampled_from(["district_budget", "city_transfer"]),
        amounts,
        st.integers(min_value=1, max_value=12),  # the month
    ),
    max_size=10,
)


def enter(entries, units, funds, finance_user) -> dict[str, int]:
    """Record `entries` in their order; what was budgeted, paid and spent in all, in fen."""
    budgets: dict[tuple, int] = {}
    sums = {"paid": 0, "spent": 0}
    for number, (kind, unit, category, source, amount, month) in enumerate(entries):
        key = {"category": funds.categories[category], "source": funds.sources[source]}
        if kind == "budget":  # a line set again replaces its amount
            budget(units[unit], amount, funds, **key)
            budgets[(unit, category, source)] = amount
        elif kind == "paid":
            disbursement = requested(units[unit], amount, funds, **key)
            disbursement.override, disbursement.override_reason = True, "测试"
            disbursement.save()
            transition(disbursement, "approve", by=finance_user)
            transition(
                disbursement,
                "pay",
                by=finance_user,
                voucher_number=f"BF-{number}",
                paid_on=date(YEAR, month, 1),
                payee="收款人",
            )
            sums["paid"] += amount
        else:
            spent(
                units[unit], amount, funds, voucher=f"ZC-{number}", on=date(YEAR, month, 28), **key
            )
            sums["spent"] += amount
    sums["budget"] = sum(budgets.values())
    return sums


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=entries)
def test_the_accounts_file_equals_the_selector_and_the_sums_whatever_the_order(
    unit_a, unit_b, district_user, finance_user, funds, entries
):
    try:
        with transaction.atomic():
            sums = enter(entries, {"A01": unit_a, "B01": unit_b}, funds, finance_user)
            *rows, total = final_accounts(unit_a.district, YEAR)

            _outcome, content = run_export(
                export_record(export_final_accounts, district_user, query={"year": [str(YEAR)]})
            )
            sheet = load(content).worksheets[0]
            file_rows, subtotals, file_total = accounts_fen(sheet)

            assert file_total == selector_fen(total)
            assert file_total == (
                sums["budget"], sums["paid"], sums["spent"], sums["budget"] - sums["spent"]
            )  # fmt: skip
            assert file_rows == [selector_fen(row) for row in rows]
            assert tuple(map(sum, zip(*subtotals, strict=True))) == (file_total if rows else ())
            raise Rollback
    except Rollback:
        pass


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(entries=entries)
def test_the_ledger_file_equals_the_ledger_whatever_the_order(
    unit_a, unit_b, finance_user, funds, entries
):
    try:
        with transaction.atomic():
            only_a = [entry for entry in entries if entry[1] == "A01"]
            sums = enter(only_a, {"A01": unit_a, "B01": unit_b}, funds, finance_user)
            book = ledger(unit_a, YEAR)

            _outcome, content = run_export(
                export_record(export_ledger, finance_user, code=unit_a.code, year=YEAR)
            )
            workbook = load(content)
            *movements, total = table(workbook.worksheets[0])

            assert [fen(cells[10]) for cells in movements] == [e.balance for e in book.entries]
            assert (fen(total[8]), fen(total[9]), fen(total[10])) == (
                sums["paid"], sums["spent"], sums["paid"] - sums["spent"]
            )  # fmt: skip
            assert (book.disbursed, book.spent) == (sums["paid"], sums["spent"])
            *_lines, budget_total = table(workbook.worksheets[1])
            assert fen(budget_total[2]) == sums["budget"] == book.budget
            raise Rollback
    except Rollback:
        pass


def load(content: bytes):
    return load_workbook(io.BytesIO(content))


# --- query counts ---------------------------------------------------------------------------------
def many(size: int, unit_a, funds, finance_user):
    categories = list(funds.categories.values())
    for n in range(size):
        unit = UnitFactory(code=f"Q{n:02d}", program=unit_a.program)
        budget(unit, 100_000 + n, funds)
        budget(
            unit, 5_000, funds, category=categories[n % len(categories)], source=funds.city_transfer
        )
        paid(unit, 10_000, funds, voucher=f"BF-{n}", finance=finance_user)
        spent(unit, 5_000, funds, voucher=f"ZC-{n}")
    for n in range(size * 3):
        spent(unit_a, 100 + n, funds, voucher=f"ZA-{n}", on=date(YEAR, 1 + n % 12, 1))
        budget(unit_a, 1_000_000, funds)


@pytest.mark.parametrize("size", [2, 10])
def test_the_accounts_job_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries, district_user, finance_user, unit_a, funds, size
):
    many(size, unit_a, funds, finance_user)
    record = export_record(export_final_accounts, district_user, query={"year": [str(YEAR)]})

    with django_assert_max_num_queries(10):
        outcome, _content = run_export(record)

    assert outcome.data["rows"] >= 3


@pytest.mark.parametrize("size", [2, 10])
def test_the_ledger_job_takes_a_fixed_number_of_queries(
    django_assert_max_num_queries, finance_user, unit_a, funds, size
):
    many(size, unit_a, funds, finance_user)
    record = export_record(export_ledger, finance_user, code=unit_a.code, year=YEAR)

    with django_assert_max_num_queries(8):
        outcome, _content = run_export(record)

    assert outcome.data["rows"] == size * 3 + 1
