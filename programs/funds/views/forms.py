"""The funds' writing forms on a unit's ledger: a budget line set (finance staff, district
staff), a disbursement requested and an expenditure recorded (the unit's clerk, district
staff). Each finds the unit among those whose funds the user reads (404 outside them), and
answers 404 too to someone who reads them but may not write them — as the other write pages
do; the service decides, and its refusal stands at the field it is about."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView

from programs.funds.errors import FundsError
from programs.funds.forms import BudgetLineForm, DisbursementRequestForm, ExpenditureForm
from programs.funds.models import BudgetLine
from programs.funds.models.years import year_closed
from programs.funds.selectors import funds_units
from programs.funds.services import budget_line_set, disbursement_request, expenditure_record
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.money import shown_yuan
from safecommunity.scoping import scoped_object

if TYPE_CHECKING:
    from django import forms
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import CreatingUnit, User


def ledger_url(unit: CreatingUnit, year: int) -> str:
    return reverse("programs:funds-ledger", args=[unit.code, year])


def may_set_budgets(user: User | AnonymousUser, unit: CreatingUnit) -> bool:
    """Finance staff and district staff of the unit's district, administrators."""
    return BudgetLine.objects.may_create(user, BudgetLine(unit=unit))


def ledger_actions(user: User | AnonymousUser, unit: CreatingUnit, year: int) -> dict[str, Any]:
    """What the ledger offers `user` for `unit`'s `year`: the forms' URLs they may open (none
    in a closed year, which is said instead)."""
    budget = may_set_budgets(user, unit)
    records = user.edits_unit(unit.pk)
    if not (budget or records):
        return {}
    if year_closed(unit.district_id, year):
        return {"closed": True}
    args = [unit.code, year]
    return {
        "budget": reverse("programs:funds-budget", args=args) if budget else None,
        "disbursement": reverse("programs:funds-disbursement-new", args=args) if records else None,
        "expenditure": reverse("programs:funds-expenditure-new", args=args) if records else None,
    }


def refusal_at_fields(
    form: forms.Form, error: FundsError | ValidationError, fields: dict[str, str]
) -> None:
    """Put a service's refusal on the form: at the field it names (a model field's name
    translated by `fields`, the amount's `amount_fen` to `amount` …), above the form when the
    form has no such field or the refusal names none."""

    def at(name: str | None) -> str | None:
        name = fields.get(name, name) if name else None
        return name if name in form.fields else None

    if isinstance(error, FundsError):
        form.add_error(at(error.field), str(error))
    elif hasattr(error, "error_dict"):
        for name, problems in error.error_dict.items():
            form.add_error(at(None if name == NON_FIELD_ERRORS else name), problems)
    else:
        form.add_error(None, error)


class FundsFormView(FormView):
    """What the three forms share: the year in the URL (404 outside the portal's years), the
    unit among those whose funds the user reads and may write (404 otherwise), the page, and
    a service's refusal at its field."""

    template_name = "programs/funds/money_form.html"
    title = ""
    submit_label = gettext_lazy("Save")
    #: The model's field names the service's refusals name, as the form's.
    refusal_fields: dict[str, str] = {"amount_fen": "amount"}

    def may_write(self, unit: CreatingUnit) -> bool:
        raise NotImplementedError

    def save(self, form: forms.Form) -> Model:
        raise NotImplementedError

    def done(self, record: Any) -> tuple[str, int]:
        """The success message and the year whose ledger comes next."""
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.year = kwargs["year"]
        if not FIRST_DAY.year <= self.year <= LAST_DAY.year:
            raise Http404
        units = funds_units(request.user).select_related("district")
        self.unit = scoped_object(request, units, code=kwargs["code"])
        if not self.may_write(self.unit):
            raise Http404
        self.find_record()
        return super().dispatch(request, *args, **kwargs)

    def find_record(self) -> None:
        """A record the URL names, besides the unit (the budget line to change)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "unit": self.unit,
            "year": self.year,
            "title": self.title,
            "submit_label": self.submit_label,
            "ledger_url": ledger_url(self.unit, self.year),
            "year_closed": year_closed(self.unit.district_id, self.year),
        }

    def form_valid(self, form: forms.Form) -> HttpResponse:
        try:
            record = self.save(form)
        except (FundsError, ValidationError) as error:
            refusal_at_fields(form, error, self.refusal_fields)
            return self.form_invalid(form)
        message, year = self.done(record)
        messages.success(self.request, message)
        return redirect(ledger_url(self.unit, year))


class BudgetLineSetView(FundsFormView):
    """Set a budget line of the unit's year (finance staff and district staff of its
    district, administrators); `?line=<id>` opens one line to change it."""

    title = gettext_lazy("Set a budget line")

    def may_write(self, unit: CreatingUnit) -> bool:
        return may_set_budgets(self.request.user, unit)

    form_class = BudgetLineForm
    line: BudgetLine | None = None

    def find_record(self) -> None:
        if "line" in self.request.GET:  # of this unit and year, else 404 (a malformed id too)
            lines = BudgetLine.objects.filter(unit=self.unit, year=self.year)
            rows = lines.select_related("category", "source")
            self.line = scoped_object(
                self.request, rows, editable=True, pk=self.request.GET["line"]
            )
            self.title = gettext_lazy("Change a budget line")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "year": self.year, "line": self.line}

    def save(self, form: BudgetLineForm) -> BudgetLine:
        data = form.cleaned_data
        return budget_line_set(
            by=self.request.user,
            unit=self.unit,
            year=self.year,
            category=data["category"],
            source=data["source"],
            amount_fen=data["amount"],
            city_ratio=data["city_ratio"],
            district_ratio=data["district_ratio"],
            note=data["note"],
        )

    def done(self, line: BudgetLine) -> tuple[str, int]:
        message = _(
            "The budget of %(year)s for %(category)s · %(source)s is now %(amount)s yuan."
        ) % {
            "year": line.year,
            "category": line.category,
            "source": line.source,
            "amount": shown_yuan(line.amount_fen),
        }
        return message, line.year


class DisbursementRequestView(FundsFormView):
    """Ask the finance bureau for money for the unit's year (its clerk, district staff)."""

    form_class = DisbursementRequestForm
    title = gettext_lazy("Request a disbursement")
    submit_label = gettext_lazy("Request")

    def may_write(self, unit: CreatingUnit) -> bool:
        return self.request.user.edits_unit(unit.pk)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "year": self.year}

    def save(self, form: DisbursementRequestForm) -> Model:
        data = form.cleaned_data
        return disbursement_request(
            by=self.request.user,
            unit=self.unit,
            year=self.year,
            category=data["category"],
            source=data["source"],
            amount_fen=data["amount"],
            purpose=data["purpose"],
        )

    def done(self, disbursement: Any) -> tuple[str, int]:
        message = _(
            "A disbursement of %(amount)s yuan is requested; the finance bureau decides on it."
        ) % {"amount": shown_yuan(disbursement.amount_fen)}
        return message, disbursement.year


class ExpenditureRecordView(FundsFormView):
    """Record the unit's spending with its voucher (its clerk, district staff); the day is
    today in this year, else a day of the year in the URL, and the year is the day's."""

    form_class = ExpenditureForm
    title = gettext_lazy("Record an expenditure")
    submit_label = gettext_lazy("Record")
    # a closed year is refused at the year; the form's year is the day's
    refusal_fields = {**FundsFormView.refusal_fields, "year": "spent_on"}

    def may_write(self, unit: CreatingUnit) -> bool:
        return self.request.user.edits_unit(unit.pk)

    def get_initial(self) -> dict[str, Any]:
        today = timezone.localdate()
        if today.year == self.year:
            day = today
        else:
            day = date(self.year, 12, 31) if self.year < today.year else date(self.year, 1, 1)
        return {**super().get_initial(), "spent_on": day}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "unit": self.unit}

    def save(self, form: ExpenditureForm) -> Model:
        data = form.cleaned_data
        return expenditure_record(
            by=self.request.user,
            unit=self.unit,
            spent_on=data["spent_on"],
            category=data["category"],
            source=data["source"],
            amount_fen=data["amount"],
            description=data["description"],
            voucher_number=data["voucher_number"],
            project=data["project"],
            activity=data["activity"],
        )

    def done(self, expenditure: Any) -> tuple[str, int]:
        message = _("An expenditure of %(amount)s yuan is recorded with voucher %(voucher)s.") % {
            "amount": shown_yuan(expenditure.amount_fen),
            "voucher": expenditure.voucher_number,
        }
        return message, expenditure.year


__all__ = [
    "BudgetLineSetView",
    "DisbursementRequestView",
    "ExpenditureRecordView",
    "ledger_actions",
]
