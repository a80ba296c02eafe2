"""A disbursement's page and its moves: every move from the page by each persona (made, refused
with a message, or not found), the reasons and the payment's inputs refused at their fields
with nothing changed, and a request beyond the budget refused, overridden by district staff,
then approved by finance."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from programs.core.models import Event
from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.models import Disbursement
from tests.funds.builders import YEAR, budget, paid, requested

pytestmark = pytest.mark.django_db

S = Disbursement.Status


def page_url(disbursement: Disbursement) -> str:
    return reverse("programs:funds-disbursement", args=[disbursement.pk])


def move_url(disbursement: Disbursement, move: str) -> str:
    return reverse("programs:funds-disbursement-move", args=[disbursement.pk, move])


def state(disbursement: Disbursement) -> tuple:
    """Everything a move could change, and the events written."""
    row = Disbursement.objects.get(pk=disbursement.pk)
    return (
        row.status,
        row.override,
        row.override_reason,
        row.return_reason,
        row.voucher_number,
        row.paid_on,
        row.payee,
        row.status_changed_by_id,
        Event.objects.of(row).count(),
        row.history.count(),
    )


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.fixture
def line(unit_a, funds):
    """Unit A's budget line of 1,000.00 yuan for promotion projects from the district budget."""
    return budget(unit_a, 100_000, funds)


@pytest.fixture
def asked(line, unit_a, funds, clerk_a) -> Disbursement:
    """500.00 yuan asked by clerk A, within the budget."""
    return requested(unit_a, 50_000, funds, by=clerk_a)


@pytest.fixture
def approved(asked, finance_user) -> Disbursement:
    transition(asked, "approve", by=finance_user)
    return asked


PAYMENT = {"voucher_number": "BF-2025-001", "paid_on": f"{YEAR}-04-01", "payee": "甲镇财政所"}
PARAMS = {
    "override": {"reason": "项目提前实施，追加预算另行下达"},
    "approve": {},
    "return": {"reason": "用途不明"},
    "pay": PAYMENT,
}
TARGET = {"override": S.REQUESTED, "approve": S.APPROVED, "return": S.RETURNED, "pay": S.PAID}
OUTSIDERS = ["clerk_b", "provider", "evaluator", "other_district_user", "other_district_finance"]
# Who makes each move; everybody else who sees the record is refused with the move's message.
MAKES = {
    "override": "district_user",
    "approve": "finance_user",
    "return": "finance_user",
    "pay": "finance_user",
}
READERS = ["district_user", "clerk_a", "finance_user", "city_user"]


def cases() -> list:
    found = []
    for move, maker in MAKES.items():
        for persona in READERS + OUTSIDERS:
            outcome = "made" if persona == maker else "refused" if persona in READERS else "404"
            found.append(pytest.param(move, persona, outcome, id=f"{move}-{persona}-{outcome}"))
    return found


@pytest.mark.parametrize(("move", "persona", "outcome"), cases())
def test_every_move_from_the_page_by_each_persona(
    request, english, asked, finance_user, move, persona, outcome
):
    if move == "pay":
        transition(asked, "approve", by=finance_user)
    user = request.getfixturevalue(persona)
    english.force_login(user)
    before = state(asked)
    start = Disbursement.objects.get(pk=asked.pk).status

    response = english.post(move_url(asked, move), PARAMS[move])

    if outcome == "404":
        assert response.status_code == 404
        assert state(asked) == before
        return
    assert response.status_code == 302
    assert response["Location"] == page_url(asked)
    row = Disbursement.objects.get(pk=asked.pk)
    if outcome == "made":
        assert row.status == TARGET[move]
        event = Event.objects.of(row).latest("pk")
        assert (event.actor, event.action, event.from_state) == (user, move, start)
        assert event.reason == PARAMS[move].get("reason", "")
    else:
        assert state(asked) == before
        assert said(response), "the refusal is told"


def test_the_page_shows_the_record_and_offers_finance_its_moves(client, asked, finance_user):
    client.force_login(finance_user)

    response = client.get(page_url(asked))

    assert response.status_code == 200
    page = response.content.decode()
    assert "500.00" in page and "老年人防跌倒项目第一期" in page
    assert set(response.context["moves"]) == {"approve", "return"}
    assert 'id="approve-disbursement"' in page and 'id="return-form"' in page
    assert 'id="pay-form"' not in page and 'id="override-form"' not in page
    assert response.context["remaining"] == 100_000
    assert not response.context["beyond_budget"]


def test_district_staff_are_offered_the_override_and_the_clerk_nothing(
    client, asked, district_user, clerk_a
):
    client.force_login(district_user)
    assert set(client.get(page_url(asked)).context["moves"]) == {"override"}

    client.force_login(clerk_a)
    response = client.get(page_url(asked))
    assert response.context["moves"] == {}
    assert 'id="disbursement-actions"' in response.content.decode()


def test_a_paid_disbursement_shows_its_voucher_date_payee_and_who_decided(
    client, line, unit_a, funds, finance_user, clerk_a
):
    done = paid(unit_a, 30_000, funds, voucher="BF-7", finance=finance_user)
    client.force_login(clerk_a)

    response = client.get(page_url(done))

    page = response.content.decode()
    assert "BF-7" in page and f"{YEAR}-03-01" in page and "甲镇财政所" in page
    assert finance_user.display_name in page
    assert response.context["remaining"] == 70_000  # this one taken from the line too
    assert [entry.event.action for entry in response.context["history"]] == [
        "pay",
        "approve",
        "created",
    ]
    assert response.context["changes"], "the change history is shown"


@pytest.mark.parametrize("move", ["override", "return"])
def test_a_move_without_its_reason_shows_the_error_at_the_field(request, english, asked, move):
    english.force_login(request.getfixturevalue(MAKES[move]))
    before = state(asked)

    response = english.post(move_url(asked, move), {"reason": "  "})

    assert response.status_code == 200
    form = response.context[f"{move}_form"]
    assert form.errors["reason"]
    assert f'id="{move}-reason"' in response.content.decode()
    assert state(asked) == before


# --- the payment's inputs ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("posted", "field", "message"),
    [
        ({"voucher_number": ""}, "voucher_number", errors.VOUCHER_REQUIRED),
        ({"voucher_number": "   "}, "voucher_number", errors.VOUCHER_REQUIRED),
        ({"paid_on": ""}, "paid_on", errors.PAID_ON_REQUIRED),
        ({"paid_on": "2025-13-01"}, "paid_on", "Enter a valid date."),
        ({"paid_on": "四月一日"}, "paid_on", "Enter a valid date."),
        ({"paid_on": "1999-12-31"}, "paid_on", None),
        ({"payee": ""}, "payee", errors.PAYEE_REQUIRED),
        ({"voucher_number": "X" * 51}, "voucher_number", None),
    ],
    ids=[
        "no-voucher",
        "blank-voucher",
        "no-date",
        "no-such-date",
        "words-for-a-date",
        "date-out-of-range",
        "no-payee",
        "voucher-too-long",
    ],
)
def test_a_bad_payment_is_refused_at_its_field_and_changes_nothing(
    english, approved, finance_user, posted, field, message
):
    english.force_login(finance_user)
    before = state(approved)

    response = english.post(move_url(approved, "pay"), PAYMENT | posted)

    assert response.status_code == 200
    form = response.context["pay_form"]
    assert list(form.errors) == [field]
    if message is not None:
        assert form.errors[field] == [str(message)]
    assert 'id="pay-form"' in response.content.decode()
    assert state(approved) == before


def test_a_voucher_number_used_twice_in_the_districts_year_is_refused_at_its_field(
    english, approved, line, unit_b, funds, finance_user
):
    budget(unit_b, 100_000, funds)
    paid(unit_b, 10_000, funds, voucher="BF-2025-001", finance=finance_user)
    english.force_login(finance_user)
    before = state(approved)

    response = english.post(move_url(approved, "pay"), PAYMENT)

    assert response.status_code == 200
    form = response.context["pay_form"]
    expected = str(errors.VOUCHER_USED) % {"voucher": "BF-2025-001", "year": YEAR}
    assert form.errors == {"voucher_number": [expected]}
    assert expected in response.content.decode()
    assert state(approved) == before


def test_the_payment_is_recorded_with_its_voucher_date_and_payee(english, approved, finance_user):
    english.force_login(finance_user)

    response = english.post(move_url(approved, "pay"), PAYMENT | {"voucher_number": " BF-9 "})

    assert response.status_code == 302
    row = Disbursement.objects.get(pk=approved.pk)
    assert (row.status, row.voucher_number, row.paid_on, row.payee) == (
        S.PAID,
        "BF-9",
        date(YEAR, 4, 1),
        "甲镇财政所",
    )
    assert row.status_changed_by == finance_user


# --- beyond the budget ---------------------------------------------------------------------------
def test_beyond_the_budget_refused_then_overridden_by_district_staff_then_approved(
    english, line, unit_a, funds, clerk_a, district_user, finance_user
):
    beyond = requested(unit_a, 150_000, funds, by=clerk_a)
    english.force_login(finance_user)
    page = english.get(page_url(beyond))
    assert page.context["beyond_budget"]
    before = state(beyond)

    refused = english.post(move_url(beyond, "approve"))

    assert refused.status_code == 302
    expected = str(errors.OVER_BUDGET) % {"amount": "1,500.00", "remaining": "1,000.00"}
    assert said(refused) == [expected]
    assert state(beyond) == before

    english.force_login(district_user)
    english.post(move_url(beyond, "override"), {"reason": "区政府常务会议同意追加"})
    beyond.refresh_from_db()
    assert (beyond.status, beyond.override) == (S.REQUESTED, True)
    assert beyond.override_reason == "区政府常务会议同意追加"

    english.force_login(finance_user)
    shown = english.get(page_url(beyond)).content.decode()
    assert 'id="override-reason"' in shown and "区政府常务会议同意追加" in shown
    english.post(move_url(beyond, "approve"))

    beyond.refresh_from_db()
    assert beyond.status == S.APPROVED
    assert [e.action for e in Event.objects.of(beyond).order_by("pk")] == [
        "created",
        "override",
        "approve",
    ]


def test_an_unknown_move_is_not_found(client, asked, finance_user):
    client.force_login(finance_user)

    assert client.post(move_url(asked, "delete")).status_code == 404
    assert client.get(move_url(asked, "approve")).status_code == 405


@pytest.mark.parametrize("persona", OUTSIDERS, indirect=True)
def test_outsiders_find_no_disbursement_page(client, asked, persona):
    assert client.get(page_url(asked)).status_code == 404


def test_a_returned_request_is_no_longer_said_to_be_beyond_the_budget(
    client, line, unit_a, funds, finance_user
):
    beyond = requested(unit_a, 150_000, funds)
    transition(beyond, "return", by=finance_user, reason="超出预算")
    client.force_login(finance_user)

    response = client.get(page_url(beyond))

    assert not response.context["beyond_budget"]
    assert response.context["moves"] == {}
    assert 'id="return-reason"' in response.content.decode()
