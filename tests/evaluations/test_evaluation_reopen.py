"""Reopening a final evaluation: district staff only, with a reason on record; the scheme stays
locked, since an evaluation against it was once final."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from programs.core.models import Event
from programs.evaluations import errors
from programs.evaluations.services import evaluation_finalise, evaluation_reopen
from programs.models import Evaluation, EvaluationRound, EvaluationScheme, ItemScore
from safecommunity.errors import DomainError
from tests.evaluations.test_evaluation_pages import (
    CONFIRMED,
    grades_post,
    message_texts,
    open_round,
)

REASON = "第3.2项评分有误，需复核。"


@pytest.fixture
def final(district_user, evaluator, unit_a) -> Evaluation:
    evaluation = open_round(
        district_user, [unit_a], kind=EvaluationRound.Kind.DISTRICT, evaluators=[evaluator]
    ).evaluations.get()
    ItemScore.objects.filter(evaluation=evaluation).update(presence="a", evidence="a", effect="a")
    evaluation_finalise(evaluation=evaluation, by=evaluator)
    evaluation.refresh_from_db()
    return evaluation


def test_district_staff_reopen_a_final_evaluation_with_a_reason(client, district_user, final):
    client.force_login(district_user)

    response = client.post(
        reverse("programs:evaluation-reopen", args=[final.pk]), {"reason": REASON}
    )

    final.refresh_from_db()
    assert response.status_code == 302
    assert (final.status, final.total, final.result, final.finalised_at) == (
        Evaluation.Status.DRAFT,
        None,
        "",
        None,
    )
    event = Event.objects.of(final).latest("id")
    assert (event.action, event.actor, event.reason) == ("reopen", district_user, REASON)
    assert (event.from_state, event.to_state) == ("final", "draft")
    assert event.data["total"] == "6.00"
    page = client.get(reverse("programs:evaluation-detail", args=[final.pk]))
    assert page.context["can_edit"]
    assert REASON in page.content.decode()  # the history on the page


def test_a_reopen_without_a_reason_changes_nothing_and_says_why(client, district_user, final):
    client.force_login(district_user)

    response = client.post(reverse("programs:evaluation-reopen", args=[final.pk]), {"reason": " "})

    final.refresh_from_db()
    assert final.status == Evaluation.Status.FINAL
    assert str(errors.EVALUATION_REOPEN_REASON_MISSING) in message_texts(response)
    assert not Event.objects.of(final).filter(action="reopen").exists()


def test_a_final_evaluation_of_a_closed_round_is_reopened_only_once_its_dates_are_extended(
    client, district_user, final
):
    EvaluationRound.objects.filter(pk=final.round_id).update(
        opens_on=date(2000, 1, 1), closes_on=date(2000, 1, 31)
    )
    client.force_login(district_user)

    response = client.post(
        reverse("programs:evaluation-reopen", args=[final.pk]), {"reason": REASON}
    )

    final.refresh_from_db()
    assert final.status == Evaluation.Status.FINAL  # not a draft nobody could grade
    assert message_texts(response) == [
        "评定批次开放期间（2000-01-01 至 2000-01-31）才能重新打开已确认的评定，以便重新评分："
        "请先延长评定批次的日期。"
    ]
    assert not Event.objects.of(final).filter(action="reopen").exists()


@pytest.mark.parametrize("persona", ["evaluator", "clerk_a", "clerk_b", "provider"], indirect=True)
def test_nobody_but_district_staff_may_reopen(client, persona, final):
    response = client.post(
        reverse("programs:evaluation-reopen", args=[final.pk]), {"reason": REASON}
    )

    final.refresh_from_db()
    assert response.status_code == 404
    assert final.status == Evaluation.Status.FINAL


def test_the_reopen_form_shows_only_to_district_staff_on_a_final_evaluation(
    client, district_user, evaluator, final
):
    url = reverse("programs:evaluation-detail", args=[final.pk])
    client.force_login(evaluator)
    assert 'id="reopen-form"' not in client.get(url).content.decode()

    client.force_login(district_user)
    assert 'id="reopen-form"' in client.get(url).content.decode()


def test_the_scheme_stays_locked_after_its_only_final_evaluation_is_reopened(district_user, final):
    scheme = final.round.scheme

    evaluation_reopen(evaluation=final, by=district_user, reason=REASON)

    assert not Evaluation.objects.filter(status=Evaluation.Status.FINAL).exists()
    assert EvaluationScheme.objects.in_use().filter(pk=scheme.pk).exists()
    assert scheme.is_in_use
    scheme.max_score += 1
    with pytest.raises(Exception) as refused:
        scheme.full_clean()
    assert "max_score" in refused.value.message_dict


def test_a_scheme_never_finalised_against_is_not_locked(district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()

    assert not evaluation.round.scheme.is_in_use


def test_a_reopened_evaluation_is_graded_and_finalised_again(client, district_user, final):
    evaluation_reopen(evaluation=final, by=district_user, reason=REASON)
    client.force_login(district_user)

    client.post(
        reverse("programs:evaluation-finalise", args=[final.pk]),
        {**grades_post(final, "b"), **CONFIRMED},
    )

    final.refresh_from_db()
    assert final.status == Evaluation.Status.FINAL
    assert str(final.total) == "4.20"  # 0.8×0.7 + 1.0×0.7 + 1.2×0.7 = 2.1 per item
    actions = list(Event.objects.of(final).order_by("id").values_list("action", flat=True))
    assert actions == ["finalise", "reopen", "finalise"]


def test_the_service_refuses_reopening_a_draft(district_user, unit_a):
    evaluation = open_round(district_user, [unit_a]).evaluations.get()

    with pytest.raises(DomainError):
        evaluation_reopen(evaluation=evaluation, by=district_user, reason=REASON)
