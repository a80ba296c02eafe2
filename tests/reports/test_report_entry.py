"""The monthly report as the clerk fills it in and the district reviews it: opening pre-filled,
saving (bad input, concurrent edits), the rules at submission, and every transition."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from programs.core.models import Event
from programs.core.transitions import transition
from programs.models import Indicator, MonthlyReport, ReportValue, ValidationRule
from programs.reports import errors
from programs.reports.selectors.rules import report_problems
from programs.reports.services import report_open, report_save
from safecommunity.calendar import Month
from tests.factories import ActivityFactory
from workgroups.models import ActivityKind

pytestmark = pytest.mark.django_db

Status = MonthlyReport.Status
THIS_MONTH = Month.first_day(timezone.localdate())
LAST_MONTH = Month.first_day(THIS_MONTH - timedelta(days=1))


def indicator(code: str, **fields) -> Indicator:
    values = {
        "name": f"指标{code}",
        "unit_of_measure": "次",
        "section": Indicator.Section.WORK,
        "source": Indicator.Source.NONE,
    }
    return Indicator.objects.create(code=code, **{**values, **fields})


def rule(left: Indicator, *, severity=ValidationRule.Severity.ERROR, **fields) -> ValidationRule:
    values = {
        "code": f"rule-{left.code}",
        "name": f"规则{left.code}",
        "operator": ValidationRule.Operator.LTE,
        "severity": severity,
        "message_zh": "整改隐患数不能多于发现隐患数",
        "message_en": "Hazards rectified cannot exceed hazards found",
    }
    return ValidationRule.objects.create(left=left, **{**values, **fields})


@pytest.fixture
def hazards(db):
    """Hazards found and rectified (entered by hand), and the error rule rectified ≤ found."""
    found = indicator("found", name="发现隐患", section=Indicator.Section.HAZARDS, order=1)
    fixed = indicator("fixed", name="整改隐患", section=Indicator.Section.HAZARDS, order=2)
    rule(fixed, right_indicator=found)
    return found, fixed


def save(report, by, values, *, version=None, narrative=None):
    return report_save(
        report=report,
        by=by,
        version=report.version if version is None else version,
        values={i.pk: (value, comment) for i, (value, comment) in values.items()},
        narrative=narrative or {},
    )


def value_of(report, ind) -> ReportValue:
    return ReportValue.objects.get(report=report, indicator=ind)


def submitted(report, by) -> MonthlyReport:
    transition(report, "submit", by=by)
    report.refresh_from_db()
    return report


# --- opening -------------------------------------------------------------------------------------


def test_a_report_opens_prefilled_from_the_activity_log(unit_a, clerk_a):
    trainings = indicator("trainings", source=Indicator.Source.TRAINING_COUNT)
    trainees = indicator("trainees", source=Indicator.Source.TRAINING_PARTICIPANTS)
    deaths = indicator("deaths")
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH, participants=30)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH, participants=12)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=THIS_MONTH, participants=99)

    report = report_open(unit=unit_a, period=LAST_MONTH + timedelta(days=3), by=clerk_a)

    assert (report.period, report.status) == (LAST_MONTH, Status.DRAFT)
    assert (value_of(report, trainings).prefilled, value_of(report, trainings).value) == (2, 2)
    assert (value_of(report, trainees).prefilled, value_of(report, trainees).value) == (42, 42)
    assert (value_of(report, deaths).prefilled, value_of(report, deaths).value) == (None, None)


def test_opening_again_refreshes_the_log_but_keeps_what_the_clerk_saved(unit_a, clerk_a):
    trainings = indicator("trainings", source=Indicator.Source.TRAINING_COUNT)
    drills = indicator("drills", source=Indicator.Source.DRILL_COUNT)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {trainings: (5, "另有两次培训未录入台账"), drills: (0, "")})
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)
    ActivityFactory(unit=unit_a, kind=ActivityKind.DRILL, date=LAST_MONTH)

    again = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)

    assert again.pk == report.pk
    assert MonthlyReport.objects.count() == 1
    row = value_of(report, trainings)
    assert (row.prefilled, row.value, row.comment) == (2, 5, "另有两次培训未录入台账")
    row = value_of(report, drills)
    assert (row.prefilled, row.value) == (1, 0)


def test_a_value_follows_the_log_until_the_report_is_first_saved(unit_a, clerk_a):
    trainings = indicator("trainings", source=Indicator.Source.TRAINING_COUNT)
    report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)

    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)

    assert (value_of(report, trainings).prefilled, value_of(report, trainings).value) == (1, 1)


def test_an_indicator_activated_later_joins_an_open_draft(unit_a, clerk_a):
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    late = indicator("late")

    report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)

    assert value_of(report, late).value is None


# --- saving --------------------------------------------------------------------------------------


def test_saving_stores_values_comments_and_narrative_and_raises_the_version(
    unit_a, clerk_a, hazards
):
    found, fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)

    save(
        report, clerk_a, {found: (4, ""), fixed: (3, "一处待整改")}, narrative={"work_done": "排查"}
    )

    report.refresh_from_db()
    assert report.version == 1
    assert report.work_done == "排查"
    assert (value_of(report, fixed).value, value_of(report, fixed).comment) == (3, "一处待整改")


def test_each_saved_value_keeps_its_history_with_who_and_what(unit_a, clerk_a, hazards):
    found, _fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)

    save(report, clerk_a, {found: (4, "")})
    save(report, clerk_a, {found: (6, "补录两处")})

    history = value_of(report, found).history.order_by("history_id")
    assert [(h.value, h.comment, h.history_user) for h in history][-2:] == [
        (4, "", clerk_a),
        (6, "补录两处", clerk_a),
    ]


def test_a_save_against_an_old_version_is_a_conflict_and_stores_nothing(unit_a, clerk_a, hazards):
    found, fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {found: (4, ""), fixed: (1, "")}, version=0)

    with pytest.raises(errors.ReportConflict) as caught:
        save(report, clerk_a, {found: (9, ""), fixed: (1, "")}, version=0)

    assert caught.value.conflicts == {found.pk: (9, 4)}
    assert value_of(report, found).value == 4
    report.refresh_from_db()
    assert report.version == 1


def test_a_submitted_report_cannot_be_saved(unit_a, clerk_a, hazards):
    found, _fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    submitted(report, clerk_a)

    with pytest.raises(errors.ReportError):
        save(report, clerk_a, {found: (1, "")})

    assert value_of(report, found).value is None


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_the_same_draft_at_once_one_wins_the_other_gets_a_conflict(
    unit_a, clerk_a, district_user, hazards
):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks (select_for_update); this needs PostgreSQL")
    found, fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def editor(name, user, value):
        from django.db import connections

        try:
            barrier.wait()
            mine = MonthlyReport.objects.get(pk=report.pk)
            save(mine, user, {found: (value, ""), fixed: (0, "")}, version=0)
            outcomes[name] = "saved"
        except errors.ReportConflict as conflict:
            outcomes[name] = conflict
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=editor, args=("clerk", clerk_a, 7)),
        threading.Thread(target=editor, args=("office", district_user, 8)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(str(type(o).__name__) for o in outcomes.values()) == ["ReportConflict", "str"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    loser = next(outcome for outcome in outcomes.values() if outcome != "saved")
    stored = value_of(report, found).value
    assert stored == {"clerk": 7, "office": 8}[winner]
    mine, theirs = loser.conflicts[found.pk]
    assert theirs == stored and mine != stored
    report.refresh_from_db()
    assert report.version == 1


@pytest.mark.django_db(transaction=True)
def test_opening_a_report_while_it_is_being_saved_keeps_the_saved_values(
    unit_a, clerk_a, monkeypatch
):
    """Two clerks of one unit: one opens the report (which refreshes what the log suggests),
    the other saves it at that moment. The opening must not write back the values it read
    before the save committed."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks (select_for_update); this needs PostgreSQL")
    from django.db import connections

    from programs.reports import services

    trainings = indicator("trainings", source=Indicator.Source.TRAINING_COUNT)
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {trainings: (5, "另有培训未录入台账")})
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)  # log: 0 → 1
    # Hold the opening just before it writes what it refreshed, while the other clerk saves.
    write_refreshed = services.bulk_update_with_history
    holding, go_on, saved = threading.Event(), threading.Event(), threading.Event()

    def held(*args, **kwargs):
        if threading.current_thread().name == "opening":
            holding.set()
            go_on.wait(10)
        return write_refreshed(*args, **kwargs)

    monkeypatch.setattr(services, "bulk_update_with_history", held)

    def opening():
        try:
            report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
        finally:
            connections.close_all()

    def saving():
        try:
            holding.wait(10)
            save(MonthlyReport.objects.get(pk=report.pk), clerk_a, {trainings: (9, "九次")})
            saved.set()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=opening, name="opening"), threading.Thread(target=saving)]
    for thread in threads:
        thread.start()
    saved.wait(2)  # the save waits for the opening (or, wrongly, commits under it)
    go_on.set()
    for thread in threads:
        thread.join(20)

    row = value_of(report, trainings)
    assert (row.prefilled, row.value, row.comment) == (1, 9, "九次")


# --- problems and submission ---------------------------------------------------------------------


def test_an_error_rule_blocks_submission_with_its_message(unit_a, clerk_a, hazards):
    found, fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {found: (2, ""), fixed: (3, "")})

    with pytest.raises(errors.ReportError) as caught:
        transition(report, "submit", by=clerk_a)

    found_errors, warnings = caught.value.problems
    message = ValidationRule.objects.get().message
    assert [(p.indicator_id, p.message) for p in found_errors] == [(fixed.pk, message)]
    assert warnings == []
    report.refresh_from_db()
    assert report.status == Status.DRAFT


def test_a_broken_warning_rule_needs_a_comment_before_submission(unit_a, clerk_a):
    deaths = indicator("deaths")
    rule(deaths, severity=ValidationRule.Severity.WARNING, right_constant=Decimal(0))
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {deaths: (1, "")})

    with pytest.raises(errors.ReportError):
        transition(report, "submit", by=clerk_a)
    found_errors, warnings = report_problems(report)
    assert found_errors == [] and [w.indicator_id for w in warnings] == [deaths.pk]

    save(report, clerk_a, {deaths: (1, "交通事故一人死亡，已上报")})
    assert submitted(report, clerk_a).status == Status.SUBMITTED


def test_a_value_changed_from_the_log_needs_a_comment(unit_a, clerk_a):
    trainings = indicator("trainings", source=Indicator.Source.TRAINING_COUNT)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {trainings: (3, "")})

    _errors, warnings = report_problems(report)

    assert [w.message for w in warnings] == [
        str(errors.CHANGED_VALUE_NEEDS_COMMENT) % {"prefilled": 1}
    ]
    save(report, clerk_a, {trainings: (3, "两次培训在村里举办")})
    assert report_problems(report) == ([], [])


# --- transitions ---------------------------------------------------------------------------------


@pytest.fixture
def report(unit_a, clerk_a) -> MonthlyReport:
    return report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)


def test_submit_approve_records_who_and_when(report, clerk_a, district_user):
    submitted(report, clerk_a)
    assert (report.status, report.submitted_by) == (Status.SUBMITTED, clerk_a)
    assert report.first_submitted_at is not None

    transition(report, "approve", by=district_user)
    report.refresh_from_db()
    assert (report.status, report.reviewed_by, report.approved_once) == (
        Status.APPROVED,
        district_user,
        True,
    )


def test_return_needs_a_reason_and_opens_the_report_for_editing_again(
    report, clerk_a, district_user
):
    submitted(report, clerk_a)
    first = report.first_submitted_at

    with pytest.raises(errors.ReportError, match=str(errors.REPORT_RETURN_NEEDS_REASON)):
        transition(report, "return", by=district_user, reason="  ")
    transition(report, "return", by=district_user, reason="数字有误")
    report.refresh_from_db()
    assert (report.status, report.return_reason, report.is_editable) == (
        Status.RETURNED,
        "数字有误",
        True,
    )

    assert submitted(report, clerk_a).status == Status.SUBMITTED
    assert report.first_submitted_at == first  # timeliness counts from the first submission


def test_reopen_needs_a_reason_and_counts_values_changed_after_approval(
    unit_a, clerk_a, district_user, hazards
):
    found, fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {found: (3, ""), fixed: (2, "")})
    transition(submitted(report, clerk_a), "approve", by=district_user)

    with pytest.raises(errors.ReportError, match=str(errors.REPORT_REOPEN_NEEDS_REASON)):
        transition(report, "reopen", by=district_user, reason="")
    transition(report, "reopen", by=district_user, reason="区里复核发现漏报")
    report.refresh_from_db()
    assert report.status == Status.DRAFT
    save(report, clerk_a, {found: (4, ""), fixed: (2, "已核对")})

    assert list(
        ReportValue.objects.filter(report=report, changed_after_approval=True).values_list(
            "indicator__code", flat=True
        )
    ) == ["found"]
    browser = Client()
    browser.force_login(district_user)
    response = browser.get(report.get_absolute_url())
    assert response.context["changed_after_approval"] == 1
    assert 'id="changed-after-approval"' in response.content.decode()


@pytest.mark.parametrize(
    ("state", "action", "by"),
    [
        (Status.DRAFT, "approve", "district_user"),
        (Status.DRAFT, "return", "district_user"),
        (Status.DRAFT, "reopen", "district_user"),
        (Status.SUBMITTED, "submit", "clerk_a"),
        (Status.SUBMITTED, "reopen", "district_user"),
        (Status.APPROVED, "submit", "clerk_a"),
        (Status.APPROVED, "approve", "district_user"),
        (Status.APPROVED, "return", "district_user"),
        (Status.RETURNED, "approve", "district_user"),
        (Status.RETURNED, "return", "district_user"),
        (Status.RETURNED, "reopen", "district_user"),
        (Status.SUBMITTED, "approve", "clerk_a"),
        (Status.SUBMITTED, "return", "clerk_a"),
        (Status.APPROVED, "reopen", "clerk_a"),
    ],
)
def test_illegal_moves_are_refused_and_change_nothing(request, report, state, action, by):
    MonthlyReport.objects.filter(pk=report.pk).update(
        status=state, return_reason="理由" if state == Status.RETURNED else ""
    )
    report.refresh_from_db()
    user = request.getfixturevalue(by)

    with pytest.raises(errors.ReportError):
        if action == "submit":
            transition(report, "submit", by=user)
        elif action == "approve":
            transition(report, "approve", by=user)
        elif action == "return":
            transition(report, "return", by=user, reason="理由")
        else:
            transition(report, "reopen", by=user, reason="理由")

    report.refresh_from_db()
    assert report.status == state


# --- pages ---------------------------------------------------------------------------------------


def detail_url(unit, period: date) -> str:
    return reverse("programs:report-detail", args=[unit.code, f"{period:%Y-%m}"])


def form_data(report: MonthlyReport, **values) -> dict[str, str]:
    data = {"version": str(report.version), "work_done": "", "problems": "", "next_plan": ""}
    for row in report.values.select_related("indicator"):
        data[f"value_{row.indicator_id}"] = values.get(row.indicator.code, "")
        data[f"comment_{row.indicator_id}"] = ""
    return data


def test_the_clerk_opens_the_month_and_sees_the_log_beside_each_value(client, unit_a, clerk_a):
    indicator("trainings", name="培训次数", source=Indicator.Source.TRAINING_COUNT)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)
    client.force_login(clerk_a)

    response = client.get(detail_url(unit_a, LAST_MONTH))

    assert response.status_code == 200
    assert MonthlyReport.objects.filter(unit=unit_a, period=LAST_MONTH).exists()
    assert 'name="value_' in response.content.decode()


@pytest.mark.parametrize("period", ["2025-13", "2025-1", "abcd-ef", "2999-01"])
def test_a_bad_or_future_month_is_not_found(client, unit_a, clerk_a, period):
    client.force_login(clerk_a)

    response = client.get(reverse("programs:report-detail", args=[unit_a.code, period]))

    assert response.status_code == 404
    assert not MonthlyReport.objects.exists()


def test_a_reader_sees_only_reports_that_exist(client, unit_a, clerk_a, provider):
    client.force_login(provider)
    assert client.get(detail_url(unit_a, LAST_MONTH)).status_code == 404
    assert not MonthlyReport.objects.exists()

    report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    response = client.get(detail_url(unit_a, LAST_MONTH))
    assert response.status_code == 200
    assert 'id="report-form"' not in response.content.decode()


@pytest.mark.parametrize("bad", ["-1", "abc", "99999999"])
def test_bad_input_is_refused_at_the_field_and_nothing_is_saved(
    client, unit_a, clerk_a, hazards, bad
):
    found, _fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    client.force_login(clerk_a)

    response = client.post(detail_url(unit_a, LAST_MONTH), form_data(report, found="3", fixed=bad))

    assert response.status_code == 200
    html = response.content.decode()
    row = html.split('id="indicator-fixed"')[1].split("</tr>")[0]
    assert "invalid-feedback" in row
    assert value_of(report, found).value is None
    report.refresh_from_db()
    assert report.version == 0


def test_a_conflicting_save_shows_both_values(client, unit_a, clerk_a, district_user, hazards):
    found, fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    stale = form_data(report, found="5", fixed="1")
    save(report, district_user, {found: (4, ""), fixed: (1, "")})
    client.force_login(clerk_a)

    response = client.post(detail_url(unit_a, LAST_MONTH), stale)

    assert response.status_code == 409
    html = response.content.decode()
    assert str(errors.REPORT_EDIT_CONFLICT) in html
    row = html.split('id="indicator-found"')[1].split("</tr>")[0]
    assert 'value="5"' in row and "4" in row.split("conflict")[1]
    assert value_of(report, found).value == 4


def test_a_failed_submit_shows_the_rule_at_its_row(client, unit_a, clerk_a, hazards):
    found, fixed = hazards
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {found: (1, ""), fixed: (2, "")})
    client.force_login(clerk_a)
    url = reverse("programs:report-transition", args=[unit_a.code, f"{LAST_MONTH:%Y-%m}", "submit"])

    response = client.post(url, follow=True)

    html = response.content.decode()
    row = html.split('id="indicator-fixed"')[1].split("</tr>")[0]
    assert ValidationRule.objects.get().message in row
    report.refresh_from_db()
    assert report.status == Status.DRAFT


def test_a_clerk_cannot_approve_through_the_page(client, report, clerk_a):
    submitted(report, clerk_a)
    client.force_login(clerk_a)
    url = reverse(
        "programs:report-transition", args=[report.unit.code, f"{LAST_MONTH:%Y-%m}", "approve"]
    )

    client.post(url)

    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_return_without_a_reason_through_the_page_is_refused(
    client, report, clerk_a, district_user
):
    submitted(report, clerk_a)
    client.force_login(district_user)
    url = reverse(
        "programs:report-transition", args=[report.unit.code, f"{LAST_MONTH:%Y-%m}", "return"]
    )

    client.post(url, {"reason": ""})

    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_the_report_list_shows_the_months_since_the_unit_joined(client, unit_a, clerk_a):
    unit_a.joined_on = Month.first_day(LAST_MONTH - timedelta(days=1)) + timedelta(days=10)
    unit_a.save()
    report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    client.force_login(clerk_a)

    response = client.get(reverse("programs:report-list", args=[unit_a.code]))

    assert [m.period for m in response.context["months"]] == [
        THIS_MONTH,
        LAST_MONTH,
        Month.first_day(LAST_MONTH - timedelta(days=1)),
    ]


@pytest.mark.parametrize("count", [5, 28])
def test_the_report_page_runs_a_bounded_number_of_queries(
    client, unit_a, clerk_a, django_assert_max_num_queries, count
):
    sources = [s for s in Indicator.Source.values if s != Indicator.Source.NONE]
    made = [
        indicator(f"i{n}", source=sources[n] if n < len(sources) else Indicator.Source.NONE)
        for n in range(count)
    ]
    for left, right in pairwise(made):
        rule(left, code=f"r-{left.code}", name=f"r{left.code}", right_indicator=right)
    ActivityFactory(unit=unit_a, kind=ActivityKind.TRAINING, date=LAST_MONTH)
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    save(report, clerk_a, {ind: (1, "") for ind in made})
    client.force_login(clerk_a)

    # 14 at 5 indicators, 16 at 28 (the projects-under-way source adds its count query, the
    # injury-record sources their aggregate).
    with django_assert_max_num_queries(16 + 1):  # + the header's bell
        response = client.get(detail_url(unit_a, LAST_MONTH) + "?check=1")

    assert response.status_code == 200
    assert response.content.decode().count('name="value_') == count


def test_opening_a_months_report_logs_its_creation_once(unit_a, clerk_a):
    report = report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)
    report_open(unit=unit_a, period=LAST_MONTH, by=clerk_a)

    (created,) = Event.objects.of(report)
    assert (created.kind, created.actor, created.data) == (
        Event.Kind.CREATED,
        clerk_a,
        {"period": f"{LAST_MONTH:%Y-%m}"},
    )
