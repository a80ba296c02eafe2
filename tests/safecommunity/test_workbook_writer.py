"""The one workbook writer: text stays text, numbers and dates stay themselves, one header style."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from safecommunity.spreadsheets import XLSX_TYPE, PageSetup, WorkbookWriter, xlsx_response
from safecommunity.spreadsheets.writing import HEADER_COLOR

FORMULA_LIKE = [
    "=1+1",
    '=HYPERLINK("http://example.org","click")',
    "+86 10 1234 5678",
    "-稍后补充",
    "@SUM(A1)",
    "\tsome text",
    "#N/A",
]


def written(*rows, headers=("列",), **sheet_options):
    book = WorkbookWriter()
    book.sheet("工作表", headers, **sheet_options).rows(rows)
    return load_workbook(BytesIO(book.save()))


@pytest.mark.parametrize("text", FORMULA_LIKE)
def test_text_that_looks_like_a_formula_is_a_text_cell_with_no_apostrophe(text):
    cell = written([text]).active["A2"]

    assert cell.data_type == "s"
    assert cell.value == text
    assert cell.quotePrefix  # Excel keeps it text when the cell is edited


def test_text_read_back_in_read_only_mode_is_text_too():
    book = WorkbookWriter()
    book.sheet("工作表", ["姓名"]).row(["=1+1"])
    sheet = load_workbook(BytesIO(book.save()), read_only=True).active

    [_header, [cell]] = list(sheet.iter_rows())

    assert (cell.value, cell.data_type) == ("=1+1", "s")


def test_numbers_and_dates_are_number_and_date_cells():
    row = [42, -5, Decimal("2.5"), 0.25, date(2024, 3, 31), datetime(2024, 3, 31, 9, 30), True]

    sheet = written(row, headers=()).active

    cells = next(sheet.iter_rows())
    assert [cell.value for cell in cells] == [
        42, -5, 2.5, 0.25, datetime(2024, 3, 31), datetime(2024, 3, 31, 9, 30), True,
    ]  # fmt: skip
    assert [cell.data_type for cell in cells] == ["n", "n", "n", "n", "d", "d", "b"]
    assert cells[4].number_format == "yyyy-mm-dd"


def test_an_aware_datetime_is_written_in_local_time():
    sheet = written([datetime(2024, 3, 31, 1, 30, tzinfo=UTC)], headers=()).active

    assert sheet["A1"].value == datetime(2024, 3, 31, 9, 30)  # Asia/Shanghai


def test_a_lazy_translation_is_written_as_its_text():
    with translation.override("zh-hans"):
        sheet = written([gettext_lazy("yes")], headers=()).active

    assert sheet["A1"].value == "是"


def test_characters_xlsx_cannot_hold_are_left_out():
    sheet = written(["甲\x01乙\x0b丙\n丁"], headers=()).active

    assert sheet["A1"].value == "甲乙丙\n丁"


def test_every_sheet_has_the_same_header_row_frozen_with_widths():
    book = WorkbookWriter()
    book.sheet("进度", ["代码", "名称", "=备注"], widths=(8, 26))
    book.sheet("单位", ["Code"], freeze="B2")
    workbook = load_workbook(BytesIO(book.save()))

    first, second = workbook.worksheets
    headers = list(first[1])
    assert [cell.value for cell in headers] == ["代码", "名称", "=备注"]
    assert headers[2].data_type == "s"
    assert all(cell.font.b for cell in headers)
    assert all(cell.fill.fgColor.rgb == "FF" + HEADER_COLOR for cell in headers)
    assert (first.freeze_panes, second.freeze_panes) == ("A2", "B2")
    # Stored with Excel's padding (8.71 shows as 8 characters wide)
    widths = [int(first.column_dimensions[column].width) for column in "ABC"]
    assert widths[:2] == [8, 26] and widths[2] >= len("=备注")
    assert second["A1"].font.b and second["A1"].fill.fgColor.rgb == "FF" + HEADER_COLOR


def test_sheet_names_are_chinese_as_given_and_made_acceptable_to_excel():
    book = WorkbookWriter()
    for name in ("伤害统计", "单位/性别：合计", "单位/性别：合计", "很" * 40, ""):
        book.sheet(name)

    names = load_workbook(BytesIO(book.save())).sheetnames

    assert names == ["伤害统计", "单位 性别：合计", "单位 性别：合计 (2)", "很" * 31, "Sheet"]


def test_number_formats_and_bold_rows_go_by_column():
    book = WorkbookWriter()
    sheet = book.sheet("比例", ["类别", "比例"], formats=(None, "0.0"))
    sheet.row(["跌倒", 12.345])
    sheet.row(["合计", 100], bold=True)
    sheet.row()
    sheet.row(["=注释"])
    rows = list(load_workbook(BytesIO(book.save())).active.iter_rows())

    assert rows[1][1].number_format == "0.0" and not rows[1][0].font.b
    assert rows[2][0].font.b and rows[2][1].font.b and rows[2][1].value == 100
    assert rows[3][0].value is None
    assert (rows[4][0].value, rows[4][0].data_type) == ("=注释", "s")


def test_xlsx_response_is_a_download_of_one_sheet():
    response = xlsx_response("export.xlsx", "导出", ["代码"], [["=1+1"]], freeze="C2")

    assert response["Content-Type"] == XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="export.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    assert (sheet.title, sheet.freeze_panes) == ("导出", "C2")
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1", "s")


def test_a_workbook_saved_to_a_file_is_the_workbook_saved_as_bytes(tmp_path):
    path = tmp_path / "导出.xlsx"
    book = WorkbookWriter()
    book.sheet("工作表", ["代码", "数"], freeze="B2").rows([["=1+1", 3], ["甲", 4.5]])
    book.save_to(path)

    sheet = load_workbook(path).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["代码", "数"],
        ["=1+1", 3],
        ["甲", 4.5],
    ]
    assert sheet["A2"].data_type == "s" and sheet.freeze_panes == "B2"


def test_only_the_workbook_writer_writes_xlsx():
    """Every xlsx goes through `WorkbookWriter`: no other production module imports a writer."""
    root = Path(__file__).resolve().parents[2]
    writers = {"openpyxl", "xlsxwriter"}
    importers = set()
    for app in ("safecommunity", "programs", "workgroups", "injuries"):
        for path in (root / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom):
                    names = [node.module or ""]
                else:
                    continue
                if any(name.split(".")[0] in writers for name in names):
                    importers.add(path.relative_to(root).as_posix())

    assert importers == {"safecommunity/spreadsheets/writing.py"}


def test_what_calamine_reads_back_is_what_was_written(tmp_path):
    """The portal's own reader (calamine, the injury import's) sees the same values and types."""
    from datetime import time

    from python_calamine import CalamineWorkbook

    path = tmp_path / "回读.xlsx"
    book = WorkbookWriter()
    sheet = book.sheet("伤害", ["文字", "数", "日期", "时刻", "时间"])
    sheet.row(["=1+1", 3, date(2024, 3, 31), datetime(2024, 3, 31, 9, 30), time(7, 45)])
    sheet.row(["朝阳区", Decimal("2.5"), None, "#N/A", True], bold=True)
    book.save_to(path)

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()

    assert rows == [
        ["文字", "数", "日期", "时刻", "时间"],
        ["=1+1", 3, date(2024, 3, 31), datetime(2024, 3, 31, 9, 30), time(7, 45)],
        ["朝阳区", 2.5, "", "#N/A", True],
    ]


def test_a_bold_row_keeps_its_dates_as_dates_and_not_a_number_is_text():
    book = WorkbookWriter()
    sheet = book.sheet("合计", ["日期", "比例"], formats=(None, "0.0"))
    sheet.row([date(2024, 3, 31), float("nan")], bold=True)
    [_header, [day, ratio]] = list(load_workbook(BytesIO(book.save())).active.iter_rows())

    assert (day.value, day.number_format, day.font.b) == (datetime(2024, 3, 31), "yyyy-mm-dd", True)
    assert (ratio.value, ratio.data_type) == ("nan", "s")  # Excel has no NaN


def test_a_large_sheet_is_written_row_by_row_in_constant_memory(tmp_path):
    """XlsxWriter's constant-memory mode: a row is written out when the next one starts, so the
    writer holds one row, however many the export has."""
    book = WorkbookWriter()
    sheet = book.sheet("大表", ["序号", "名称"])
    sheet.rows([n, f"单位{n}"] for n in range(20_000))

    assert book._book.constant_memory
    assert len(sheet._sheet.table) <= 1  # rows already flushed to the sheet's temporary file
    book.save_to(tmp_path / "大表.xlsx")
    rows = load_workbook(tmp_path / "大表.xlsx", read_only=True).active.iter_rows(values_only=True)
    assert sum(1 for _ in rows) == 20_001


def test_a_printable_sheet_has_a_title_row_a4_one_page_wide_repeated_rows_and_page_numbers():
    book = WorkbookWriter()
    page = PageSetup(title="东城区 2025 年 决算", landscape=True, footer="第 &P 页，共 &N 页")
    sheet = book.sheet("决算表", ["类别", "预算"], formats=(None, "0.00"), page=page)
    sheet.row(["宣传培训", Decimal("1234.50")])
    sheet = load_workbook(BytesIO(book.save()))["决算表"]

    assert sheet["A1"].value == "东城区 2025 年 决算"
    assert sheet["A1"].font.b and sheet["A1"].font.sz == 14
    assert sheet["A2"].value == "类别" and sheet["A2"].fill.fgColor.rgb.endswith(HEADER_COLOR)
    assert sheet["B3"].value == 1234.5 and sheet["B3"].number_format == "0.00"
    assert sheet.freeze_panes == "A3"  # below the title and the header
    assert sheet.print_title_rows == "$1:$2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    # one page wide (1 is the default, left out of the file), as many long as it takes
    assert (sheet.page_setup.fitToWidth or 1) == 1 and sheet.page_setup.fitToHeight == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.oddFooter.center.text == "第 &P 页，共 &N 页"


def test_a_sheet_without_a_page_setup_prints_as_before():
    sheet = written(["x"]).active

    assert sheet.print_title_rows is None
    assert sheet.page_setup.orientation in (None, "default")
    assert sheet.oddFooter.center.text is None
