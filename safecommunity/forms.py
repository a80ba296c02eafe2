"""Form rendering shared by every app: Bootstrap classes and errors shown at the field; the
bounds every form keeps: a search's length, a primary key's range, the portal's dates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.renderers import TemplatesSetting
from django.template.defaultfilters import filesizeformat
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.files import ACCEPTED_EXTENSIONS, UploadRefused, check_upload
from safecommunity.validators import validate_portal_date

# A search longer than this is no one's typing (SQLite even refuses a LIKE pattern past
# 50,000 bytes); the unit filters and every admin change list refuse it.
SEARCH_MAX_LENGTH = 200
SEARCH_TOO_LONG = _(
    "A search may be at most %(limit_value)d characters long (this one has %(show_value)d)."
)

# What a primary key can be: a positive 64-bit integer, in SQLite and PostgreSQL alike.
PK_RANGE = range(1, 2**63)


def keys_in_range(values: list[str]) -> list[int]:
    """The values that are primary keys written in ASCII digits (not "²", not past 2⁶³−1), as
    integers; the rest are dropped, as no row could have them."""
    return [
        int(value)
        for value in values
        if value.isascii() and value.isdigit() and int(value) in PK_RANGE
    ]


WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, ""),
    (forms.RadioSelect, ""),
    (forms.CheckboxInput, "form-check-input"),
    (forms.Select, "form-select"),
    (forms.Widget, "form-control"),
]


def style_form(form: forms.BaseForm) -> forms.BaseForm:
    """Give each widget its Bootstrap class (a form made by a library gets the same look)."""
    for field in form.fields.values():
        css = next(css for kind, css in WIDGET_CLASSES if isinstance(field.widget, kind))
        if css:
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{existing} {css}".strip()
    return form


class StyledFormMixin:
    """Mix into a form: Bootstrap classes, and `is-invalid` on the fields that have errors."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        style_form(self)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class FixedFieldsValidationMixin:
    """For a model form whose view fixes some fields (a member's unit, a unit's programme).

    Django leaves fields that are not on the form out of model validation, so a constraint
    over them (one name per programme, one person once per group …) would only surface as a
    database error. Naming them in `fixed_fields` keeps them in, and the user gets a message.
    """

    fixed_fields: tuple[str, ...] = ()

    def _get_validation_exclusions(self) -> set[str]:
        return super()._get_validation_exclusions() - set(self.fixed_fields)


class PortalFormRenderer(TemplatesSetting):
    """Render `{{ form }}` and `{{ field.as_field_group }}` with the portal's templates."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class ReasonForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, required: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required


def _attributes(attrs: dict[str, Any]) -> str:
    """A widget's attributes as `django/forms/widgets/attrs.html` prints them."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelectMixin:
    """A select whose options are printed in Python, as `django/forms/widgets/select.html` and
    `select_option.html` print them: the template engine's include per option cost the
    statistics page 45 ms for the city office's 400 units (bench/README.md)."""

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [
            f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>'
        ]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            parts.extend(
                f'\n  <option value="{conditional_escape(option["value"])}"'
                f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # every value above is escaped


class QuickSelect(QuickSelectMixin, forms.Select):
    pass


class QuickSelectMultiple(QuickSelectMixin, forms.SelectMultiple):
    pass


class _KeysInRange:
    """Refuse, as an invalid choice, a value that cannot be a primary key (outside 1 … 2⁶³−1)
    before the database sees it: SQLite cannot even compare with one ("Python int too large to
    convert to SQLite INTEGER")."""

    def _refuse_keys_out_of_range(self, values: list | tuple) -> None:
        if self.to_field_name or not isinstance(self.queryset.model._meta.pk, models.IntegerField):
            return
        for value in values:
            if hasattr(value, "_meta"):
                continue
            try:
                key = int(str(value).strip())
            except ValueError:
                continue  # not a number at all: Django's own check answers
            if key not in PK_RANGE:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": value},
                )


class BoundedModelChoiceField(_KeysInRange, forms.ModelChoiceField):
    """A `ModelChoiceField` that answers a key out of range as an invalid choice."""

    widget = QuickSelect

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values:
            self._refuse_keys_out_of_range([value])
        return super().to_python(value)


class LabelFieldIterator(forms.models.ModelChoiceIterator):
    """The choices as (primary key, the `label_field` column) read with `values_list`, not as
    model instances: the city office's 400 units cost the statistics page a model instance
    each to print their names."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from self.queryset.values_list("pk", self.field.label_field)


class BoundedModelMultipleChoiceField(_KeysInRange, forms.ModelMultipleChoiceField):
    """A `ModelMultipleChoiceField` that answers a key out of range as an invalid choice; with
    `label_field`, its options are that column of each row (`LabelFieldIterator`) rather
    than each instance's `str()`."""

    widget = QuickSelectMultiple

    def __init__(self, *args: Any, label_field: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label_field is not None:
            self.label_field = label_field
            self.iterator = LabelFieldIterator
            self.widget.choices = self.choices  # (the widget was handed the former iterator)

    def clean(self, value: Any) -> Any:
        if isinstance(value, list | tuple):
            self._refuse_keys_out_of_range(value)
        return super().clean(value)


class PortalDateField(forms.DateField):
    """A date typed into a form that is not a model field's: the portal's dates only
    (2000-01-01 to 2100-12-31), with the browser's date picker kept to them."""

    default_validators = [validate_portal_date]

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.DateInput(
                attrs={"type": "date", "min": f"{FIRST_DAY}", "max": f"{LAST_DAY}"},
                format="%Y-%m-%d",
            ),
        )
        super().__init__(**kwargs)


# --- documents kept as evidence is (milestones' evidence, activities' attachments, vouchers) -----
def document_file_field() -> forms.FileField:
    """A form's `file` for a document: PDF, image, Word, Excel or PowerPoint."""
    return forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )


class DocumentUploadMixin:
    """A form whose `file` (`document_file_field()`) is checked by its content
    (`safecommunity.files.check_upload`: its kind, its size within the evidence limit, which
    the help text names); the checked upload is kept as `checked_upload`, so the file is read
    and hashed once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, image, Word, Excel or PowerPoint, at most %(limit)s."
        ) % {"limit": filesizeformat(settings.EVIDENCE_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            self.checked_upload = check_upload(upload)  # handed on, so it is hashed once
        except UploadRefused as error:
            raise forms.ValidationError(str(error), code="file") from error
        return upload
