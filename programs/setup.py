"""What a fresh portal loads: the reference data of every domain, gathered in one call.

Like `programs/models/__init__.py` and `programs/admin.py`, this module only gathers: each
domain loads its own rows (`<domain>.services.<x>_load`), idempotently — a row that exists is
left exactly as the office made it, so a second load changes nothing.
"""

from __future__ import annotations

from collections import Counter

from django.db import transaction

from programs.core import reference_data as ref
from programs.core.services import programme_load
from programs.evaluations.services import schemes_load
from programs.funds.services import funds_reference_load
from programs.reports.services import indicators_load
from programs.titles.services import targets_load
from safecommunity.models import ensure_row


@transaction.atomic
def reference_data_load() -> Counter:
    """Load the district's plan: departments, work-group templates, the programme, its phases,
    milestones, units and targets, the monthly report's default indicators and validation
    rules, the evaluation schemes, and the creation funds' sources and categories. Returns how
    many rows of each kind were created."""
    from workgroups.models import WorkGroupTemplate

    created: Counter = Counter()
    program = programme_load(created=created)
    for number, name, lead, cooperating, duties in ref.WORK_GROUP_TEMPLATES:
        ensure_row(
            WorkGroupTemplate,
            created,
            {"number": number},
            name=name,
            lead=lead,
            cooperating=cooperating,
            duties=duties,
            fill={"name_en": ref.WORK_GROUP_NAMES_EN.get(number, "")},
        )
    targets_load(program=program, created=created)
    indicators_load(created=created)
    schemes_load(created=created)
    funds_reference_load(created=created)
    return created
