"""Contract: schemathesis sends generated requests for every operation of the committed schema
(`docs/api/openapi.yaml`) to the API, as a provider's token: no answer is a server error, and
every answer — refusals included — matches the schema. A bounded number of examples per
operation, no shrinking; run in the SQLite pass only (the `contract` marker, see .ci/run)."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from django.conf import settings
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from programs.core.services import token_create
from programs.reports.models import Indicator, ReportValue
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    DepartmentFactory,
    EventFactory,
    InjuryRecordFactory,
    MonthlyReportFactory,
    UnitFactory,
    UserFactory,
    WorkGroupFactory,
)

pytestmark = pytest.mark.contract

schema = schemathesis.openapi.from_path(Path(settings.BASE_DIR) / "docs" / "api" / "openapi.yaml")
schema.app = get_wsgi_application()


@pytest.fixture
def provider_key(db):
    # Served in-process like Django's test client, which also keeps the test's connection open
    # across requests (its transaction holds the data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield _provider_key()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _provider_key() -> str:
    cache.clear()  # the rate limit starts afresh
    unit = UnitFactory(code="A01")
    CertificationFactory(unit=unit)
    EventFactory(record=unit)
    InjuryRecordFactory(unit=unit)
    report = MonthlyReportFactory(unit=unit, status="submitted")
    indicator = Indicator.objects.create(
        code="trainings", name="培训", unit_of_measure="次", section=Indicator.Section.WORK
    )
    ReportValue.objects.create(report=report, indicator=indicator, value=2, prefilled=1)
    ActivityFactory(unit=unit, group=WorkGroupFactory(unit=unit))
    user = UserFactory(username="contract", role="provider", department=DepartmentFactory())
    token, key = token_create(user=user, name="contract")
    token.rate_exempt = True
    token.save(update_fields=["rate_exempt"])
    return key


# No server error, every answer as documented, and authentication never ignored. Not
# `negative_data_rejection`: an empty filter (`?updated_since=`) means "no filter", as on the
# pages, where schemathesis would want a 400.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.ignored_auth,
]


@schema.parametrize()
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],  # no shrinking
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,  # no .hypothesis/ folder in the project
)
def test_every_operation_answers_as_its_schema_says(case, provider_key):
    headers = {"Authorization": f"Bearer {provider_key}", "Accept-Language": "en"}

    response = case.call(headers=headers)

    case.validate_response(response, headers=headers, checks=CHECKS)
