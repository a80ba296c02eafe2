"""What waits for each person on their home page: the clerk's to-do on the unit page, district
staff's inbox on the dashboard with its counts in the navigation (one query, for reviewers
only), and the evaluator's evaluations to grade on the round list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs.models import Certification, MonthlyReport, UnitMilestone
from programs.overview.selectors.todo import clerk_todo, review_counts
from safecommunity.calendar import Month, Quarter, due_date
from tests.factories import (
    ActivityFactory,
    CertificationFactory,
    EvaluationFactory,
    EvaluationRoundFactory,
    ImportBatchFactory,
    MilestoneFactory,
    MonthlyReportFactory,
    UnitFactory,
    UnitMilestoneFactory,
)
from workgroups.models import ActivityKind

pytestmark = pytest.mark.django_db

Status = MonthlyReport.Status
TODAY = timezone.localdate()
LAST_MONTH = Month.previous(Month.first_day(TODAY))


def counts_queries(queries) -> list[str]:
    """The navigation's counts query: the only one reading both milestones and imports."""
    return [
        q["sql"]
        for q in queries
        if "programs_unitmilestone" in q["sql"] and "injuries_importbatch" in q["sql"]
    ]


# --- Clerk ---------------------------------------------------------------------------------------


def test_a_returned_report_is_on_its_units_clerks_to_do_and_nobody_elses(
    client, unit_a, unit_b, clerk_a, clerk_b
):
    returned = MonthlyReportFactory(
        unit=unit_a, period=LAST_MONTH, status=Status.RETURNED, return_reason="请补充签到表"
    )

    client.force_login(clerk_a)
    page = client.get(unit_a.get_absolute_url())
    todo = page.context["clerk_todo"]
    assert [r.pk for r in todo.returned] == [returned.pk]
    # last month's report is listed as returned; this month's is the next to write
    assert todo.report.period == Month.first_day(TODAY)
    assert f'id="todo-returned-{returned.pk}"' in page.content.decode()
    assert "请补充签到表" in page.content.decode()

    client.force_login(clerk_b)
    todo_b = client.get(unit_b.get_absolute_url()).context["clerk_todo"]
    assert todo_b.returned == []
    assert "请补充签到表" not in client.get(unit_b.get_absolute_url()).content.decode()


def test_district_staff_see_the_units_milestones_card_not_the_clerks_to_do(
    client, unit_a, district_user
):
    client.force_login(district_user)
    page = client.get(unit_a.get_absolute_url())
    assert "clerk_todo" not in page.context
    assert 'id="todo"' in page.content.decode()


def test_the_clerks_to_do_counts_what_waits(unit_a, clerk_a):
    today = date(2026, 12, 10)  # 21 days before the quarter ends
    unit_a.joined_on = date(2026, 1, 1)
    unit_a.save()
    october = date(2026, 10, 1)
    MonthlyReportFactory(unit=unit_a, period=october, status=Status.RETURNED)
    MonthlyReportFactory(unit=unit_a, period=date(2026, 11, 1), status=Status.DRAFT)
    for month in Month.between(date(2026, 1, 1), date(2026, 9, 1)):
        if month != date(2026, 3, 1):  # March never submitted
            MonthlyReportFactory(unit=unit_a, period=month, status=Status.APPROVED)
    open_round = EvaluationRoundFactory(opens_on=date(2026, 12, 1), closes_on=date(2026, 12, 20))
    own = EvaluationFactory(round=open_round, unit=unit_a)
    EvaluationFactory(round=open_round, unit=UnitFactory())  # another unit's
    closed = EvaluationRoundFactory(opens_on=date(2026, 11, 1), closes_on=date(2026, 11, 30))
    EvaluationFactory(round=closed, unit=unit_a)
    returned_milestone = UnitMilestoneFactory(unit=unit_a, status=UnitMilestone.Status.RETURNED)
    unit_a.refresh_from_db()

    todo = clerk_todo(unit_a, clerk_a, milestones=[returned_milestone], today=today)

    assert todo.report.period == date(2026, 11, 1)
    assert todo.report.due == due_date(date(2026, 11, 1), unit_a.program.report_due_day)
    assert todo.report.overdue == (today > todo.report.due)
    assert todo.unsubmitted == [date(2026, 3, 1)]
    assert [r.period for r in todo.returned] == [october]
    assert [e.pk for e in todo.evaluations] == [own.pk]
    assert todo.meeting_missing == Quarter(2026, 4)
    assert todo.meeting_days_left == 21
    assert todo.count == 6  # report, the unsubmitted months, returned, milestone, grading, meeting

    ActivityFactory(unit=unit_a, kind=ActivityKind.CREATION_MEETING, date=date(2026, 10, 9))
    assert clerk_todo(unit_a, clerk_a, milestones=[], today=today).meeting_missing is None
    early = date(2026, 10, 20)  # more than 30 days before the quarter ends: not yet
    assert clerk_todo(unit_a, clerk_a, milestones=[], today=early).meeting_missing is None


def test_once_last_months_report_is_submitted_this_months_is_next(unit_a, clerk_a):
    today = date(2026, 12, 3)
    unit_a.joined_on = date(2026, 11, 1)
    unit_a.save()
    unit_a.refresh_from_db()
    todo = clerk_todo(unit_a, clerk_a, milestones=[], today=today)
    assert (todo.report.period, todo.report.report) == (date(2026, 11, 1), None)
    assert not todo.report.overdue

    MonthlyReportFactory(unit=unit_a, period=date(2026, 11, 1), status=Status.SUBMITTED)
    todo = clerk_todo(unit_a, clerk_a, milestones=[], today=today)
    assert todo.report.period == date(2026, 12, 1)
    assert todo.report.due == due_date(date(2026, 12, 1), unit_a.program.report_due_day)


# --- District staff ------------------------------------------------------------------------------


@pytest.fixture
def inbox_world(unit_a, unit_b):
    MonthlyReportFactory(unit=unit_a, status=Status.SUBMITTED)
    MonthlyReportFactory(unit=unit_b, status=Status.SUBMITTED)
    MonthlyReportFactory(unit=unit_b, period=LAST_MONTH, status=Status.APPROVED)
    milestone = MilestoneFactory(phase__program=unit_a.program, evidence_required=False)
    UnitMilestoneFactory(unit=unit_a, milestone=milestone, status=UnitMilestone.Status.SUBMITTED)
    UnitMilestoneFactory(unit=unit_b, milestone=milestone, status=UnitMilestone.Status.ACCEPTED)
    applied = Certification.Status.APPLIED
    CertificationFactory(unit=unit_a, status=applied, named_on=None)  # the office's move next
    CertificationFactory(unit=unit_b)  # named: nothing to move
    ImportBatchFactory()  # checked, waiting
    ImportBatchFactory(rows_in_error=2)  # cannot be imported
    ImportBatchFactory(imported=True)


def test_the_inbox_counts_what_waits_for_the_office(
    client, district_user, inbox_world, django_assert_num_queries
):
    with django_assert_num_queries(1):
        counts = review_counts(district_user)
    assert (counts.reports, counts.milestones, counts.titles, counts.imports) == (2, 1, 1, 1)
    assert counts.total == 5
    assert counts.oldest_report is not None

    client.force_login(district_user)
    page = client.get(reverse("programs:dashboard"))
    inbox = page.context["inbox"]
    assert inbox.counts == counts
    assert [t.unit.code for t in inbox.titles] == ["A01"]
    html = page.content.decode()
    assert 'id="inbox"' in html
    assert 'id="nav-review-count">5<' in html
    assert 'id="nav-reports-count"' in html
    assert reverse("programs:milestone-queue") in html


@pytest.mark.parametrize("persona", ["clerk_a", "evaluator", "provider"])
def test_those_who_do_not_review_get_no_counts_and_no_query_for_them(
    client, request, inbox_world, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    url = reverse("programs:round-list") if persona == "evaluator" else reverse("home")
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url, follow=True)
    assert page.status_code == 200
    assert counts_queries(queries.captured_queries) == []
    assert "review_counts" not in page.context
    assert 'id="nav-review"' not in page.content.decode()


def build_waiting(count: int) -> None:
    """`count` units, each with a submitted report, a submitted milestone, an applied title
    and a checked import."""
    milestone = MilestoneFactory(evidence_required=False)
    for n in range(count):
        unit = UnitFactory(code=f"W{n:03}", program=milestone.phase.program)
        MonthlyReportFactory(unit=unit, status=Status.SUBMITTED)
        UnitMilestone.objects.filter(unit=unit, milestone=milestone).update(
            status=UnitMilestone.Status.SUBMITTED
        )
        CertificationFactory(unit=unit, status=Certification.Status.APPLIED, named_on=None)
    ImportBatchFactory.create_batch(count)


@pytest.mark.parametrize("size", [5, 60])
@pytest.mark.parametrize("page", ["programs:unit-list", "programs:report-grid"])
def test_the_navigation_counts_are_one_query_whatever_the_data(
    client, district_user, provider, size, page
):
    build_waiting(size)
    client.force_login(provider)  # sees every unit as district staff do, reviews nothing
    with CaptureQueriesContext(connection) as without:
        client.get(reverse(page))
    client.force_login(district_user)
    with CaptureQueriesContext(connection) as with_counts:
        response = client.get(reverse(page))

    assert len(counts_queries(with_counts.captured_queries)) == 1
    assert len(with_counts.captured_queries) == len(without.captured_queries) + 1
    assert response.context["review_counts"].reports == size
    assert f'id="nav-review-count">{4 * size}<' in response.content.decode()


# --- Evaluator -----------------------------------------------------------------------------------


def test_an_evaluator_finds_the_evaluations_to_grade_on_the_round_list(
    client, evaluator, unit_a, unit_b
):
    open_round = EvaluationRoundFactory(name="区级评审", kind="district", evaluators=[evaluator])
    first = EvaluationFactory(round=open_round, unit=unit_a)
    EvaluationFactory(round=open_round, unit=unit_b, final=True)  # graded already
    later = EvaluationRoundFactory(
        opens_on=TODAY + timedelta(days=5), evaluators=[evaluator], name="未开始"
    )
    EvaluationFactory(round=later, unit=unit_a)
    other = EvaluationRoundFactory(name="别人的轮次")
    EvaluationFactory(round=other, unit=unit_b)

    client.force_login(evaluator)
    response = client.get(reverse("home"), follow=True)

    assert response.redirect_chain[-1][0] == reverse("programs:round-list")
    assert [e.pk for e in response.context["to_grade"]] == [first.pk]
    html = response.content.decode()
    assert f'id="to-grade-{first.pk}"' in html
    assert 'id="to-grade-count">1<' in html


def test_district_staff_get_no_grading_list_on_the_round_list(client, district_user):
    client.force_login(district_user)
    response = client.get(reverse("programs:round-list"))
    assert response.context["to_grade"] is None
    assert 'id="to-grade"' not in response.content.decode()


@pytest.mark.parametrize("size", [3, 40])
def test_the_evaluators_round_list_reads_a_fixed_number_of_queries(
    client, evaluator, size, django_assert_max_num_queries
):
    """Session, user, the rounds (with their counts), the evaluations to grade (with round and
    unit), the header's bell: the same however many rounds and evaluations."""
    for _n in range(size):
        open_round = EvaluationRoundFactory(evaluators=[evaluator], kind="expert")
        EvaluationFactory.create_batch(2, round=open_round)
    client.force_login(evaluator)

    with django_assert_max_num_queries(4 + 1):
        response = client.get(reverse("programs:round-list"))

    assert len(response.context["to_grade"]) == 2 * size
