"""Injury spreadsheets as hospitals send them, written to real files for the import tests.

`card_row(…)` is one plausible card keyed by the card's Chinese headers (a man of 34 who fell at
home last month, treated and sent home); `write_xlsx` and `write_csv` put rows of such dicts in
a file, the headers taken from the first row. CSV comes in UTF-8, UTF-8 with a BOM (as Excel
saves "CSV UTF-8") or GB18030 (as Chinese Excel saves plain CSV). `stored(path)` keeps a file in
the shared storage as an upload is kept, for the services that check and import it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
from django.core.files import File
from django.utils import timezone

from injuries.services.files import upload_store

#: The card's headers (the zh_Hans names of the resource's columns), in the template's order.
HEADERS = [
    "创建单位",
    "数据来源",
    "报告单位",
    "卡片编号",
    "伤害发生时间",
    "患者就诊时间",
    "性别",
    "年龄",
    "户籍",
    "文化程度",
    "职业",
    "伤害发生原因",
    "伤害发生地点",
    "伤害发生时活动",
    "伤害意图",
    "饮酒情况",
    "伤害性质",
    "伤害部位",
    "伤害严重程度",
    "伤害结局",
    "伤害临床诊断",
    "ICD-10编码",
    "伤害经过",
]

#: The same columns under the resource's English field names.
ENGLISH = dict(
    zip(
        HEADERS,
        [
            "unit",
            "source",
            "reporting_org",
            "record_number",
            "injured_at",
            "visited_at",
            "sex",
            "age",
            "registration",
            "education",
            "occupation",
            "cause",
            "place",
            "activity",
            "intent",
            "alcohol",
            "nature",
            "body_part",
            "severity",
            "outcome",
            "diagnosis",
            "icd10",
            "narrative",
        ],
        strict=True,
    )
)


def injury_day() -> date:
    """A day a month back: never in the future, inside this year or the last."""
    return timezone.localdate() - timedelta(days=30)


def card_row(unit_code: str = "A01", number: str = "H0001", **changes: Any) -> dict[str, Any]:
    """One card as a hospital export has it: codes as Chinese labels, times as text.

    `changes` are keyed by header; a value of None leaves the cell empty.
    """
    day = injury_day()
    row = {
        "创建单位": unit_code,
        "数据来源": "医院",
        "报告单位": "顺义区医院",
        "卡片编号": number,
        "伤害发生时间": f"{day:%Y-%m-%d} 09:30",
        "患者就诊时间": f"{day:%Y-%m-%d} 10:15",
        "性别": "男",
        "年龄": 34,
        "户籍": "本市/县",
        "文化程度": "",
        "职业": "",
        "伤害发生原因": "跌倒/坠落",
        "伤害发生地点": "家中",
        "伤害发生时活动": "家务",
        "伤害意图": "非故意（意外事故）",
        "饮酒情况": "未饮用",
        "伤害性质": "挫伤、擦伤",
        "伤害部位": "下肢",
        "伤害严重程度": "轻度",
        "伤害结局": "处理后离院",
        "伤害临床诊断": "左膝挫伤",
        "ICD-10编码": "s80.0",
        "伤害经过": "在家拖地时滑倒",
    }
    row.update(changes)
    return row


def cards(count: int, unit_code: str = "A01", start: int = 1, **changes: Any) -> list[dict]:
    """`count` cards numbered H0001, H0002 … (from `start`), otherwise alike."""
    return [
        card_row(unit_code, f"H{number:04d}", **changes) for number in range(start, start + count)
    ]


def english_headers(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The same rows under the English field names."""
    return [{ENGLISH.get(header, header): value for header, value in row.items()} for row in rows]


def _table(rows: Sequence[dict[str, Any]], headers: Sequence[str] | None) -> list[list[Any]]:
    headers = list(headers if headers is not None else rows[0])
    return [headers, *([row.get(header) for header in headers] for row in rows)]


def write_xlsx(
    path: Path, rows: Sequence[dict[str, Any]], headers: Sequence[str] | None = None
) -> Path:
    """An Excel workbook of one sheet: the header row, then the rows."""
    book = openpyxl.Workbook()
    sheet = book.active
    for line in _table(rows, headers):
        sheet.append(line)
    book.save(path)
    return path


def write_csv(
    path: Path,
    rows: Sequence[dict[str, Any]],
    encoding: str = "utf-8",
    headers: Sequence[str] | None = None,
) -> Path:
    """A CSV file in `encoding` ("utf-8", "utf-8-sig" with the BOM, "gb18030"), as Excel
    writes it: CRLF line ends, dates and times as text."""
    with open(path, "w", encoding=encoding, newline="") as stream:
        writer = csv.writer(stream)
        for line in _table(rows, headers):
            writer.writerow(["" if cell is None else _text(cell) for cell in line])
    return path


def _text(value: Any) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def stored(path: Path) -> str:
    """Keep the file in the shared storage as an upload is kept; its storage name."""
    with open(path, "rb") as stream:
        return upload_store(File(stream, name=path.name))
