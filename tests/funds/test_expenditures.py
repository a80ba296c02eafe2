"""Spending (支出): the clerk records a payment against a category and source and, where it
applies, one of the unit's promotion projects or activities, with its voucher."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from programs.core.models import Event, EventKind
from programs.funds import errors
from programs.funds.errors import FundsError
from programs.funds.models import Expenditure
from programs.funds.services import expenditure_record
from tests.factories import ActivityFactory, PromotionProjectFactory
from tests.funds.builders import YEAR

pytestmark = pytest.mark.django_db


def record(unit, funds, by=None, **fields):
    values = {
        "spent_on": date(YEAR, 5, 20),
        "category": funds.promotion,
        "source": funds.district_budget,
        "amount_fen": 88_888,
        "description": "防跌倒扶手安装",
        "voucher_number": "ZC-2025-001",
    }
    return expenditure_record(by=by, unit=unit, **(values | fields))


def test_the_clerk_records_spending_on_a_promotion_project(unit_a, clerk_a, funds):
    project = PromotionProjectFactory(unit=unit_a)
    activity = ActivityFactory(unit=unit_a)

    row = record(unit_a, funds, by=clerk_a, project=project, activity=activity)

    row.refresh_from_db()
    assert (row.year, row.district, row.amount_fen) == (YEAR, unit_a.district, 88_888)
    assert (row.project, row.activity, row.recorded_by) == (project, activity, clerk_a)
    assert row.history.get().history_user == clerk_a


def test_a_project_or_activity_of_another_unit_is_refused_at_its_field(unit_a, unit_b, funds):
    with pytest.raises(ValidationError) as refused:
        record(
            unit_a,
            funds,
            project=PromotionProjectFactory(unit=unit_b),
            activity=ActivityFactory(unit=unit_b),
        )

    assert refused.value.message_dict == {
        "project": [str(errors.PROJECT_OF_OTHER_UNIT)],
        "activity": [str(errors.ACTIVITY_OF_OTHER_UNIT)],
    }
    assert not Expenditure.objects.exists()


def test_a_day_outside_the_portals_dates_is_refused_at_the_field(unit_a, funds):
    with pytest.raises(ValidationError) as refused:
        record(unit_a, funds, spent_on=date(1999, 12, 31))

    assert "spent_on" in refused.value.message_dict


def test_a_voucher_number_twice_in_the_districts_year_is_refused_at_the_field(
    unit_a, unit_b, funds
):
    record(unit_a, funds)

    with pytest.raises(ValidationError) as refused:
        record(unit_b, funds, voucher_number="ZC-2025-001")
    record(unit_b, funds, voucher_number="ZC-2025-001", spent_on=date(YEAR + 1, 1, 2))

    assert "voucher_number" in refused.value.message_dict
    assert Expenditure.objects.filter(voucher_number="ZC-2025-001").count() == 2


def test_a_voucher_taken_between_the_check_and_the_save_is_refused_at_the_field(
    unit_a, unit_b, funds
):
    # Two clerks save the same voucher number at the same moment: both pass `full_clean`, the
    # database refuses the second INSERT. Here the first is written after the second's check.
    second = Expenditure(
        unit=unit_b,
        spent_on=date(YEAR, 6, 1),
        category=funds.promotion,
        source=funds.district_budget,
        amount_fen=100,
        description="宣传册",
        voucher_number="ZC-2025-009",
    )
    second.full_clean()
    first = record(unit_a, funds, voucher_number="ZC-2025-009")

    with pytest.raises(ValidationError) as refused:
        second.save_checked()

    assert refused.value.message_dict["voucher_number"]
    assert list(Expenditure.objects.values_list("pk", flat=True)) == [first.pk]


def test_recording_spending_writes_its_event_with_the_actor(unit_a, funds, clerk_a):
    expenditure = record(unit_a, funds, by=clerk_a)

    (event,) = Event.objects.of(expenditure)
    assert (event.kind, event.actor, event.unit_id) == (EventKind.CREATED, clerk_a, unit_a.pk)


def test_a_voucher_number_is_required(unit_a, funds):
    with pytest.raises(ValidationError) as refused:
        record(unit_a, funds, voucher_number="  ")

    assert "voucher_number" in refused.value.message_dict


@pytest.mark.parametrize("actor", ["finance_user", "clerk_b", "provider", "evaluator", "city_user"])
def test_only_the_units_clerk_and_district_staff_record_spending(request, unit_a, funds, actor):
    with pytest.raises(FundsError):
        record(unit_a, funds, by=request.getfixturevalue(actor))

    assert not Expenditure.objects.exists()


def test_district_staff_record_spending_of_a_unit(unit_a, district_user, funds):
    assert record(unit_a, funds, by=district_user).recorded_by == district_user
