"""The scoring arithmetic of an evaluation (standards §1.5): each grade's share of each part,
element subtotals, the total, the zero-item rule and the pass / rectify / fail bands.

Most schemes here are built in memory (`scheme_of`): the scoring is pure and needs no database.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from programs.evaluations import errors
from programs.evaluations.selectors import evaluation_score, item_points
from programs.models import Evaluation, ItemScore, SchemeItem
from tests.factories import (
    EvaluationSchemeFactory,
    SchemeElementFactory,
    SchemeItemFactory,
)

RESULT = Evaluation.Result

# --- Builders -------------------------------------------------------------------------------------


def scheme_of(items_per_element: list[int], **rules):
    """A scheme in memory (with primary keys, saved nowhere) whose elements 1, 2 … hold the given
    numbers of default 3-point items; returns (scheme, items)."""
    scheme = EvaluationSchemeFactory.build(pk=1, **rules)
    items, item_pk = [], 0
    for number, count in enumerate(items_per_element, start=1):
        element = SchemeElementFactory.build(pk=number, scheme=scheme, number=number)
        for item_number in range(1, count + 1):
            item_pk += 1
            items.append(SchemeItemFactory.build(pk=item_pk, element=element, number=item_number))
    return scheme, items


def worth(points: str, **rules):
    """A scheme of one item whose presence part is worth `points` (its other parts nothing), and
    the grades that give it exactly that total."""
    scheme = EvaluationSchemeFactory.build(pk=1, **rules)
    element = SchemeElementFactory.build(pk=1, scheme=scheme, number=1)
    item = SchemeItemFactory.build(
        pk=1,
        element=element,
        number=1,
        presence_points=Decimal(points),
        evidence_points=Decimal(0),
        effect_points=Decimal(0),
    )
    return scheme, [item], {item.pk: ("a", "a", "a")}


def graded(items: list[SchemeItem], grade: str = "a", **exceptions: tuple[str, str, str]):
    """Every item graded `grade` in its three parts, but items named by code ("i3_2" for 3.2)."""
    grades = {item.pk: (grade, grade, grade) for item in items}
    for name, parts in exceptions.items():
        code = name.removeprefix("i").replace("_", ".")
        grades[next(item.pk for item in items if item.code == code)] = parts
    return grades


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


# --- One item -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "points"),
    [("a", "3.0"), ("b", "2.1"), ("c", "0.9"), ("d", "0")],
)
def test_each_grade_earns_its_share_of_every_part(grade, points):
    _scheme, [item] = scheme_of([1])

    assert item_points(item, grade, grade, grade) == Decimal(points)


def test_parts_are_weighted_by_their_own_points():
    _scheme, [item] = scheme_of([1])

    # 0.8 × 100 % + 1.0 × 70 % + 1.2 × 30 %
    assert item_points(item, "a", "b", "c") == Decimal("1.86")


@pytest.mark.parametrize("parts", [("", "a", "a"), ("a", "", "a"), ("a", "a", ""), ("", "", "")])
def test_an_item_with_an_ungraded_part_has_no_points_yet(parts):
    _scheme, [item] = scheme_of([1])

    assert item_points(item, *parts) is None


# --- Totals and subtotals -------------------------------------------------------------------------


def test_element_subtotals_sum_their_items_against_their_maximum():
    scheme, items = scheme_of([2, 1])
    grades = graded(items, "a", i1_2=("b", "b", "b"), i2_1=("c", "c", "c"))

    score = evaluation_score(scheme, items, grades)

    by_number = {element.number: value for element, value in score.elements.items()}
    assert by_number == {
        1: (Decimal("5.10"), Decimal("6.00")),
        2: (Decimal("0.90"), Decimal("3.00")),
    }
    assert score.total == Decimal("6.00")
    assert score.maximum == Decimal("9.00")


def test_the_national_form_of_fifty_items_totals_150_when_all_are_met_well():
    # 12 elements, 50 items of 3 points (§1.5).
    scheme, items = scheme_of([5, 4, 5, 4, 5, 4, 4, 4, 4, 4, 4, 3])
    assert len(items) == 50

    score = evaluation_score(scheme, items, graded(items, "a"))

    assert score.total == Decimal("150.00")
    assert score.maximum == Decimal("150.00")
    assert len(score.elements) == 12
    assert score.result == RESULT.PASS
    assert score.reason == "total 150 reaches the pass mark 100"


def test_the_national_form_all_graded_b_totals_105_and_passes():
    scheme, items = scheme_of([5, 4, 5, 4, 5, 4, 4, 4, 4, 4, 4, 3])

    score = evaluation_score(scheme, items, graded(items, "b"))

    assert score.total == Decimal("105.00")
    assert score.result == RESULT.PASS


def test_the_total_is_rounded_half_up_to_two_places():
    scheme, items, _grades = worth("0.25")

    score = evaluation_score(scheme, items, {items[0].pk: ("b", "a", "a")})  # 0.175

    assert score.total == Decimal("0.18")


def test_ungraded_items_are_counted_and_score_nothing():
    scheme, items = scheme_of([3])
    grades = {items[0].pk: ("a", "a", "a"), items[1].pk: ("a", "", "a")}  # the third: no row

    score = evaluation_score(scheme, items, grades)

    assert score.ungraded == 2
    assert score.total == Decimal("3.00")
    assert score.zero_items == ()
    assert not score.is_complete


def test_item_score_rows_are_read_like_grade_tuples():
    scheme, items = scheme_of([1])
    row = ItemScore(item=items[0], presence="a", evidence="b", effect="d")

    score = evaluation_score(scheme, items, {items[0].pk: row})

    assert score.total == Decimal("1.50")


# --- The zero-item rule ---------------------------------------------------------------------------


def test_an_item_at_zero_fails_the_unit_whatever_its_total():
    scheme, items = scheme_of([5, 4, 5, 4, 5, 4, 4, 4, 4, 4, 4, 3])

    score = evaluation_score(scheme, items, graded(items, "a", i3_2=("d", "d", "d")))

    assert score.total == Decimal("147.00")
    assert score.zero_items == ("3.2",)
    assert score.result == RESULT.FAIL
    assert score.reason == "item 3.2 scored zero"
    assert score.reason == str(errors.SCORE_ITEM_ZERO) % {"items": "3.2"}


def test_a_part_at_d_alone_does_not_make_an_item_zero():
    scheme, items = scheme_of([2])

    score = evaluation_score(scheme, items, graded(items, "a", i1_1=("d", "d", "c")))

    assert score.zero_items == ()
    assert score.result == RESULT.FAIL  # by its total of 3.36, not for a zero item
    assert score.reason == "total 3.36 below 75"


def test_the_reason_names_up_to_three_zero_items_then_how_many_more():
    scheme, items = scheme_of([3, 2])
    zero = ("d", "d", "d")

    two = evaluation_score(scheme, items, graded(items, "a", i1_1=zero, i2_2=zero))
    five = evaluation_score(scheme, items, graded(items, "d"))

    assert two.reason == "items 1.1, 2.2 scored zero"
    assert five.zero_items == ("1.1", "1.2", "1.3", "2.1", "2.2")
    assert five.reason == "items 1.1, 1.2, 1.3 and 2 more scored zero"


def test_without_the_zero_item_rule_zero_items_do_not_fail():
    scheme, items = scheme_of([5, 4, 5, 4, 5, 4, 4, 4, 4, 4, 4, 3], no_zero_item=False)

    score = evaluation_score(scheme, items, graded(items, "a", i3_2=("d", "d", "d")))

    assert score.zero_items == ("3.2",)
    assert score.result == RESULT.PASS


# --- The bands ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("total", "result", "reason"),
    [
        ("150", RESULT.PASS, "total 150 reaches the pass mark 100"),
        ("100", RESULT.PASS, "total 100 reaches the pass mark 100"),
        ("99.99", RESULT.RECTIFY, "total 99.99 below the pass mark 100; may rectify"),
        ("75", RESULT.RECTIFY, "total 75 below the pass mark 100; may rectify"),
        ("74.99", RESULT.FAIL, "total 74.99 below 75"),
        ("0.5", RESULT.FAIL, "total 0.5 below 75"),
    ],
)
def test_the_total_falls_in_the_pass_rectify_or_fail_band(total, result, reason):
    scheme, items, grades = worth(total)

    score = evaluation_score(scheme, items, grades)

    assert score.total == Decimal(total)
    assert (score.result, score.reason) == (result, reason)


@pytest.mark.parametrize(
    ("total", "result"), [("90", RESULT.PASS), ("89.99", RESULT.FAIL), ("60", RESULT.FAIL)]
)
def test_a_scheme_without_a_rectify_band_fails_under_the_pass_mark(total, result):
    scheme, items, grades = worth(
        total, max_score=Decimal(100), pass_mark=Decimal(90), rectify_mark=None
    )

    score = evaluation_score(scheme, items, grades)

    assert score.result == result
    if result == RESULT.FAIL:
        assert score.reason == f"total {total} below 90"


def test_the_reason_follows_the_language_it_is_read_in():
    scheme, items, grades = worth("80")
    score = evaluation_score(scheme, items, grades)

    with translation.override("zh-hans"):
        in_chinese = score.reason

    assert score.reason == str(errors.SCORE_MAY_RECTIFY) % {"total": "80", "pass_mark": "100"}
    assert "80" in in_chinese


# --- Queries --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_scoring_loaded_rows_runs_no_query(django_assert_num_queries):
    scheme = EvaluationSchemeFactory()
    for number in (1, 2, 3):
        element = SchemeElementFactory(scheme=scheme, number=number)
        SchemeItemFactory.create_batch(4, element=element)
    items = list(SchemeItem.objects.filter(element__scheme=scheme).select_related("element"))
    grades = {item.pk: ("a", "b", "c") for item in items}

    with django_assert_num_queries(0):
        score = evaluation_score(scheme, items, grades)

    assert score.total == Decimal("12") * Decimal("1.86")
    assert len(score.elements) == 3
