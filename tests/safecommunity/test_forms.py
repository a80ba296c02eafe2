"""The bounds shared form fields keep: primary keys in 1 … 2⁶³−1, the portal's dates."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from programs.models import CreatingUnit
from safecommunity.forms import (
    BoundedModelChoiceField,
    BoundedModelMultipleChoiceField,
    PortalDateField,
)

BIG = "9" * 20


class UnitsForm(forms.Form):
    unit = BoundedModelChoiceField(queryset=CreatingUnit.objects.all(), required=False)
    units = BoundedModelMultipleChoiceField(queryset=CreatingUnit.objects.all(), required=False)
    day = PortalDateField(required=False)


def errors_of(data: dict) -> dict:
    with translation.override("en"):
        form = UnitsForm(data)
        form.is_valid()
        return {name: list(messages) for name, messages in form.errors.items()}


@pytest.mark.parametrize("key", [BIG, str(2**63), "0", "-1"])
def test_a_key_no_row_can_have_is_an_invalid_choice(unit_a, key):
    assert errors_of({"unit": key, "units": [str(unit_a.pk), key]}) == {
        "unit": ["Select a valid choice. That choice is not one of the available choices."],
        "units": [f"Select a valid choice. {key} is not one of the available choices."],
    }


def test_keys_in_range_are_looked_up_as_usual(unit_a, unit_b):
    form = UnitsForm({"unit": str(unit_a.pk), "units": [str(unit_a.pk), str(unit_b.pk)]})

    assert form.is_valid()
    assert form.cleaned_data["unit"] == unit_a
    assert set(form.cleaned_data["units"]) == {unit_a, unit_b}


def test_a_key_that_is_no_number_keeps_djangos_message(db):
    assert errors_of({"units": ["abc"]}) == {"units": ["“abc” is not a valid value."]}


@pytest.mark.parametrize(
    ("typed", "valid"),
    [
        ("1999-12-31", False),
        ("2000-01-01", True),
        ("2100-12-31", True),
        ("2101-01-01", False),
        ("9999-06-01", False),
    ],
)
def test_a_date_field_takes_only_the_portals_dates(db, typed, valid):
    errors = errors_of({"day": typed})

    assert errors == ({} if valid else {"day": ["Give a date from 2000-01-01 to 2100-12-31."]})


def test_the_date_picker_is_kept_to_the_portals_dates():
    html = str(UnitsForm()["day"])

    assert 'type="date"' in html
    assert 'min="2000-01-01"' in html
    assert 'max="2100-12-31"' in html
