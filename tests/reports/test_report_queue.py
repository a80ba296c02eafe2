"""The review queue of monthly reports: what a save stores for its filters, the filters and the
order, "next" after each review, bulk approval, and the review page's history and highlights."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.core.models import Event
from programs.core.transitions import transition
from programs.models import Indicator, MonthlyReport, ValidationRule
from programs.reports import errors
from programs.reports.services import report_open, report_save, reports_approve
from safecommunity.calendar import Month
from tests.factories import ActivityFactory, DepartmentFactory, UnitFactory, UserFactory
from tests.reports.test_completeness import REPORT_QUEUE_MAX_QUERIES, build_reports
from workgroups.models import ActivityKind

pytestmark = pytest.mark.django_db

Status = MonthlyReport.Status
THIS_MONTH = Month.first_day(timezone.localdate())
LAST_MONTH = Month.previous(THIS_MONTH)
EARLIER = Month.previous(LAST_MONTH)
QUEUE = reverse("programs:report-queue")


@pytest.fixture
def indicators(db):
    """Trainings (from the activity log), hazards found and rectified, and the error rule
    rectified ≤ found and the warning rule found ≤ 100."""
    trainings = Indicator.objects.create(
        code="trainings",
        name="培训次数",
        unit_of_measure="次",
        section=Indicator.Section.WORK,
        source=Indicator.Source.TRAINING_COUNT,
        order=1,
    )
    found = Indicator.objects.create(
        code="found", name="发现隐患", unit_of_measure="处", section="hazards", order=2
    )
    fixed = Indicator.objects.create(
        code="fixed", name="整改隐患", unit_of_measure="处", section="hazards", order=3
    )
    rule = {"operator": ValidationRule.Operator.LTE, "message_zh": "消息", "message_en": "msg"}
    ValidationRule.objects.create(
        code="fixed-le-found", name="整改≤发现", left=fixed, right_indicator=found, **rule
    )
    ValidationRule.objects.create(
        code="found-le-100",
        name="发现≤100",
        left=found,
        right_constant=100,
        severity=ValidationRule.Severity.WARNING,
        **rule,
    )
    return trainings, found, fixed


def clerk_of(unit):
    return UserFactory(role="clerk", unit=unit)


def filled(unit, values, *, period=LAST_MONTH, submit=True, trainings_logged=0):
    """The unit's report of `period` opened (trainings from the log), saved with `values`
    (indicator → (value, comment)) and submitted."""
    clerk = clerk_of(unit)
    for _ in range(trainings_logged):
        ActivityFactory(unit=unit, kind=ActivityKind.TRAINING, date=period)
    report = report_open(unit=unit, period=period, by=clerk)
    report_save(
        report=report,
        by=clerk,
        version=report.version,
        values={i.pk: pair for i, pair in values.items()},
        narrative={},
    )
    if submit:
        transition(report, "submit", by=clerk)
    report.refresh_from_db()
    return report


def queue_ids(response) -> list[int]:
    return [report.pk for report in response.context["reports"]]


# --- what a save stores for the queue ------------------------------------------------------------


def test_a_save_stores_the_checks_the_queue_filters_on(unit_a, clerk_a, indicators):
    trainings, found, fixed = indicators
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    assert (report.error_count, report.warning_count, report.unexplained_count) == (0, 0, 0)

    # rectified 5 > found 3 (error); trainings 4 ≠ the log's 1 without a word (warning)
    values = {trainings.pk: (4, ""), found.pk: (3, ""), fixed.pk: (5, "")}
    report_save(report=report, by=clerk_a, version=report.version, values=values, narrative={})
    report.refresh_from_db()
    assert (report.error_count, report.warning_count, report.unexplained_count) == (1, 1, 1)

    values = {trainings.pk: (4, "两次培训未入台账"), found.pk: (120, "汛期排查"), fixed.pk: (5, "")}
    report_save(report=report, by=clerk_a, version=report.version, values=values, narrative={})
    report.refresh_from_db()
    assert (report.error_count, report.warning_count, report.unexplained_count) == (0, 2, 0)
    assert report.is_clean


def test_a_change_after_approval_marks_the_report(unit_a, district_user, indicators):
    _trainings, found, fixed = indicators
    report = filled(unit_a, {found: (3, ""), fixed: (1, "")})
    transition(report, "approve", by=district_user)
    transition(report, "reopen", by=district_user, reason="数据有误")
    report.refresh_from_db()
    assert not report.changed_after_approval

    report_save(
        report=report,
        by=district_user,
        version=report.version,
        values={found.pk: (4, "")},
        narrative={},
    )

    report.refresh_from_db()
    assert report.changed_after_approval


def test_submitting_stores_the_explained_warnings(unit_a, indicators):
    trainings, found, fixed = indicators
    report = filled(
        unit_a, {trainings: (3, "另有培训"), found: (2, ""), fixed: (1, "")}, trainings_logged=1
    )
    assert report.status == Status.SUBMITTED
    assert (report.error_count, report.warning_count, report.unexplained_count) == (0, 1, 0)


# --- filters and order ---------------------------------------------------------------------------


@pytest.fixture
def queue_reports(indicators):
    """Five units' reports: two submitted clean (B older than A), one submitted with an
    explained warning, one returned, one submitted with a value changed after approval."""
    _trainings, found, fixed = indicators
    a = filled(UnitFactory(code="Q-A"), {found: (2, ""), fixed: (1, "")})
    b = filled(UnitFactory(code="Q-B"), {found: (2, ""), fixed: (1, "")}, period=EARLIER)
    MonthlyReport.objects.filter(pk=b.pk).update(submitted_at=a.submitted_at - timedelta(hours=1))
    warned = filled(UnitFactory(code="Q-C"), {found: (150, "汛期"), fixed: (1, "")})
    returned = filled(UnitFactory(code="Q-D"), {found: (2, ""), fixed: (1, "")})
    transition(returned, "return", by=UserFactory(role="district"), reason="请补充")
    changed = filled(UnitFactory(code="Q-E"), {found: (2, ""), fixed: (1, "")})
    MonthlyReport.objects.filter(pk=changed.pk).update(changed_after_approval=True)
    return {"a": a, "b": b, "warned": warned, "returned": returned, "changed": changed}


def test_the_queue_shows_submitted_reports_oldest_first(client, district_user, queue_reports):
    client.force_login(district_user)
    response = client.get(QUEUE)
    r = queue_reports
    assert queue_ids(response) == [r["b"].pk, r["a"].pk, r["warned"].pk, r["changed"].pk]
    assert response.context["total"] == 4


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "returned"}, ["returned"]),
        ({"state": "all", "unit": "q-d"}, ["returned"]),
        ({"warnings": "yes"}, ["warned"]),
        ({"warnings": "no"}, ["b", "a", "changed"]),
        ({"changed": "yes"}, ["changed"]),
        ({"month": f"{EARLIER:%Y-%m}"}, ["b"]),
        ({"unit": "Q-A"}, ["a"]),
        ({"sort": "-unit"}, ["changed", "warned", "b", "a"]),
        ({"sort": "month"}, ["b", "a", "warned", "changed"]),
    ],
)
def test_the_queue_filters_and_sorts(client, district_user, queue_reports, query, expected):
    client.force_login(district_user)
    response = client.get(QUEUE, query)
    assert queue_ids(response) == [queue_reports[name].pk for name in expected]


def test_a_bad_month_is_answered_at_its_field_in_both_languages(district_user, queue_reports):
    client = Client()
    client.force_login(district_user)
    response = client.get(QUEUE, {"month": "2026-13"})
    assert response.status_code == 200
    assert "请按 YYYY-MM 填写月份" in response.content.decode()
    assert len(queue_ids(response)) == 4  # the other filters still apply

    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english.force_login(district_user)
    response = english.get(QUEUE, {"month": "9999-01"})
    assert "Give a month as YYYY-MM" in response.content.decode()


def test_a_clerk_sees_only_the_own_units_reports_and_no_bulk_approval(client, queue_reports):
    unit = queue_reports["a"].unit
    client.force_login(clerk_of(unit))
    response = client.get(QUEUE, {"state": "all"})
    assert queue_ids(response) == [queue_reports["a"].pk]
    assert response.context["may_approve"] is False
    assert 'name="report"' not in response.content.decode()


# --- "next" after each review --------------------------------------------------------------------


def test_approving_from_the_queue_opens_the_next_report_of_the_same_queue(
    client, district_user, queue_reports
):
    client.force_login(district_user)
    r = queue_reports
    queue = "warnings=no&state=submitted&sort=submitted"
    page = client.get(QUEUE, {"warnings": "no"})
    link = urlparse(page.context["reports"][0].url)
    assert (link.path, parse_qs(link.query)) == (r["b"].get_absolute_url(), {"queue": [queue]})
    report = client.get(page.context["reports"][0].url)
    assert report.context["review_queue"] == queue
    place = report.context["queue_place"]
    assert (place.position, place.total) == (1, 3)
    assert place.next_url == page.context["reports"][1].url
    assert 'id="queue-next"' in report.content.decode()
    assert 'name="queue" value="warnings=no&amp;state=submitted&amp;sort=submitted"' in (
        report.content.decode()
    )

    url = reverse("programs:report-transition", args=["Q-B", f"{EARLIER:%Y-%m}", "approve"])
    response = client.post(url, {"queue": queue})

    assert response.status_code == 302
    target = urlparse(response.url)
    assert target.path == r["a"].get_absolute_url()
    assert parse_qs(target.query) == {"queue": [queue]}
    r["b"].refresh_from_db()
    assert r["b"].status == Status.APPROVED


def test_returning_moves_on_and_the_last_one_goes_back_to_the_queue(
    client, district_user, queue_reports
):
    client.force_login(district_user)
    queue = "unit=Q-A"
    url = reverse("programs:report-transition", args=["Q-A", f"{LAST_MONTH:%Y-%m}", "return"])

    missing_reason = client.post(url, {"queue": queue, "reason": ""})
    assert urlparse(missing_reason.url).query == "queue=unit%3DQ-A"  # back to it, queue kept

    response = client.post(url, {"queue": queue, "reason": "数据不全"})
    assert response.url == f"{QUEUE}?unit=Q-A"
    queue_reports["a"].refresh_from_db()
    assert queue_reports["a"].status == Status.RETURNED


# --- bulk approval -------------------------------------------------------------------------------


def test_bulk_approval_approves_each_clean_report_with_its_own_event(
    client, district_user, indicators
):
    trainings, found, fixed = indicators
    clean = [filled(UnitFactory(), {found: (2, ""), fixed: (2, "")}) for _ in range(2)]
    explained = filled(UnitFactory(), {found: (150, "汛期"), fixed: (2, "")})
    broken = filled(UnitFactory(), {found: (2, ""), fixed: (1, "")})
    unexplained = filled(UnitFactory(), {trainings: (3, "")}, trainings_logged=3)
    # Rules added after submission: rectified ≥ 2 (an error the broken report now breaks) and
    # trainings ≤ 2 (a warning the last report now leaves unexplained).
    rule = {"message_zh": "m", "message_en": "m", "right_constant": 2}
    ValidationRule.objects.create(
        code="fixed-ge-2", name="整改≥2", left=fixed, operator="gte", **rule
    )
    ValidationRule.objects.create(
        code="trainings-le-2",
        name="培训≤2",
        left=trainings,
        operator="lte",
        severity=ValidationRule.Severity.WARNING,
        **rule,
    )
    chosen = [*clean, explained, broken, unexplained]
    client.force_login(district_user)

    response = client.post(
        reverse("programs:report-bulk-approve"),
        {"report": [r.pk for r in chosen], "queue": "sort=unit"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == f"{QUEUE}?sort=unit"
    rows = MonthlyReport.objects.filter(pk__in=[r.pk for r in chosen])
    statuses = dict(rows.values_list("pk", "status"))
    assert [statuses[r.pk] for r in chosen] == [
        Status.APPROVED,
        Status.APPROVED,
        Status.APPROVED,
        Status.SUBMITTED,
        Status.SUBMITTED,
    ]
    approvals = Event.objects.filter(action="approve")
    assert sorted(approvals.values_list("object_id", flat=True)) == sorted(
        r.pk for r in [*clean, explained]
    )
    assert {event.actor for event in approvals} == {district_user}
    text = [str(m) for m in response.context["messages"]]
    assert text[0] == "3 份月报已通过，跳过 2 份。"
    assert any(broken.unit.code in line and "1 条错误规则" in line for line in text)
    assert any(unexplained.unit.code in line and "1 条警告未说明" in line for line in text)
    broken.refresh_from_db()
    assert broken.error_count == 1  # the stored check follows what was found


def test_bulk_approval_skips_a_report_decided_meanwhile_and_never_approves_twice(
    district_user, indicators
):
    _trainings, found, fixed = indicators
    report = filled(UnitFactory(), {found: (2, ""), fixed: (1, "")})
    other = UserFactory(role="district")
    transition(report, "return", by=other, reason="先退回")  # someone else, meanwhile

    done = reports_approve(report_ids=[report.pk], by=district_user)

    assert done.approved == []
    assert done.skipped == [
        (done.skipped[0][0], str(errors.BULK_NOT_SUBMITTED) % {"status": "已退回"})
    ]
    report.refresh_from_db()
    assert report.status == Status.RETURNED

    second = filled(UnitFactory(), {found: (2, ""), fixed: (1, "")})
    first_time = reports_approve(report_ids=[second.pk, second.pk], by=district_user)
    again = reports_approve(report_ids=[second.pk], by=district_user)
    assert [r.pk for r in first_time.approved] == [second.pk]
    assert again.approved == [] and len(again.skipped) == 1
    assert Event.objects.filter(action="approve").count() == 1


def test_a_clerk_cannot_approve_in_bulk(client, indicators):
    _trainings, found, fixed = indicators
    report = filled(UnitFactory(), {found: (2, ""), fixed: (1, "")})
    client.force_login(clerk_of(report.unit))

    client.post(reverse("programs:report-bulk-approve"), {"report": [report.pk]})

    report.refresh_from_db()
    assert report.status == Status.SUBMITTED
    assert not Event.objects.filter(action="approve").exists()


def test_bulk_approval_refuses_those_the_move_does_not_allow_and_writes_nothing(indicators):
    _trainings, found, fixed = indicators
    report = filled(UnitFactory(), {found: (2, ""), fixed: (1, "")})
    rule = ValidationRule.objects.filter(code="fixed-le-found")
    rule.update(right_indicator=None, right_constant=0)  # now broken: a recheck would count it
    provider = UserFactory(role="provider", department=DepartmentFactory())

    for user in (clerk_of(report.unit), provider):
        with pytest.raises(errors.ReportError):
            reports_approve(report_ids=[report.pk], by=user)

    report.refresh_from_db()
    assert (report.status, report.error_count) == (Status.SUBMITTED, 0)  # not even rechecked


def test_bulk_approval_skips_what_the_reviewer_cannot_find(district_user):
    done = reports_approve(report_ids=[987654], by=district_user)
    assert done.approved == [] and done.skipped == [(None, str(errors.BULK_NOT_FOUND))]


@pytest.mark.parametrize("value", ["²", "9" * 25, "-1", "0", "1e3", "abc"])
def test_bulk_approval_of_a_key_no_report_can_have_asks_for_a_selection(
    client, district_user, value
):
    client.force_login(district_user)

    response = client.post(reverse("programs:report-bulk-approve"), {"report": [value]})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["请先勾选要通过的月报。"]


# --- the review page -----------------------------------------------------------------------------


def test_the_review_page_shows_the_reports_events_and_values_differing_from_the_log(
    district_user, indicators
):
    trainings, found, fixed = indicators
    report = filled(
        UnitFactory(code="H01"),
        {trainings: (3, "另有两次"), found: (2, ""), fixed: (1, "")},
        trainings_logged=1,
    )
    transition(report, "return", by=district_user, reason="请附签到表")
    clerk = clerk_of(report.unit)
    transition(report, "submit", by=clerk)
    client = Client()
    client.force_login(district_user)
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english.force_login(district_user)

    # Under review: the value that differs from the log is marked, the log's value beside it.
    page = client.get(report.get_absolute_url()).content.decode()
    assert '<span class="differs-from-log"' in page and "台账：1" in page
    assert "log: 1" in english.get(report.get_absolute_url()).content.decode()

    transition(report, "approve", by=district_user)
    transition(report, "reopen", by=district_user, reason="补录一次培训")

    response = client.get(report.get_absolute_url())

    history = response.context["history"]
    assert [str(entry.action) for entry in history] == [
        "重新打开",
        "通过",
        "提交",
        "退回",
        "提交",
        "新增",
    ]
    page = response.content.decode()
    assert "请附签到表" in page and "补录一次培训" in page


@pytest.mark.parametrize("unit_count", [38, 400])
def test_the_filtered_queue_reads_a_fixed_number_of_queries(
    client, district_user, unit_count, django_assert_max_num_queries
):
    """Session, user, count, the page of reports, the navigation's counts — whatever the
    filters and the number of reports."""
    build_reports(unit_count, month_count=4)
    MonthlyReport.objects.filter(unit__code__endswith="1").update(warning_count=2)
    client.force_login(district_user)

    with django_assert_max_num_queries(REPORT_QUEUE_MAX_QUERIES):
        response = client.get(
            QUEUE, {"state": "all", "warnings": "no", "sort": "-unit", "unit": "G0"}
        )

    assert response.status_code == 200
    assert response.context["total"] == MonthlyReport.objects.filter(warning_count=0).count()
