"""The injury statistics' unit filter: an id no unit can have (20 digits, zero, negative) is an
invalid choice at the field, not a server error; the export sends the user back to the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from injuries.models import InjuryRecord
from programs.jobs.models import Job
from tests.factories import InjuryRecordFactory

BIG = "9" * 20  # past a 64-bit integer: SQLite cannot even compare with it


@pytest.fixture
def district(client, district_user):
    client.cookies["django_language"] = "en"
    client.force_login(district_user)
    return client


@pytest.mark.parametrize("unit_id", [BIG, "0", "-1"])
def test_a_unit_id_out_of_range_is_an_invalid_choice_at_the_field(district, unit_a, unit_id):
    InjuryRecordFactory(unit=unit_a)

    response = district.get(reverse("injuries:statistics"), {"units": unit_id})

    message = f"Select a valid choice. {unit_id} is not one of the available choices."
    assert response.status_code == 200
    assert response.context["form"].errors["units"] == [message]
    assert message in response.content.decode()
    assert "stats" not in response.context
    assert InjuryRecord.objects.count() == 1


def test_the_export_of_such_a_filter_returns_to_the_page(district, unit_a):
    response = district.get(reverse("injuries:statistics-export"), {"units": BIG})

    assert response.status_code == 302
    assert response["Location"] == reverse("injuries:statistics") + f"?units={BIG}"
    assert not Job.objects.exists()
