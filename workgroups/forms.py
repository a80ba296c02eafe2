"""Forms with which clerks and district staff keep a unit's organisation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programs.models import CreatingUnit
from safecommunity.forms import FixedFieldsValidationMixin, StyledFormMixin
from workgroups.models import Member, WorkGroup, WorkGroupTemplate


class UnitRowForm(FixedFieldsValidationMixin, StyledFormMixin, forms.ModelForm):
    """A form for one row of a unit. The view fixes the unit; constraints that involve it
    (one group per template, one person once per group …) are still checked."""

    fixed_fields = ("unit",)

    def __init__(self, *args: Any, unit: CreatingUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.instance.unit = unit
        self.unit = self.instance.unit


class WorkGroupForm(UnitRowForm):
    class Meta:
        model = WorkGroup
        fields = ["name", "lead", "duties", "sort_order"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 3})}


class AddGroupsFromTemplatesForm(StyledFormMixin, forms.Form):
    templates = forms.ModelMultipleChoiceField(
        label=_("Standard work groups"),
        queryset=WorkGroupTemplate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one group.")},
    )

    def __init__(self, *args: Any, templates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["templates"].queryset = templates


class MemberForm(UnitRowForm):
    class Meta:
        model = Member
        fields = [
            "body",
            "group",
            "name",
            "role",
            "position",
            "organisation",
            "phone",
            "sort_order",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Active groups, plus the member's own group even if it was dropped since.
        self.fields["group"].queryset = WorkGroup.objects.filter(unit=self.unit).filter(
            Q(status=WorkGroup.Status.ACTIVE) | Q(pk=self.instance.group_id)
        )
        self.fields["group"].required = False
        self.fields["group"].help_text = _("Only for members of a work group.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        body = cleaned.get("body")
        if body and body != Member.Body.GROUP:
            cleaned["group"] = None
        return cleaned
