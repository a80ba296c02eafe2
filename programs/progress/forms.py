"""Forms of a unit's progress: evidence uploaded to a milestone."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.progress.errors import EVIDENCE_TITLE_TAKEN
from programs.progress.models import Evidence, UnitMilestone
from safecommunity.files import ACCEPTED_EXTENSIONS, UploadRefused, check_upload
from safecommunity.forms import BoundedModelChoiceField, PortalDateField, StyledFormMixin


class EvidenceUploadForm(StyledFormMixin, forms.Form):
    """Upload a file: a new piece of evidence, or a new version of one the milestone has."""

    evidence = BoundedModelChoiceField(
        label=_("New version of"),
        queryset=Evidence.objects.none(),
        required=False,
        empty_label=_("— new evidence —"),
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, image, Word, Excel or PowerPoint."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
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
