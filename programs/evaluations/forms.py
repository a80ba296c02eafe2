"""Forms of evaluations: opening a round, and grading an evaluation with linked documents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit, User
from programs.evaluations.models import (
    GRADED_FIELDS,
    EvaluationKind,
    EvaluationScheme,
    Grade,
    ItemScore,
    SchemeItem,
)
from programs.progress.models import Evidence
from safecommunity.forms import (
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    PortalDateField,
    StyledFormMixin,
)


class UnitCheckboxes(forms.CheckboxSelectMultiple):
    """The units to evaluate, side by side, each carrying its kind, phase and pilot flag
    (`data-kind`, `data-phase`, `data-pilot`) for the page's selection tools
    (static/js/round-units.js); what is posted is checked by the form as ever."""

    template_name = "forms/widgets/inline_checkboxes.html"
    option_template_name = "forms/widgets/inline_checkbox_option.html"

    def __init__(self, attrs: dict | None = None, choices=()) -> None:
        super().__init__({"class": "form-check-input", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        unit = getattr(value, "instance", None)
        if unit is not None:
            option["attrs"].update(
                {
                    "data-kind": unit.kind,
                    "data-phase": unit.current_phase_id or "",
                    "data-pilot": "yes" if unit.is_pilot else "no",
                }
            )
        return option


class RoundOpenForm(StyledFormMixin, forms.Form):
    """What district staff choose when they open an evaluation round: the scheme, the kind, the
    window, the units (all by default) and the evaluators."""

    scheme = BoundedModelChoiceField(label=_("Scheme"), queryset=EvaluationScheme.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=EvaluationKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    opens_on = PortalDateField(label=_("Opens on"))
    closes_on = PortalDateField(label=_("Closes on"))
    units = BoundedModelMultipleChoiceField(
        label=_("Units"),
        queryset=CreatingUnit.objects.none(),
        widget=UnitCheckboxes,
    )
    evaluators = BoundedModelMultipleChoiceField(
        label=_("Evaluators"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_from_previous = forms.BooleanField(
        label=_("Start from the previous evaluation"),
        required=False,
        initial=True,
        help_text=_("Copy each unit's grades and comments from its latest final evaluation."),
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # the units and evaluators of the opener's district (an administrator's: every one;
        # the round then refuses units of several districts)
        units = CreatingUnit.objects.editable_by(user).in_plan_order()
        self.fields["scheme"].queryset = EvaluationScheme.objects.filter(is_active=True)
        self.fields["units"].queryset = units
        self.fields["evaluators"].queryset = User.objects.evaluators(user.district_id)
        if not self.is_bound:
            self.initial.setdefault("units", list(units))

    def clean(self) -> dict:
        cleaned = super().clean()
        opens_on, closes_on = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens_on and closes_on and closes_on < opens_on:
            self.add_error("closes_on", _("A round cannot close before it opens."))
        return cleaned


GRADE_CHOICES = [("", "—"), *((grade.value, grade.value) for grade in Grade)]


@dataclass(frozen=True)
class DocumentChoice:
    """One of the unit's documents as the grading page offers it: its label and download."""

    pk: int
    label: str
    download_url: str | None


def document_groups(documents: list[Evidence]) -> list[tuple[str, list[DocumentChoice]]]:
    """The documents grouped as the picker shows them: one group per milestone, then the
    activity files (labelled with the activity's date and title), then any other document."""
    groups: dict[str, list[DocumentChoice]] = {}
    for document in documents:
        if document.unit_milestone_id:
            group, label = document.unit_milestone.milestone.name, document.title
        elif document.activity_id:
            activity = document.activity
            group = str(_("Activity files"))
            label = f"{activity.date:%Y-%m-%d} {activity.title} · {document.title}"
        else:
            group, label = str(_("Other documents")), document.title
        version = getattr(document, "latest_version_id", None)
        url = reverse("programs:evidence-download", args=[version]) if version else None
        groups.setdefault(group, []).append(DocumentChoice(document.pk, label, url))
    return list(groups.items())


class DocumentLinksInput(forms.HiddenInput):
    """An item's linked documents: their ids in a hidden input ("12,40"), shown as download
    links with a button that opens the page's one document picker (static/js/document-links.js).
    The list of documents is on the page once, not once per item."""

    template_name = "programs/includes/document_links_input.html"

    def __init__(self, *args, label: str = "", documents: dict[int, DocumentChoice], **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label
        self.documents = documents

    def format_value(self, value) -> str:
        if isinstance(value, list | tuple | set):
            return ",".join(str(pk) for pk in sorted(value))
        return super().format_value(value) or ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        linked = []
        for part in str(context["widget"]["value"] or "").split(","):
            part = part.strip()
            choice = self.documents.get(int(part)) if DOCUMENT_ID.fullmatch(part) else None
            if choice is not None:
                linked.append(choice)
        context["widget"].update(label=self.label, linked=linked)
        return context


DOCUMENT_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only: "²".isdigit() is True, int("²") fails


class DocumentLinksField(forms.CharField):
    """The ids of an item's linked documents, posted as "12,40"; each must be one of the
    unit's documents. Cleans to a sorted list of ids."""

    default_error_messages = {
        "invalid": _("Link only documents of the evaluated unit."),
    }

    def __init__(self, *, allowed: set[int], **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.allowed = allowed

    def to_python(self, value) -> list[int]:
        text = super().to_python(value)
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not all(DOCUMENT_ID.fullmatch(part) for part in parts):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(part) for part in parts})

    def validate(self, value: list[int]) -> None:
        if set(value) - self.allowed:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != sorted(initial or [])
        except forms.ValidationError:
            return True


class EvaluationGradesForm(StyledFormMixin, forms.Form):
    """An evaluation's grades: three grade selects (a / b / c / d or blank), a comment and the
    unit's documents looked at, per item of its scheme. A value that is not a grade, or a
    document that is not the unit's, is refused and nothing is saved.

    An item whose links the post leaves out keeps its links (a client that posts grades only
    does not clear them).
    """

    def __init__(
        self,
        *args,
        items: list[SchemeItem],
        scores: dict[int, ItemScore],
        documents: list[Evidence] | None = None,
        **kwargs,
    ):
        documents = documents or []
        initial = {}
        for item in items:
            score = scores.get(item.pk)
            if score is not None:
                for part in GRADED_FIELDS:
                    initial[f"{part}_{item.pk}"] = getattr(score, part)
                initial[f"comment_{item.pk}"] = score.comment
                if documents:
                    initial[f"links_{item.pk}"] = [doc.pk for doc in score.evidence_links.all()]
        self.items, self.scores = items, scores
        self.document_groups = document_groups(documents)
        super().__init__(*args, initial=initial, **kwargs)
        part_labels = {
            "presence": _("Presence of %(code)s"),
            "evidence": _("Evidence of %(code)s"),
            "effect": _("Effect of %(code)s"),
        }
        choices = {choice.pk: choice for _group, group in self.document_groups for choice in group}
        for item in items:
            for part in GRADED_FIELDS:
                label = part_labels[part] % {"code": item.code}
                self.fields[f"{part}_{item.pk}"] = forms.ChoiceField(
                    label=label,
                    required=False,
                    choices=GRADE_CHOICES,
                    widget=forms.Select(
                        attrs={
                            "aria-label": label,
                            "class": "form-select form-select-sm",
                            "style": "min-width: 4.25rem",
                        }
                    ),
                )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=1000,
                widget=forms.TextInput(
                    attrs={
                        "aria-label": _("Comment on %(code)s") % {"code": item.code},
                        "class": "form-control form-control-sm",
                    }
                ),
            )
            if documents:
                label = _("Documents looked at for %(code)s") % {"code": item.code}
                self.fields[f"links_{item.pk}"] = DocumentLinksField(
                    label=label,
                    allowed=set(choices),
                    widget=DocumentLinksInput(label=label, documents=choices),
                )

    @property
    def has_documents(self) -> bool:
        return bool(self.document_groups)

    def fields_of(self, item: SchemeItem) -> list[forms.BoundField]:
        """The item's three grade selects and its comment, in table order."""
        return [self[f"{name}_{item.pk}"] for name in (*GRADED_FIELDS, "comment")]

    def links_of(self, item: SchemeItem) -> forms.BoundField | None:
        """The item's linked documents (None when the unit has no documents)."""
        name = f"links_{item.pk}"
        return self[name] if name in self.fields else None

    def grades(self) -> dict[int, tuple[str, str, str, str]]:
        data = self.cleaned_data
        return {
            item.pk: tuple(
                data.get(f"{name}_{item.pk}") or "" for name in (*GRADED_FIELDS, "comment")
            )
            for item in self.items
        }

    def links(self) -> dict[int, list[int]]:
        """Item id → the documents linked, for the items whose links were posted."""
        return {
            item.pk: self.cleaned_data.get(f"links_{item.pk}") or []
            for item in self.items
            if f"links_{item.pk}" in self.fields
            and self.add_prefix(f"links_{item.pk}") in self.data
        }
