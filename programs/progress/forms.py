"""Forms of a unit's progress: evidence uploaded to a milestone."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.progress.errors import EVIDENCE_TITLE_TAKEN
from programs.progress.models import Evidence, UnitMilestone
from safecommunity.forms import (
    BoundedModelChoiceField,
    DocumentUploadMixin,
    PortalDateField,
    StyledFormMixin,
    document_file_field,
)


class EvidenceUploadForm(DocumentUploadMixin, StyledFormMixin, forms.Form):
    """Upload a file: a new piece of evidence, or a new version of one the milestone has."""

    evidence = BoundedModelChoiceField(
        label=_("New version of"),
        queryset=Evidence.objects.none(),
        required=False,
        empty_label=_("— new evidence —"),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = document_file_field()
    effective_date = PortalDateField(
        label=_("Effective date"),
        initial=timezone.localdate,
        help_text=_("When the document took effect (signed, held, issued)."),
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, unit_milestone: UnitMilestone, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unit_milestone = unit_milestone
        self.fields["evidence"].queryset = unit_milestone.evidence.all()

    def clean(self):
        cleaned = super().clean()
        title = (cleaned.get("title") or "").strip()
        if not cleaned.get("evidence"):
            if not title:
                self.add_error(
                    "title",
                    _("Give the new evidence a title, or choose evidence to add a version to."),
                )
            elif self.unit_milestone.evidence.filter(title=title).exists():
                self.add_error(
                    "title",
                    EVIDENCE_TITLE_TAKEN,
                )
        return cleaned
