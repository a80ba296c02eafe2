"""What every spreadsheet import and export of the portal shares (django-import-export).

- `resources.SpreadsheetResource`: the base of every resource — all-or-nothing imports, model
  validation, errors keyed by column header, headers recognised in either language, rows
  repeated within one file refused, unchanged rows skipped (so a repeated import writes no
  history);
- `widgets`: strict widgets that refuse "abc" or "1.5" in a whole-number column with a message
  naming the value, instead of rounding silently or failing with `InvalidOperation`; a lookup
  widget that finds related rows by code, or by name within the row's parent, among the rows the
  importing user may see;
- `formats`: the admin's formats — `SpreadsheetXLSX`, written by the one workbook writer, and
  `SpreadsheetCSV`, read as UTF-8 (with or without BOM) or GB18030, the encoding Chinese Excel
  uses when it saves CSV, and written with inert text (`csv_to_file` for a job's large export);
- `writing.WorkbookWriter`: the one writer of every xlsx the portal writes (`xlsx_response` for
  one sheet): text cells typed as text, numbers and dates as such, one header style;
- `inert`: the CSV rule against formulas (a `'` before `=`, `+`, `-`, `@`, tab, CR) and its
  undoing when the portal reads a file back.

Scoping is duck-typed: a model's default manager offers `visible_to(user)`,
`editable_by(user)` and `may_create(user, instance)` (see `safecommunity.scoping`).
"""

from .formats import (
    SPREADSHEET_FORMATS,
    SpreadsheetCSV,
    SpreadsheetXLSX,
    UnreadableFile,
    csv_to_file,
    decode_text,
)
from .inert import FORMULA_STARTS, inert_row, inert_text, restored_row, restored_text
from .resources import SpreadsheetResource, widget_for
from .widgets import (
    MAY_NOT_ADD,
    NOT_A_CHOICE,
    NOT_A_DATE,
    NOT_A_NUMBER,
    NOT_WHOLE_NUMBER,
    NOT_YES_OR_NO,
    REPEATED_ROW,
    ChoiceWidget,
    CodeWidget,
    LookupWidget,
    PlainRenderMixin,
    StrictBooleanWidget,
    StrictDateWidget,
    StrictDecimalWidget,
    StrictIntegerWidget,
    TextWidget,
    _is_blank,
    _normalise,
    column_header,
    refuse,
)
from .writing import XLSX_TYPE, PageSetup, SheetWriter, WorkbookWriter, xlsx_response

__all__ = [
    "FORMULA_STARTS",
    "MAY_NOT_ADD",
    "NOT_A_CHOICE",
    "NOT_A_DATE",
    "NOT_A_NUMBER",
    "NOT_WHOLE_NUMBER",
    "NOT_YES_OR_NO",
    "REPEATED_ROW",
    "SPREADSHEET_FORMATS",
    "XLSX_TYPE",
    "ChoiceWidget",
    "CodeWidget",
    "LookupWidget",
    "PageSetup",
    "PlainRenderMixin",
    "SheetWriter",
    "SpreadsheetCSV",
    "SpreadsheetResource",
    "SpreadsheetXLSX",
    "StrictBooleanWidget",
    "StrictDateWidget",
    "StrictDecimalWidget",
    "StrictIntegerWidget",
    "TextWidget",
    "UnreadableFile",
    "WorkbookWriter",
    "_is_blank",
    "_normalise",
    "column_header",
    "csv_to_file",
    "decode_text",
    "inert_row",
    "inert_text",
    "refuse",
    "restored_row",
    "restored_text",
    "widget_for",
    "xlsx_response",
]
