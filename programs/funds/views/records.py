"""A disbursement's page with its moves (override, approve, return, pay), and an expenditure's
page; each with its history and its documents.

Both find the record among those whose funds the user sees (`visible_to`: 404 outside it).
Finance staff decide on disbursements without changing a unit's rows (`editable_by` is not
theirs), so a move finds the record the same way and its own `allowed` decides who makes it:
a refused actor is told so, and nothing changes.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.generic import DetailView

from programs.core.access import move_actions
from programs.core.selectors import history_of
from programs.core.transitions import Move
from programs.core.views import TransitionView
from programs.funds.errors import FundsError
from programs.funds.forms import PaymentForm
from programs.funds.models import Disbursement, Expenditure, remaining_budget
from safecommunity.errors import DomainError
from safecommunity.forms import ReasonForm
from safecommunity.history import change_log
from safecommunity.scoping import scoped_object
from workgroups.views.activities import activity_list_url

from .documents import FundsDocumentUploadView, documents_context

#: The moves that ask for a reason, each with its own form on the page.
REASON_MOVES = ("override", "return")
#: The badge of each state of a disbursement.
STATUS_COLOURS = {
    Disbursement.Status.REQUESTED: "warning",
    Disbursement.Status.APPROVED: "info",
    Disbursement.Status.PAID: "success",
    Disbursement.Status.RETURNED: "danger",
}


def disbursement_in_scope(request: HttpRequest, pk: int) -> Disbursement:
    """The disbursement named in the URL, if the user sees its unit's funds; else 404."""
    rows = Disbursement.objects.select_related(
        "unit__district", "category", "source", "requested_by", "status_changed_by"
    )
    return scoped_object(request, rows, pk=pk)


def disbursement_move_url(disbursement: Disbursement, move: Move) -> str:
    return reverse("programs:funds-disbursement-move", args=[disbursement.pk, move.name])


def reason_form(move_name: str, data: Any = None) -> ReasonForm:
    """The reason asked by `move_name`, its field's id the move's own (two on one page)."""
    return ReasonForm(data, auto_id=f"{move_name}-%s")


class DisbursementDetailView(DetailView):
    """One disbursement: its unit, year, category and source, amount, purpose and state, who
    asked and who decided, the override or the return and why, the payment, what remains of its
    budget line, its history and its vouchers and contracts; the moves the user may make."""

    template_name = "programs/funds/disbursement.html"
    context_object_name = "disbursement"

    def get_object(self, queryset: QuerySet | None = None) -> Disbursement:
        return disbursement_in_scope(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        disbursement: Disbursement = self.object
        user = self.request.user
        # What the line has left once approved and paid disbursements are taken, this one too
        # when it takes from the budget already.
        others = remaining_budget(disbursement)
        takes = disbursement.status in Disbursement.SPENDS_BUDGET
        remaining = others - disbursement.amount_fen if takes else others
        context.update(
            unit=disbursement.unit,
            year=disbursement.year,
            status_colour=STATUS_COLOURS.get(disbursement.status, "light"),
            moves=move_actions(user, disbursement, partial(disbursement_move_url, disbursement)),
            remaining=remaining,
            beyond_budget=(
                disbursement.status == Disbursement.Status.REQUESTED
                and disbursement.amount_fen > others
            ),
            history=history_of(disbursement),
            changes=change_log([Disbursement.history.filter(id=disbursement.pk)]),
            pay_form=kwargs.get("pay_form") or PaymentForm(auto_id="pay-%s"),
            **{
                f"{name}_form": kwargs.get(f"{name}_form") or reason_form(name)
                for name in REASON_MOVES
            },
            **documents_context(
                user,
                disbursement,
                kwargs.get("document_form"),
                reverse("programs:funds-disbursement-upload", args=[disbursement.pk]),
            ),
        )
        return context


class DisbursementMoveView(TransitionView):
    """POST override / approve / return / pay on a disbursement. A reason missing, or a payment
    whose voucher number, date or payee is missing, wrong or used already, shows the page again
    with the error at its field; any other refusal (beyond the budget, not theirs to decide) is
    a message. Either way nothing changes."""

    pay_form: PaymentForm | None = None  # the payment as posted, once it is valid

    def get_object(self) -> Disbursement:
        return disbursement_in_scope(self.request, self.kwargs["pk"])

    def page(self, disbursement: Disbursement, **forms: Any) -> HttpResponse:
        view = DisbursementDetailView(request=self.request, kwargs=self.kwargs, object=disbursement)
        return view.render_to_response(view.get_context_data(**forms))

    def reason_invalid(self, obj: Disbursement, move: Move, form: ReasonForm) -> HttpResponse:
        form = reason_form(move.name, self.request.POST)
        form.is_valid()
        return self.page(obj, **{f"{move.name}_form": form})

    def move_params(self, obj: Disbursement, move: Move) -> dict[str, Any] | HttpResponse:
        if move.name != "pay":
            return {}
        form = PaymentForm(self.request.POST, auto_id="pay-%s")
        if not form.is_valid():
            return self.page(obj, pay_form=form)
        self.pay_form = form
        return form.cleaned_data

    def refused(self, obj: Disbursement, error: DomainError) -> HttpResponse:
        form = self.pay_form
        field = error.field if isinstance(error, FundsError) else None
        if form is not None and field in form.fields:
            form.add_error(field, str(error))
            return self.page(obj, pay_form=form)
        return super().refused(obj, error)


def expenditure_in_scope(request: HttpRequest, pk: int) -> Expenditure:
    """The expenditure named in the URL, if the user sees its unit's funds; else 404."""
    rows = Expenditure.objects.select_related(
        "unit__district", "category", "source", "project", "activity__unit", "recorded_by"
    )
    return scoped_object(request, rows, pk=pk)


class ExpenditureDetailView(DetailView):
    """One expenditure: its unit, day, category and source, amount, description, voucher, the
    promotion project or activity it paid for, who recorded it, its history and documents."""

    template_name = "programs/funds/expenditure.html"
    context_object_name = "expenditure"

    def get_object(self, queryset: QuerySet | None = None) -> Expenditure:
        return expenditure_in_scope(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        expenditure: Expenditure = self.object
        unit = expenditure.unit
        project_url = activity_url = None
        if expenditure.project_id is not None:
            project_url = reverse("workgroups:project-list", args=[unit.code])
            project_url += f"#project-{expenditure.project_id}"
        if expenditure.activity_id is not None:
            activity_url = activity_list_url(expenditure.activity)
        context.update(
            unit=unit,
            year=expenditure.year,
            project_url=project_url,
            activity_url=activity_url,
            history=history_of(expenditure),
            changes=change_log([Expenditure.history.filter(id=expenditure.pk)]),
            **documents_context(
                self.request.user,
                expenditure,
                kwargs.get("document_form"),
                reverse("programs:funds-expenditure-upload", args=[expenditure.pk]),
            ),
        )
        return context


class DisbursementDocumentUploadView(FundsDocumentUploadView):
    """POST a voucher or contract for a disbursement."""

    detail_view = DisbursementDetailView

    def find_record(self, request: HttpRequest, pk: int) -> Disbursement:
        return disbursement_in_scope(request, pk)


class ExpenditureDocumentUploadView(FundsDocumentUploadView):
    """POST a voucher or contract for an expenditure."""

    detail_view = ExpenditureDetailView

    def find_record(self, request: HttpRequest, pk: int) -> Expenditure:
        return expenditure_in_scope(request, pk)
