"""The funds' writing forms on a unit's ledger: a budget line set, a disbursement requested, an
expenditure recorded — who may open them, what each stores, and every bad input answered at
its field with nothing changed."""

from __future__ import annotations

from datetime import date

import pytest
from django import forms
from django.urls import reverse
from django.utils import timezone

from programs.core.models import Event
from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.errors import FundsError
from programs.funds.forms import DisbursementRequestForm
from programs.funds.models import BudgetLine, Disbursement, Expenditure, FiscalYear
from programs.funds.services import fiscal_year_of
from programs.funds.views.forms import refusal_at_fields
from safecommunity.errors import OUTSIDE_SCOPE
from safecommunity.money import NEGATIVE, NOT_AN_AMOUNT, TOO_MANY_DECIMALS
from tests.factories import ActivityFactory, PromotionProjectFactory
from tests.funds.builders import YEAR, budget, spent

pytestmark = pytest.mark.django_db

# Django's own messages, in the language the pages speak (the portal's)
INVALID_CHOICE = forms.ModelChoiceField.default_error_messages["invalid_choice"]
REQUIRED = forms.Field.default_error_messages["required"]


def budget_url(unit, year: int = YEAR) -> str:
    return reverse("programs:funds-budget", args=[unit.code, year])


def disbursement_url(unit, year: int = YEAR) -> str:
    return reverse("programs:funds-disbursement-new", args=[unit.code, year])


def expenditure_url(unit, year: int = YEAR) -> str:
    return reverse("programs:funds-expenditure-new", args=[unit.code, year])


def ledger_url(unit, year: int = YEAR) -> str:
    return reverse("programs:funds-ledger", args=[unit.code, year])


def money_rows() -> tuple:
    """Every money record, fiscal year and event as it is: what a refused form must not touch."""
    return (
        tuple(
            BudgetLine.objects.order_by("pk").values_list(
                "pk", "amount_fen", "city_ratio", "district_ratio", "note"
            )
        ),
        tuple(Disbursement.objects.order_by("pk").values_list("pk", "amount_fen", "status")),
        tuple(Expenditure.objects.order_by("pk").values_list("pk", "amount_fen", "voucher_number")),
        tuple(FiscalYear.objects.order_by("pk").values_list("pk", "status")),
        Event.objects.count(),
    )


def budget_post(funds, **changes) -> dict:
    return {
        "category": funds.promotion.pk,
        "source": funds.district_budget.pk,
        "amount": "12,345.67",
        "city_ratio": "",
        "district_ratio": "",
        "note": "",
        **changes,
    }


def disbursement_post(funds, **changes) -> dict:
    return {
        "category": funds.promotion.pk,
        "source": funds.district_budget.pk,
        "amount": "5000",
        "purpose": "老年人防跌倒项目第一期",
        **changes,
    }


def expenditure_post(funds, **changes) -> dict:
    return {
        "spent_on": f"{YEAR}-04-01",
        "category": funds.promotion.pk,
        "source": funds.district_budget.pk,
        "amount": "1234.56",
        "description": "宣传册印刷",
        "voucher_number": "ZC-1",
        "project": "",
        "activity": "",
        **changes,
    }


@pytest.fixture
def closed_year(unit_a, finance_user):
    year = fiscal_year_of(district=unit_a.district, year=YEAR)
    transition(year, "close", by=finance_user)
    return year


# --- setting a budget line ---------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["district_user", "finance_user", "admin_user"], indirect=True)
def test_finance_district_staff_and_administrators_set_a_budget_line(
    client, persona, unit_a, funds
):
    assert client.get(budget_url(unit_a)).status_code == 200

    response = client.post(
        budget_url(unit_a),
        budget_post(funds, amount="¥10,000.00", city_ratio="4", district_ratio="6", note="方案"),
    )

    assert response.status_code == 302
    assert response["Location"] == ledger_url(unit_a)
    line = BudgetLine.objects.get(unit=unit_a, year=YEAR)
    assert (line.category, line.source) == (funds.promotion, funds.district_budget)
    assert (line.amount_fen, line.city_ratio, line.district_ratio, line.note) == (
        1_000_000,
        4,
        6,
        "方案",
    )
    page = client.get(response["Location"])
    assert "10,000.00" in page.content.decode()
    assert [str(m) for m in page.context["messages"]]  # the success message shown


def test_setting_the_same_category_and_source_again_changes_the_line(
    client, district_user, unit_a, funds
):
    line = budget(unit_a, 100_000, funds)
    client.force_login(district_user)

    client.post(budget_url(unit_a), budget_post(funds, amount="2,000.50"))

    assert BudgetLine.objects.get().pk == line.pk
    line.refresh_from_db()
    assert line.amount_fen == 200_050


def test_a_line_opens_prefilled_and_keeps_its_category_and_source(
    client, finance_user, unit_a, funds
):
    line = budget_line = budget(unit_a, 123_456, funds, source=funds.city_transfer)
    client.force_login(finance_user)

    page = client.get(budget_url(unit_a), {"line": line.pk})

    form = page.context["form"]
    assert form["amount"].value() == "1234.56"
    assert form.fields["category"].disabled and form.fields["source"].disabled
    # a posted category or source is ignored: this line is changed, no other is made
    response = client.post(
        f"{budget_url(unit_a)}?line={line.pk}",
        budget_post(funds, source=funds.district_budget.pk, amount="99"),
    )
    assert response.status_code == 302
    budget_line.refresh_from_db()
    assert (BudgetLine.objects.count(), budget_line.amount_fen) == (1, 9_900)
    assert budget_line.source == funds.city_transfer


@pytest.mark.parametrize("line", ["abc", "0", "-1", "99999999999999999999", "", "1.0"])
def test_a_malformed_or_unknown_line_is_not_found(client, district_user, unit_a, funds, line):
    budget(unit_a, 100, funds)
    client.force_login(district_user)

    assert client.get(budget_url(unit_a), {"line": line}).status_code == 404


def test_a_line_of_another_unit_or_year_is_not_found(client, district_user, unit_a, unit_b, funds):
    other_unit = budget(unit_b, 100, funds)
    other_year = budget(unit_a, 100, funds, year=YEAR + 1)
    client.force_login(district_user)

    for line in (other_unit, other_year):
        assert client.get(budget_url(unit_a), {"line": line.pk}).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"city_ratio": "5"}, "district_ratio", errors.RATIOS_BOTH),
        ({"district_ratio": "5"}, "city_ratio", errors.RATIOS_BOTH),
        ({"city_ratio": "0", "district_ratio": "5"}, "city_ratio", None),
        ({"city_ratio": "x", "district_ratio": "5"}, "city_ratio", None),
        ({"note": "长" * 2001}, "note", None),
    ],
)
def test_a_bad_ratio_or_note_is_refused_at_its_field(
    client, district_user, unit_a, funds, changes, field, message
):
    client.force_login(district_user)
    before = money_rows()

    response = client.post(budget_url(unit_a), budget_post(funds, **changes))

    assert response.status_code == 200
    errors_at = response.context["form"].errors
    assert list(errors_at) == [field]
    if message is not None:
        assert errors_at[field] == [str(message)]
    assert money_rows() == before


def test_a_zero_budget_is_a_budget(client, district_user, unit_a, funds):
    client.force_login(district_user)

    client.post(budget_url(unit_a), budget_post(funds, amount="0"))

    assert BudgetLine.objects.get().amount_fen == 0


# --- amounts, on every form --------------------------------------------------------------------
FORMS = {
    "budget": (budget_url, budget_post, "district_user"),
    "disbursement": (disbursement_url, disbursement_post, "clerk_a"),
    "expenditure": (expenditure_url, expenditure_post, "clerk_a"),
}


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1234.567", TOO_MANY_DECIMALS),
        ("-5.00", NEGATIVE),
        ("－5", NEGATIVE),
        ("twelve", NOT_AN_AMOUNT),
        ("12,34.56", NOT_AN_AMOUNT),
        ("1,2345.00", NOT_AN_AMOUNT),
        ("1.234,56", NOT_AN_AMOUNT),
        ("1" * 41, NOT_AN_AMOUNT),
        ("", REQUIRED),
    ],
)
def test_a_badly_written_amount_is_refused_at_the_amount(
    request, client, unit_a, funds, form, amount, message
):
    url, post, user = FORMS[form]
    client.force_login(request.getfixturevalue(user))
    before = money_rows()

    response = client.post(url(unit_a), post(funds, amount=amount))

    assert response.status_code == 200
    assert response.context["form"].errors == {"amount": [str(message)]}
    assert money_rows() == before


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    "amount", ["1,234.56", "¥1234.56", "￥1,234.56", "１２３４．５６", " 1234.56 "]
)
def test_an_amount_is_read_as_people_write_it(request, client, unit_a, funds, form, amount):
    url, post, user = FORMS[form]
    client.force_login(request.getfixturevalue(user))

    response = client.post(url(unit_a), post(funds, amount=amount))

    assert response.status_code == 302
    model = {"budget": BudgetLine, "disbursement": Disbursement, "expenditure": Expenditure}[form]
    assert model.objects.get().amount_fen == 123_456


@pytest.mark.parametrize("form", ["disbursement", "expenditure"])
def test_nothing_is_no_disbursement_or_expenditure(client, clerk_a, unit_a, funds, form):
    url, post, _user = FORMS[form]
    client.force_login(clerk_a)
    before = money_rows()

    response = client.post(url(unit_a), post(funds, amount="0.00"))

    assert response.context["form"].errors == {"amount": [str(errors.AMOUNT_POSITIVE)]}
    assert money_rows() == before


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("field", ["category", "source"])
@pytest.mark.parametrize("value", ["999", "abc", "99999999999999999999", "-1"])
def test_an_unknown_category_or_source_is_an_invalid_choice(
    request, client, unit_a, funds, form, field, value
):
    url, post, user = FORMS[form]
    client.force_login(request.getfixturevalue(user))
    before = money_rows()

    response = client.post(url(unit_a), post(funds, **{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors == {field: [str(INVALID_CHOICE)]}
    assert money_rows() == before


@pytest.mark.parametrize("form", FORMS)
def test_a_category_no_longer_in_use_is_not_offered(request, client, unit_a, funds, form):
    url, post, user = FORMS[form]
    funds.publicity.is_active = False
    funds.publicity.save()
    client.force_login(request.getfixturevalue(user))

    page = client.get(url(unit_a))
    response = client.post(url(unit_a), post(funds, category=funds.publicity.pk))

    assert funds.publicity not in page.context["form"].fields["category"].queryset
    assert response.context["form"].errors == {"category": [str(INVALID_CHOICE)]}


# --- a closed year -----------------------------------------------------------------------------
@pytest.mark.parametrize(("form", "field"), [("budget", "year"), ("disbursement", "year")])
def test_a_closed_year_refuses_budgets_and_requests_at_the_year(
    request, client, unit_a, funds, closed_year, form, field
):
    url, post, user = FORMS[form]
    client.force_login(request.getfixturevalue(user))
    before = money_rows()

    page = client.get(url(unit_a))
    response = client.post(url(unit_a), post(funds))

    assert page.context["year_closed"]
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert "已结账" in response.context["form"].errors[field][0]
    assert money_rows() == before


def test_a_closed_year_refuses_spending_at_its_day(client, clerk_a, unit_a, funds, closed_year):
    client.force_login(clerk_a)
    before = money_rows()

    response = client.post(expenditure_url(unit_a, YEAR + 1), expenditure_post(funds))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["spent_on"]
    assert f"{YEAR}" in response.context["form"].errors["spent_on"][0]
    assert money_rows() == before
    # the same day a year later is open
    later = expenditure_post(funds, spent_on=f"{YEAR + 1}-04-01")
    assert client.post(expenditure_url(unit_a, YEAR + 1), later).status_code == 302


# --- requesting a disbursement -----------------------------------------------------------------
@pytest.mark.parametrize("persona", ["clerk_a", "district_user", "admin_user"], indirect=True)
def test_the_clerk_and_district_staff_request_a_disbursement(client, persona, unit_a, funds):
    assert client.get(disbursement_url(unit_a)).status_code == 200

    response = client.post(disbursement_url(unit_a), disbursement_post(funds, amount="5,000.01"))

    assert response.status_code == 302
    assert response["Location"] == ledger_url(unit_a)
    disbursement = Disbursement.objects.get()
    assert (disbursement.unit, disbursement.year, disbursement.amount_fen) == (
        unit_a,
        YEAR,
        500_001,
    )
    assert disbursement.status == Disbursement.Status.REQUESTED
    assert disbursement.purpose == "老年人防跌倒项目第一期"
    assert Event.objects.of(disbursement).get().action == "created"


def test_a_request_needs_its_purpose(client, clerk_a, unit_a, funds):
    client.force_login(clerk_a)
    before = money_rows()

    response = client.post(disbursement_url(unit_a), disbursement_post(funds, purpose="   "))

    assert list(response.context["form"].errors) == ["purpose"]
    assert money_rows() == before


# --- recording an expenditure ------------------------------------------------------------------
@pytest.mark.parametrize("persona", ["clerk_a", "district_user", "admin_user"], indirect=True)
def test_the_clerk_and_district_staff_record_spending_against_a_project(
    client, persona, unit_a, funds
):
    project = PromotionProjectFactory(unit=unit_a, name="老年人防跌倒项目")
    activity = ActivityFactory(unit=unit_a, title="防跌倒讲座")

    response = client.post(
        expenditure_url(unit_a),
        expenditure_post(funds, project=project.pk, activity=activity.pk, voucher_number=" ZC-7 "),
    )

    assert response.status_code == 302
    assert response["Location"] == ledger_url(unit_a)
    expenditure = Expenditure.objects.get()
    assert (expenditure.spent_on, expenditure.year) == (date(YEAR, 4, 1), YEAR)
    assert (expenditure.project, expenditure.activity) == (project, activity)
    assert (expenditure.voucher_number, expenditure.amount_fen) == ("ZC-7", 123_456)
    ledger = client.get(response["Location"]).content.decode()
    assert "ZC-7" in ledger
    assert "老年人防跌倒项目" in ledger


def test_the_ledger_of_the_days_year_comes_next(client, clerk_a, unit_a, funds):
    client.force_login(clerk_a)

    response = client.post(
        expenditure_url(unit_a), expenditure_post(funds, spent_on=f"{YEAR + 1}-01-02")
    )

    assert response["Location"] == ledger_url(unit_a, YEAR + 1)
    assert Expenditure.objects.get().year == YEAR + 1


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (timezone.localdate().year, timezone.localdate()),
        (2020, date(2020, 12, 31)),
        (2099, date(2099, 1, 1)),
    ],
)
def test_the_day_offered_lies_in_the_ledgers_year(client, clerk_a, unit_a, funds, year, day):
    client.force_login(clerk_a)

    page = client.get(expenditure_url(unit_a, year))

    assert page.context["form"]["spent_on"].value() == day


def test_only_the_units_own_projects_and_activities_are_offered(
    client, clerk_a, unit_a, unit_b, funds
):
    own = PromotionProjectFactory(unit=unit_a, name="本镇项目")
    others = PromotionProjectFactory(unit=unit_b, name="乙街道项目")
    other_activity = ActivityFactory(unit=unit_b, title="乙街道讲座")
    client.force_login(clerk_a)
    before = money_rows()

    page = client.get(expenditure_url(unit_a))
    html = page.content.decode()
    by_project = client.post(expenditure_url(unit_a), expenditure_post(funds, project=others.pk))
    by_activity = client.post(
        expenditure_url(unit_a), expenditure_post(funds, activity=other_activity.pk)
    )

    assert "本镇项目" in html and own.name in html
    assert "乙街道项目" not in html and "乙街道讲座" not in html
    assert by_project.context["form"].errors == {"project": [str(INVALID_CHOICE)]}
    assert by_activity.context["form"].errors == {"activity": [str(INVALID_CHOICE)]}
    assert money_rows() == before


def test_a_voucher_number_used_twice_in_the_year_is_refused_at_the_voucher(
    client, clerk_a, unit_a, unit_b, funds
):
    spent(unit_b, 100, funds, voucher="ZC-1")  # the district's year: unit B's counts too
    client.force_login(clerk_a)
    before = money_rows()

    response = client.post(expenditure_url(unit_a), expenditure_post(funds, voucher_number="ZC-1"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "voucher_number": ["该凭证号已被本区本年度的支出使用。"]
    }
    assert money_rows() == before


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"spent_on": "1999-12-31"}, "spent_on"),
        ({"spent_on": "2025-02-30"}, "spent_on"),
        ({"spent_on": "昨天"}, "spent_on"),
        ({"voucher_number": ""}, "voucher_number"),
        ({"voucher_number": "Z" * 51}, "voucher_number"),
        ({"description": ""}, "description"),
        ({"project": "abc"}, "project"),
        ({"activity": "99999999999999999999"}, "activity"),
    ],
)
def test_a_bad_day_voucher_description_or_project_is_refused_at_its_field(
    client, clerk_a, unit_a, funds, changes, field
):
    client.force_login(clerk_a)
    before = money_rows()

    response = client.post(expenditure_url(unit_a), expenditure_post(funds, **changes))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert money_rows() == before


# --- who is refused ----------------------------------------------------------------------------
REFUSED = {
    # in the scope but not setting budgets, or outside the scope
    "budget": ["clerk_a", "clerk_b", "provider", "evaluator", "city_user", "other_district_user"],
    # finance staff decide on the money, they do not ask for it nor spend it
    "disbursement": [
        "finance_user",
        "clerk_b",
        "provider",
        "evaluator",
        "city_user",
        "other_district_user",
    ],
}
REFUSED["expenditure"] = REFUSED["disbursement"]


@pytest.mark.parametrize(
    ("form", "who"), [(form, who) for form, people in REFUSED.items() for who in people]
)
def test_who_may_not_write_finds_no_form(request, client, unit_a, funds, form, who):
    url, post, _user = FORMS[form]
    client.force_login(request.getfixturevalue(who))
    before = money_rows()

    assert client.get(url(unit_a)).status_code == 404
    assert client.post(url(unit_a), post(funds)).status_code == 404
    assert money_rows() == before


@pytest.mark.parametrize("form", FORMS)
def test_anonymous_is_sent_to_sign_in(client, unit_a, funds, form):
    url, post, _user = FORMS[form]

    response = client.post(url(unit_a), post(funds))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not BudgetLine.objects.exists() and not Expenditure.objects.exists()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize(
    ("code", "year"), [("NOPE", YEAR), ("A01", 1999), ("A01", 2101), ("A01", 99999999999)]
)
def test_an_unknown_unit_or_a_year_out_of_range_is_not_found(
    request, client, unit_a, funds, form, code, year
):
    _url, _post, user = FORMS[form]
    name = {
        "budget": "programs:funds-budget",
        "disbursement": "programs:funds-disbursement-new",
        "expenditure": "programs:funds-expenditure-new",
    }[form]
    client.force_login(request.getfixturevalue(user))

    assert client.get(reverse(name, args=[code, year])).status_code == 404


# --- the ledger's buttons ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("who", "shown"),
    [
        ("district_user", {"budget", "disbursement", "expenditure"}),
        ("finance_user", {"budget"}),
        ("clerk_a", {"disbursement", "expenditure"}),
        ("city_user", set()),
    ],
)
def test_the_ledger_offers_each_the_forms_they_may_use(request, client, unit_a, funds, who, shown):
    line = budget(unit_a, 100, funds)
    client.force_login(request.getfixturevalue(who))

    html = client.get(ledger_url(unit_a)).content.decode()

    urls = {
        "budget": budget_url(unit_a),
        "disbursement": disbursement_url(unit_a),
        "expenditure": expenditure_url(unit_a),
    }
    assert {name for name, url in urls.items() if url in html} == shown
    assert (f"{budget_url(unit_a)}?line={line.pk}" in html) == ("budget" in shown)


def test_a_closed_years_ledger_says_so_instead(client, district_user, unit_a, funds, closed_year):
    client.force_login(district_user)

    html = client.get(ledger_url(unit_a)).content.decode()

    assert 'id="ledger-year-closed"' in html
    assert budget_url(unit_a) not in html and expenditure_url(unit_a) not in html


# --- a refusal without a field -----------------------------------------------------------------
def test_a_refusal_naming_no_field_or_an_unknown_one_stands_above_the_form():
    for refusal in (FundsError(OUTSIDE_SCOPE), FundsError(OUTSIDE_SCOPE, field="payee")):
        form = DisbursementRequestForm({}, year=YEAR)
        form.is_valid()

        refusal_at_fields(form, refusal, {})

        assert form.non_field_errors() == [str(OUTSIDE_SCOPE)]


# --- queries -----------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [1, 15])
@pytest.mark.parametrize("form", FORMS)
def test_each_form_page_asks_a_bounded_number_of_queries(
    request, client, unit_a, funds, django_assert_max_num_queries, form, size
):
    url, _post, user = FORMS[form]
    for n in range(size):
        PromotionProjectFactory(unit=unit_a)
        ActivityFactory(unit=unit_a)
        budget(unit_a, 100 + n, funds, year=YEAR - n)
    client.force_login(request.getfixturevalue(user))

    # session, user, the unit, the district's units (budget keepers), categories, sources,
    # the closed year, projects and activities (spending), review counts …
    with django_assert_max_num_queries(11):
        response = client.get(url(unit_a))

    assert response.status_code == 200
