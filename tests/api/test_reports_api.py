"""The monthly reports through the API: a report reads back what the clerk saved and what the
review did, the report pages' filters (unit, month, range of months, state) answer as they say,
a malformed month is a 400 at its field, `updated_since` finds a report once it has moved, and
an evaluator, who reads no unit's records, reads no report."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from programs.core.models import CreatingUnit
from programs.core.transitions import transition
from programs.reports.filters import MONTH_INVALID
from programs.reports.models import Indicator, MonthlyReport
from programs.reports.services import report_open, report_save
from safecommunity.calendar import Month
from tests.factories import ActivityFactory, EvaluationFactory, MonthlyReportFactory
from workgroups.choices import ActivityKind

pytestmark = pytest.mark.django_db

Status = MonthlyReport.Status
LAST_MONTH = Month.previous(timezone.localdate())


def indicator(code: str, order: int, **fields) -> Indicator:
    values = {"name": f"指标{code}", "unit_of_measure": "次", "section": Indicator.Section.WORK}
    return Indicator.objects.create(code=code, order=order, **{**values, **fields})


@pytest.fixture
def saved_report(unit_a, clerk_a):
    """Unit A's report of last month, opened (trainings pre-filled from the log: 1) and saved:
    trainings 3 (explained), hazards found 7, drills left empty."""
    trainings = indicator("trainings", 1, source=Indicator.Source.TRAINING_COUNT)
    hazards = indicator("hazards", 2)
    indicator("drills", 3)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    return report_save(
        report=report,
        by=clerk_a,
        version=report.version,
        values={trainings.pk: (3, "两次培训未录入台账"), hazards.pk: (7, "")},
        narrative={"work_done": "开展消防培训", "problems": "", "next_plan": "组织演练"},
    )


def test_a_report_reads_back_the_values_and_narrative_the_clerk_saved(
    token_client, district_user, saved_report
):
    body = token_client(district_user).get(f"/api/v1/monthly-reports/{saved_report.pk}/").json()

    assert body["unit"] == "A01"
    assert body["period"] == f"{LAST_MONTH:%Y-%m}"
    assert (body["status"], body["version"]) == ("draft", 1)
    assert (body["work_done"], body["next_plan"]) == ("开展消防培训", "组织演练")
    assert [
        {key: row[key] for key in ("indicator", "value", "comment", "prefilled")}
        for row in body["values"]
    ] == [
        {"indicator": "trainings", "value": 3, "comment": "两次培训未录入台账", "prefilled": 1},
        {"indicator": "hazards", "value": 7, "comment": "", "prefilled": None},
        {"indicator": "drills", "value": None, "comment": "", "prefilled": None},
    ]
    assert (body["error_count"], body["warning_count"], body["unexplained_count"]) == (0, 1, 0)
    assert (body["submitted_by"], body["submitted_at"], body["reviewed_by"]) == (None, None, None)


def test_a_submitted_and_approved_report_names_who_did_each(
    token_client, provider, clerk_a, district_user, saved_report
):
    transition(saved_report, "submit", by=clerk_a)
    transition(saved_report, "approve", by=district_user)
    saved_report.refresh_from_db()

    body = token_client(provider).get(f"/api/v1/monthly-reports/{saved_report.pk}/").json()

    assert body["status"] == "approved"
    assert (body["submitted_by"], body["reviewed_by"]) == ("clerk_a", "district")
    assert body["submitted_at"] == body["first_submitted_at"] is not None
    assert body["reviewed_at"] is not None
    assert body["approved_once"] is True
    # Submitted today: on time if today is not past the due day of the following month.
    assert body["due_date"] == f"{saved_report.due_date:%Y-%m-%d}"
    assert body["on_time"] is (timezone.localdate() <= saved_report.due_date)
    assert body["version"] == saved_report.version == 3


def test_a_returned_report_carries_the_reason(token_client, clerk_a, district_user, saved_report):
    transition(saved_report, "submit", by=clerk_a)
    transition(saved_report, "return", by=district_user, reason="请核实隐患数。")

    body = token_client(clerk_a).get(f"/api/v1/monthly-reports/{saved_report.pk}/").json()

    assert (body["status"], body["return_reason"]) == ("returned", "请核实隐患数。")


@pytest.fixture
def months(unit_a, unit_b):
    """Unit A's reports of March (approved, then changed), April (submitted) and May (draft)
    2026; unit B's of April (returned)."""
    return {
        "a-03": MonthlyReportFactory(
            unit=unit_a,
            period=date(2026, 3, 1),
            status=Status.APPROVED,
            changed_after_approval=True,
        ),
        "a-04": MonthlyReportFactory(unit=unit_a, period=date(2026, 4, 1), status=Status.SUBMITTED),
        "a-05": MonthlyReportFactory(unit=unit_a, period=date(2026, 5, 1)),
        "b-04": MonthlyReportFactory(unit=unit_b, period=date(2026, 4, 1), status=Status.RETURNED),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"a-03", "a-04", "a-05", "b-04"}),
        ({"unit": "A01"}, {"a-03", "a-04", "a-05"}),
        ({"unit": "A0"}, set()),  # a code, not a search
        ({"period": "2026-04"}, {"a-04", "b-04"}),
        ({"start": "2026-04"}, {"a-04", "a-05", "b-04"}),
        ({"end": "2026-04"}, {"a-03", "a-04", "b-04"}),
        ({"start": "2026-04", "end": "2026-04", "unit": "A01"}, {"a-04"}),
        ({"status": "submitted"}, {"a-04"}),
        ({"status": "returned"}, {"b-04"}),
        ({"changed_after_approval": "true"}, {"a-03"}),
    ],
)
def test_the_filters_of_the_report_pages(token_client, district_user, months, query, expected):
    names = {report.pk: name for name, report in months.items()}

    response = token_client(district_user).get("/api/v1/monthly-reports/", query)

    assert response.status_code == 200
    assert {names[row["id"]] for row in response.json()["results"]} == expected


@pytest.mark.parametrize("field", ["period", "start", "end"])
@pytest.mark.parametrize("month", ["2026-13", "May 2026", "0000-01", "9999-12", "2026-05-01"])
def test_a_malformed_month_is_400_at_its_field(token_client, district_user, field, month):
    response = token_client(district_user, HTTP_ACCEPT_LANGUAGE="en").get(
        "/api/v1/monthly-reports/", {field: month}
    )

    assert response.status_code == 400
    with translation.override("en"):
        assert response.json() == {field: [str(MONTH_INVALID)]}


def test_a_malformed_month_is_refused_in_the_requests_language(token_client, district_user):
    response = token_client(district_user, HTTP_ACCEPT_LANGUAGE="zh-CN").get(
        "/api/v1/monthly-reports/", {"period": "2026-13"}
    )

    with translation.override("zh-hans"):
        assert response.json() == {"period": [str(MONTH_INVALID)]}
    assert response.json()["period"][0] != "Give a month as YYYY-MM, between 2000-01 and 2100-12."


def _changed_since(client, since) -> set[int]:
    response = client.get("/api/v1/monthly-reports/", {"updated_since": since.isoformat()})
    assert response.status_code == 200
    return {row["id"] for row in response.json()["results"]}


def _age(*reports: MonthlyReport) -> None:
    """Make the reports' last change an hour old."""
    an_hour_ago = timezone.now() - timedelta(hours=1)
    MonthlyReport.objects.filter(pk__in=[r.pk for r in reports]).update(updated_at=an_hour_ago)


def test_updated_since_finds_a_report_once_submitted_and_again_once_approved(
    token_client, provider, clerk_a, district_user, unit_b, saved_report
):
    untouched = MonthlyReportFactory(unit=unit_b, period=LAST_MONTH)
    client = token_client(provider)
    _age(saved_report, untouched)
    since = timezone.now() - timedelta(minutes=1)
    assert _changed_since(client, since) == set()

    transition(saved_report, "submit", by=clerk_a)
    assert _changed_since(client, since) == {saved_report.pk}

    _age(saved_report)
    assert _changed_since(client, since) == set()
    transition(saved_report, "approve", by=district_user)
    assert _changed_since(client, since) == {saved_report.pk}
    assert _changed_since(client, since - timedelta(hours=2)) == {saved_report.pk, untouched.pk}


def test_an_evaluator_reads_no_report_even_of_a_unit_they_evaluate(
    token_client, evaluator, unit_a, saved_report
):
    EvaluationFactory(unit=unit_a, round__evaluators=[evaluator])
    client = token_client(evaluator)

    assert [row["code"] for row in client.get("/api/v1/units/").json()["results"]] == ["A01"]
    assert not CreatingUnit.objects.records_visible_to(evaluator).exists()
    assert not MonthlyReport.objects.visible_to(evaluator).exists()
    assert client.get("/api/v1/monthly-reports/").json()["results"] == []
    assert client.get(f"/api/v1/monthly-reports/{saved_report.pk}/").status_code == 404
