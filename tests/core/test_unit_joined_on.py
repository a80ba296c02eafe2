"""A unit's joining date is one of the portal's dates (2000-01-01 to 2100-12-31): 1500-01-01 is
refused at the field by the model itself, so the unit form, the admin and imports all refuse it
and nothing is saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from tablib import Dataset

from programs.core.resources import CreatingUnitResource
from programs.models import CreatingUnit
from tests.factories import ProgramFactory, UnitFactory

DATE_RULE = "Give a date from 2000-01-01 to 2100-12-31."
JOINED = date(2024, 3, 1)


@pytest.fixture
def unit(db):
    return UnitFactory(code="T07", name="甲镇", joined_on=JOINED)


def bound_data(form) -> dict:
    """What a browser would post back for `form` as it was rendered."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else str(value)
    return data


@pytest.mark.parametrize("day", [date(1500, 1, 1), date(1999, 12, 31), date(2101, 1, 1)])
def test_the_model_refuses_a_joining_date_outside_2000_to_2100(unit, day):
    unit.joined_on = day

    with translation.override("en"):
        with pytest.raises(ValidationError) as refused:
            unit.full_clean()

        assert refused.value.message_dict == {"joined_on": [DATE_RULE]}


@pytest.mark.parametrize("day", [date(2000, 1, 1), date(2100, 12, 31)])
def test_the_first_and_last_days_are_accepted(unit, day):
    unit.joined_on = day

    unit.full_clean()


def test_the_unit_form_refuses_it_at_the_field(client, district_user, unit):
    client.cookies["django_language"] = "en"
    client.force_login(district_user)
    url = reverse("programs:unit-edit", args=[unit.code])
    data = {**bound_data(client.get(url).context["form"]), "joined_on": "1500-01-01"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["form"].errors == {"joined_on": [DATE_RULE]}
    assert DATE_RULE in response.content.decode()
    unit.refresh_from_db()
    assert unit.joined_on == JOINED


def test_the_admin_refuses_it_at_the_field(client, admin_user, unit):
    client.cookies["django_language"] = "en"
    client.force_login(admin_user)
    url = reverse("admin:programs_creatingunit_change", args=[unit.pk])
    page = client.get(url)
    data = bound_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        data |= bound_data(inline.formset.management_form)
        for form in inline.formset:
            data |= bound_data(form)
    data["joined_on"] = "1500-01-01"

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"joined_on": [DATE_RULE]}
    unit.refresh_from_db()
    assert unit.joined_on == JOINED


def test_an_import_refuses_it_and_names_the_row_and_column(db):
    ProgramFactory(code="sc-2025")
    headers = ["Code", "Name", "Programme code", "Kind", "Joined on"]
    rows = [["T07", "甲镇", "sc-2025", "镇", "1500-01-01"]]

    with translation.override("en"):
        result = CreatingUnitResource().import_data(Dataset(*rows, headers=headers))

    [invalid] = result.invalid_rows
    assert (invalid.number, invalid.field_specific_errors) == (1, {"Joined on": [DATE_RULE]})
    assert not CreatingUnit.objects.exists()
