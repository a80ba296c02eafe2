"""A disbursement's way: requested by the unit, approved by the finance bureau within the
budget (beyond it only once district staff allowed it with a reason), paid with its voucher,
or returned with a reason — each move by its actor, from its state, on the event log."""

from __future__ import annotations

from datetime import date

import pytest

from programs.core.models import Event
from programs.core.transitions import allowed_moves, transition
from programs.funds import errors
from programs.funds.errors import FundsError
from programs.funds.models import Disbursement, remaining_budget
from tests.funds.builders import budget, paid, requested

pytestmark = pytest.mark.django_db

Status = Disbursement.Status


def pay(disbursement, by, voucher="BF-2025-001", **params):
    values = {"voucher_number": voucher, "paid_on": date(2025, 3, 1), "payee": "甲镇财政所"}
    return transition(disbursement, "pay", by=by, **(values | params))


def test_the_clerk_requests_finance_approves_and_pays(unit_a, clerk_a, finance_user, funds):
    budget(unit_a, 1_000_000, funds)
    disbursement = requested(unit_a, 250_050, funds, by=clerk_a)

    transition(disbursement, "approve", by=finance_user)
    pay(disbursement, finance_user)

    disbursement.refresh_from_db()
    assert disbursement.status == Status.PAID
    assert (disbursement.voucher_number, disbursement.paid_on, disbursement.payee) == (
        "BF-2025-001",
        date(2025, 3, 1),
        "甲镇财政所",
    )
    assert disbursement.district == unit_a.district
    assert disbursement.requested_by == clerk_a
    assert disbursement.status_changed_by == finance_user
    log = Event.objects.of(disbursement).order_by("pk")
    assert [(event.action, event.actor) for event in log] == [
        ("created", clerk_a),
        ("approve", finance_user),
        ("pay", finance_user),
    ]
    assert disbursement.history.count() == 3  # created, approved, paid: every change kept


def test_over_the_budget_is_refused_until_district_staff_allow_it(
    unit_a, clerk_a, district_user, finance_user, funds
):
    budget(unit_a, 100_000, funds)
    paid(unit_a, 60_000, funds, voucher="BF-1", finance=finance_user)
    disbursement = requested(unit_a, 40_001, funds, by=clerk_a)  # 1 fen beyond what is left

    with pytest.raises(FundsError) as refused:
        transition(disbursement, "approve", by=finance_user)
    assert refused.value.message is errors.OVER_BUDGET
    assert refused.value.params == {"amount": "400.01", "remaining": "400.00"}
    disbursement.refresh_from_db()
    assert disbursement.status == Status.REQUESTED

    with pytest.raises(FundsError) as no_reason:
        transition(disbursement, "override", by=district_user)
    assert no_reason.value.message is errors.OVERRIDE_NEEDS_REASON

    transition(disbursement, "override", by=district_user, reason="区长办公会决定追加")
    transition(disbursement, "approve", by=finance_user)

    disbursement.refresh_from_db()
    assert disbursement.status == Status.APPROVED
    assert (disbursement.override, disbursement.override_reason) == (True, "区长办公会决定追加")
    override = Event.objects.of(disbursement).get(action="override")
    assert (override.actor, override.reason, override.to_state) == (
        district_user,
        "区长办公会决定追加",
        Status.REQUESTED,
    )


def test_a_request_within_the_budget_to_the_fen_is_approved(unit_a, finance_user, funds):
    budget(unit_a, 100_000, funds)
    paid(unit_a, 60_000, funds, voucher="BF-1", finance=finance_user)
    disbursement = requested(unit_a, 40_000, funds)

    transition(disbursement, "approve", by=finance_user)

    assert Disbursement.objects.get(pk=disbursement.pk).status == Status.APPROVED


def test_the_remaining_budget_counts_approved_and_paid_not_requested_or_returned(
    unit_a, finance_user, funds
):
    budget(unit_a, 100_000, funds)
    budget(unit_a, 999_999, funds, category=funds.publicity)  # another category: not counted
    paid(unit_a, 10_000, funds, voucher="BF-1", finance=finance_user)
    approved = requested(unit_a, 20_000, funds)
    transition(approved, "approve", by=finance_user)
    returned = requested(unit_a, 30_000, funds)
    transition(returned, "return", by=finance_user, reason="材料不全")
    waiting = requested(unit_a, 5_000, funds)

    assert remaining_budget(waiting) == 100_000 - 10_000 - 20_000


def test_a_request_without_any_budget_line_needs_an_override(unit_a, finance_user, funds):
    disbursement = requested(unit_a, 1, funds)

    with pytest.raises(FundsError) as refused:
        transition(disbursement, "approve", by=finance_user)

    assert refused.value.message is errors.OVER_BUDGET


def test_finance_returns_a_request_with_a_reason(unit_a, finance_user, funds):
    disbursement = requested(unit_a, 1_000, funds)

    with pytest.raises(FundsError) as no_reason:
        transition(disbursement, "return", by=finance_user, reason="  ")
    transition(disbursement, "return", by=finance_user, reason="预算科目不符")

    assert no_reason.value.message is errors.RETURN_NEEDS_REASON
    disbursement.refresh_from_db()
    assert (disbursement.status, disbursement.return_reason) == (Status.RETURNED, "预算科目不符")


@pytest.mark.parametrize(
    "actor", ["clerk_a", "district_user", "provider", "city_user", "other_district_finance"]
)
def test_only_finance_of_the_district_approves(request, unit_a, funds, actor):
    budget(unit_a, 100_000, funds)
    disbursement = requested(unit_a, 1_000, funds)
    user = request.getfixturevalue(actor)

    with pytest.raises(FundsError) as refused:
        transition(disbursement, "approve", by=user)

    assert refused.value.message is errors.ONLY_FINANCE
    assert Disbursement.objects.get(pk=disbursement.pk).status == Status.REQUESTED
    assert "approve" not in {move.name for move in allowed_moves(disbursement, user)}


@pytest.mark.parametrize("actor", ["clerk_a", "finance_user", "other_district_user"])
def test_only_district_staff_of_the_unit_allow_beyond_the_budget(request, unit_a, funds, actor):
    disbursement = requested(unit_a, 1_000, funds)

    with pytest.raises(FundsError) as refused:
        transition(disbursement, "override", by=request.getfixturevalue(actor), reason="因为")

    assert refused.value.message is errors.ONLY_DISTRICT_OVERRIDE
    assert not Disbursement.objects.get(pk=disbursement.pk).override


def test_the_pages_offer_each_person_their_own_moves(
    unit_a, clerk_a, district_user, finance_user, funds
):
    disbursement = requested(unit_a, 1_000, funds)

    assert [move.name for move in allowed_moves(disbursement, finance_user)] == [
        "approve",
        "return",
    ]
    assert [move.name for move in allowed_moves(disbursement, district_user)] == ["override"]
    assert allowed_moves(disbursement, clerk_a) == []


def test_a_stale_page_cannot_pay_a_request_or_approve_twice(unit_a, finance_user, funds):
    budget(unit_a, 100_000, funds)
    disbursement = requested(unit_a, 1_000, funds)
    stale = Disbursement.objects.get(pk=disbursement.pk)

    with pytest.raises(FundsError):
        pay(disbursement, finance_user)  # not approved yet
    transition(disbursement, "approve", by=finance_user)
    with pytest.raises(FundsError):
        transition(stale, "approve", by=finance_user)  # the page still said "requested"

    assert Event.objects.of(disbursement).filter(action="approve").count() == 1


def test_a_paid_disbursement_cannot_be_returned(unit_a, finance_user, funds):
    budget(unit_a, 100_000, funds)
    disbursement = paid(unit_a, 1_000, funds, voucher="BF-1", finance=finance_user)

    with pytest.raises(FundsError):
        transition(disbursement, "return", by=finance_user, reason="错了")

    assert Disbursement.objects.get(pk=disbursement.pk).status == Status.PAID


def test_a_voucher_number_is_used_once_a_district_and_year(unit_a, unit_b, finance_user, funds):
    budget(unit_a, 100_000, funds)
    budget(unit_b, 100_000, funds)
    paid(unit_a, 1_000, funds, voucher="BF-7", finance=finance_user)
    again = requested(unit_b, 1_000, funds)
    transition(again, "approve", by=finance_user)

    with pytest.raises(FundsError) as refused:
        pay(again, finance_user, voucher=" BF-7 ")

    assert (refused.value.message, refused.value.field) == (errors.VOUCHER_USED, "voucher_number")
    assert Disbursement.objects.get(pk=again.pk).status == Status.APPROVED
    pay(again, finance_user, voucher="BF-8")
    assert Disbursement.objects.get(pk=again.pk).status == Status.PAID


@pytest.mark.parametrize(
    ("params", "message", "field"),
    [
        ({"voucher_number": ""}, errors.VOUCHER_REQUIRED, "voucher_number"),
        ({"paid_on": None}, errors.PAID_ON_REQUIRED, "paid_on"),
        ({"payee": " "}, errors.PAYEE_REQUIRED, "payee"),
    ],
)
def test_paying_needs_voucher_date_and_payee(unit_a, finance_user, funds, params, message, field):
    budget(unit_a, 100_000, funds)
    disbursement = requested(unit_a, 1_000, funds)
    transition(disbursement, "approve", by=finance_user)

    with pytest.raises(FundsError) as refused:
        pay(disbursement, finance_user, **params)

    assert (refused.value.message, refused.value.field) == (message, field)
    assert Disbursement.objects.get(pk=disbursement.pk).status == Status.APPROVED


@pytest.mark.parametrize("actor", ["finance_user", "provider", "clerk_b", "city_user"])
def test_only_the_units_clerk_and_district_staff_request(request, unit_a, funds, actor):
    with pytest.raises(FundsError):
        requested(unit_a, 1_000, funds, by=request.getfixturevalue(actor))

    assert not Disbursement.objects.exists()


def test_district_staff_request_for_a_unit(unit_a, district_user, funds):
    disbursement = requested(unit_a, 1_000, funds, by=district_user)

    assert Event.objects.of(disbursement).get().action == "created"
