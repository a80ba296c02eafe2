"""The base resource of every spreadsheet import and export: all-or-nothing, validated, scoped."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ImproperlyConfigured, ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from safecommunity.spreadsheets.widgets import (
    MAY_NOT_ADD,
    REPEATED_ROW,
    ChoiceWidget,
    LookupWidget,
    StrictBooleanWidget,
    StrictDateWidget,
    StrictDecimalWidget,
    StrictIntegerWidget,
    TextWidget,
    _in_every_language,
    _normalise,
)

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

    def export(self, queryset: Any = None, **kwargs: Any) -> tablib.Dataset:
        """The rows as a dataset titled with the model's name, the sheet name in xlsx."""
        dataset = super().export(queryset, **kwargs)
        dataset.title = self.sheet_title()
        return dataset

    def sheet_title(self) -> str:
        return str(capfirst(self._meta.model._meta.verbose_name_plural))

    def export_rows(
        self, queryset: models.QuerySet, *, export_fields: list[str] | None = None, **kwargs: Any
    ) -> Iterator[list[Any]]:
        """The rows `export` would put in its dataset, one at a time (a job writes them to a
        file as they come); the header is `get_export_headers(selected_fields=export_fields)`."""
        for obj in self.iter_queryset(self.filter_export(queryset, **kwargs)):
            yield self.export_resource(obj, selected_fields=export_fields, **kwargs)

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
