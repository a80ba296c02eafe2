"""The demo's funds add up: `/funds/`'s totals are the sums of its rows and of the records,
every state of a disbursement is there, spending stays within what was paid and the budget,
the approved and paid money within the budget but for the one district staff allowed beyond
it, last year is closed, and every record has its history and every move its event.

The demo is loaded once for the module (it takes a while) and rolled back at the end."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from programs.demo import demo_data_load
from programs.funds.models import BudgetLine, Disbursement, Expenditure, FiscalYear
from programs.models import CreatingUnit, District, Event, User

Status = Disbursement.Status


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        demo_data_load()
        yield
        transaction.set_rollback(True)


pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo")]


def total(queryset) -> int:
    return queryset.aggregate(total=Sum("amount_fen"))["total"] or 0


@pytest.mark.parametrize("username", ["district", "huairou", "finance", "city"])
@pytest.mark.parametrize("years_back", [0, 1])
def test_the_funds_page_totals_are_the_sums_of_its_rows_and_of_the_records(
    client, username, years_back
):
    user = User.objects.get(username=username)
    year = timezone.localdate().year - years_back
    client.force_login(user)

    context = client.get(reverse("programs:funds"), {"year": year}).context
    rows, shown = context["rows"], context["total"]

    units = CreatingUnit.objects.records_visible_to(user)
    assert len(rows) == units.count() > 0
    for key in ("budget", "disbursed", "spent"):
        assert shown[key] == sum(row[key] for row in rows), key
    paid = Disbursement.objects.filter(unit__in=units, year=year, status=Status.PAID)
    assert shown["budget"] == total(BudgetLine.objects.filter(unit__in=units, year=year)) > 0
    assert shown["disbursed"] == total(paid) > 0
    assert shown["spent"] == total(Expenditure.objects.filter(unit__in=units, year=year)) > 0
    assert context["months"][-1]["spent"] == shown["spent"]  # the chart ends at the total


def test_every_unit_has_two_years_of_budget_spending_and_payments():
    year = timezone.localdate().year
    for unit in CreatingUnit.objects.all():
        for one in (year - 1, year):
            lines = BudgetLine.objects.filter(unit=unit, year=one)
            assert lines.count() >= 2, (unit.code, one)
            assert Expenditure.objects.filter(unit=unit, year=one).exists(), (unit.code, one)
            assert Disbursement.objects.filter(unit=unit, year=one, status=Status.PAID).exists()
    assert (
        BudgetLine.objects.filter(city_ratio__isnull=False)
        .values_list("city_ratio", "district_ratio")
        .distinct()
        .count()
        == 3
    )  # 5:5, 4:6, 8:2


def test_disbursements_in_every_state_and_one_allowed_beyond_the_budget():
    year = timezone.localdate().year
    for district in District.objects.filter(units__isnull=False).distinct():
        states = set(
            Disbursement.objects.filter(district=district, year=year).values_list(
                "status", flat=True
            )
        )
        assert states == set(Status.values), district
    paid = Disbursement.objects.filter(status=Status.PAID)
    assert not paid.filter(voucher_number="").exists()
    assert not paid.filter(paid_on__isnull=True).exists()
    assert not paid.filter(payee="").exists()
    assert not Disbursement.objects.filter(status=Status.RETURNED, return_reason="").exists()
    overridden = Disbursement.objects.get(override=True, unit__code="T07")
    assert overridden.status == Status.APPROVED and overridden.override_reason
    line = BudgetLine.objects.get(
        unit=overridden.unit,
        year=overridden.year,
        category=overridden.category,
        source=overridden.source,
    )
    taken = Disbursement.objects.filter(
        unit=overridden.unit,
        year=overridden.year,
        category=overridden.category,
        source=overridden.source,
        status__in=Disbursement.SPENDS_BUDGET,
    )
    assert total(taken) > line.amount_fen  # beyond the budget, allowed with its reason
    waiting = Disbursement.objects.get(
        unit=overridden.unit, year=year, override=False, purpose__contains="年末追加"
    )
    assert waiting.status == Status.REQUESTED  # beyond it too: district staff must decide


def test_approved_and_paid_money_and_spending_stay_within_each_budget_line():
    taken: dict[tuple, int] = defaultdict(int)
    for row in (
        Disbursement.objects.filter(status__in=Disbursement.SPENDS_BUDGET, override=False)
        .values("unit", "year", "category", "source")
        .annotate(total=Sum("amount_fen"))
    ):
        taken[(row["unit"], row["year"], row["category"], row["source"])] += row["total"]
    spent = {
        (row["unit"], row["year"], row["category"], row["source"]): row["total"]
        for row in Expenditure.objects.values("unit", "year", "category", "source").annotate(
            total=Sum("amount_fen")
        )
    }
    budgets = {
        (line.unit_id, line.year, line.category_id, line.source_id): line.amount_fen
        for line in BudgetLine.objects.all()
    }
    assert taken.keys() <= budgets.keys() and spent.keys() <= budgets.keys()
    overridden = set(
        Disbursement.objects.filter(override=True).values_list("unit", "year", "category", "source")
    )
    for key, amount in taken.items():
        if key not in overridden:
            assert amount <= budgets[key], key
    for key, amount in spent.items():
        assert amount <= budgets[key], key


def test_spending_against_projects_and_activities_with_unique_vouchers():
    spending = Expenditure.objects.all()
    assert spending.filter(project__isnull=False).exists()
    assert spending.filter(activity__isnull=False).exists()
    assert not spending.filter(voucher_number="").exists()
    for record in spending.filter(project__isnull=False).select_related("project")[:50]:
        assert record.project.unit_id == record.unit_id
    assert spending.filter(spent_on__gt=timezone.localdate()).count() == 0


def test_last_year_closed_by_finance_this_year_open():
    year = timezone.localdate().year
    for district in District.objects.filter(units__isnull=False).distinct():
        assert FiscalYear.objects.get(district=district, year=year - 1).is_closed
        assert not FiscalYear.objects.get(district=district, year=year).is_closed
        closing = Event.objects.get(
            content_type=ContentType.objects.get_for_model(FiscalYear),
            object_id=FiscalYear.objects.get(district=district, year=year - 1).pk,
        )
        assert closing.action == "close" and closing.actor.role == User.Role.FINANCE


def test_every_record_has_its_history_and_every_move_its_event():
    assert BudgetLine.history.count() == BudgetLine.objects.count()
    assert Expenditure.history.count() == Expenditure.objects.count()
    kind = ContentType.objects.get_for_model(Disbursement)
    for record in Disbursement.objects.all()[:200]:
        events = list(Event.objects.filter(content_type=kind, object_id=record.pk).order_by("at"))
        history = list(record.history.order_by("history_date"))
        assert len(events) == len(history) >= 1
        assert events[0].action == "created" and history[0].status == Status.REQUESTED
        assert history[-1].status == record.status
        assert [h.status for h in history[1:]] == [e.to_state for e in events[1:]]
        assert record.requested_at == events[0].at


def test_a_second_load_adds_no_funds():
    before = (BudgetLine.objects.count(), Disbursement.objects.count(), Expenditure.objects.count())
    demo_data_load()
    after = (BudgetLine.objects.count(), Disbursement.objects.count(), Expenditure.objects.count())
    assert after == before


def test_some_units_are_ahead_of_the_straight_line_and_some_behind():
    """Mid-year of last year (a whole year in the demo whatever the day): each unit's spending
    to the end of June against half its budget."""
    year = timezone.localdate().year - 1
    budgets = dict(
        BudgetLine.objects.filter(year=year)
        .values("unit")
        .annotate(total=Sum("amount_fen"))
        .values_list("unit", "total")
    )
    spent = dict(
        Expenditure.objects.filter(year=year, spent_on__month__lte=6)
        .values("unit")
        .annotate(total=Sum("amount_fen"))
        .values_list("unit", "total")
    )
    rates = [spent.get(unit, 0) / budget for unit, budget in budgets.items()]
    ahead = sum(rate > 0.5 for rate in rates)
    behind = sum(rate < 0.5 for rate in rates)
    assert ahead >= 5 and behind >= 5, (ahead, behind)
