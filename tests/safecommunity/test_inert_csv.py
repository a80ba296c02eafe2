"""CSV follows OWASP's advice against formulas, and the portal's importers undo it: an export
imports back unchanged, through CSV in UTF-8 or GB18030 and through xlsx."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import tablib
from django.utils import translation
from openpyxl import load_workbook

from safecommunity.spreadsheets import (
    SpreadsheetCSV,
    SpreadsheetXLSX,
    StrictDecimalWidget,
    StrictIntegerWidget,
    inert_text,
    restored_text,
)
from tests.factories import WorkGroupFactory
from workgroups.models import Member
from workgroups.resources import MemberResource

PHONE = "+86 10 1234 5678"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "text",
    ["=1+1", "+86 10 1234 5678", "-稍后补充", "@SUM(A1)", "\tx", "\rx", "-", "=", "-5-2", "- 5"],
)
def test_a_cell_starting_like_a_formula_gets_an_apostrophe(text):
    assert inert_text(text) == "'" + text


@pytest.mark.parametrize("value", ["甲镇", "", "a=b", "'甲镇", "5", "-5", "-1,200.50", 7, None])
def test_other_cells_and_plain_negative_numbers_are_left_as_they_are(value):
    assert inert_text(value) == value


def test_text_already_marked_gets_one_more_mark():
    assert inert_text("'=1+1") == "''=1+1"


@pytest.mark.parametrize(
    "value",
    ["=1+1", PHONE, "-稍后补充", "@x", "\tx", "\rx", "-5", "'=1+1", "''-", "'", "'甲镇", "", 3],
)
def test_reading_undoes_the_rule_exactly(value):
    assert restored_text(inert_text(value)) == value


def test_reading_takes_off_one_mark_before_a_formula_start_only():
    assert restored_text("'甲镇") == "'甲镇"
    assert restored_text("''=1") == "'=1"


def csv_rows(content: bytes, encoding: str = "utf-8-sig") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode(encoding))))


def test_a_negative_number_in_a_number_column_stays_a_number():
    dataset = tablib.Dataset(["-5", "-2.5", "=1+1"], headers=["次数", "面积", "备注"])

    content = SpreadsheetCSV().export_data(dataset)

    assert csv_rows(content)[1] == ["-5", "-2.5", "'=1+1"]
    [row] = SpreadsheetCSV().create_dataset(content)
    assert StrictIntegerWidget().clean(row[0]) == -5
    assert StrictDecimalWidget().clean(row[1]) == Decimal("-2.5")
    assert row[2] == "=1+1"


def test_a_negative_number_marked_by_another_tool_is_still_a_number():
    [row] = SpreadsheetCSV().create_dataset("次数\n'-5\n".encode())

    assert StrictIntegerWidget().clean(row[0]) == -5


# --- Members round trip ------------------------------------------------------------------------


@pytest.fixture
def member(unit_a):
    group = WorkGroupFactory(unit=unit_a, name="宣传教育组")
    return Member.objects.create(
        unit=unit_a, body="group", group=group, name="=1+1", phone=PHONE, position="-"
    )


def reimported(content: bytes, file_format) -> object:
    result = MemberResource().import_data(file_format.create_dataset(content))
    assert not result.has_errors() and not result.has_validation_errors()
    return result


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_a_member_exported_as_csv_imports_back_unchanged(member, encoding):
    exported = SpreadsheetCSV().export_data(MemberResource().export())
    content = exported.decode("utf-8-sig").encode(encoding)  # as Chinese Excel saves it

    header, row = csv_rows(content, encoding)
    cell = dict(zip(header, row, strict=True))
    assert (cell["Full name"], cell["Phone"], cell["Position"]) == ("'=1+1", "'" + PHONE, "'-")
    result = reimported(content, SpreadsheetCSV())

    assert result.totals["skip"] == 1 and Member.objects.count() == 1
    member.refresh_from_db()
    assert (member.name, member.phone, member.position) == ("=1+1", PHONE, "-")


def test_a_member_exported_as_xlsx_imports_back_unchanged(member):
    content = SpreadsheetXLSX().export_data(MemberResource().export(force_native_type=True))

    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    name = sheet.cell(2, header.index("Full name") + 1)
    phone = sheet.cell(2, header.index("Phone") + 1)
    assert (name.value, name.data_type) == ("=1+1", "s")
    assert (phone.value, phone.data_type) == (PHONE, "s")
    assert sheet.cell(2, header.index("Order") + 1).value == 100  # a number cell
    result = reimported(content, SpreadsheetXLSX())

    assert result.totals["skip"] == 1 and Member.objects.count() == 1
    member.refresh_from_db()
    assert (member.name, member.phone, member.position) == ("=1+1", PHONE, "-")


def test_a_new_member_from_a_marked_csv_is_stored_without_the_marks(unit_a):
    content = "Unit code,Belongs to,Work group,Name,Phone\nA01,committee,,'=1+1,'+86 10 1234 5678\n"

    reimported(content.encode("gb18030"), SpreadsheetCSV())

    member = Member.objects.get()
    assert (member.name, member.phone) == ("=1+1", PHONE)


@pytest.mark.parametrize("file_format", [SpreadsheetCSV(), SpreadsheetXLSX()], ids=["csv", "xlsx"])
def test_an_export_written_to_a_file_row_by_row_equals_the_datasets(member, tmp_path, file_format):
    """What a job writes (`export_rows` into `export_to_file`) is the admin's file, cell by cell."""
    resource = MemberResource()
    native = isinstance(file_format, SpreadsheetXLSX)
    path = tmp_path / f"members.{file_format.get_extension()}"

    file_format.export_to_file(
        path,
        title=resource.sheet_title(),
        headers=resource.get_export_headers(),
        rows=resource.export_rows(Member.objects.all(), force_native_type=native),
    )

    expected = file_format.export_data(resource.export(force_native_type=native))
    if native:

        def cells(book):
            return [[c.value for c in row] for row in book.active.iter_rows()], book.active.title

        assert cells(load_workbook(path)) == cells(load_workbook(io.BytesIO(expected)))
    else:
        assert path.read_bytes() == expected


def test_a_jobs_csv_file_is_utf8_with_a_bom_inert_and_reads_back_unchanged(tmp_path):
    from safecommunity.spreadsheets import SpreadsheetCSV, csv_to_file

    path = tmp_path / "导出.csv"
    rows = [["=1+1", 3, "朝阳区"], ["-5", None, "+86 10 1234 5678"], ["'=x", 2.5, "正常"]]
    csv_to_file(path, ["文字", "数", "备注"], iter(rows))

    content = path.read_bytes()
    assert content.startswith("\ufeff".encode())
    assert content.decode("utf-8-sig").splitlines()[1] == "'=1+1,3,朝阳区"
    dataset = SpreadsheetCSV().create_dataset(content)
    assert dataset.headers == ["文字", "数", "备注"]
    assert [list(row) for row in dataset] == [
        ["=1+1", "3", "朝阳区"],
        ["-5", "", "+86 10 1234 5678"],
        ["'=x", "2.5", "正常"],
    ]
