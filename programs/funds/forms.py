"""The funds pages' forms: the year and the district for those who see every district; the
treasury's file of payments and its confirmation."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from programs.core.forms import DistrictChoiceField
from programs.funds import errors
from programs.funds.treasury import SUFFIXES, PaymentRow
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.files import FILE_EMPTY, FILE_TOO_LARGE
from safecommunity.forms import StyledFormMixin


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


class TreasuryUploadForm(StyledFormMixin, forms.Form):
    """The treasury's file of paid disbursements: refused here when it is empty, too large or
    named as neither xlsx nor CSV; its content is read and checked by `treasury`."""

    file = forms.FileField(
        label=_("Treasury payment file"),
        help_text=_(
            "Excel (.xlsx) or CSV (UTF-8 or GB18030) with the columns 凭证号 (voucher number), "
            "单位代码 (unit code), 金额 (amount in yuan), 日期 (date of payment) and 收款人 "
            "(payee); one row per payment."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_LIMITS["treasury"]
        if upload.size == 0:
            raise forms.ValidationError(FILE_EMPTY)
        if upload.size > limit:
            sizes = {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            raise forms.ValidationError(FILE_TOO_LARGE % sizes)
        if PurePath(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(errors.TREASURY_FILE_TYPE % {"name": upload.name})
        return upload


#: How long a checked file may wait for its confirmation.
TREASURY_CONFIRM_SECONDS = 3600
TREASURY_SALT = "programs.funds.treasury"


def treasury_signed(*, user: Any, name: str, rows: list[PaymentRow]) -> str:
    """The checked rows, signed for the confirmation: the user cannot change them in between,
    nor hand them to somebody else."""
    payload = {"user": user.pk, "name": name, "rows": [row.as_list() for row in rows]}
    return signing.dumps(payload, salt=TREASURY_SALT, compress=True)


class TreasuryConfirmForm(forms.Form):
    """The confirmation of a checked file: its rows as the check signed them."""

    rows = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_rows(self) -> dict[str, Any]:
        try:
            payload = signing.loads(
                self.cleaned_data["rows"], salt=TREASURY_SALT, max_age=TREASURY_CONFIRM_SECONDS
            )
            if payload["user"] != self.user.pk:
                raise ValueError
            return {
                "name": str(payload["name"]),
                "rows": [PaymentRow.from_list(row) for row in payload["rows"]],
            }
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(errors.TREASURY_STALE) from None
