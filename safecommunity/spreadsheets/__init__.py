"""What every spreadsheet import and export of the portal shares (django-import-export).

- `resources.SpreadsheetResource`: the base of every resource — all-or-nothing imports, model
  validation, errors keyed by column header, headers recognised in either language, rows
  repeated within one file refused, unchanged rows skipped (so a repeated import writes no
  history);
- `widgets`: strict widgets that refuse "abc" or "1.5" in a whole-number column with a message
  naming the value, instead of rounding silently or failing with `InvalidOperation`; a lookup
  widget that finds related rows by code, or by name within the row's parent, among the rows the
  importing user may see;
- `formats.SpreadsheetCSV`: CSV read as UTF-8 (with or without BOM) or GB18030, the encoding
  Chinese Excel uses when it saves CSV;
- `writing`: the xlsx download and inert cells.

Scoping is duck-typed: a model's default manager offers `visible_to(user)`,
`editable_by(user)` and `may_create(user, instance)` (see `safecommunity.scoping`).
"""

from .formats import SPREADSHEET_FORMATS, SpreadsheetCSV, UnreadableFile, decode_text
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
from .writing import FORMULA_STARTS, XLSX_TYPE, inert_row, xlsx_response

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
    "PlainRenderMixin",
    "SpreadsheetCSV",
    "SpreadsheetResource",
    "StrictBooleanWidget",
    "StrictDateWidget",
    "StrictDecimalWidget",
    "StrictIntegerWidget",
    "TextWidget",
    "UnreadableFile",
    "_is_blank",
    "_normalise",
    "column_header",
    "decode_text",
    "inert_row",
    "refuse",
    "widget_for",
    "xlsx_response",
]
