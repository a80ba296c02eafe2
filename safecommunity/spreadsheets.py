"""What every spreadsheet import and export of the portal shares (django-import-export).

- `SpreadsheetResource`: the base of every resource — all-or-nothing imports, model validation,
  errors keyed by column header, headers recognised in either language, rows repeated within
  one file refused, unchanged rows skipped (so a repeated import writes no history);
- strict widgets that refuse "abc" or "1.5" in a whole-number column with a message naming the
  value, instead of rounding silently or failing with `InvalidOperation`;
- a lookup widget that finds related rows by code, or by name within the row's parent, among
  the rows the importing user may see;
- `SpreadsheetCSV`: CSV read as UTF-8 (with or without BOM) or GB18030, the encoding Chinese
  Excel uses when it saves CSV.

Scoping is duck-typed: a model's default manager offers `visible_to(user)`,
`editable_by(user)` and `may_create(user, instance)` (see `safecommunity.scoping`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from io import BytesIO
from typing import Any

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

# --- Formats ---


class UnreadableFile(ValueError):
    """A file the format cannot read, with a message the person who uploaded it can act on."""


def decode_text(data: bytes, encodings: Iterable[str], preferred: str | None = None) -> str:
    """Decode with the first encoding that fits; UTF-8 is strict, so it goes first."""
    candidates = [preferred, *encodings] if preferred else list(encodings)
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise UnreadableFile(
        gettext("The file is neither UTF-8 nor GB18030 text; save it again as CSV or xlsx.")
    )


class SpreadsheetCSV(base_formats.CSV):
    """CSV as offices save it: UTF-8 (with or without BOM) or GB18030 (Chinese Excel's default).

    import-export decodes text formats with one fixed encoding before the format sees them
    (the admin's `from_encoding`, UTF-8), so a GB18030 file fails to open. This format declares
    itself binary: the admin then hands over the raw bytes, and `create_dataset` tries each
    encoding in turn. Exports are UTF-8 with a BOM, which Excel needs to show Chinese.
    """

    ENCODINGS = ("utf-8-sig", "gb18030")

    def is_binary(self) -> bool:
        return True

    def get_read_mode(self) -> str:
        return "rb"

    def create_dataset(self, in_stream: bytes | str, **kwargs: Any) -> tablib.Dataset:
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream, self.ENCODINGS, preferred=self.encoding)
        return base_formats.TablibFormat.create_dataset(self, in_stream, **kwargs)

    def export_data(self, dataset: tablib.Dataset, **kwargs: Any) -> bytes:
        return super().export_data(dataset, **kwargs).encode("utf-8-sig")


#: The formats offered by every import/export admin: Excel first, then CSV.
SPREADSHEET_FORMATS = [base_formats.XLSX, SpreadsheetCSV]


# --- Widgets: strict, and naming the value they refuse ---

NOT_WHOLE_NUMBER = _("“%(value)s” is not a whole number.")
NOT_A_NUMBER = _("“%(value)s” is not a number.")
NOT_YES_OR_NO = _("“%(value)s” is neither yes nor no.")
NOT_A_DATE = _("“%(value)s” is not a date; write it as 2024-03-31.")
NOT_A_CHOICE = _("“%(value)s” is not one of: %(choices)s.")
REPEATED_ROW = _("This row repeats row %(row)s of the file.")
MAY_NOT_ADD = _("You may not add this row: it is outside what you are allowed to change.")

_INTEGER_RE = re.compile(r"^[+-]?(?:\d{1,18}|\d{1,3}(?:,\d{3}){1,5})$")
_DECIMAL_RE = re.compile(r"^[+-]?(?:\d{1,18}|\d{1,3}(?:,\d{3}){1,5})(?:\.\d{1,18})?$")
_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


def refuse(message: str, value: Any, **params: Any) -> ValueError:
    """import-export turns a widget's ValueError into an error on the field's column."""
    return ValueError(message % {"value": value, **params})


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _normalise(text: Any) -> str:
    """Compare labels and headers without case, surrounding spaces or doubled spaces."""
    return " ".join(str(text).split()).casefold() if text is not None else ""


def _in_every_language(label: Any) -> set[str]:
    """A lazy label as the msgid (English) and in every language of the portal."""
    texts = set()
    with translation.override(None):
        texts.add(str(label))
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(str(label))
    return texts


def column_header(model: type[models.Model], field_name: str) -> Any:
    """The column header of a model field: its verbose name, capitalised."""
    return capfirst(model._meta.get_field(field_name).verbose_name)


class TextWidget(widgets.CharWidget):
    """Text without surrounding spaces; a number Excel stored for a phone becomes its digits."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


class CodeWidget(TextWidget):
    """A code stored in capitals, so "t01" finds unit T01."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        return super().clean(value, row, **kwargs).upper()


class PlainRenderMixin:
    """Exported as text ("" when empty), or as the value itself when the format is native."""

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class StrictIntegerWidget(PlainRenderMixin, widgets.IntegerWidget):
    """A whole number; "abc" and "1.5" are refused with a message, never rounded."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> int | None:
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            raise refuse(NOT_WHOLE_NUMBER, value)
        if isinstance(value, int):
            return value
        if isinstance(value, float | Decimal):
            try:
                if value == int(value):
                    return int(value)
            except (ValueError, OverflowError, InvalidOperation):
                pass
            raise refuse(NOT_WHOLE_NUMBER, value)
        text = str(value).strip()
        if not _INTEGER_RE.match(text):
            raise refuse(NOT_WHOLE_NUMBER, text)
        return int(text.replace(",", ""))


class StrictDecimalWidget(PlainRenderMixin, widgets.DecimalWidget):
    """A decimal number such as an area; text is refused with a message naming it."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Decimal | None:
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            raise refuse(NOT_A_NUMBER, value)
        if isinstance(value, int | float | Decimal):
            number = Decimal(str(value))
            if not number.is_finite():
                raise refuse(NOT_A_NUMBER, value)
            return number
        text = str(value).strip()
        if not _DECIMAL_RE.match(text):
            raise refuse(NOT_A_NUMBER, text)
        return Decimal(text.replace(",", ""))


class StrictDateWidget(PlainRenderMixin, widgets.DateWidget):
    """A date cell, or text such as 2024-03-31, 2024/3/31 or 2024年3月31日."""

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> date | None:
        if _is_blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for format_ in _DATE_FORMATS:
            try:
                return datetime.strptime(text, format_).date()
            except ValueError:
                continue
        raise refuse(NOT_A_DATE, text)


class StrictBooleanWidget(widgets.BooleanWidget):
    """Yes or no, in English or Chinese, or 1/0; anything else is refused (not read as "no")."""

    TRUE_WORDS = frozenset({"1", "true", "yes", "y", "是", "√", "✓", "✔"})
    FALSE_WORDS = frozenset({"0", "false", "no", "n", "否", "×", "✗", "✘"})

    @cached_property
    def words(self) -> dict[str, bool]:
        """Every accepted word → its meaning; built once, not for every cell."""
        words = dict.fromkeys(self.TRUE_WORDS, True) | dict.fromkeys(self.FALSE_WORDS, False)
        for label, meaning in ((_("yes"), True), (_("no"), False)):
            words |= dict.fromkeys(map(_normalise, _in_every_language(label)), meaning)
        return words

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> bool | None:
        if _is_blank(value):
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float) and value in (0, 1):
            return bool(value)
        try:
            return self.words[_normalise(value)]
        except KeyError:
            raise refuse(NOT_YES_OR_NO, value) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return str(_("yes") if value else _("no"))


class ChoiceWidget(widgets.Widget):
    """A choice given as its stored value, its label in any language, or a common synonym.

    Exports write the label in the current language, which imports accept back.
    """

    def __init__(
        self,
        choices: Iterable[tuple[str, Any]],
        aliases: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.labels = dict(choices)
        self.aliases = aliases or {}

    @cached_property
    def table(self) -> dict[str, str]:
        """Every accepted spelling → the stored value; built once, not for every cell."""
        table = {_normalise(alias): value for alias, value in self.aliases.items()}
        for value, label in self.labels.items():
            table[_normalise(value)] = value
            for text in _in_every_language(label):
                table[_normalise(text)] = value
        return table

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        if _is_blank(value):
            return ""
        try:
            return self.table[_normalise(value)]
        except KeyError:
            labels = " / ".join(str(label) for label in self.labels.values())
            raise refuse(NOT_A_CHOICE, str(value).strip(), choices=labels) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return str(self.labels.get(value, value or ""))


# --- Lookups: related rows among those the importing user may see ---


class LookupWidget(widgets.ForeignKeyWidget):
    """A related row written as its code or name, looked up among the rows the importing user
    may see (with `editable=True`: may change); an unknown value names itself.

    - `text` reads the cell: `CodeWidget()` for codes stored in capitals;
    - `within=(field, lookup)` looks the name up within the parent whose code is in another
      column of the row: a member's work group within its unit is `("unit", "unit__code")`.
      Without that column the name must be unambiguous. Messages get the cell as `value` and
      the parent's code as `parent`.

    `SpreadsheetResource` binds itself to the widget when it is created, which gives it the user
    (None outside a request: a script or a test sees everything) and the file's columns. Each
    lookup runs once per import, although import-export reads a key column three times
    (repeat check, finding the row, filling it in).
    """

    resource: SpreadsheetResource | None = None

    def __init__(
        self,
        model: type[models.Model],
        field: str,
        *,
        not_found: str,
        ambiguous: str | None = None,
        within: tuple[str, str] | None = None,
        text: TextWidget | None = None,
        editable: bool = False,
    ) -> None:
        super().__init__(model, field)
        self.not_found = not_found
        self.ambiguous = ambiguous or not_found
        self.within = within
        self.text = text or TextWidget()
        self.editable = editable

    def bind(self, resource: SpreadsheetResource) -> None:
        self.resource = resource

    def get_queryset(self, value: Any, row: Any, *args: Any, **kwargs: Any) -> models.QuerySet:
        manager = self.model._default_manager
        user = getattr(self.resource, "user", None)
        if user is None:
            return manager.all()
        return manager.editable_by(user) if self.editable else manager.visible_to(user)

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
        key = self.text.clean(value)
        if not key:
            return None
        lookup = {self.field: key}
        parent = self._column_value(row, self.within[0]) if self.within else ""
        if parent:
            lookup[f"{self.within[1]}__iexact"] = parent
        found = self._find(lookup)
        if len(found) != 1:
            raise refuse(self.ambiguous if found else self.not_found, key, parent=parent)
        return found[0]

    def _find(self, lookup: dict[str, str]) -> list[models.Model]:
        """Up to two rows matching `lookup`, remembered for the rest of the import."""
        cache = self.resource.lookups if self.resource is not None else {}
        key = (id(self), *sorted(lookup.items()))
        if key not in cache:
            cache[key] = list(self.get_queryset(None, None).filter(**lookup)[:2])
        return cache[key]

    def _column_value(self, row: Any, field_name: str) -> str:
        """The text of another column of the same row, e.g. the unit code beside a group."""
        if not row or self.resource is None:
            return ""
        value = row.get(self.resource.fields[field_name].column_name)
        return "" if value is None else str(value).strip()


# --- The base resource ---


def widget_for(model_field: models.Field) -> widgets.Widget:
    """The strict widget for a model field; foreign keys must be declared explicitly."""
    if model_field.is_relation:
        raise ImproperlyConfigured(
            f"Declare the column for {model_field} with a lookup widget (a code, not an id)."
        )
    if model_field.choices:
        return ChoiceWidget(model_field.choices)
    if isinstance(model_field, models.BooleanField):
        return StrictBooleanWidget()
    if isinstance(model_field, models.DateField):
        return StrictDateWidget()
    if isinstance(model_field, models.DecimalField):
        return StrictDecimalWidget()
    if isinstance(model_field, models.IntegerField):
        return StrictIntegerWidget()
    return TextWidget()


class SpreadsheetResource(resources.ModelResource):
    """What every spreadsheet of the portal shares.

    - One import is one transaction: a single bad row (or any error) rolls back every row.
    - Rows go through the model's `full_clean`, so validators and named constraints become
      errors on the row's columns; errors are keyed by column header, as the user sees them.
    - Rows are saved one by one (no bulk mode), so django-simple-history records each change,
      with the importing user and the file name; unchanged rows are skipped and write nothing.
    - Headers are recognised in English or Chinese whatever the current language.
    - A row that repeats an earlier row's key within the same file is refused.
    - Created with `user=…` (the admin does so), rows are found and related rows looked up only
      among those the user may change or see (`editable_by` / `visible_to`), and new rows are
      added only where the model's `may_create` allows.
    """

    class Meta:
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = False
        use_bulk = False
        use_transactions = True

    def __init__(self, user: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.user = user
        self.lookups: dict[tuple, list[models.Model]] = {}
        self._first_row_of_key: dict[tuple, int] = {}
        for field in self.fields.values():
            field.column_name = str(field.column_name)  # the header in the current language
            if isinstance(field.widget, LookupWidget):
                field.widget.bind(self)

    @classmethod
    def field_from_django_field(
        cls, field_name: str, django_field: models.Field, readonly: bool
    ) -> fields.Field:
        """Model fields become columns headed by their verbose name, read by strict widgets."""
        return fields.Field(
            attribute=field_name,
            column_name=capfirst(django_field.verbose_name),
            widget=widget_for(django_field),
            readonly=readonly,
            default=django_field.default,
        )

    def get_queryset(self) -> models.QuerySet:
        """The rows an import may update: those the importing user may change."""
        manager = self._meta.model._default_manager
        return manager.all() if self.user is None else manager.editable_by(self.user)

    def import_data(self, dataset: tablib.Dataset, **kwargs: Any) -> Any:
        """All or nothing: import-export keeps the valid rows of a file unless told otherwise."""
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        self.lookups = {}
        self._first_row_of_key = {}
        if dataset.headers:
            headers = self._header_aliases()
            dataset.headers = [headers.get(_normalise(h), h) for h in dataset.headers]

    def _header_aliases(self) -> dict[str, str]:
        """Every accepted spelling of each header → the header in the current language."""
        aliases = {}
        for name, field in self.fields.items():
            declared = type(self).fields[name].column_name
            for text in {name, field.column_name, *_in_every_language(declared)}:
                aliases[_normalise(text)] = field.column_name
        return aliases

    def before_import_row(self, row: Any, **kwargs: Any) -> None:
        """Refuse a row whose key an earlier row of the same file already used."""
        id_fields = self.get_import_id_fields()
        key = tuple(self._key_part(name, row) for name in id_fields)
        if key[0] in (None, "") or key[-1] in (None, ""):
            return  # a missing key is the model's "required" error, not a repetition
        number = kwargs.get("row_number")
        first = self._first_row_of_key.setdefault(key, number)
        if first != number:
            raise ValidationError({id_fields[-1]: REPEATED_ROW % {"row": first}})

    def _key_part(self, field_name: str, row: Any) -> Any:
        field = self.fields[field_name]
        try:
            return field.clean(row)
        except (ValueError, KeyError):
            return _normalise(row.get(field.column_name))

    def get_instance(self, instance_loader: Any, row: Any) -> models.Model | None:
        """A key column that does not resolve (an unknown unit code …) means a new row; the
        column's own error is then reported by `import_instance`, on the right column."""
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None

    def import_row(self, row: Any, instance_loader: Any, **kwargs: Any) -> Any:
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            row_result.validation_error = self._errors_by_column(row_result.validation_error)
        return row_result

    def _errors_by_column(self, error: ValidationError) -> ValidationError:
        if not hasattr(error, "error_dict"):
            return error
        headers = {}
        for name, field in self.fields.items():
            headers[name] = field.column_name
            if field.attribute:
                headers[field.attribute] = field.column_name
        by_column: dict[str, list[ValidationError]] = {}
        for key, errors in error.error_dict.items():
            column = key if key == NON_FIELD_ERRORS else headers.get(key, key)
            by_column.setdefault(column, []).extend(errors)
        return ValidationError(by_column)

    def save_instance(
        self, instance: models.Model, is_create: bool, row: Any, **kwargs: Any
    ) -> None:
        """Updates are limited by `get_queryset`; a new row must be one the user may add."""
        if (
            is_create
            and self.user is not None
            and not type(instance)._default_manager.may_create(self.user, instance)
        ):
            raise ValidationError(MAY_NOT_ADD)
        super().save_instance(instance, is_create, row, **kwargs)

    def before_save_instance(self, instance: models.Model, row: Any, **kwargs: Any) -> None:
        """Let the change log say who imported the row, and from which file."""
        user = kwargs.get("user") or self.user
        if user is not None and getattr(user, "is_authenticated", False):
            instance._history_user = user
        file_name = kwargs.get("file_name")
        instance._change_reason = (
            gettext("Imported from %(file)s") % {"file": file_name}
            if file_name
            else gettext("Imported from a spreadsheet")
        )


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_row(values) -> list:
    """A row for an exported sheet in which no text can act as a formula: a clerk's comment
    such as `=HYPERLINK(...)` must reach district staff as words, not as a live formula."""
    return [
        f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
        for value in values
    ]


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(
    filename: str,
    title: str,
    headers: Iterable[str],
    rows: Iterable[Iterable[Any]],
    *,
    widths: Iterable[int] = (),
    freeze: str = "C2",
) -> HttpResponse:
    """An xlsx download of one sheet: a bold shaded header row, then the rows (made inert, see
    `inert_row`), written row by row so a large export stays small in memory. Dates are shown
    as yyyy-mm-dd."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])  # Excel's limit for a sheet name
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = freeze
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=str(text))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F0")
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in inert_row(list(row)):
            if isinstance(value, date) and not isinstance(value, datetime):
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd"
                value = cell
            cells.append(value)
        sheet.append(cells)
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
