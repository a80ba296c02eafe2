"""The units' search box: at most 200 characters, on every page the unit filters serve. A longer
search is a query string no page can answer: a 400 page that says why."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.jobs.models import Job
from programs.models import CreatingUnit

LONG = "安" * 50_000  # SQLite refuses a LIKE pattern this long: it was a server error


@pytest.fixture
def district(client, district_user):
    client.cookies["django_language"] = "en"
    client.force_login(district_user)
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "programs:unit-list",
        "programs:dashboard",
        "programs:dashboard-export",
        "programs:progress",
        "programs:progress-export",
        "programs:report-grid",
        "programs:report-export",
    ],
)
def test_a_search_of_50000_characters_is_a_bad_request_that_says_why(district, unit_a, url_name):
    before = list(CreatingUnit.objects.values_list("pk", "code", "name"))

    response = district.get(reverse(url_name), {"q": LONG})

    assert response.status_code == 400
    assert (
        "A search may be at most 200 characters long (this one has 50000)."
        in response.content.decode()
    )
    assert list(CreatingUnit.objects.values_list("pk", "code", "name")) == before
    assert not Job.objects.exists()  # an export refused its query before starting a job


def test_a_search_of_200_characters_is_answered(district, unit_a):
    response = district.get(reverse("programs:unit-list"), {"q": "甲" * 200})

    assert response.status_code == 200
    assert response.context["total"] == 0


def test_the_search_box_takes_at_most_200_characters(district, unit_a):
    response = district.get(reverse("programs:unit-list"))

    assert 'maxlength="200"' in response.content.decode()
