"""Form rendering shared by every app: Bootstrap classes and errors shown at the field."""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

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
