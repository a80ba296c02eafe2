"""Personas and shared fixtures: district staff, clerks of units A and B, a provider, finance
staff, an evaluator, district staff (and finance staff) of a second district, the city office,
anonymous."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.utils import translation

from programs.models import User
from tests.factories import DepartmentFactory, DistrictFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def portal_language():
    """Each test starts in the portal's language. A request activates its language for the
    thread and leaves it so (the next request sets its own); in a test run an English page
    would otherwise carry over into the next test's messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture
def unit_a(db):
    return UnitFactory(code="A01", name="甲镇")


@pytest.fixture
def unit_b(db):
    return UnitFactory(code="B01", name="乙街道", kind="street")


@pytest.fixture
def district_user(db):
    return UserFactory(
        username="district", role=User.Role.DISTRICT, last_name="王", first_name="芳"
    )


@pytest.fixture
def clerk_a(db, unit_a):
    return UserFactory(username="clerk_a", role=User.Role.CLERK, unit=unit_a)


@pytest.fixture
def clerk_b(db, unit_b):
    return UserFactory(username="clerk_b", role=User.Role.CLERK, unit=unit_b)


@pytest.fixture
def provider(db):
    return UserFactory(username="provider", role=User.Role.PROVIDER, department=DepartmentFactory())


@pytest.fixture
def finance_user(db):
    """Finance staff of 顺义区 (the district finance bureau): every unit's funds of the district."""
    return UserFactory(username="finance", role=User.Role.FINANCE, last_name="钱", first_name="敏")


@pytest.fixture
def evaluator(db):
    return UserFactory(username="evaluator", role=User.Role.EVALUATOR)


@pytest.fixture
def other_district(db):
    """A second district on the portal, 怀柔区, with no unit of the personas'."""
    return DistrictFactory(code="110116", name="怀柔区", population=441_040)


@pytest.fixture
def other_district_user(db, other_district):
    """District staff of 怀柔区: every unit of theirs, none of the personas' 顺义区."""
    return UserFactory(username="huairou", role=User.Role.DISTRICT, district=other_district)


@pytest.fixture
def other_district_finance(db, other_district):
    """Finance staff of 怀柔区: none of the personas' 顺义区 funds."""
    return UserFactory(username="huairou_finance", role=User.Role.FINANCE, district=other_district)


@pytest.fixture
def city_user(db):
    """The city office: reads every district's pages, changes nothing, opens no evidence file."""
    return UserFactory(username="city", role=User.Role.CITY, last_name="刘", first_name="洋")


@pytest.fixture
def admin_user(db):
    return User.objects.create_superuser("root", "root@example.com", "root-pass-123")


@pytest.fixture
def persona(request, client):
    """The persona named by the test's parameter, signed in (anonymous stays signed out)."""
    name = request.param
    if name != "anonymous":
        client.force_login(request.getfixturevalue(name))
    return name


@pytest.fixture
def client_for(client):
    """`client_for(user)` — a test client signed in as `user` (None stays anonymous)."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in


# --- Real browser: Debian's Chromium driven by Playwright (its own browser download is unavailable)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1366, "height": 900}}


@pytest.fixture(scope="session", autouse=True)
def _close_live_server_connections(django_db_setup, django_db_blocker):
    """The live server answers the browser on daemon threads that may still hold a database
    connection when the session ends; PostgreSQL then refuses to drop the test database. End
    those sessions first (this runs before the test database is torn down)."""
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )


@pytest.fixture
def english(client):
    """The test client with pages in English, and the code's messages in English too (the
    msgids), so tests read labels and messages whatever the translations say."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        yield client


@pytest.fixture
def funds(db):
    """The city's fund sources and categories, as the reference load writes them (for the
    funds' notifications and cards outside `tests/funds/`, which has its own)."""
    from collections import Counter

    from programs.funds.models import FundCategory, FundSource
    from programs.funds.services import funds_reference_load
    from tests.funds.builders import Codes

    funds_reference_load(created=Counter())
    return Codes(
        categories={row.code: row for row in FundCategory.objects.all()},
        sources={row.code: row for row in FundSource.objects.all()},
    )
