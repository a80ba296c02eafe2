"""Forms with which clerks and district staff keep a unit's organisation, its activity log
and its promotion projects."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.db.models import Q, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit
from safecommunity.forms import (
    BoundedModelMultipleChoiceField,
    DocumentUploadMixin,
    FixedFieldsValidationMixin,
    StyledFormMixin,
    document_file_field,
)
from workgroups.choices import Intervention, TargetGroup
from workgroups.models import Activity, Member, PromotionProject, WorkGroup, WorkGroupTemplate

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


class UnitRowForm(FixedFieldsValidationMixin, StyledFormMixin, forms.ModelForm):
    """A form for one row of a unit. The view fixes the unit; constraints that involve it
    (one group per template, one person once per group …) are still checked."""

    fixed_fields = ("unit",)

    def __init__(self, *args: Any, unit: CreatingUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.instance.unit = unit
        self.unit = self.instance.unit


def group_choices(unit: CreatingUnit, current_id: int | None) -> QuerySet[WorkGroup]:
    """The unit's active groups, plus the row's own group even if it was dropped since."""
    return WorkGroup.objects.filter(unit=unit).filter(
        Q(status=WorkGroup.Status.ACTIVE) | Q(pk=current_id)
    )


class WorkGroupForm(UnitRowForm):
    """A group of the unit's own, or a standard one's details. No raw sort order: standard
    groups keep their template's number, the unit's own follow them by name."""

    class Meta:
        model = WorkGroup
        fields = ["name", "lead", "duties"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 3})}


class AddGroupsFromTemplatesForm(StyledFormMixin, forms.Form):
    templates = BoundedModelMultipleChoiceField(
        label=_("Standard work groups"),
        queryset=WorkGroupTemplate.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one group.")},
    )

    def __init__(self, *args: Any, templates, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["templates"].queryset = templates


class MemberForm(UnitRowForm):
    """A person on the committee, the office or a group. No raw sort order: the role places a
    new person (or one whose role changes) in the list (`Member.ROLE_ORDER`)."""

    class Meta:
        model = Member
        fields = ["body", "group", "name", "role", "position", "organisation", "phone"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = group_choices(self.unit, self.instance.group_id)
        self.fields["group"].required = False
        self.fields["group"].help_text = _("Only for members of a work group.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        body = cleaned.get("body")
        if body and body != Member.Body.GROUP:
            cleaned["group"] = None
        return cleaned

    def save(self, commit: bool = True) -> Member:
        if self.instance.pk is None or "role" in self.changed_data:
            self.instance.sort_order = Member.ROLE_ORDER.get(self.instance.role, 100)
        return super().save(commit)


# --- The activity log and promotion projects ------------------------------------------------


# Beyond these a figure is a typing slip (and PostgreSQL's integer would overflow).
ACTIVITY_LIMITS = {
    "participants": 1_000_000,
    "hazards_found": 100_000,
    "hazards_rectified": 100_000,
}


class ActivityForm(UnitRowForm):
    """One entry of the activity log; hazards are counted for inspections."""

    class Meta:
        model = Activity
        fields = [
            "kind",
            "date",
            "group",
            "title",
            "participants",
            "hazards_found",
            "hazards_rectified",
            "notes",
        ]
        widgets = {
            "date": forms.DateInput(**DATE_WIDGET),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = group_choices(self.unit, self.instance.group_id)
        for name, limit in ACTIVITY_LIMITS.items():
            self.fields[name].validators.append(MaxValueValidator(limit))
            self.fields[name].widget.attrs.update(min=0, max=limit)


class AttachmentForm(DocumentUploadMixin, StyledFormMixin, forms.Form):
    """A file for an activity (sign-in sheet, photos, minutes), checked by its content."""

    file = document_file_field()
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the file's name."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and not (cleaned.get("title") or "").strip():
            cleaned["title"] = PurePath(upload.name).stem[:200] or upload.name[:200]
        return cleaned


class InlineCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes side by side, in Bootstrap's look."""

    template_name = "forms/widgets/inline_checkboxes.html"
    option_template_name = "forms/widgets/inline_checkbox_option.html"

    def __init__(self, attrs: dict | None = None, choices=()) -> None:
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)


def code_list_field(field_name: str, choices, widget=InlineCheckboxes) -> forms.Field:
    """A checkbox list for a JSON list of codes of `PromotionProject` (its label from the
    model); the model's validator still checks what is stored."""
    model_field = PromotionProject._meta.get_field(field_name)
    return forms.MultipleChoiceField(
        label=capfirst(model_field.verbose_name),
        choices=choices,
        required=False,
        widget=widget,
    )


class ProjectForm(UnitRowForm):
    """A safety promotion project of the unit."""

    target_groups = code_list_field("target_groups", TargetGroup.choices)
    interventions = code_list_field("interventions", Intervention.choices)

    class Meta:
        model = PromotionProject
        fields = [
            "name",
            "group",
            "safety_area",
            "target_groups",
            "objective",
            "interventions",
            "start",
            "end",
            "effect",
        ]
        widgets = {
            "start": forms.DateInput(**DATE_WIDGET),
            "end": forms.DateInput(**DATE_WIDGET),
            "objective": forms.Textarea(attrs={"rows": 2}),
            "effect": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = group_choices(self.unit, self.instance.group_id)
