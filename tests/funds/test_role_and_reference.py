"""The finance role (a district's finance bureau) and the funds' reference data."""

from __future__ import annotations

from collections import Counter
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from programs.funds.models import FundCategory, FundSource
from programs.funds.services import funds_reference_load
from programs.models import User
from programs.setup import reference_data_load
from tests.database import refused_by_database
from tests.factories import DistrictFactory

pytestmark = pytest.mark.django_db


def test_add_user_creates_finance_staff_of_the_named_district(other_district):
    DistrictFactory()  # two districts: the district must be named
    out = StringIO()

    call_command(
        "add_user", "qian", "--role", "finance", "--district", "110116", "--password", "pw-123456",
        stdout=out,
    )  # fmt: skip

    user = User.objects.get(username="qian")
    assert (user.role, user.district, user.unit, user.department) == (
        User.Role.FINANCE,
        other_district,
        None,
        None,
    )
    assert f"Created {User.Role.FINANCE.label} qian." in out.getvalue()  # in the language in use


def test_add_user_asks_finance_staff_for_their_district_when_there_are_several(other_district):
    DistrictFactory()

    with pytest.raises(CommandError):
        call_command("add_user", "qian", "--role", "finance", "--password", "pw-123456")

    assert not User.objects.filter(username="qian").exists()


def test_finance_staff_belong_to_a_district_both_ways():
    with pytest.raises(ValidationError) as refused:
        User(username="qian", role=User.Role.FINANCE).full_clean()

    assert "district" in refused.value.message_dict
    refused_by_database(
        lambda: User.objects.create(username="qian", role=User.Role.FINANCE),
        "user_district_by_role",
    )


def test_finance_staff_read_every_unit_of_their_district_and_change_none(finance_user):
    assert finance_user.sees_all_units
    assert not finance_user.edits_all_units
    assert not finance_user.reviews_units
    assert not finance_user.edits_unit(None)
    assert not finance_user.sees_evaluations
    assert finance_user.sees_funds and finance_user.keeps_funds and finance_user.sets_budgets


def test_the_reference_load_seeds_sources_and_categories_once():
    first = reference_data_load()
    FundSource.objects.filter(code="social").update(name="社会捐助")  # the office's own wording
    second = reference_data_load()

    assert first[FundSource._meta.verbose_name_plural] == 4
    assert first[FundCategory._meta.verbose_name_plural] == 6
    assert second[FundSource._meta.verbose_name_plural] == 0
    assert list(FundSource.objects.values_list("code", "name", "name_en")) == [
        ("district_budget", "区级财政预算", "District budget"),
        ("city_transfer", "市级转移支付", "City transfer payment"),
        ("unit_own", "单位自筹", "Unit's own funds"),
        ("social", "社会捐助", "Social support"),
    ]
    assert list(FundCategory.objects.values_list("code", flat=True)) == [
        "promotion",
        "publicity",
        "facilities",
        "surveillance",
        "evaluation",
        "other",
    ]


def test_a_blank_english_name_is_filled_by_the_next_load():
    funds_reference_load(created=Counter())
    FundCategory.objects.filter(code="other").update(name_en="")

    funds_reference_load(created=Counter())

    assert FundCategory.objects.get(code="other").name_en == "Other"
