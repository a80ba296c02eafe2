"""Forms of titles: recording an application and moving it on."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit
from programs.core.transitions import workflow_of
from programs.titles.models import Certification
from safecommunity.forms import FixedFieldsValidationMixin, PortalDateField, StyledFormMixin


class CertificationForm(FixedFieldsValidationMixin, StyledFormMixin, forms.ModelForm):
    """Record an application for a title (district staff)."""

    fixed_fields = ("unit", "status")  # the one-open-application rule reads both

    class Meta:
        model = Certification
        fields = ["level", "applied_on", "notes"]
        widgets = {
            "applied_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, unit: CreatingUnit, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.unit = unit


class CertificationMoveForm(StyledFormMixin, forms.Form):
    """Move a title application to its next status; naming needs a date (and may set validity)."""

    status = forms.ChoiceField(label=_("New status"))
    on = PortalDateField(
        label=_("Date"),
        required=False,
        initial=timezone.localdate,
        help_text=_("For naming: the date the title was conferred."),
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=50, required=False
    )
    valid_until = PortalDateField(
        label=_("Valid until"),
        required=False,
        help_text=_("Leave empty to use the programme's validity for this level."),
    )

    def __init__(self, *args, certification: Certification, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (move.name, move.label)
            for move in workflow_of(certification).moves
            if move.starts_from(certification.status)
        ]

    def clean(self):
        cleaned = super().clean()
        naming = cleaned.get("status") == Certification.Status.NAMED
        if naming and not cleaned.get("on") and "on" not in self.errors:  # not a refused date
            self.add_error("on", _("Give the date on which the title was conferred."))
        return cleaned
