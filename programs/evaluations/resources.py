"""Spreadsheet import and export of a scheme's items (admin)."""

from __future__ import annotations

from typing import Any

import tablib
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from import_export import fields

from programs.evaluations.models import EvaluationScheme, SchemeElement, SchemeItem
from safecommunity.spreadsheets import (
    MAY_NOT_ADD,
    LookupWidget,
    SpreadsheetResource,
    StrictIntegerWidget,
    TextWidget,
)

NO_SCHEME = _("There is no evaluation scheme with code “%(value)s”.")
REQUIRED_CELL = _("This column must be filled in.")


class SchemeItemResource(SpreadsheetResource):
    """A scheme's items, one per row with its element: how the office replaces the sample
    wording by importing its own form.

    A row is found by scheme code, element number and item number, so importing the same file
    twice changes nothing. The scheme must exist; an element missing from it is created with
    the row's element name (and renamed when the file names it differently). A file without
    the sample column holds the office's own wording: its items are no longer samples, and a
    scheme counts as sample wording only while one of its items still is.
    """

    # The element's columns are read by `import_instance`, not written to the item.
    scheme = fields.Field(
        attribute="element__scheme",
        column_name=_("Scheme code"),
        widget=LookupWidget(EvaluationScheme, "code", not_found=NO_SCHEME),
        readonly=True,
    )
    element_number = fields.Field(
        attribute="element__number",
        column_name=_("Element number"),
        widget=StrictIntegerWidget(),
        readonly=True,
    )
    element_name = fields.Field(
        attribute="element__name",
        column_name=_("Element name"),
        widget=TextWidget(),
        readonly=True,
    )
    number = fields.Field(
        attribute="number", column_name=_("Item number"), widget=StrictIntegerWidget()
    )

    class Meta(SpreadsheetResource.Meta):
        model = SchemeItem
        name = _("Evaluation scheme items")
        import_id_fields = ["scheme", "element_number", "number"]
        fields = (
            "scheme",
            "element_number",
            "element_name",
            "number",
            "text",
            "presence_points",
            "evidence_points",
            "effect_points",
            "is_sample",
        )
        export_order = fields

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().select_related("element__scheme")

    def before_import(self, dataset: tablib.Dataset, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        self._elements: dict[tuple[int, int], SchemeElement] = {}
        self._schemes: set[int] = set()
        self._history = {k: kwargs[k] for k in ("user", "file_name") if k in kwargs}

    def _cell(self, name: str, row: Any) -> Any:
        """A filled-in cell of a key or element column, or a ValidationError on that column."""
        try:
            value = self.fields[name].clean(row)
        except (ValueError, KeyError) as error:
            message = str(error) if isinstance(error, ValueError) else str(REQUIRED_CELL)
            raise ValidationError({name: message}) from None
        if value in (None, ""):
            raise ValidationError({name: str(REQUIRED_CELL)})
        return value

    def get_instance(self, instance_loader: Any, row: Any) -> SchemeItem | None:
        try:
            scheme, element_number, number = (
                self._cell(name, row) for name in self.get_import_id_fields()
            )
        except ValidationError:
            return None  # a new row: `import_instance` reports the column's error
        return (
            self.get_queryset()
            .filter(element__scheme=scheme, element__number=element_number, number=number)
            .first()
        )

    def import_instance(self, instance: SchemeItem, row: Any, **kwargs: Any) -> None:
        """Fill in the item, and put a new item under its element (created when missing)."""
        errors: dict[str, list] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if self.fields["is_sample"].column_name not in row:
            instance.is_sample = False
        try:
            if instance.pk is None and not self._may_add(instance):
                # An item the user may not change is "new" to them (see `get_queryset`).
                raise ValidationError(MAY_NOT_ADD)
            if instance.element_id is None:
                instance.element = self._element(row)
            else:
                self._rename(instance.element, row)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        else:
            self._schemes.add(instance.element.scheme_id)
        if errors:
            raise ValidationError(errors)

    def _may_add(self, item: SchemeItem) -> bool:
        """Items and their elements are reference data, added by administrators."""
        return self.user is None or SchemeItem.objects.may_create(self.user, item)

    def _element(self, row: Any) -> SchemeElement:
        """The row's element, found in its scheme or created there with the row's name."""
        scheme, number, name = (
            self._cell(column, row) for column in ("scheme", "element_number", "element_name")
        )
        if (scheme.pk, number) not in self._elements:
            element = scheme.elements.filter(number=number).first()
            if element is None:
                element = self._new_element(scheme, number, name)
            self._elements[scheme.pk, number] = element
        return self._elements[scheme.pk, number]

    def _new_element(self, scheme: EvaluationScheme, number: int, name: str) -> SchemeElement:
        element = SchemeElement(scheme=scheme, number=number, name=name)
        try:
            element.full_clean()
        except ValidationError as error:
            columns = {"number": "element_number", "name": "element_name"}
            raise ValidationError(
                {columns.get(field, field): errors for field, errors in error.error_dict.items()}
            ) from None
        self._log_change(element)
        element.save()
        return element

    def _rename(self, element: SchemeElement, row: Any) -> None:
        """Give an existing element the row's name when the file names it differently (the row
        then counts as changed: its element columns differ from the original's)."""
        name = self._cell("element_name", row)
        if name != element.name:
            element.name = name
            self._log_change(element)
            element.save(update_fields=["name"])

    def _log_change(self, row: models.Model) -> None:
        """Record the importing user and the file in the history, as for the items."""
        self.before_save_instance(row, {}, **self._history)

    def validate_instance(
        self,
        instance: SchemeItem,
        import_validation_errors: dict | None = None,
        validate_unique: bool = True,
    ) -> None:
        """As the base does, but without an element (its columns already say why) the model's
        "this field is required" on the element would only repeat the error. The model refuses
        a new item under a scheme in use on its element, which the file names by the scheme
        code: the error is reported on that column (a change to the points of an item of a
        scheme in use is refused on the points' columns)."""
        errors = dict(import_validation_errors or {})
        exclude = set(errors) | ({"element"} if instance.element_id is None else set())
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if "element" in errors:
            errors.setdefault("scheme", []).extend(errors.pop("element"))
        if errors:
            raise ValidationError(errors)

    def after_import(self, dataset: tablib.Dataset, result: Any, **kwargs: Any) -> None:
        """A scheme is sample wording while any of its items is."""
        super().after_import(dataset, result, **kwargs)
        if result.has_errors() or result.has_validation_errors():
            return
        for scheme in EvaluationScheme.objects.filter(pk__in=self._schemes):
            is_sample = SchemeItem.objects.filter(element__scheme=scheme, is_sample=True).exists()
            if scheme.is_sample != is_sample:
                scheme.is_sample = is_sample
                self._log_change(scheme)
                scheme.save(update_fields=["is_sample"])
