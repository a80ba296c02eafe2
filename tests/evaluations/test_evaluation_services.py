"""The use cases of evaluations: opening a round, grading, finalising and locking, starting from
the unit's previous evaluation, who may see and grade what, and the queries a round costs."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from programs.core.models import Event
from programs.evaluations import errors
from programs.evaluations.selectors import evaluation_latest
from programs.evaluations.services import evaluation_finalise, evaluation_grade, round_open
from programs.models import (
    Evaluation,
    EvaluationRound,
    Evidence,
    ItemScore,
    SchemeItem,
    User,
)
from tests.factories import (
    ActivityFactory,
    EvaluationSchemeFactory,
    SchemeElementFactory,
    SchemeItemFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

KIND = EvaluationRound.Kind
RESULT = Evaluation.Result
ALL_A = ("a", "a", "a", "")

# --- Fixtures and builders ------------------------------------------------------------------------


@pytest.fixture
def scheme():
    """Two elements of two 3-point items (1.1, 1.2, 2.1, 2.2): 12 points, pass at 8, rectify
    from 6."""
    scheme = EvaluationSchemeFactory(
        max_score=Decimal(12), pass_mark=Decimal(8), rectify_mark=Decimal(6)
    )
    for number in (1, 2):
        element = SchemeElementFactory(scheme=scheme, number=number)
        SchemeItemFactory(element=element, number=1)
        SchemeItemFactory(element=element, number=2)
    return scheme


@pytest.fixture
def items(scheme):
    """The scheme's items by code."""
    rows = SchemeItem.objects.filter(element__scheme=scheme).select_related("element")
    return {item.code: item for item in rows}


def open_round(scheme, units, by, *, kind=KIND.SELF, evaluators=(), name="", **options):
    today = timezone.localdate()
    return round_open(
        scheme=scheme,
        kind=kind,
        name=name or f"{kind} round",
        opens_on=today,
        closes_on=today + timedelta(days=30),
        units=units,
        evaluators=evaluators,
        by=by,
        **options,
    )


def evaluation_of(evaluation_round, unit) -> Evaluation:
    return Evaluation.objects.get(round=evaluation_round, unit=unit)


def grade_all(evaluation, by, items, grades=ALL_A, **exceptions):
    """Grade every item `grades`, but items named by code ("i2_1" for 2.1)."""
    given = {item.pk: grades for item in items.values()}
    for name, parts in exceptions.items():
        given[items[name.removeprefix("i").replace("_", ".")].pk] = parts
    return evaluation_grade(evaluation=evaluation, by=by, grades=given)


def final_evaluation(scheme, unit, by, items, grades=ALL_A, **exceptions) -> Evaluation:
    """A district review of `unit`, graded and finalised (all a unless told)."""
    evaluation = evaluation_of(open_round(scheme, [unit], by, kind=KIND.DISTRICT), unit)
    grade_all(evaluation, by, items, grades, **exceptions)
    return evaluation_finalise(evaluation=evaluation, by=by)


def database_state(evaluation):
    evaluation.refresh_from_db()
    scores = list(
        ItemScore.objects.filter(evaluation=evaluation)
        .order_by("item_id")
        .values_list("item_id", "presence", "evidence", "effect", "comment")
    )
    fields = ("status", "total", "result", "result_reason", "finalised_at", "finalised_by_id")
    return {name: getattr(evaluation, name) for name in fields}, scores


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- Opening a round ------------------------------------------------------------------------------


def test_opening_a_round_creates_a_draft_evaluation_per_unit_with_a_row_per_item(
    scheme, items, unit_a, unit_b, district_user, evaluator
):
    evaluation_round = open_round(
        scheme, [unit_a, unit_b], district_user, kind=KIND.DISTRICT, evaluators=[evaluator]
    )

    evaluation_round.refresh_from_db()
    assert evaluation_round.created_by == district_user
    assert list(evaluation_round.evaluators.all()) == [evaluator]
    evaluations = Evaluation.objects.filter(round=evaluation_round)
    assert {e.unit for e in evaluations} == {unit_a, unit_b}
    assert {e.status for e in evaluations} == {Evaluation.Status.DRAFT}
    for evaluation in evaluations:
        rows = ItemScore.objects.filter(evaluation=evaluation)
        assert {row.item_id for row in rows} == {item.pk for item in items.values()}
        assert {(row.presence, row.evidence, row.effect) for row in rows} == {("", "", "")}
        assert evaluation.history.count() == 1


@pytest.mark.parametrize("who", ["clerk_a", "evaluator", "provider"])
def test_only_district_staff_open_a_round(request, scheme, unit_a, who):
    user = request.getfixturevalue(who)

    with pytest.raises(errors.EvaluationError) as refused:
        open_round(scheme, [unit_a], user)

    assert str(refused.value) == str(errors.EVALUATION_ROUND_NOT_ALLOWED)
    assert not EvaluationRound.objects.exists()
    assert not Evaluation.objects.exists()


def test_a_round_that_closes_before_it_opens_is_refused(scheme, unit_a, district_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        round_open(
            scheme=scheme,
            kind=KIND.SELF,
            name="backwards",
            opens_on=date(2026, 5, 1),
            closes_on=date(2026, 4, 1),
            units=[unit_a],
            evaluators=[],
            by=district_user,
        )

    assert not EvaluationRound.objects.exists()


# --- Grading --------------------------------------------------------------------------------------


def test_grading_stores_the_changed_rows_with_their_history(scheme, items, unit_a, district_user):
    evaluation = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)
    item = items["1.2"]

    evaluation_grade(
        evaluation=evaluation,
        by=district_user,
        grades={item.pk: ("a", "b", "c", "  会议纪要齐全  ")},
    )

    row = ItemScore.objects.get(evaluation=evaluation, item=item)
    assert (row.presence, row.evidence, row.effect, row.comment) == ("a", "b", "c", "会议纪要齐全")
    latest = row.history.first()
    assert latest.history_user == district_user
    assert latest.evidence == "b"
    untouched = ItemScore.objects.get(evaluation=evaluation, item=items["1.1"])
    assert untouched.history.count() == 1


def test_grading_an_unchanged_row_writes_nothing(scheme, items, unit_a, district_user):
    evaluation = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)
    item = items["1.1"]
    grades = {item.pk: ("a", "a", "b", "")}
    evaluation_grade(evaluation=evaluation, by=district_user, grades=grades)

    evaluation_grade(evaluation=evaluation, by=district_user, grades=grades)

    assert ItemScore.objects.get(evaluation=evaluation, item=item).history.count() == 2


def test_a_grade_that_is_not_a_to_d_is_refused(scheme, items, unit_a, district_user):
    evaluation = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)

    with pytest.raises(errors.EvaluationError) as refused:
        evaluation_grade(
            evaluation=evaluation,
            by=district_user,
            grades={items["1.1"].pk: ("a", "e", "a", "")},
        )

    assert str(refused.value) == str(errors.EVALUATION_GRADE_INVALID) % {"grade": "e"}
    row = ItemScore.objects.get(evaluation=evaluation, item=items["1.1"])
    assert row.evidence == ""


def test_an_item_of_another_scheme_is_refused(scheme, items, unit_a, district_user):
    evaluation = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)
    stranger = SchemeItemFactory()

    with pytest.raises(errors.EvaluationError) as refused:
        evaluation_grade(
            evaluation=evaluation,
            by=district_user,
            grades={items["1.1"].pk: ALL_A, stranger.pk: ALL_A},
        )

    assert str(refused.value) == str(errors.EVALUATION_ITEM_UNKNOWN) % {"item": stranger.pk}
    assert ItemScore.objects.get(evaluation=evaluation, item=items["1.1"]).presence == ""


# --- Finalising and locking -----------------------------------------------------------------------


def test_finalising_records_the_total_the_result_and_the_reason(
    scheme, items, unit_a, district_user
):
    evaluation = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)
    grade_all(evaluation, district_user, items, ("b", "b", "b", ""))  # 4 × 2.1 = 8.4

    evaluation_finalise(evaluation=evaluation, by=district_user)

    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.FINAL
    assert evaluation.total == Decimal("8.40")
    assert evaluation.result == RESULT.PASS
    assert evaluation.result_reason == "total 8.4 reaches the pass mark 8"
    assert evaluation.finalised_by == district_user
    assert evaluation.finalised_at is not None
    assert evaluation.history.first().history_user == district_user


def test_finalising_gives_rectify_and_names_the_zero_item(scheme, items, unit_a, district_user):
    rectify = final_evaluation(
        scheme, unit_a, district_user, items, ("c", "c", "c", ""), i1_1=ALL_A, i1_2=ALL_A
    )
    zero = final_evaluation(scheme, unit_a, district_user, items, i2_1=("d", "d", "d", ""))

    rectify.refresh_from_db()
    zero.refresh_from_db()
    assert (rectify.total, rectify.result, rectify.result_reason) == (
        Decimal("7.80"),
        RESULT.RECTIFY,
        "total 7.8 below the pass mark 8; may rectify",
    )
    assert (zero.total, zero.result, zero.result_reason) == (
        Decimal("9.00"),
        RESULT.FAIL,
        "item 2.1 scored zero",
    )


def test_finalising_is_refused_while_items_are_ungraded(scheme, items, unit_a, district_user):
    evaluation = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)
    grade_all(evaluation, district_user, items, i1_2=("a", "", "a", ""), i2_2=("", "", "", ""))

    with pytest.raises(errors.EvaluationError) as refused:
        evaluation_finalise(evaluation=evaluation, by=district_user)

    assert str(refused.value) == str(errors.EVALUATION_UNGRADED) % {"count": 2}
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.total is None


def test_a_finalised_evaluation_is_locked_against_grading_and_finalising(
    scheme, items, unit_a, district_user
):
    evaluation = final_evaluation(scheme, unit_a, district_user, items)
    before = database_state(evaluation)
    stale = Evaluation.objects.get(pk=evaluation.pk)
    stale.status = Evaluation.Status.DRAFT  # a page loaded before it was finalised

    with pytest.raises(errors.EvaluationError) as grading:
        grade_all(stale, district_user, items, ("d", "d", "d", "改分"))
    with pytest.raises(errors.EvaluationError) as finalising:
        evaluation_finalise(evaluation=stale, by=district_user)

    assert str(grading.value) == str(finalising.value) == str(errors.EVALUATION_LOCKED)
    assert database_state(evaluation) == before


# --- Starting from the previous evaluation -------------------------------------------------------


def test_a_new_evaluation_starts_from_the_units_latest_final_one(
    scheme, items, unit_a, district_user
):
    older = final_evaluation(scheme, unit_a, district_user, items, ("c", "c", "c", "旧"))
    latest = evaluation_of(open_round(scheme, [unit_a], district_user, kind=KIND.DISTRICT), unit_a)
    grade_all(latest, district_user, items, i1_1=("a", "b", "c", "台账齐全"))
    evaluation_finalise(evaluation=latest, by=district_user)
    activity = ActivityFactory(unit=unit_a)
    evidence = Evidence.objects.create(unit=unit_a, activity=activity, title="签到表")
    ItemScore.objects.get(evaluation=latest, item=items["1.1"]).evidence_links.add(evidence)

    new = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)

    assert older != latest
    assert new.started_from == latest
    copied = ItemScore.objects.get(evaluation=new, item=items["1.1"])
    assert (copied.presence, copied.evidence, copied.effect) == ("a", "b", "c")
    assert copied.comment == "台账齐全"
    assert list(copied.evidence_links.all()) == [evidence]
    other = ItemScore.objects.get(evaluation=new, item=items["2.2"])
    assert (other.presence, other.evidence, other.effect) == ("a", "a", "a")
    assert new.status == Evaluation.Status.DRAFT


def test_a_previous_draft_is_not_a_starting_point(scheme, items, unit_a, district_user):
    draft = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)
    grade_all(draft, district_user, items)

    new = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)

    assert new.started_from is None
    assert set(ItemScore.objects.filter(evaluation=new).values_list("presence", flat=True)) == {""}


def test_a_final_evaluation_against_another_scheme_is_not_a_starting_point(
    scheme, items, unit_a, district_user
):
    other_scheme = EvaluationSchemeFactory()
    SchemeItemFactory(element=SchemeElementFactory(scheme=other_scheme))
    other_items = {
        item.code: item
        for item in SchemeItem.objects.filter(element__scheme=other_scheme).select_related(
            "element"
        )
    }
    final_evaluation(other_scheme, unit_a, district_user, other_items)

    new = evaluation_of(open_round(scheme, [unit_a], district_user), unit_a)

    assert new.started_from is None


def test_a_round_may_start_every_unit_afresh(scheme, items, unit_a, district_user):
    final_evaluation(scheme, unit_a, district_user, items)

    new = evaluation_of(
        open_round(scheme, [unit_a], district_user, start_from_previous=False), unit_a
    )

    assert new.started_from is None
    assert not ItemScore.objects.filter(evaluation=new).exclude(presence="").exists()


def test_the_latest_evaluation_is_the_last_finalised(scheme, items, unit_a, unit_b, district_user):
    assert evaluation_latest(unit_a) is None
    first = final_evaluation(scheme, unit_a, district_user, items)
    second = final_evaluation(scheme, unit_a, district_user, items, i1_1=("b", "b", "b", ""))
    open_round(scheme, [unit_a], district_user)  # a draft comes later: not counted
    final_evaluation(scheme, unit_b, district_user, items)

    assert first != second
    assert evaluation_latest(unit_a) == second
    assert evaluation_latest(unit_a, scheme) == second
    assert evaluation_latest(unit_a, EvaluationSchemeFactory()) is None


# --- Who may see and grade what -------------------------------------------------------------------


@pytest.fixture
def rounds(scheme, unit_a, unit_b, district_user, evaluator):
    """A self-assessment of both units, and a district review of both with `evaluator` named."""
    return {
        "self": open_round(scheme, [unit_a, unit_b], district_user, kind=KIND.SELF),
        "review": open_round(
            scheme, [unit_a, unit_b], district_user, kind=KIND.DISTRICT, evaluators=[evaluator]
        ),
    }


def test_a_clerk_grades_their_own_units_self_assessment(rounds, items, unit_a, clerk_a):
    evaluation = evaluation_of(rounds["self"], unit_a)

    grade_all(evaluation, clerk_a, items, ("b", "b", "b", ""))
    evaluation_finalise(evaluation=evaluation, by=clerk_a)

    evaluation.refresh_from_db()
    assert (evaluation.status, evaluation.finalised_by) == (Evaluation.Status.FINAL, clerk_a)


@pytest.mark.parametrize(
    ("round_name", "unit"),
    [("review", "unit_a"), ("self", "unit_b"), ("review", "unit_b")],
)
def test_a_clerk_cannot_grade_a_district_review_or_another_unit(
    request, rounds, items, clerk_a, round_name, unit
):
    evaluation = evaluation_of(rounds[round_name], request.getfixturevalue(unit))
    before = database_state(evaluation)

    with pytest.raises(errors.EvaluationError) as grading:
        grade_all(evaluation, clerk_a, items)
    with pytest.raises(errors.EvaluationError) as finalising:
        evaluation_finalise(evaluation=evaluation, by=clerk_a)

    assert str(grading.value) == str(finalising.value) == str(errors.EVALUATION_NOT_ALLOWED)
    assert database_state(evaluation) == before


def test_an_evaluator_grades_only_the_rounds_they_are_named_in(
    rounds, items, unit_a, unit_b, evaluator
):
    for unit in (unit_a, unit_b):
        grade_all(evaluation_of(rounds["review"], unit), evaluator, items)
    self_assessment = evaluation_of(rounds["self"], unit_a)

    with pytest.raises(errors.EvaluationError):
        grade_all(self_assessment, evaluator, items)

    graded = ItemScore.objects.exclude(presence="")
    assert set(graded.values_list("evaluation__round", flat=True)) == {rounds["review"].pk}
    assert graded.count() == 2 * len(items)


def test_a_provider_grades_nothing(rounds, items, unit_a, provider):
    with pytest.raises(errors.EvaluationError):
        grade_all(evaluation_of(rounds["review"], unit_a), provider, items)

    assert not ItemScore.objects.exclude(presence="").exists()


def visible(user):
    return {
        "evaluations": set(
            Evaluation.objects.visible_to(user).values_list("round__kind", "unit__code")
        ),
        "editable": set(
            Evaluation.objects.editable_by(user).values_list("round__kind", "unit__code")
        ),
        "rounds": set(EvaluationRound.objects.visible_to(user).values_list("kind", flat=True)),
        "rounds_editable": set(
            EvaluationRound.objects.editable_by(user).values_list("kind", flat=True)
        ),
    }


EVERY = {("self", "A01"), ("self", "B01"), ("district", "A01"), ("district", "B01")}


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (
            "district_user",
            {
                "evaluations": EVERY,
                "editable": EVERY,
                "rounds": {"self", "district"},
                "rounds_editable": {"self", "district"},
            },
        ),
        (
            "clerk_a",
            {
                "evaluations": {("self", "A01"), ("district", "A01")},
                "editable": {("self", "A01")},
                "rounds": {"self", "district"},
                "rounds_editable": set(),
            },
        ),
        (
            "clerk_b",
            {
                "evaluations": {("self", "B01"), ("district", "B01")},
                "editable": {("self", "B01")},
                "rounds": {"self", "district"},
                "rounds_editable": set(),
            },
        ),
        (
            "evaluator",
            {
                "evaluations": {("district", "A01"), ("district", "B01")},
                "editable": {("district", "A01"), ("district", "B01")},
                "rounds": {"district"},
                "rounds_editable": set(),
            },
        ),
        (
            "provider",
            {"evaluations": set(), "editable": set(), "rounds": set(), "rounds_editable": set()},
        ),
    ],
)
def test_who_sees_and_edits_which_evaluations(request, rounds, who, expected):
    assert visible(request.getfixturevalue(who)) == expected


def test_a_clerk_sees_only_the_rounds_that_evaluate_their_unit(scheme, unit_b, district_user):
    open_round(scheme, [unit_b], district_user, name="仅乙")
    clerk = UserFactory(username="clerk_c", role=User.Role.CLERK, unit=UnitFactory())

    assert not EvaluationRound.objects.visible_to(clerk).exists()
    assert not Evaluation.objects.visible_to(clerk).exists()


def test_finalised_evaluations_are_editable_by_nobody(scheme, items, unit_a, district_user):
    evaluation = final_evaluation(scheme, unit_a, district_user, items)

    assert Evaluation.objects.visible_to(district_user).filter(pk=evaluation.pk).exists()
    assert not Evaluation.objects.editable_by(district_user).filter(pk=evaluation.pk).exists()


# --- Queries --------------------------------------------------------------------------------------


@pytest.mark.parametrize("unit_count", [2, 20])
def test_opening_a_round_costs_the_same_queries_for_2_or_20_units(
    scheme, items, district_user, evaluator, django_assert_max_num_queries, unit_count
):
    units = UnitFactory.create_batch(unit_count)
    # Half the units have a final evaluation to start from, with an evidence link to copy.
    for unit in units[::2]:
        previous = final_evaluation(scheme, unit, district_user, items)
        evidence = Evidence.objects.create(
            unit=unit, activity=ActivityFactory(unit=unit), title="签到表"
        )
        ItemScore.objects.get(evaluation=previous, item=items["1.1"]).evidence_links.add(evidence)

    # 31, and 2 for the notification of the evaluator named (whatever the number of units).
    with django_assert_max_num_queries(33):
        evaluation_round = open_round(
            scheme, units, district_user, kind=KIND.EXPERT, evaluators=[evaluator]
        )

    assert Evaluation.objects.filter(round=evaluation_round).count() == unit_count
    assert ItemScore.objects.filter(evaluation__round=evaluation_round).count() == 4 * unit_count
    started = Evaluation.objects.filter(round=evaluation_round, started_from__isnull=False)
    assert started.count() == len(units[::2])


def test_opening_a_round_logs_it_and_each_evaluator_named(
    scheme, unit_a, unit_b, district_user, evaluator
):
    evaluation_round = open_round(
        scheme, [unit_a, unit_b], district_user, kind=KIND.EXPERT, evaluators=[evaluator]
    )

    events = Event.objects.of(evaluation_round).order_by("pk")
    assert [(e.kind, e.actor, e.data) for e in events] == [
        (Event.Kind.CREATED, district_user, {"units": 2}),
        (Event.Kind.ASSIGNED, district_user, {"evaluator": evaluator.pk}),
    ]
