"""The Django admin's index: the programme's headline numbers and a link to the dashboard, for
staff who work from the admin; nobody else gets past the admin's login."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from django.urls import reverse

from programs.core.choices import UnitKind
from programs.models import CreatingUnit, User
from programs.overview.selectors.dashboard import headline_numbers
from tests.factories import CertificationFactory, ProgramFactory, UserFactory

HEADLINE_KEYS = ["units", "titled", "expiring", "reporting", "on_time", "injuries"]

# Measured at 38 and 400 units: session, user, the admin's recent actions, and the headline
# numbers (`programs.dashboard.headline_numbers`: a fixed number, whatever the units).
ADMIN_INDEX_MAX_QUERIES = 14


def build_units(count: int) -> list[CreatingUnit]:
    program = ProgramFactory(start_date=date(2024, 1, 1))
    kinds = itertools.cycle(UnitKind.values)
    return CreatingUnit.objects.bulk_create(
        CreatingUnit(
            program=program,
            district=program.district,
            code=f"G{n:04d}",
            name=f"单位{n}",
            kind=next(kinds),
        )
        for n in range(count)
    )


def test_staff_see_the_headline_numbers_each_linking_to_its_page(client, admin_user):
    units = build_units(3)
    CertificationFactory(unit=units[0])
    client.force_login(admin_user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="portal-headlines"' in html
    headlines = headline_numbers(admin_user)
    assert [headline.key for headline in headlines] == HEADLINE_KEYS
    for headline in headlines:
        assert f'data-headline="{headline.key}"' in html
        assert f'href="{headline.url}"' in html
    assert '<span class="portal-headline-value">3</span>' in html  # the units


def test_the_admin_index_links_to_the_dashboard(client, admin_user):
    client.force_login(admin_user)

    html = client.get(reverse("admin:index")).content.decode()

    assert f'href="{reverse("programs:dashboard")}" id="dashboard-link"' in html


def test_the_app_list_is_still_there_below_the_numbers(client, admin_user):
    client.force_login(admin_user)

    html = client.get(reverse("admin:index")).content.decode()

    assert html.index('id="portal-headlines"') < html.index('id="content-main"')
    assert reverse("admin:programs_creatingunit_changelist") in html


def test_staff_district_users_see_the_numbers_of_the_units_they_may_see(client, db):
    build_units(4)
    staff = UserFactory(username="office", role=User.Role.DISTRICT, is_staff=True)
    client.force_login(staff)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert '<span class="portal-headline-value">4</span>' in response.content.decode()


@pytest.mark.parametrize("persona", ["district_user", "clerk_a", "provider", "evaluator"])
def test_users_who_are_not_staff_are_sent_to_the_admin_login(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_anonymous_visitors_never_see_the_numbers(client, db):
    response = client.get(reverse("admin:index"), follow=True)

    assert 'id="portal-headlines"' not in response.content.decode()


@pytest.mark.parametrize("unit_count", [38, 400])
def test_the_admin_index_reads_a_fixed_number_of_queries(
    client, admin_user, django_assert_max_num_queries, unit_count
):
    build_units(unit_count)
    client.force_login(admin_user)

    with django_assert_max_num_queries(ADMIN_INDEX_MAX_QUERIES):
        response = client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert f'<span class="portal-headline-value">{unit_count}</span>' in response.content.decode()
