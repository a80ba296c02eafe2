"""Strict cell widgets that name the value they refuse; lookups among the rows a user sees."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from import_export import widgets

if TYPE_CHECKING:
    from safecommunity.spreadsheets.resources import SpreadsheetResource

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
