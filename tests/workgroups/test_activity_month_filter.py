"""The activity log's month filter: a month outside 2000–2100 is refused at the filter, like a
malformed one, and the log is shown unfiltered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ActivityFactory
from workgroups.models import Activity


@pytest.fixture
def clerk(client, clerk_a):
    """Clerk of unit A, signed in, pages in English so the tests can read the messages."""
    client.cookies["django_language"] = "en"
    client.force_login(clerk_a)
    return client


@pytest.mark.parametrize("month", ["0000-01", "1999-12", "2101-01", "99999999999999999999-01"])
def test_a_month_outside_2000_to_2100_is_refused_at_the_filter(clerk, unit_a, month):
    ActivityFactory(unit=unit_a)
    before = list(Activity.objects.values_list("pk", "date", "title"))

    response = clerk.get(reverse("workgroups:activity-list", args=[unit_a.code]), {"month": month})

    message = "Give a month from 2000-01 to 2100-12 as YYYY-MM, e.g. 2026-03."
    assert response.status_code == 200
    assert response.context["filter"].form.errors["month"] == [message]
    assert message in response.content.decode()
    assert len(response.context["activities"]) == 1  # the log, unfiltered
    assert list(Activity.objects.values_list("pk", "date", "title")) == before


def test_the_month_picker_offers_only_the_portals_months(clerk, unit_a):
    response = clerk.get(reverse("workgroups:activity-list", args=[unit_a.code]))

    html = response.content.decode()
    assert 'min="2000-01"' in html
    assert 'max="2100-12"' in html
