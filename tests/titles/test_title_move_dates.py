"""Moving a title: the naming date and the validity are the portal's dates (2000–2100). A
naming on 9999-06-01, whose default validity lies past year 9999, was a server error."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from programs.core.choices import TitleLevel
from programs.models import Certification
from tests.factories import CertificationFactory

Status = Certification.Status
DATE_RULE = "Give a date from 2000-01-01 to 2100-12-31."


@pytest.fixture
def district(client, district_user):
    client.cookies["django_language"] = "en"
    client.force_login(district_user)
    return client


@pytest.fixture
def title(unit_a):
    return CertificationFactory(
        unit=unit_a,
        level=TitleLevel.MUNICIPAL,
        status=Status.ONSITE,
        applied_on=date(2025, 9, 1),
        named_on=None,
        valid_until=None,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("field", "label", "day"),
    [
        ("on", "Date", "9999-06-01"),
        ("on", "Date", "1500-01-01"),
        ("valid_until", "Valid until", "9999-06-01"),
    ],
)
def test_a_date_outside_2000_to_2100_is_refused_with_its_field_named(
    district, title, field, label, day
):
    data = {"status": Status.NAMED, "on": "2025-12-12", field: day}

    response = district.post(reverse("programs:title-move", args=[title.pk]), data)

    assert response.status_code == 302
    assert response["Location"] == title.get_absolute_url()
    assert messages_of(response) == [f"{label}: {DATE_RULE}"]
    title.refresh_from_db()
    assert (title.status, title.named_on, title.valid_until) == (Status.ONSITE, None, None)
