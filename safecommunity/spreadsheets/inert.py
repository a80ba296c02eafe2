"""Text no spreadsheet reads as a formula, in CSV: the rule on export and its undoing on import.

OWASP's advice against CSV injection: a cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return is written with a leading `'`, so a clerk's comment `=HYPERLINK(...)` reaches
district staff as words, not as a live formula. A plain negative number (`-5`, `-1,200.5`)
cannot act as a formula and is left as it is, so it stays a number in Excel. Text that already
starts with such a mark (`'=x`) gets one more, so reading it back is exact.

The portal's CSV readers (`SpreadsheetCSV` for the admin's imports, the injury importer) take
one `'` off again, so an export imports back unchanged: a phone `+86 10 1234 5678` too. xlsx
needs no mark: the workbook writer types text cells as text (see `writing`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# The first characters of a cell `inert_text` may change: a formula start, or a mark already.
_MAY_CHANGE = frozenset((*FORMULA_STARTS, QUOTE))
_NEGATIVE_NUMBER = re.compile(r"-\d[\d,]*(?:\.\d+)?")


def inert_text(value: Any) -> Any:
    """`value` as a CSV cell: text that a spreadsheet would read as a formula gets a `'`."""
    if (
        isinstance(value, str)
        and value.lstrip(QUOTE).startswith(FORMULA_STARTS)
        and not _NEGATIVE_NUMBER.fullmatch(value)
    ):
        return QUOTE + value
    return value


def inert_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row made inert cell by cell (see `inert_text`); a large export writes millions of
    cells through it, so a cell that cannot change costs one look at its first character."""
    return [
        inert_text(value) if isinstance(value, str) and value[:1] in _MAY_CHANGE else value
        for value in values
    ]


def restored_text(value: Any) -> Any:
    """A CSV cell as it was before `inert_text`: one `'` before a formula start is taken off."""
    if (
        isinstance(value, str)
        and value.startswith(QUOTE)
        and value.lstrip(QUOTE).startswith(FORMULA_STARTS)
    ):
        return value[1:]
    return value


def restored_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row read back, its cells restored (see `restored_text`); the injury importer reads
    a hundred thousand rows through it, so cells without a mark cost one comparison."""
    return [
        restored_text(value) if isinstance(value, str) and value[:1] == QUOTE else value
        for value in values
    ]
