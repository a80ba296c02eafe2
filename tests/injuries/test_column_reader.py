"""The import reads a chunk of rows by column (`rows.read_chunk`): every cell gives the value and
the message the former reader, a row at a time, gave it (`tests/injuries/row_reader.py`), in the
same order within a row — with cells of every type a file gives (a CSV's texts, a workbook's
numbers, dates and booleans) and every kind of bad cell; and what the column-wise staging writes
(derived fields, COPY's text) is what the records receive."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone, translation

from injuries.models import InjuryRecord, derived_values
from injuries.resources import InjuryRecordResource
from injuries.services import batch_commit, batch_preview
from injuries.services.chunks import derived_columns
from injuries.services.rows import DATA_FIELDS, KEY, Columns, read_chunk
from tests.injuries.row_reader import read_row
from tests.injury_files import HEADERS, card_row, stored, write_csv

TODAY = timezone.localdate()
FUTURE = TODAY + datetime.timedelta(days=3)
#: Cells to put, one at a time, into an otherwise good card: header → cells.
VARIANTS: dict[str, list[Any]] = {
    "创建单位": ["a01 ", "甲镇", "Z99", "B01", "", None, 7, 7.0],
    "数据来源": ["hospital", "医疗机构", "nope", "", 1, 1.0, True],
    "报告单位": ["  顺义区医院 ", "x" * 101, "", 12.0],
    "卡片编号": ["", "x" * 51, 12345.0, 12345, "  H77 "],
    "伤害发生时间": [
        "2024-03-31 14:30", "2024-02-30 10:00", "2024-03-31 25:00", "2024-03-31 14:60",
        "2024/3/31", "2024年3月31日 14时30分", f"{FUTURE} 09:00", str(FUTURE), "",
        "2024-03-31 14:30:59", " 2024-03-31 14:30", "２０２４-03-31 14:30", "2024-03-31T14:30",
        "2024-3-31 14:30", "abcd-ef-gh ij:kl", datetime.datetime(2024, 3, 31, 14, 30, 40),
        datetime.datetime(2024, 3, 31), datetime.date(2024, 3, 31), 45000.0,
    ],
    "患者就诊时间": ["", None, f"{FUTURE} 10:00", "2024-13-01 10:00", "2024-03-31 09:00"],
    "性别": ["女", 1, 1.0, True, "1", "9.未说明的性别", "x", 1.5],
    "年龄": ["34", 34.0, 34.5, "abc", 130, -1, True, "", "1,000", " 7 "],
    "伤害发生原因": [3, "3", "3.跌倒/坠落", "bad", 99, "机动车车祸", ""],
    "饮酒情况": ["", None, 2, "nope"],
    "伤害临床诊断": ["x" * 201, "", 5.0],
    "ICD-10编码": ["bad!", "", None, "v89.2", 12.0],
    "伤害经过": ["x" * 1001, "引号'和\t制表符\n换行\\反斜杠"],
}  # fmt: skip


def rows_with_every_variant() -> list[list[Any]]:
    """A good card, each variant alone in a card of its own, then cards with several bad
    cells (their order among a row's messages), a short row and a repeated card number."""
    rows = [card_row(number="H0")]
    for header, cells in VARIANTS.items():
        for n, cell in enumerate(cells):
            rows.append(card_row(number=f"{header}-{n}", **{header: cell}))
    rows.append(
        card_row(number="M1", 创建单位="", 年龄=130, 伤害经过="x" * 1001,
                 伤害发生时间=f"{FUTURE} 08:00", 性别="x", **{"ICD-10编码": "bad!"})
    )  # fmt: skip
    rows.append(card_row(number="M2", 报告单位="", 卡片编号="", 伤害临床诊断="x" * 201))
    table = [[row[h] for h in HEADERS] for row in rows]
    table.append(table[0][:5])  # a row cut short: its missing cells are empty
    return table


def assert_reads_alike(table: list[list[Any]], columns: Columns) -> None:
    read = read_chunk(table, columns)
    for index, cells in enumerate(table):
        values, errors = read_row(cells, columns)
        assert list(read.errors.get(index, {}).items()) == list(errors.items()), (index, cells)
        if not errors:
            got = {name: read.values[name][index] for name in (*KEY, *DATA_FIELDS)}
            assert got == {name: values.get(name, got[name]) for name in got}, (index, cells)


@pytest.fixture
def columns(clerk_a, unit_a, unit_b) -> Columns:
    with translation.override("zh-hans"):
        yield Columns.of(HEADERS, InjuryRecordResource(user=clerk_a))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_cell_reads_as_the_row_reader_read_it(columns, language):
    """Cells as a workbook gives them (numbers, dates, booleans, texts mixed in a column)."""
    table = rows_with_every_variant()
    with translation.override(language):
        assert_reads_alike(table, columns)
        assert len(read_chunk(table, columns).errors) > 40


def test_every_text_cell_reads_as_the_row_reader_read_it(columns):
    """Cells as a CSV file gives them, all text: the columns take the readers in C (stripped
    texts, dates and times from their tables)."""
    table = [["" if c is None else str(c) for c in row] for row in rows_with_every_variant()]
    with translation.override("zh-hans"):
        assert_reads_alike(table, columns)


def test_a_good_column_of_text_reads_without_a_message(columns):
    table = [[card_row(number=f"H{n}")[h] for h in HEADERS] for n in range(50)]
    table = [[str(c) for c in row] for row in table]
    read = read_chunk(table, columns)
    assert read.errors == {}
    assert read.values["injury_time"][0] == datetime.time(9, 30)
    assert_reads_alike(table, columns)


def test_the_derived_columns_are_each_records_derived_values(columns):
    table = [[row[h] for h in HEADERS] for row in (
        card_row(number=f"H{n}", 年龄=n * 7 % 100, 伤害发生原因=n % 13 + 1) for n in range(40)
    )]  # fmt: skip
    read = read_chunk(table, columns)
    derived = derived_columns(read.values)
    for index in range(len(table)):
        row = {name: column[index] for name, column in read.values.items()}
        assert {name: column[index] for name, column in derived.items()} == derived_values(row)


def test_texts_with_tabs_line_ends_and_backslashes_are_imported_as_written(
    tmp_path, clerk_a, unit_a
):
    """COPY's text format escapes them on PostgreSQL; SQLite takes them as parameters."""
    narratives = ["制表\t符", "换\n行", "反斜\\杠 \\N", "回\r车", "\\."]
    rows = [card_row(number=f"H{n}", 伤害经过=text) for n, text in enumerate(narratives)]
    path = write_csv(tmp_path / "cards.csv", rows)
    batch, report = batch_preview(name=stored(path), file_name="cards.csv", user=clerk_a)
    assert report.ok, report.problems
    assert batch_commit(batch=batch, user=clerk_a).committed
    stored_narratives = dict(InjuryRecord.objects.values_list("record_number", "narrative"))
    assert stored_narratives == {f"H{n}": text for n, text in enumerate(narratives)}
