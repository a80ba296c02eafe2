"""The disbursement's table of moves: approved by the finance bureau within the budget (or
beyond it once district staff allowed it), paid with its voucher, or returned with a reason."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from programs.core.transitions import Move, Step, Workflow, register
from programs.funds import errors
from safecommunity.money import shown_yuan
from safecommunity.validators import validate_portal_date

from .records import BudgetLine, Disbursement, DisbursementStatus
from .years import ensure_year_open, keeps_district_funds

if TYPE_CHECKING:
    from programs.core.models import User


# --- the disbursement's table of moves -----------------------------------------------------------
def remaining_budget(flow: Disbursement, *, lock: bool = False) -> int:
    """The budget of `flow`'s unit, year, category and source less what approved and paid
    disbursements (other than `flow`) already take from it, in fen (negative when overdrawn)."""
    key = {
        "unit": flow.unit_id,
        "year": flow.year,
        "category": flow.category_id,
        "source": flow.source_id,
    }
    lines = BudgetLine.objects.filter(**key)
    if lock:
        # Two approvals against the same budget line at once would each count the other's
        # money as still there: the line's row lock makes them decide one after the other.
        lines = lines.select_for_update()
    budget = sum(line.amount_fen for line in lines)  # one line at most
    taken = (
        Disbursement.objects.filter(**key, status__in=Disbursement.SPENDS_BUDGET)
        .exclude(pk=flow.pk)
        .aggregate(total=Sum("amount_fen"))["total"]
    )
    return budget - (taken or 0)


def _year_open(step: Step) -> None:
    ensure_year_open(step.current.district_id, step.current.year)


def _within_budget(step: Step) -> None:
    """Approval within the remaining budget, unless district staff marked an override."""
    _year_open(step)
    current = step.current
    remaining = remaining_budget(current, lock=True)
    if current.amount_fen > remaining and not current.override:
        raise errors.FundsError(
            errors.OVER_BUDGET,
            field="amount_fen",
            amount=shown_yuan(current.amount_fen),
            remaining=shown_yuan(max(remaining, 0)),
        )
    step.data["remaining_fen"] = remaining


def _decided(step: Step) -> list[str]:
    step.obj.status_changed_by = step.by
    step.obj.status_changed_at = step.at
    return ["status_changed_by", "status_changed_at"]


def _returned(step: Step) -> list[str]:
    step.obj.return_reason = step.reason
    return ["return_reason", *_decided(step)]


def _payable(step: Step) -> None:
    """The voucher number, date and payee given, the number not used in the district's year."""
    _year_open(step)
    voucher = str(step.params.get("voucher_number") or "").strip()
    paid_on = step.params.get("paid_on")
    payee = str(step.params.get("payee") or "").strip()
    if not voucher:
        raise errors.FundsError(errors.VOUCHER_REQUIRED, field="voucher_number")
    if paid_on is None:
        raise errors.FundsError(errors.PAID_ON_REQUIRED, field="paid_on")
    try:
        validate_portal_date(paid_on)
    except ValidationError as error:
        raise errors.FundsError(" ".join(error.messages), field="paid_on") from error
    if not payee:
        raise errors.FundsError(errors.PAYEE_REQUIRED, field="payee")
    current = step.current
    used = Disbursement.objects.filter(
        district=current.district_id, year=current.year, voucher_number=voucher
    ).exclude(pk=current.pk)
    if used.exists():
        raise errors.FundsError(
            errors.VOUCHER_USED, field="voucher_number", voucher=voucher, year=current.year
        )


def _paid(step: Step) -> list[str]:
    obj = step.obj
    obj.voucher_number = str(step.params["voucher_number"]).strip()
    obj.paid_on = step.params["paid_on"]
    obj.payee = str(step.params["payee"]).strip()
    return ["voucher_number", "paid_on", "payee", *_decided(step)]


def _not_overridden(step: Step) -> None:
    _year_open(step)
    if step.current.override:
        raise errors.FundsError(errors.ALREADY_OVERRIDDEN)


def _overridden(step: Step) -> list[str]:
    step.obj.override = True
    step.obj.override_reason = step.reason
    return ["override", "override_reason"]


def _district_staff_of_unit(user: User, obj: Disbursement) -> bool:
    """District staff of the unit's district (administrators anywhere): not its clerk."""
    return bool(user.edits_all_units and user.edits_unit(obj.unit_id))


Status = DisbursementStatus
register(
    Disbursement,
    Workflow(
        field="status",
        error=errors.FundsError,
        illegal=errors.ILLEGAL_DISBURSEMENT_MOVE,
        moves=[
            Move(
                "override",
                sources={Status.REQUESTED},
                target=Status.REQUESTED,
                label=_("Allow beyond the budget"),
                past=_("allowed beyond the budget"),
                allowed=_district_staff_of_unit,
                refused=errors.ONLY_DISTRICT_OVERRIDE,
                reason=True,
                reason_missing=errors.OVERRIDE_NEEDS_REASON,
                check=_not_overridden,
                effect=_overridden,
                style="outline-warning",
            ),
            Move(
                "approve",
                sources={Status.REQUESTED},
                target=Status.APPROVED,
                label=_("Approve"),
                past=_("approved"),
                allowed=keeps_district_funds,
                refused=errors.ONLY_FINANCE,
                check=_within_budget,
                effect=_decided,
                style="success",
            ),
            Move(
                "return",
                sources={Status.REQUESTED, Status.APPROVED},
                target=Status.RETURNED,
                label=_("Return"),
                past=_("returned"),
                allowed=keeps_district_funds,
                refused=errors.ONLY_FINANCE,
                reason=True,
                reason_missing=errors.RETURN_NEEDS_REASON,
                check=_year_open,
                effect=_returned,
                style="outline-danger",
            ),
            Move(
                "pay",
                sources={Status.APPROVED},
                target=Status.PAID,
                label=_("Record the payment"),
                past=_("paid"),
                allowed=keeps_district_funds,
                refused=errors.ONLY_FINANCE,
                check=_payable,
                effect=_paid,
                style="primary",
            ),
        ],
    ),
)
del Status
