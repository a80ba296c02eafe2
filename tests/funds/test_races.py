"""Two people at once, on PostgreSQL (where writers run side by side): a write into a fiscal
year waits for a close in progress and is then refused, and two payments under one voucher
number are decided one after the other — the second refused at its field, never a 500.
`ensure_year_open` locks the district's year for the writer's transaction."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.conf import settings
from django.db import connection, transaction

from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.errors import FundsError
from programs.funds.models import Disbursement, Expenditure
from programs.funds.services import expenditure_record, fiscal_year_of
from tests.funds.builders import YEAR, budget, requested

ENGINE = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(ENGINE != "postgresql", reason="SQLite runs one writer at a time"),
]


def in_thread(work, outcome: dict) -> threading.Thread:
    """`work()` in a thread of its own (its own connection), its result or refusal kept."""

    def run() -> None:
        try:
            outcome["done"] = work()
        except FundsError as error:
            outcome["refused"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def held_open(work, started: threading.Event, release: threading.Event) -> threading.Thread:
    """`work()` in a transaction of another thread, kept open until `release`."""

    def run() -> None:
        try:
            with transaction.atomic():
                work()
                started.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert started.wait(10)
    return thread


def test_spending_saved_while_the_year_closes_waits_then_is_refused(
    unit_a, clerk_a, finance_user, funds
):
    year = fiscal_year_of(district=unit_a.district, year=YEAR)
    started, release = threading.Event(), threading.Event()
    closer = held_open(lambda: transition(year, "close", by=finance_user), started, release)
    outcome: dict = {}

    writer = in_thread(
        lambda: expenditure_record(
            by=clerk_a,
            unit=unit_a,
            spent_on=date(YEAR, 11, 30),
            category=funds.promotion,
            source=funds.district_budget,
            amount_fen=10_000,
            description="宣传册",
            voucher_number="ZC-1",
        ),
        outcome,
    )
    writer.join(1.0)
    assert writer.is_alive(), outcome  # it waits for the close in progress
    release.set()
    closer.join(10)
    writer.join(10)

    assert outcome["refused"].message == errors.YEAR_CLOSED
    assert not Expenditure.objects.exists()


def test_two_payments_under_one_voucher_at_once_refuse_the_second_at_its_field(
    unit_a, unit_b, finance_user, funds
):
    first, second = (requested(unit, 50_000, funds) for unit in (unit_a, unit_b))
    for unit, disbursement in ((unit_a, first), (unit_b, second)):
        budget(unit, 100_000, funds)
        transition(disbursement, "approve", by=finance_user)
    paying = {"voucher_number": "BF-1", "paid_on": date(YEAR, 6, 1), "payee": "财政所"}
    started, release = threading.Event(), threading.Event()
    payer = held_open(lambda: transition(first, "pay", by=finance_user, **paying), started, release)
    outcome: dict = {}

    other = in_thread(lambda: transition(second, "pay", by=finance_user, **paying), outcome)
    other.join(1.0)
    assert other.is_alive(), outcome  # it waits for the payment in progress
    release.set()
    payer.join(10)
    other.join(10)

    assert outcome["refused"].message == errors.VOUCHER_USED
    assert outcome["refused"].field == "voucher_number"
    statuses = dict(Disbursement.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "paid", second.pk: "approved"}
