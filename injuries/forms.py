"""The injury report card as a form: its header and three sections, the hard rules of the model
as errors, and the card's plausibility checks as warnings the user confirms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from injuries.checks import Check, record_warnings
from injuries.models import InjuryRecord
from programs.models import CreatingUnit
from safecommunity.forms import StyledFormMixin

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
TIME_WIDGET = {"attrs": {"type": "time"}, "format": "%H:%M"}

#: The card's parts in its own order: (heading, fields). Forms and the detail page follow it.
SECTIONS: list[tuple[Any, tuple[str, ...]]] = [
    (_("Card"), ("unit", "source", "reporting_org", "record_number")),
    (
        _("I. Patient"),
        ("sex", "age", "registration", "education", "occupation"),
    ),
    (
        _("II. The injury event"),
        (
            "injury_date",
            "injury_time",
            "visit_date",
            "visit_time",
            "cause",
            "place",
            "activity",
            "intent",
            "alcohol",
        ),
    ),
    (
        _("III. Clinical information"),
        ("nature", "body_part", "severity", "outcome", "diagnosis", "icd10", "narrative"),
    ),
]
CARD_FIELDS = [name for _heading, names in SECTIONS for name in names]

CONFIRM_WARNINGS = _(
    "Some values are unusual (marked below). Check them, tick “I have checked these values” "
    "and save again."
)
UNIT_NOT_ALLOWED = _("You may not enter records for this unit.")


class WarningBoundField(BoundField):
    """A field that also carries the card's warnings about its value."""

    @property
    def warnings(self) -> list[Any]:
        return [check.message for check in self.form.warnings if check.field == self.name]

    @property
    def template_name(self) -> str:
        return self.field.template_name or "injuries/includes/record_field.html"


class InjuryRecordForm(StyledFormMixin, forms.ModelForm):
    """Enter or correct one card. A clerk picks only their own unit; district staff and
    providers pick any unit. Errors block the save; warnings ask for `confirm_warnings`."""

    bound_field_class = WarningBoundField

    confirm_warnings = forms.BooleanField(label=_("I have checked these values"), required=False)

    class Meta:
        model = InjuryRecord
        fields = CARD_FIELDS
        widgets = {
            "injury_date": forms.DateInput(**DATE_WIDGET),
            "visit_date": forms.DateInput(**DATE_WIDGET),
            "injury_time": forms.TimeInput(**TIME_WIDGET),
            "visit_time": forms.TimeInput(**TIME_WIDGET),
            "diagnosis": forms.TextInput(attrs={"placeholder": _("e.g. fracture of the femur")}),
            "icd10": forms.TextInput(attrs={"placeholder": "S72.0", "class": "text-uppercase"}),
            "narrative": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.warnings: list[Check] = []
        unit = self.fields["unit"]
        unit.queryset = CreatingUnit.objects.visible_to(user).in_plan_order()
        if not user.sees_all_units:  # a clerk: their own unit is the one choice
            unit.empty_label = None
        self.fields["age"].widget.attrs.update(min=0, max=120)

    @property
    def sections(self) -> list[tuple[Any, list[BoundField]]]:
        return [(heading, [self[name] for name in names]) for heading, names in SECTIONS]

    def clean_icd10(self) -> str:
        return (self.cleaned_data.get("icd10") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is not None and not InjuryRecord.objects.may_create(
            self.user, InjuryRecord(unit=unit)
        ):
            self.add_error("unit", UNIT_NOT_ALLOWED)
        self.warnings = record_warnings(cleaned)
        if self.warnings and not cleaned.get("confirm_warnings"):
            self.add_error(None, forms.ValidationError(CONFIRM_WARNINGS, code="warnings"))
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for name in {check.field for check in self.warnings} - set(self.errors):
            widget = self.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} border-warning".strip()
