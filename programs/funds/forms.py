"""The funds pages' forms: the year and district chosen, a disbursement's payment, a voucher
or contract uploaded."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.forms import DistrictChoiceField
from programs.funds import errors
from programs.funds.models import FundsDocumentKind
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.files import ACCEPTED_EXTENSIONS, UploadRefused, check_upload
from safecommunity.forms import PortalDateField, StyledFormMixin


class FundsFilterForm(StyledFormMixin, forms.Form):
    """`?year=2025` (this year when empty) and, for the city office and administrators,
    `?district=110116`; the district is not offered to anybody else (their units are their
    district's already)."""

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=FIRST_DAY.year,
        max_value=LAST_DAY.year,
        error_messages={
            "invalid": errors.BAD_YEAR,
            "min_value": errors.BAD_YEAR,
            "max_value": errors.BAD_YEAR,
        },
    )
    district = DistrictChoiceField()

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.sees_every_district:
            self.fields["district"].set_districts(user.visible_districts)
        else:
            del self.fields["district"]


class PaymentForm(StyledFormMixin, forms.Form):
    """The payment of an approved disbursement: its voucher number, the date and the payee (the
    move checks them again under the row's lock: a voucher number used twice is refused there,
    at its field)."""

    voucher_number = forms.CharField(label=_("Voucher number"), max_length=50)
    paid_on = PortalDateField(label=_("Paid on"), initial=timezone.localdate)
    payee = forms.CharField(label=_("Payee"), max_length=200)

    error_messages_for = {
        "voucher_number": errors.VOUCHER_REQUIRED,
        "paid_on": errors.PAID_ON_REQUIRED,
        "payee": errors.PAYEE_REQUIRED,
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.error_messages_for.items():
            self.fields[name].error_messages["required"] = message

    def clean_voucher_number(self) -> str:
        return self.cleaned_data["voucher_number"].strip()


class FundsDocumentForm(StyledFormMixin, forms.Form):
    """A voucher, contract or other paper for a disbursement or an expenditure, checked by its
    content."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=FundsDocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs) -> None:
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
