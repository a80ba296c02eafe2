"""`POST /api/v1/injury-records/batches/`: a department's system sends cards with its token;
they land in the records (and so the statistics) and the import history, all or nothing, with
every error at its card and field in the request's language; a clerk's token sends only its
unit's cards; a dry run writes nothing; a body that is not the batch's JSON is a 400."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from injuries.models import ImportBatch, InjuryRecord
from tests.injuries.test_json_batches import batch_of, card_json

BATCHES = reverse("v1:injury-record-batches")


def send(client, body, **params):
    url = BATCHES + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def test_a_providers_token_posts_cards_that_reach_the_records_and_the_import_history(
    token_client, provider, unit_a
):
    client = token_client(provider)

    response = send(client, {"records": batch_of(3)})

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["cards"], answer["added"], answer["dry_run"]) == (3, 3, False)
    batch = ImportBatch.objects.get(pk=answer["batch"])
    assert batch.uploaded_by == provider and batch.file_name.endswith(".json")
    assert InjuryRecord.objects.filter(unit=unit_a, batch=batch).count() == 3
    listed = client.get(reverse("v1:injury-record-list"), {"unit": unit_a.code}).json()
    assert len(listed["results"]) == 3


def test_one_bad_card_answers_400_with_its_index_and_field_and_writes_nothing(
    token_client, provider, unit_a
):
    records = [*batch_of(2), card_json(number="H0009", sex=7)]

    response = send(token_client(provider), {"records": records})

    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["index"], error["field"]) == (2, "sex")
    assert error["message"].startswith("性别")
    assert not InjuryRecord.objects.exists() and not ImportBatch.objects.exists()


def test_the_errors_come_in_the_language_the_request_asks_for(token_client, provider, unit_a):
    client = token_client(provider, HTTP_ACCEPT_LANGUAGE="en")

    response = send(client, {"records": [card_json(age="x")]})

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "age"
    assert "whole number" in response.json()["errors"][0]["message"]


def test_a_clerks_token_sends_only_its_units_cards(token_client, clerk_a, unit_a, unit_b):
    client = token_client(clerk_a)

    other = send(client, {"records": [card_json(unit=unit_b.code)]})
    own = send(client, {"records": [card_json(unit=unit_a.code)]})

    assert other.status_code == 400
    assert other.json()["errors"][0]["field"] == "unit"
    assert own.status_code == 201
    assert list(InjuryRecord.objects.values_list("unit__code", flat=True)) == [unit_a.code]


def test_a_dry_run_answers_what_would_happen_and_writes_nothing(token_client, provider, unit_a):
    response = send(token_client(provider), {"records": batch_of(2)}, dry_run=1)

    assert response.status_code == 200
    assert (response.json()["added"], response.json()["batch"]) == (2, None)
    assert not InjuryRecord.objects.exists() and not ImportBatch.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        (b"{not json", ""),
        (b"\xff\xfe", ""),
        ({"records": batch_of(1), "more": 1}, "records"),
        ([card_json()], "records"),
        ({"records": "cards"}, "records"),
    ],
)
def test_a_body_that_is_not_a_batch_is_a_400_that_says_so(
    token_client, provider, unit_a, body, field
):
    response = send(token_client(provider), body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    assert not ImportBatch.objects.exists()


def test_a_body_over_the_limit_is_refused_unread(token_client, provider, unit_a, settings):
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "api_batch": 1024}

    response = send(token_client(provider), {"records": batch_of(20)})

    assert response.status_code == 400
    assert "MB" in response.json()["errors"][0]["message"]


def test_reading_the_batches_address_is_not_allowed_and_an_evaluator_may_not_send(
    token_client, evaluator, provider, unit_a
):
    assert token_client(provider).get(BATCHES).status_code == 405
    response = send(token_client(evaluator), {"records": batch_of(1)})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_the_cards_a_provider_posts_are_counted_by_the_statistics_and_listed_in_the_history(
    token_client, client, provider, district_user, unit_a
):
    from tests.injury_files import injury_day

    day = injury_day()
    response = send(token_client(provider), {"records": batch_of(4)})
    assert response.status_code == 201
    client.force_login(district_user)

    stats = client.get(
        reverse("injuries:statistics"),
        {"date_from": f"{day:%Y-%m-%d}", "date_to": f"{day:%Y-%m-%d}"},
    ).context["stats"]
    history = client.get(reverse("injuries:import")).content.decode()

    assert stats.headline.total == 4
    batch = ImportBatch.objects.get(pk=response.json()["batch"])
    assert batch.from_api
    assert f'href="{batch.get_absolute_url()}">{batch.file_name}</a> <span' in history
