"""The funds' shared fixture: the city's sources and categories as the reference load writes
them."""

from __future__ import annotations

from collections import Counter

import pytest

from programs.funds.models import FundCategory, FundSource
from programs.funds.services import funds_reference_load
from tests.funds.builders import Codes


@pytest.fixture
def funds(db) -> Codes:
    funds_reference_load(created=Counter())
    return Codes(
        categories={row.code: row for row in FundCategory.objects.all()},
        sources={row.code: row for row in FundSource.objects.all()},
    )
