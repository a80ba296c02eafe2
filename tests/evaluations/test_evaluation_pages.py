"""The evaluation pages: rounds, opening a round, scoring and finalising a unit's evaluation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from programs.evaluations import errors
from programs.evaluations.services import evaluation_finalise, round_open
from programs.models import Evaluation, EvaluationRound, ItemScore
from tests.factories import EvaluationSchemeFactory, SchemeElementFactory, SchemeItemFactory


def scheme_with(items: int, elements: int = 1):
    scheme = EvaluationSchemeFactory(rectify_mark=None, pass_mark=0, no_zero_item=False)
    for number in range(1, elements + 1):
        element = SchemeElementFactory(scheme=scheme, number=number)
        for item_number in range(1, items // elements + 1):
            SchemeItemFactory(element=element, number=item_number)
    return scheme


def open_round(by, units, *, kind=EvaluationRound.Kind.SELF, evaluators=(), items=2):
    today = timezone.localdate()
    return round_open(
        scheme=scheme_with(items),
        kind=kind,
        name="2026年自评",
        opens_on=today,
        closes_on=today + timedelta(days=30),
        units=units,
        evaluators=evaluators,
        by=by,
    )


def grades_post(evaluation: Evaluation, grade: str, comment: str = "") -> dict[str, str]:
    data = {}
    for row in evaluation.scores.all():
        for part in ("presence", "evidence", "effect"):
            data[f"{part}_{row.item_id}"] = grade
        data[f"comment_{row.item_id}"] = comment
    return data


CONFIRMED = {"confirmed": "yes"}  # the confirmation page's answer


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_district_staff_open_a_round_with_one_evaluation_per_unit(
    client, district_user, unit_a, unit_b, evaluator
):
    scheme = scheme_with(3)
    client.force_login(district_user)

    response = client.post(
        reverse("programs:round-create"),
        {
            "scheme": scheme.pk,
            "kind": EvaluationRound.Kind.DISTRICT,
            "name": "2026年区级复核",
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-31",
            "units": [unit_a.pk, unit_b.pk],
            "evaluators": [evaluator.pk],
            "start_from_previous": "on",
        },
    )

    evaluation_round = EvaluationRound.objects.get(name="2026年区级复核")
    assert response.status_code == 302
    assert response["Location"] == reverse("programs:round-detail", args=[evaluation_round.pk])
    assert evaluation_round.kind == EvaluationRound.Kind.DISTRICT
    assert list(evaluation_round.evaluators.all()) == [evaluator]
    assert set(evaluation_round.evaluations.values_list("unit", flat=True)) == {
        unit_a.pk,
        unit_b.pk,
    }
    assert ItemScore.objects.filter(evaluation__round=evaluation_round).count() == 6


def test_the_round_form_refuses_a_window_that_closes_before_it_opens(client, district_user, unit_a):
    client.force_login(district_user)

    response = client.post(
        reverse("programs:round-create"),
        {
            "scheme": scheme_with(1).pk,
            "kind": EvaluationRound.Kind.SELF,
            "name": "倒置窗口",
            "opens_on": "2026-03-31",
            "closes_on": "2026-03-01",
            "units": [unit_a.pk],
        },
    )

    assert response.status_code == 200
    assert "closes_on" in response.context["form"].errors
    assert not EvaluationRound.objects.exists()


def test_the_round_form_offers_every_unit_checked(client, district_user, unit_a, unit_b):
    client.force_login(district_user)

    response = client.get(reverse("programs:round-create"))

    assert {unit.pk for unit in response.context["form"].initial["units"]} == {
        unit_a.pk,
        unit_b.pk,
    }


@pytest.mark.parametrize("persona", ["clerk_a", "evaluator", "provider"], indirect=True)
def test_only_district_staff_may_open_a_round(client, persona):
    response = client.post(reverse("programs:round-create"), {"name": "入侵轮次"})

    assert response.status_code == 404
    assert not EvaluationRound.objects.exists()


def test_the_round_list_counts_units_and_final_evaluations(
    client, district_user, clerk_a, unit_a, unit_b
):
    evaluation_round = open_round(district_user, [unit_a, unit_b])
    Evaluation.objects.filter(round=evaluation_round, unit=unit_b).update(
        status=Evaluation.Status.FINAL, total=1, result="pass", finalised_at=timezone.now()
    )
    client.force_login(clerk_a)

    response = client.get(reverse("programs:round-list"))

    [row] = response.context["rounds"]
    assert (row.unit_count, row.final_count) == (2, 1)
    assert not response.context["may_open"]


def test_clerk_a_scores_the_self_assessment_of_unit_a(client, district_user, clerk_a, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(clerk_a)

    response = client.post(
        reverse("programs:evaluation-detail", args=[evaluation.pk]),
        grades_post(evaluation, "b", "台账齐全"),
    )

    assert response.status_code == 302
    for row in evaluation.scores.all():
        row.refresh_from_db()
        assert (row.presence, row.evidence, row.effect, row.comment) == ("b", "b", "b", "台账齐全")


def test_clerk_a_sees_a_district_review_of_unit_a_but_may_not_score_it(
    client, district_user, clerk_a, unit_a
):
    evaluation = open_round(
        district_user, [unit_a], kind=EvaluationRound.Kind.DISTRICT
    ).evaluations.get()
    client.force_login(clerk_a)
    url = reverse("programs:evaluation-detail", args=[evaluation.pk])

    page = client.get(url)
    response = client.post(url, grades_post(evaluation, "a"))

    assert page.status_code == 200
    assert not page.context["can_edit"]
    assert response.status_code == 302
    assert str(errors.EVALUATION_NOT_ALLOWED) in message_texts(response)
    assert not ItemScore.objects.filter(evaluation=evaluation).exclude(presence="").exists()


def test_clerk_b_gets_404_on_unit_a_evaluations(client, district_user, clerk_b, unit_a):
    evaluation_round = open_round(district_user, [unit_a])
    evaluation = evaluation_round.evaluations.get()
    client.force_login(clerk_b)

    for url in (
        reverse("programs:round-detail", args=[evaluation_round.pk]),
        reverse("programs:evaluation-detail", args=[evaluation.pk]),
    ):
        assert client.get(url).status_code == 404
    finalise = client.post(reverse("programs:evaluation-finalise", args=[evaluation.pk]))
    assert finalise.status_code == 404
    assert not client.get(reverse("programs:round-list")).context["rounds"]


def test_provider_gets_404_on_evaluation_details(client, district_user, provider, unit_a):
    evaluation_round = open_round(district_user, [unit_a])
    evaluation = evaluation_round.evaluations.get()
    client.force_login(provider)

    assert (
        client.get(reverse("programs:round-detail", args=[evaluation_round.pk])).status_code == 404
    )
    assert (
        client.get(reverse("programs:evaluation-detail", args=[evaluation.pk])).status_code == 404
    )


def test_an_evaluator_reaches_only_the_rounds_they_are_named_in(
    client, district_user, evaluator, unit_a
):
    theirs = open_round(district_user, [unit_a], evaluators=[evaluator])
    other = open_round(district_user, [unit_a])
    client.force_login(evaluator)

    listed = client.get(reverse("programs:round-list")).context["rounds"]

    assert [row.pk for row in listed] == [theirs.pk]
    evaluation = theirs.evaluations.get()
    assert client.get(reverse("programs:evaluation-detail", args=[evaluation.pk])).context[
        "can_edit"
    ]
    assert client.get(reverse("programs:round-detail", args=[other.pk])).status_code == 404
    other_evaluation = other.evaluations.get()
    url = reverse("programs:evaluation-detail", args=[other_evaluation.pk])
    assert client.get(url).status_code == 404


def test_a_grade_that_is_not_a_grade_saves_nothing_and_says_so(client, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)
    data = grades_post(evaluation, "a")
    data[next(iter(data))] = "x"

    response = client.post(reverse("programs:evaluation-detail", args=[evaluation.pk]), data)

    assert response.status_code == 200
    assert message_texts(response)
    assert not ItemScore.objects.filter(evaluation=evaluation).exclude(presence="").exists()


def test_finalising_locks_the_evaluation_and_shows_its_result(client, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)
    client.post(
        reverse("programs:evaluation-detail", args=[evaluation.pk]), grades_post(evaluation, "a")
    )

    response = client.post(reverse("programs:evaluation-finalise", args=[evaluation.pk]), CONFIRMED)

    evaluation.refresh_from_db()
    assert response.status_code == 302
    assert evaluation.status == Evaluation.Status.FINAL
    assert evaluation.result == Evaluation.Result.PASS
    assert evaluation.finalised_by == district_user
    page = client.get(reverse("programs:evaluation-detail", args=[evaluation.pk]))
    assert not page.context["can_edit"]
    assert evaluation.result_reason in page.content.decode()
    assert 'id="grades-form"' not in page.content.decode()


def test_finalising_saves_the_grades_on_the_screen_first(client, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)

    response = client.post(
        reverse("programs:evaluation-finalise", args=[evaluation.pk]),
        {**grades_post(evaluation, "b", "材料基本齐全"), **CONFIRMED},
    )

    evaluation.refresh_from_db()
    assert response.status_code == 302
    assert evaluation.status == Evaluation.Status.FINAL
    assert set(evaluation.scores.values_list("presence", "evidence", "effect", "comment")) == {
        ("b", "b", "b", "材料基本齐全")
    }


def test_finalising_with_ungraded_items_is_refused_with_a_message(client, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)

    response = client.post(reverse("programs:evaluation-finalise", args=[evaluation.pk]))

    evaluation.refresh_from_db()
    assert response.status_code == 302
    assert evaluation.status == Evaluation.Status.DRAFT
    assert str(errors.EVALUATION_UNGRADED) % {"count": 2} in message_texts(response)


def test_grading_a_final_evaluation_is_refused_without_an_error_page(client, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    client.force_login(district_user)
    url = reverse("programs:evaluation-detail", args=[evaluation.pk])
    client.post(url, grades_post(evaluation, "a"))
    client.post(reverse("programs:evaluation-finalise", args=[evaluation.pk]), CONFIRMED)

    response = client.post(url, grades_post(evaluation, "d"))

    assert response.status_code == 302
    assert str(errors.EVALUATION_LOCKED) in message_texts(response)
    assert set(
        ItemScore.objects.filter(evaluation=evaluation).values_list("presence", flat=True)
    ) == {"a"}


@pytest.mark.parametrize("items", [5, 50])
def test_the_evaluation_page_query_count_does_not_grow_with_items(
    client, district_user, unit_a, items, django_assert_max_num_queries
):
    evaluation = open_round(district_user, [unit_a], items=items).evaluations.get()
    client.force_login(district_user)

    with django_assert_max_num_queries(9 + 2):  # + the header's bell and counts
        response = client.get(reverse("programs:evaluation-detail", args=[evaluation.pk]))

    assert response.status_code == 200
    assert len(response.context["elements"][0]["rows"]) == items


@pytest.mark.parametrize("rounds", [1, 8])
def test_the_round_list_query_count_does_not_grow_with_rounds(
    client, district_user, unit_a, rounds, django_assert_max_num_queries
):
    for _ in range(rounds):
        open_round(district_user, [unit_a])
    client.force_login(district_user)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("programs:round-list"))

    assert len(response.context["rounds"]) == rounds


def test_the_round_shows_each_drafts_running_total_and_grading_progress(
    client, district_user, unit_a, unit_b, django_assert_max_num_queries
):
    evaluation_round = open_round(district_user, [unit_a, unit_b], items=4)
    draft = evaluation_round.evaluations.get(unit=unit_a)
    first, second, *_rest = draft.scores.order_by("item__number")
    ItemScore.objects.filter(pk__in=[first.pk, second.pk]).update(
        presence="a",
        evidence="a",
        effect="b",  # 0.8 + 1.0 + 1.2 × 0.7 = 2.64 each
    )
    Evaluation.objects.filter(round=evaluation_round, unit=unit_b).update(
        status=Evaluation.Status.FINAL, total=9, result="pass", finalised_at=timezone.now()
    )
    client.force_login(district_user)

    # session, user, the round, its evaluations, the scheme's items, the grades, evaluators,
    # the header's bell and the navigation's counts of what waits for review
    with django_assert_max_num_queries(7 + 2):
        response = client.get(reverse("programs:round-detail", args=[evaluation_round.pk]))

    rows = {evaluation.unit_id: evaluation for evaluation in response.context["evaluations"]}
    assert (rows[unit_a.pk].score.graded, rows[unit_a.pk].score.items) == (2, 4)
    assert str(rows[unit_a.pk].score.total) == "5.28"
    assert response.context["finalised"] == 1
    assert ("pass", 1) in [(value, count) for value, _label, count in response.context["results"]]
    assert "5.28" in response.content.decode()


def test_a_final_result_reads_its_reason_in_the_readers_language(client, district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()
    ItemScore.objects.filter(evaluation=evaluation).update(presence="a", evidence="a", effect="a")
    with translation.override("zh-hans"):  # finalised by someone reading Chinese
        evaluation_finalise(evaluation=evaluation, by=district_user)
    evaluation.refresh_from_db()
    client.force_login(district_user)
    client.cookies["django_language"] = "en"

    round_page = client.get(reverse("programs:round-detail", args=[evaluation.round_id]))
    detail_page = client.get(reverse("programs:evaluation-detail", args=[evaluation.pk]))

    assert "总分" in evaluation.result_reason
    for page in (round_page, detail_page):
        html = page.content.decode()
        assert "total 6 reaches the pass mark 0" in html
        assert evaluation.result_reason not in html
