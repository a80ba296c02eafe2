"""The creation funds on the dashboard and the unit page: this year's budget, spending and
execution rate of the units in view (one query), for those who see funds; nothing — and no
query — for providers and evaluators."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.funds.models import BudgetLine, Disbursement, Expenditure
from tests.funds.builders import budget, paid, spent
from tests.overview.test_dashboard import DASHBOARD_MAX_QUERIES, build_dashboard
from tests.test_queries import UNIT_DETAIL_MAX_QUERIES, build_units

DASHBOARD = reverse("programs:dashboard")
YEAR = timezone.localdate().year


@pytest.fixture
def money(funds, unit_a, unit_b, finance_user):
    """This year: unit A given 10,000.00, paid 3,000.00, spent 1,234.56; unit B given 5,000.00,
    spent 2,000.00; last year's spending of unit A does not count."""
    budget(unit_a, 1_000_000, funds, year=YEAR)
    budget(unit_b, 500_000, funds, year=YEAR)
    paid(unit_a, 300_000, funds, voucher="BF-001", finance=finance_user, year=YEAR)
    spent(unit_a, 123_456, funds, voucher="ZC-001", on=date(YEAR, 3, 1))
    spent(unit_b, 200_000, funds, voucher="ZC-002", on=date(YEAR, 4, 1))
    budget(unit_a, 9_000_000, funds, year=YEAR - 1)
    spent(unit_a, 777_777, funds, voucher="ZC-003", on=date(YEAR - 1, 12, 31))


BOTH_UNITS = ("21.6%", "3,234.56 of 15,000.00 yuan spent")  # 3,234.56 ÷ 15,000.00
UNIT_A = ("12.3%", "1,234.56 of 10,000.00 yuan spent")  # 1,234.56 ÷ 10,000.00 = 12.3456 %


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("finance_user", BOTH_UNITS),
        ("district_user", BOTH_UNITS),
        ("city_user", BOTH_UNITS),
        ("clerk_a", UNIT_A),
    ],
)
def test_the_dashboards_funds_card_adds_up_the_units_in_view(
    money, english, persona, expected, request
):
    english.force_login(request.getfixturevalue(persona))

    response = english.get(DASHBOARD)

    card = response.context["funds_headline"]
    assert (card.value, card.detail) == expected
    assert card.label == f"Funds executed in {YEAR}"
    assert card.url == f"{reverse('programs:funds')}?year={YEAR}"
    assert 'id="headline-funds"' in response.content.decode()


def test_a_districts_page_links_its_card_to_the_districts_funds(money, english, city_user, unit_a):
    english.force_login(city_user)
    district = unit_a.district

    card = english.get(district.get_absolute_url()).context["funds_headline"]

    assert (card.value, card.detail) == BOTH_UNITS
    assert card.url == f"{reverse('programs:funds')}?year={YEAR}&district={district.code}"


@pytest.mark.parametrize("persona", ["provider", "evaluator"])
def test_those_who_see_no_funds_get_no_card(money, client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(DASHBOARD)

    assert response.context["funds_headline"] is None
    assert 'id="headline-funds"' not in response.content.decode()


UNIT_A_PANEL = {
    "funds-budget": "10,000.00",
    "funds-disbursed": "3,000.00",
    "funds-spent": "1,234.56",
    "funds-execution-rate": "12.3%",
    "funds-disbursement-rate": "30.0%",
}


@pytest.mark.parametrize("persona", ["finance_user", "district_user", "city_user", "clerk_a"])
def test_the_unit_page_shows_this_years_funds(money, client, unit_a, persona, request):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("programs:unit-detail", args=[unit_a.code]))

    html = response.content.decode()
    for element, text in UNIT_A_PANEL.items():
        assert f'id="{element}">{text}</dd>' in html
    ledger = reverse("programs:funds-ledger", args=[unit_a.code, YEAR])
    assert f'href="{ledger}" id="funds-card-ledger"' in html


@pytest.mark.parametrize("persona", ["provider", "evaluator"])
def test_the_unit_page_shows_no_funds_to_those_who_see_none(
    money, client, unit_a, persona, request
):
    from tests.factories import EvaluationFactory

    user = request.getfixturevalue(persona)
    EvaluationFactory(unit=unit_a, round__evaluators=[user] if persona == "evaluator" else [])
    client.force_login(user)

    response = client.get(reverse("programs:unit-detail", args=[unit_a.code]))

    assert response.status_code == 200
    assert "funds" not in response.context
    assert 'id="funds"' not in response.content.decode()


def test_a_unit_without_a_budget_shows_no_rate(funds, client, district_user, unit_a):
    client.force_login(district_user)

    html = client.get(reverse("programs:unit-detail", args=[unit_a.code])).content.decode()

    assert 'id="funds-budget">0.00</dd>' in html
    assert 'id="funds-execution-rate">—</dd>' in html


# --- queries: one for the card, one for the panel, at two sizes -------------------------------


def add_money(units, funds, *, per_unit: int) -> None:
    """A budget line, a paid disbursement and `per_unit` expenditures of this year per unit."""
    category, source = funds.promotion, funds.district_budget
    key = {"year": YEAR, "category": category, "source": source}
    BudgetLine.objects.bulk_create(BudgetLine(unit=u, amount_fen=1_000_000, **key) for u in units)
    Disbursement.objects.bulk_create(
        Disbursement(
            unit=u,
            district_id=u.district_id,
            amount_fen=100_000,
            purpose="推进项目",
            status=Disbursement.Status.PAID,
            voucher_number=f"BF-{u.pk}",
            paid_on=date(YEAR, 2, 1),
            payee="财政所",
            **key,
        )
        for u in units
    )
    Expenditure.objects.bulk_create(
        Expenditure(
            unit=u,
            district_id=u.district_id,
            spent_on=date(YEAR, 1, 1 + n % 28),
            amount_fen=100,
            description="支出",
            voucher_number=f"ZC-{u.pk}-{n}",
            **key,
        )
        for u in units
        for n in range(per_unit)
    )


@pytest.mark.parametrize("unit_count", [38, 400])
def test_the_dashboards_funds_card_is_one_query_whatever_the_units(
    english, funds, district_user, django_assert_max_num_queries, unit_count
):
    from programs.core.models import CreatingUnit

    build_dashboard(unit_count)
    add_money(list(CreatingUnit.objects.all()), funds, per_unit=3)
    english.force_login(district_user)

    with django_assert_max_num_queries(DASHBOARD_MAX_QUERIES):
        response = english.get(DASHBOARD, {"sort": "-on_time"})

    card = response.context["funds_headline"]
    assert card.value == "0.0%"  # 3.00 of 10,000.00 yuan a unit
    assert card.detail == f"{unit_count * 3:,}.00 of {unit_count * 10_000:,}.00 yuan spent"


@pytest.mark.parametrize("expenditures", [5, 400])
def test_the_unit_pages_funds_panel_is_one_query_whatever_the_spending(
    client, funds, district_user, django_assert_max_num_queries, expenditures
):
    (unit,) = build_units(1, members_per_group=2)
    add_money([unit], funds, per_unit=expenditures)
    client.force_login(district_user)

    with django_assert_max_num_queries(UNIT_DETAIL_MAX_QUERIES):
        response = client.get(reverse("programs:unit-detail", args=[unit.code]))

    assert response.context["funds"].spent == expenditures * 100
    assert response.context["funds"].disbursed == 100_000
