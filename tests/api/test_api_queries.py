"""Queries per API request at two data sizes: the same bound for 2 rows as for 60 (a token's
request: its lookup, its last use, the page, and a report page's values), and constant per
cursor page of injury records."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.core.models import CreatingUnit
from programs.evaluations.models import ItemScore
from programs.progress.models import Evidence
from programs.reports.models import Indicator, ReportValue
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    EvaluationFactory,
    EventFactory,
    ImportBatchFactory,
    InjuryRecordFactory,
    MilestoneFactory,
    MonthlyReportFactory,
    PhaseFactory,
    SchemeItemFactory,
    TargetFactory,
    UnitFactory,
    UserFactory,
    WorkGroupFactory,
    WorkGroupTemplateFactory,
)

# A token's request: the token with its user (1), its last use (1, at most once a minute), then
# the endpoint's own queries (the targets' values: two more, the units' totals and the titles;
# a page of reports: the reports, then all their values; the injury records: the ids of the
# district's units first, their scope).
BOUNDS = {
    "units": 3,
    "events": 3,
    "injury-records": 4,
    "milestones": 3,
    "titles": 3,
    "targets": 5,
    "monthly-reports": 4,
    "activities": 3,
}


def _world(size: int, unit_a) -> None:
    """`size` units (each with a title, an event, an injury record, a milestone outside the
    gate with evidence, an approved report with three values and an activity) and `size`
    targets."""
    phase = PhaseFactory(program=unit_a.program)
    MilestoneFactory(phase=phase, required_for_gate=False)  # a row for each unit
    units = [unit_a, *UnitFactory.create_batch(size - 1, program=unit_a.program)]
    CreatingUnit.objects.filter(pk__in=[u.pk for u in units]).update(current_phase=phase)
    indicators = [
        Indicator.objects.create(
            code=f"i{n}", name=f"指标{n}", unit_of_measure="次", section=Indicator.Section.WORK
        )
        for n in range(3)
    ]
    clerk, reviewer, template = UserFactory(), UserFactory(), WorkGroupTemplateFactory()
    for unit in units:
        CertificationFactory(unit=unit)
        EventFactory(record=unit)
        InjuryRecordFactory(unit=unit)
        Evidence.objects.create(
            unit=unit, unit_milestone=unit.unit_milestones.get(), title="工作方案"
        )
        report = MonthlyReportFactory(
            unit=unit, status="approved", submitted_by=clerk, reviewed_by=reviewer
        )
        ReportValue.objects.bulk_create(
            ReportValue(report=report, indicator=indicator, value=n)
            for n, indicator in enumerate(indicators)
        )
        ActivityFactory(unit=unit, group=WorkGroupFactory(unit=unit, template=template))
    TargetFactory.create_batch(size, program=unit_a.program)


@pytest.mark.parametrize("size", [2, 60])
@pytest.mark.parametrize("resource", list(BOUNDS))
def test_each_list_asks_a_fixed_number_of_queries(
    token_client, provider, unit_a, size, resource, django_assert_max_num_queries
):
    _world(size, unit_a)
    client = token_client(provider)

    with django_assert_max_num_queries(BOUNDS[resource]):
        response = client.get(f"/api/v1/{resource}/", {"page_size": 1000})

    assert response.status_code == 200
    assert len(response.json()["results"]) == size
    if resource == "targets":  # the values were computed within the bound
        assert all(row["attainment"] for row in response.json()["results"])
    if resource == "monthly-reports":
        assert {len(row["values"]) for row in response.json()["results"]} == {3}


@pytest.mark.parametrize("size", [2, 60])
def test_a_unit_detail_asks_a_fixed_number_of_queries(
    token_client, provider, unit_a, size, django_assert_max_num_queries
):
    _world(size, unit_a)
    client = token_client(provider)

    with django_assert_max_num_queries(3):
        body = client.get(f"/api/v1/units/{unit_a.code}/").json()

    assert body["title"]["level"] == "municipal"
    assert body["gate"] == {"accepted": 0, "total": 0, "overdue": 0}


def test_every_cursor_page_of_records_asks_the_same_queries(token_client, provider, unit_a):
    InjuryRecordFactory.create_batch(30, unit=unit_a)
    client = token_client(provider)
    client.get("/api/v1/units/")  # the token's last use is written now, not during the pages
    url, counts = "/api/v1/injury-records/?page_size=5", []

    while url:
        with CaptureQueriesContext(connection) as queries:
            body = client.get(url).json()
        counts.append(len(queries))
        url = body["next"]

    assert len(counts) == 6
    assert set(counts) == {3}  # the token, the district's unit ids (the scope), the page


# District staff's reads of evaluations and the import history: a token (2), the page, and for
# evaluations their scores (the schemes' items, the grades) whatever the number of schemes.
DISTRICT_BOUNDS = {"evaluations": 5, "import-batches": 3}


def _district_world(size: int, unit_a, district_user) -> None:
    units = [unit_a, *UnitFactory.create_batch(size - 1, program=unit_a.program)]
    for unit in units:  # each in its own round, against its own scheme, partly graded
        evaluation = EvaluationFactory(unit=unit)
        first, _second = SchemeItemFactory.create_batch(2, element__scheme=evaluation.round.scheme)
        ItemScore.objects.create(
            evaluation=evaluation, item=first, presence="a", evidence="b", effect="c"
        )
        ImportBatchFactory(uploaded_by=district_user, imported=True)


@pytest.mark.parametrize("size", [2, 60])
@pytest.mark.parametrize("resource", list(DISTRICT_BOUNDS))
def test_district_staffs_lists_ask_a_fixed_number_of_queries(
    token_client, district_user, unit_a, size, resource, django_assert_max_num_queries
):
    _district_world(size, unit_a, district_user)
    client = token_client(district_user)

    with django_assert_max_num_queries(DISTRICT_BOUNDS[resource]):
        response = client.get(f"/api/v1/{resource}/", {"page_size": 1000})

    assert response.status_code == 200
    rows = response.json()["results"]
    assert len(rows) == size
    if resource == "evaluations":  # 0.8 × 100 % + 1.0 × 70 % + 1.2 × 30 % of 2 items of 3
        assert {(row["total"], row["maximum"]) for row in rows} == {("1.86", "6.00")}


@pytest.mark.parametrize("size", [2, 60])
def test_an_evaluation_detail_asks_a_fixed_number_of_queries(
    token_client, district_user, unit_a, size, django_assert_max_num_queries
):
    _district_world(size, unit_a, district_user)
    evaluation = unit_a.evaluations.get()
    client = token_client(district_user)

    with django_assert_max_num_queries(5):
        body = client.get(f"/api/v1/evaluations/{evaluation.pk}/").json()

    assert (body["total"], body["items_graded"], body["items"]) == ("1.86", 1, 2)
