"""The ledger's entries printed by the Jinja2 template (`ledger_rows_html`): byte for byte what
the page's Django loop printed (`ledger_rows.html` keeps it), in both languages, for every kind
of entry — paid, requested, approved and returned disbursements, spending, text to escape, a
voucher missing, a balance below zero — and the page carries them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from programs.core.transitions import transition
from programs.funds.selectors import ledger
from programs.funds.views.pages import ledger_rows_html
from tests.factories import ActivityFactory, PromotionProjectFactory
from tests.funds.builders import YEAR, budget, paid, requested, spent

pytestmark = pytest.mark.django_db

# The entries' loop as the page's Django template wrote it, before the rows moved to Jinja2.
ROW_TEMPLATE = (Path(__file__).parent / "ledger_rows.html").read_text()


@pytest.fixture
def entries(unit_a, finance_user, funds):
    budget(unit_a, 1_000_000, funds)
    budget(unit_a, 500_000, funds, source=funds.city_transfer)
    paid(unit_a, 400_000, funds, voucher="BF-<1>", finance=finance_user)
    requested(unit_a, 50_000, funds)
    approved = requested(unit_a, 60_000, funds, source=funds.city_transfer)
    transition(approved, "approve", by=finance_user)
    returned = requested(unit_a, 70_000, funds)
    transition(returned, "return", by=finance_user, reason="用途不符")
    spent(unit_a, 123_456, funds, voucher="ZC-1", on=date(YEAR, 1, 15))
    spent(unit_a, 999_999, funds, voucher="ZC-&2", on=date(YEAR, 3, 2))  # below zero
    spent(unit_a, 1, funds, voucher="ZC-3", on=date(YEAR, 3, 2), source=funds.city_transfer)
    project = PromotionProjectFactory(unit=unit_a, name="老年人<防跌倒>")
    spent(unit_a, 2, funds, voucher="ZC-4", on=date(YEAR, 3, 3), project=project)
    spent(
        unit_a, 3, funds, voucher="ZC-5", on=date(YEAR, 3, 4), activity=ActivityFactory(unit=unit_a)
    )
    return unit_a


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_rows_are_what_the_django_loop_printed(entries, language):
    the_ledger = ledger(entries, YEAR)
    assert len(the_ledger.entries) == 9 and the_ledger.balance < 0
    with translation.override(language):
        expected = engines["django"].from_string(ROW_TEMPLATE).render({"ledger": the_ledger})
        printed = ledger_rows_html(the_ledger)

    assert printed == expected
    assert "老年人&lt;防跌倒&gt;" in printed
    assert "BF-&lt;1&gt;" in printed and "ZC-&amp;2" in printed and "—" in printed


def test_the_page_prints_the_rows(client, entries, district_user):
    client.force_login(district_user)

    response = client.get(reverse("programs:funds-ledger", args=[entries.code, YEAR]))

    assert response.content.decode().count('class="text-end ledger-balance"') == 9
    assert str(response.context["entry_rows"]) in response.content.decode()
