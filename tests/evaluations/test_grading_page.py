"""The grading page: what the grades mean, each item's points, a zero item marked, grading only
inside the round's window, and finalising only after a confirmation."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from programs.evaluations import errors
from programs.models import Evaluation, EvaluationRound, ItemScore
from tests.evaluations.test_evaluation_pages import (
    CONFIRMED,
    grades_post,
    message_texts,
    open_round,
)
from tests.factories import UnitFactory


def detail(evaluation: Evaluation) -> str:
    return reverse("programs:evaluation-detail", args=[evaluation.pk])


def finalise(evaluation: Evaluation) -> str:
    return reverse("programs:evaluation-finalise", args=[evaluation.pk])


@pytest.fixture
def draft(district_user, unit_a) -> Evaluation:
    return open_round(district_user, [unit_a]).evaluations.get()


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("en", ["a — meets the requirement well (100 %)", "d — missing or falsified (0 %)"]),
        ("zh-hans", ["a：符合要求（100%）", "d：缺失或弄虚作假（0%）", "评分等级"]),
    ],
)
def test_the_page_says_what_each_grade_is_worth(client, district_user, draft, language, texts):
    client.force_login(district_user)
    client.cookies["django_language"] = language

    html = client.get(detail(draft)).content.decode()

    legend = html[html.index('id="grade-legend"') :][:2000]
    for text in texts:
        assert text in legend


def test_each_item_shows_its_points_and_a_zero_item_is_marked(client, district_user, draft):
    first, second = draft.scores.order_by("item__number")
    ItemScore.objects.filter(pk=first.pk).update(presence="a", evidence="b", effect="c")
    ItemScore.objects.filter(pk=second.pk).update(presence="d", evidence="d", effect="d")
    client.force_login(district_user)

    response = client.get(detail(draft))

    rows = {row["item"].pk: row for row in response.context["elements"][0]["rows"]}
    assert rows[first.item_id]["points"] == Decimal("1.86")  # 0.8 + 0.7 + 0.36
    assert (rows[first.item_id]["zero"], rows[second.item_id]["zero"]) == (False, True)
    html = response.content.decode()
    row_html = html[html.index(f'id="item-{second.item_id}"') :][:400]
    assert "item-zero" in row_html
    first_html = html[html.index(f'id="item-{first.item_id}"') :][:400]
    assert "item-zero" not in first_html
    assert 'data-parts="0.80 1.00 1.20"' in first_html
    assert "evaluation-grading.js" in html


def test_finalising_asks_for_confirmation_first(client, district_user, draft):
    client.force_login(district_user)

    response = client.post(finalise(draft), grades_post(draft, "a"))

    draft.refresh_from_db()
    assert response.status_code == 200
    assert draft.status == Evaluation.Status.DRAFT
    assert set(draft.scores.values_list("presence", flat=True)) == {"a"}  # saved, not locked
    html = response.content.decode()
    assert 'name="confirmed" value="yes"' in html
    assert "6.00 / 6.00" in html

    client.post(finalise(draft), CONFIRMED)

    draft.refresh_from_db()
    assert draft.status == Evaluation.Status.FINAL


def test_the_confirmation_page_names_zero_items_in_english(english, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    english.force_login(district_user)
    data = grades_post(evaluation, "a")
    item = evaluation.scores.order_by("item__number").first().item
    for part in ("presence", "evidence", "effect"):
        data[f"{part}_{item.pk}"] = "d"

    html = english.post(finalise(evaluation), data).content.decode()

    assert "Finalise the evaluation?" in html
    assert f"Items graded zero: {item.code}" in html


def test_finalising_an_ungraded_evaluation_offers_no_confirmation(client, district_user, draft):
    client.force_login(district_user)

    response = client.post(finalise(draft))

    assert response.status_code == 302
    assert str(errors.EVALUATION_UNGRADED) % {"count": 2} in message_texts(response)


# --- the round's window ------------------------------------------------------------------------


@pytest.fixture
def closed(draft) -> Evaluation:
    """The draft's round closed yesterday."""
    today = timezone.localdate()
    EvaluationRound.objects.filter(pk=draft.round_id).update(
        opens_on=today - timedelta(days=30), closes_on=today - timedelta(days=1)
    )
    draft.refresh_from_db()
    return draft


def test_outside_the_window_the_grades_are_read_only(client, district_user, closed):
    client.force_login(district_user)

    response = client.get(detail(closed))

    assert not response.context["can_edit"]
    assert response.context["window_closed"]
    html = response.content.decode()
    assert 'id="grades-form"' not in html
    assert 'id="window-closed"' in html


def test_outside_the_window_a_post_is_refused_with_a_clear_message(english, district_user, closed):
    english.force_login(district_user)
    round_ = closed.round

    response = english.post(detail(closed), grades_post(closed, "a"))

    assert response.status_code == 302
    expected = (
        f"Grading is open from {round_.opens_on:%Y-%m-%d} to {round_.closes_on:%Y-%m-%d} only; "
        "nothing was saved."
    )
    assert expected in message_texts(response)
    assert set(closed.scores.values_list("presence", flat=True)) == {""}


def test_outside_the_window_finalising_is_refused(client, district_user, closed):
    ItemScore.objects.filter(evaluation=closed).update(presence="a", evidence="a", effect="a")
    client.force_login(district_user)

    for data in ({}, CONFIRMED):
        response = client.post(finalise(closed), data)
        assert response.status_code == 302

    closed.refresh_from_db()
    assert closed.status == Evaluation.Status.DRAFT


def test_before_the_window_opens_the_page_is_read_only_in_chinese(
    client, district_user, evaluator, unit_a
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    evaluation = open_round(
        district_user, [unit_a], kind=EvaluationRound.Kind.DISTRICT, evaluators=[evaluator]
    ).evaluations.get()
    EvaluationRound.objects.filter(pk=evaluation.round_id).update(
        opens_on=tomorrow, closes_on=tomorrow + timedelta(days=10)
    )
    client.force_login(evaluator)

    html = client.get(detail(evaluation)).content.decode()

    assert 'id="grades-form"' not in html
    assert f"评分仅在 {tomorrow:%Y-%m-%d} 至" in html


# --- query counts -------------------------------------------------------------------------------


@pytest.mark.parametrize("items", [4, 40])
def test_the_grading_page_query_count_does_not_grow_with_items_or_links(
    client, district_user, unit_a, items, django_assert_max_num_queries
):
    evaluation = open_round(district_user, [unit_a], items=items).evaluations.get()
    ItemScore.objects.filter(evaluation=evaluation).update(presence="a", evidence="b", effect="d")
    client.force_login(district_user)

    ContentType.objects.get_for_model(Evaluation)  # the history's, cached once per process
    # session, user, evaluation, can_edit, items, scores, their links, documents, history; the
    # header's bell and the navigation's counts
    with django_assert_max_num_queries(9 + 2):
        response = client.get(detail(evaluation))

    assert response.status_code == 200
    assert len(response.context["elements"][0]["rows"]) == items


@pytest.mark.parametrize("units", [2, 12])
def test_the_round_page_query_count_does_not_grow_with_units(
    client, district_user, units, django_assert_max_num_queries
):
    evaluation_round = open_round(district_user, UnitFactory.create_batch(units), items=3)
    client.force_login(district_user)

    with django_assert_max_num_queries(7 + 2):  # + the header's bell and counts
        response = client.get(reverse("programs:round-detail", args=[evaluation_round.pk]))

    assert len(response.context["evaluations"]) == units
