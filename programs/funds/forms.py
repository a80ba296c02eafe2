"""The funds pages' forms: the year and the district for those who see every district; the
forms that write (a budget line set, a disbursement requested, an expenditure recorded); the
treasury's file of payments and its confirmation; a disbursement's payment, a voucher or
contract uploaded."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programs.core.forms import DistrictChoiceField
from programs.core.models import CreatingUnit
from programs.funds import errors
from programs.funds.models import (
    BudgetLine,
    Expenditure,
    FundCategory,
    FundsDocumentKind,
    FundSource,
)
from programs.funds.treasury import SUFFIXES, PaymentRow
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.files import (
    FILE_EMPTY,
    FILE_TOO_LARGE,
)
from safecommunity.forms import (
    BoundedModelChoiceField,
    DocumentUploadMixin,
    PortalDateField,
    StyledFormMixin,
    document_file_field,
)
from safecommunity.money import NOT_AN_AMOUNT, fen_from_text, yuan
from workgroups.models import Activity, PromotionProject

#: The largest share of a city : district ratio (5:5, 4:6, 8:2 in the seed's plans; 60:40 too).
RATIO_MAX = 100


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


# --- writing: budgets, disbursements, spending ---------------------------------------------------
class AmountField(forms.Field):
    """An amount in yuan as people type it (`1234.56`, `1,234.56`, `¥1234.56`, full-width
    digits), cleaned to whole fen by `safecommunity.money.fen_from_text`: its refusal (three
    decimals, negative, not a number, commas in the wrong place) is the field's error. With
    `positive`, zero is refused too (a disbursement, an expenditure)."""

    max_length = 40  # no amount the portal keeps is written longer

    def __init__(self, *, positive: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": self.max_length}
            ),
        )
        super().__init__(**kwargs)
        self.positive = positive

    def to_python(self, value: Any) -> int | None:
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        if len(text) > self.max_length:
            raise forms.ValidationError(NOT_AN_AMOUNT, code="invalid")
        return fen_from_text(text)

    def validate(self, value: int | None) -> None:
        super().validate(value)
        if self.positive and value == 0:
            raise forms.ValidationError(errors.AMOUNT_POSITIVE, code="not_positive")

    def prepare_value(self, value: Any) -> Any:
        """An initial amount in fen is shown in yuan (123456 → 1234.56); typed text as typed."""
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{yuan(value)}"
        return value


def _reference_choices(model: type, keep: Any = None) -> Any:
    """The sources or categories in use, and `keep` (the edited line's) even when no longer."""
    rows = model.objects.filter(is_active=True)
    if keep is not None:
        rows = model.objects.filter(Q(is_active=True) | Q(pk=keep.pk))
    return rows.order_by("order", "code")


class MoneyFormMixin(StyledFormMixin):
    """The year the URL names, shown (not typed: a closed year's refusal stands at it), and
    the category and source of the money, chosen among those in use."""

    def _money_fields(self, year: int | None, keep: BudgetLine | None = None) -> None:
        if "year" in self.fields:
            self.fields["year"].initial = year
        self.fields["category"].queryset = _reference_choices(
            FundCategory, keep.category if keep else None
        )
        self.fields["source"].queryset = _reference_choices(
            FundSource, keep.source if keep else None
        )


def _year_field() -> forms.IntegerField:
    return forms.IntegerField(label=_("Year"), required=False, disabled=True)


def _category_field() -> BoundedModelChoiceField:
    return BoundedModelChoiceField(
        label=_("Category"), queryset=FundCategory.objects.none(), empty_label="—"
    )


def _source_field() -> BoundedModelChoiceField:
    return BoundedModelChoiceField(
        label=pgettext_lazy("funds", "Source"), queryset=FundSource.objects.none(), empty_label="—"
    )


AMOUNT_HELP = _("In yuan, at most two decimals: 1234.56, 1,234.56 or ¥1234.56.")


class BudgetLineForm(MoneyFormMixin, forms.Form):
    """Set a unit's budget for the year, a category and a source (finance staff, district
    staff): a line that exists for them is changed. Editing one line (`line`) keeps its
    category and source."""

    year = _year_field()
    category = _category_field()
    source = _source_field()
    amount = AmountField(label=_("Amount (yuan)"), help_text=AMOUNT_HELP)
    city_ratio = forms.IntegerField(
        label=_("City's share"),
        required=False,
        min_value=1,
        max_value=RATIO_MAX,
        help_text=_("For a line the city and the district fund together: 5 of 5:5."),
    )
    district_ratio = forms.IntegerField(
        label=_("District's share"), required=False, min_value=1, max_value=RATIO_MAX
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, year: int, line: BudgetLine | None = None, **kwargs) -> None:
        if line is not None:
            kwargs["initial"] = {
                "category": line.category_id,
                "source": line.source_id,
                "amount": line.amount_fen,
                "city_ratio": line.city_ratio,
                "district_ratio": line.district_ratio,
                "note": line.note,
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        self._money_fields(year, line)
        if line is not None:  # this line's amount, ratio and note; another key is another line
            self.fields["category"].disabled = True
            self.fields["source"].disabled = True

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        city, district = data.get("city_ratio"), data.get("district_ratio")
        if (city is None) != (district is None) and not (
            self.has_error("city_ratio") or self.has_error("district_ratio")
        ):
            self.add_error(
                "district_ratio" if district is None else "city_ratio", errors.RATIOS_BOTH
            )
        return data


class DisbursementRequestForm(MoneyFormMixin, forms.Form):
    """Ask the finance bureau for money for the unit (its clerk, district staff)."""

    year = _year_field()
    category = _category_field()
    source = _source_field()
    amount = AmountField(label=_("Amount (yuan)"), help_text=AMOUNT_HELP, positive=True)
    purpose = forms.CharField(
        label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._money_fields(year)


class ExpenditureForm(MoneyFormMixin, forms.Form):
    """Record a payment the unit made, with its voucher and, where it applies, the unit's own
    promotion project or activity it was for; the year is the day's."""

    spent_on = PortalDateField(label=_("Spent on"))
    category = _category_field()
    source = _source_field()
    amount = AmountField(label=_("Amount (yuan)"), help_text=AMOUNT_HELP, positive=True)
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    voucher_number = forms.CharField(
        label=_("Voucher number"),
        max_length=Expenditure._meta.get_field("voucher_number").max_length,
        help_text=_("Unique in the district's year."),
    )
    project = BoundedModelChoiceField(
        label=_("Promotion project"),
        required=False,
        queryset=PromotionProject.objects.none(),
        empty_label="—",
    )
    activity = BoundedModelChoiceField(
        label=pgettext_lazy("funds", "Activity"),
        required=False,
        queryset=Activity.objects.none(),
        empty_label="—",
    )

    def __init__(self, *args: Any, unit: CreatingUnit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._money_fields(None)
        self.fields["project"].queryset = PromotionProject.objects.filter(unit=unit).order_by(
            "-start", "name"
        )
        self.fields["activity"].queryset = Activity.objects.filter(unit=unit).order_by(
            "-date", "-pk"
        )


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


class FundsDocumentForm(DocumentUploadMixin, StyledFormMixin, forms.Form):
    """A voucher, contract or other paper for a disbursement or an expenditure, checked by its
    content."""

    kind = forms.ChoiceField(label=_("Kind of document"), choices=FundsDocumentKind.choices)
    file = document_file_field()
