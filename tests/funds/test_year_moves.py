"""A district's fiscal year on `/funds/`: its state shown to everyone who reads the district's
funds, closed and reopened (with a reason) by its finance staff, 404 for anybody else."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.core.models import Event
from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.models import FiscalYear
from programs.funds.services import fiscal_year_of
from tests.funds.builders import YEAR

pytestmark = pytest.mark.django_db

FUNDS = reverse("programs:funds")


def move_url(district, action: str, year: int = YEAR) -> str:
    return reverse("programs:funds-year-move", args=[district.code, year, action])


def states(response) -> dict[str, str]:
    return {row.district.code: row.status for row in response.context["fiscal_years"]}


def actions(response) -> dict[str, list[str]]:
    return {
        row.district.code: [action.move.name for action in row.actions]
        for row in response.context["fiscal_years"]
    }


@pytest.mark.parametrize("persona", ["finance_user", "admin_user"], indirect=True)
def test_finance_staff_close_the_year_from_the_funds_page(request, client, persona, unit_a):
    district = unit_a.district
    page = client.get(FUNDS, {"year": YEAR, "district": district.code})
    assert actions(page)[district.code] == ["close"]
    assert move_url(district, "close") in page.content.decode()

    response = client.post(move_url(district, "close"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{FUNDS}?year={YEAR}")
    year = FiscalYear.objects.get(district=district, year=YEAR)
    assert year.status == FiscalYear.Status.CLOSED
    event = Event.objects.of(year).get()
    assert (event.action, event.actor) == ("close", request.getfixturevalue(persona))
    page = client.get(response["Location"])
    assert states(page)[district.code] == FiscalYear.Status.CLOSED
    assert actions(page)[district.code] == ["reopen"]
    assert "已结账" in page.content.decode()


def test_reopening_needs_a_reason_and_keeps_it(client, finance_user, unit_a):
    district = unit_a.district
    transition(fiscal_year_of(district=district, year=YEAR), "close", by=finance_user)
    client.force_login(finance_user)

    without = client.post(move_url(district, "reopen"), {"reason": "  "})
    assert FiscalYear.objects.get().status == FiscalYear.Status.CLOSED
    assert str(errors.REOPEN_NEEDS_REASON) in [
        str(m) for m in client.get(without["Location"]).context["messages"]
    ]

    client.post(move_url(district, "reopen"), {"reason": "补录一笔支出"})

    year = FiscalYear.objects.get()
    assert year.status == FiscalYear.Status.OPEN
    assert Event.objects.of(year).order_by("pk").last().reason == "补录一笔支出"


def test_closing_a_closed_year_again_is_refused_with_a_message(client, finance_user, unit_a):
    district = unit_a.district
    transition(fiscal_year_of(district=district, year=YEAR), "close", by=finance_user)
    client.force_login(finance_user)
    events = Event.objects.count()

    response = client.post(move_url(district, "close"), follow=True)

    assert FiscalYear.objects.get().status == FiscalYear.Status.CLOSED
    assert Event.objects.count() == events
    assert any("已结账" in str(m) for m in response.context["messages"])


@pytest.mark.parametrize(
    "persona",
    ["district_user", "clerk_a", "city_user", "provider", "evaluator", "other_district_user"],
    indirect=True,
)
@pytest.mark.parametrize("action", ["close", "reopen"])
def test_who_may_not_close_or_reopen_finds_no_such_move(client, persona, unit_a, action):
    response = client.post(move_url(unit_a.district, action), {"reason": "入侵"})

    assert response.status_code == 404
    assert not FiscalYear.objects.exists()  # not even opened by asking
    assert not Event.objects.exists()


def test_finance_staff_of_another_district_cannot_close_this_one(
    client, other_district_finance, unit_a
):
    client.force_login(other_district_finance)

    assert client.post(move_url(unit_a.district, "close")).status_code == 404
    assert not FiscalYear.objects.exists()


@pytest.mark.parametrize(
    ("code", "year", "action"),
    [
        ("999999", YEAR, "close"),
        ("110113", YEAR, "approve"),
        ("110113", YEAR, "delete"),
        ("110113", 1999, "close"),
        ("110113", 99999999999, "close"),
    ],
)
def test_an_unknown_district_move_or_year_is_not_found(
    client, finance_user, unit_a, code, year, action
):
    client.force_login(finance_user)

    response = client.post(reverse("programs:funds-year-move", args=[code, year, action]))

    assert response.status_code == 404
    assert not FiscalYear.objects.exists()


def test_reopening_a_year_never_closed_stores_nothing(client, finance_user, unit_a):
    client.force_login(finance_user)

    response = client.post(move_url(unit_a.district, "reopen"), {"reason": "补录"})

    assert response.status_code == 404
    assert not FiscalYear.objects.exists()


def test_a_get_is_not_a_move(client, finance_user, unit_a):
    client.force_login(finance_user)

    assert client.get(move_url(unit_a.district, "close")).status_code == 405


@pytest.mark.parametrize(
    "persona", ["district_user", "clerk_a", "city_user", "finance_user"], indirect=True
)
def test_everyone_who_reads_the_funds_sees_the_years_state(client, persona, unit_a, finance_user):
    transition(fiscal_year_of(district=unit_a.district, year=YEAR), "close", by=finance_user)

    response = client.get(FUNDS, {"year": YEAR})

    assert states(response)[unit_a.district.code] == FiscalYear.Status.CLOSED
    assert response.context["fiscal_years"][0].get_status_display() == "已结账"
    assert states(client.get(FUNDS, {"year": YEAR + 1}))[unit_a.district.code] == "open"
    if persona != "finance_user":
        assert not any(actions(response).values())


def test_the_city_office_sees_each_districts_year(
    client, city_user, unit_a, other_district, other_district_finance
):
    transition(
        fiscal_year_of(district=other_district, year=YEAR), "close", by=other_district_finance
    )
    client.force_login(city_user)

    every = client.get(FUNDS, {"year": YEAR})
    one = client.get(FUNDS, {"year": YEAR, "district": unit_a.district.code})
    unknown = client.get(FUNDS, {"year": YEAR, "district": "999999"})

    assert states(every) == {unit_a.district.code: "open", other_district.code: "closed"}
    assert states(one) == {unit_a.district.code: "open"}
    assert states(unknown) == {}


def test_district_staff_see_only_their_districts_year(
    client, district_user, unit_a, other_district
):
    client.force_login(district_user)

    assert list(states(client.get(FUNDS, {"year": YEAR}))) == [unit_a.district.code]
