"""The milestone queue: submitted milestones across units for district staff, its filters and
order, and "next" after each acceptance or return."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from programs.core.transitions import transition
from programs.models import UnitMilestone
from tests.factories import MilestoneFactory, PhaseFactory, UnitFactory, UserFactory
from tests.test_queries import build_progress

pytestmark = pytest.mark.django_db

Status = UnitMilestone.Status
QUEUE = reverse("programs:milestone-queue")


def submitted(unit, milestone, *, hours_ago: int) -> UnitMilestone:
    item = UnitMilestone.objects.get(unit=unit, milestone=milestone)
    transition(item, "submit", by=UserFactory(role="clerk", unit=unit))
    at = timezone.now() - timedelta(hours=hours_ago)
    UnitMilestone.objects.filter(pk=item.pk).update(status_changed_at=at)
    item.refresh_from_db()
    return item


@pytest.fixture
def waiting(db):
    """Units M1 and M2 with two milestones of two phases: M1's plan submitted 3 hours ago,
    M2's plan 5 hours ago, M2's report 1 hour ago; M1's report not started."""
    phase_1 = PhaseFactory(name="启动")
    phase_2 = PhaseFactory(program=phase_1.program, name="实施")
    plan = MilestoneFactory(phase=phase_1, name="工作方案", evidence_required=False)
    report = MilestoneFactory(phase=phase_2, name="自评报告", evidence_required=False)
    m1 = UnitFactory(code="M1", program=phase_1.program)
    m2 = UnitFactory(code="M2", program=phase_1.program)
    return {
        "m1_plan": submitted(m1, plan, hours_ago=3),
        "m2_plan": submitted(m2, plan, hours_ago=5),
        "m2_report": submitted(m2, report, hours_ago=1),
        "m1_report": UnitMilestone.objects.get(unit=m1, milestone=report),
        "phase_2": phase_2,
    }


def ids(response) -> list[int]:
    return [item.pk for item in response.context["items"]]


def test_the_queue_lists_submitted_milestones_across_units_longest_waiting_first(
    client, district_user, waiting
):
    client.force_login(district_user)
    response = client.get(QUEUE)
    w = waiting
    assert ids(response) == [w["m2_plan"].pk, w["m1_plan"].pk, w["m2_report"].pk]
    assert response.context["total"] == 3
    assert "工作方案" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"unit": "m1"}, ["m1_plan"]),
        ({"state": "not_started"}, ["m1_report"]),
        ({"state": "all", "unit": "M1"}, ["m1_plan", "m1_report"]),
        ({"sort": "unit"}, ["m1_plan", "m2_plan", "m2_report"]),
        ({"sort": "-waiting"}, ["m2_report", "m1_plan", "m2_plan"]),
    ],
)
def test_the_queue_filters_and_sorts(client, district_user, waiting, query, expected):
    client.force_login(district_user)
    response = client.get(QUEUE, query)
    assert ids(response) == [waiting[name].pk for name in expected]


def test_the_queue_filters_by_phase(client, district_user, waiting):
    client.force_login(district_user)
    response = client.get(QUEUE, {"phase": waiting["phase_2"].pk})
    assert ids(response) == [waiting["m2_report"].pk]


def test_a_clerk_sees_only_the_own_units_milestones(client, waiting):
    unit = waiting["m1_plan"].unit
    client.force_login(UserFactory(role="clerk", unit=unit))
    response = client.get(QUEUE)
    assert ids(response) == [waiting["m1_plan"].pk]


def test_accepting_from_the_queue_opens_the_next_milestone(client, district_user, waiting):
    client.force_login(district_user)
    first, second = waiting["m2_plan"], waiting["m1_plan"]
    page = client.get(QUEUE)
    detail = client.get(page.context["items"][0].url)
    # the default queue, its defaults written out
    assert detail.context["review_queue"] == "state=submitted&sort=waiting"
    place = detail.context["queue_place"]
    assert (place.position, place.total) == (1, 3)
    assert place.next_url == page.context["items"][1].url

    queue = "sort=waiting"
    url = reverse("programs:milestone-transition", args=[first.unit.code, first.pk, "accept"])
    response = client.post(url, {"queue": queue})

    target = urlparse(response.url)
    assert target.path == second.get_absolute_url()
    assert parse_qs(target.query) == {"queue": [queue]}
    first.refresh_from_db()
    assert first.status == Status.ACCEPTED


def test_returning_the_last_one_goes_back_to_the_queue(client, district_user, waiting):
    client.force_login(district_user)
    item = waiting["m1_plan"]
    url = reverse("programs:milestone-transition", args=[item.unit.code, item.pk, "return"])

    response = client.post(url, {"queue": "unit=M1", "reason": "请补充签字页"})

    assert response.url == f"{QUEUE}?unit=M1"
    item.refresh_from_db()
    assert (item.status, item.return_reason) == (Status.RETURNED, "请补充签字页")


# Session, user, count, the page of milestones (with unit, phase and who moved them), the
# phases of the filter form, the navigation's counts of what waits for review, the header's bell.
MILESTONE_QUEUE_MAX_QUERIES = 6 + 1


@pytest.mark.parametrize("unit_count", [38, 400])
def test_the_queue_reads_a_fixed_number_of_queries(
    client, district_user, unit_count, django_assert_max_num_queries
):
    units = build_progress(unit_count)
    UnitMilestone.objects.filter(unit__in=units, milestone__order=1).update(
        status=Status.SUBMITTED, status_changed_at=timezone.now()
    )
    client.force_login(district_user)

    with django_assert_max_num_queries(MILESTONE_QUEUE_MAX_QUERIES):
        response = client.get(QUEUE, {"sort": "-due"})

    assert response.context["total"] == 2 * unit_count  # the first milestone of each phase
    assert len(response.context["items"]) == 50
