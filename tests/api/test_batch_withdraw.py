"""`/api/v1/import-batches/`: the injury import history, and `POST …/{id}/withdraw/`, the
portal's withdraw button: district staff take an import back (200 with the batch and what was
deleted and restored); a batch outside the user's scope is 404, a user the portal does not let
withdraw 403, a batch whose state forbids it 400 with the domain's message in the request's
language. The records go, and the change feed says so."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import translation

from injuries.errors import BATCH_CHANGED_LATER, BATCH_NOT_IMPORTED
from injuries.models import ImportBatch, InjuryRecord
from tests.factories import ImportBatchFactory, InjuryRecordFactory
from tests.injuries.test_json_batches import batch_of
from tests.test_access import PERSONAS

LIST = reverse("v1:import-batch-list")
CARDS = reverse("v1:injury-record-batches")
RECORDS = reverse("v1:injury-record-list")
EVENTS = reverse("v1:event-list")


def withdraw_url(batch: ImportBatch | int) -> str:
    return reverse("v1:import-batch-withdraw", args=[getattr(batch, "pk", batch)])


def send(client, records: list[dict]) -> int:
    """POST the cards as a department's system does; the new batch's id."""
    response = client.post(CARDS, json.dumps({"records": records}), content_type="application/json")
    assert response.status_code == 201, response.json()
    return response.json()["batch"]


def in_english(message, **params) -> str:
    with translation.override("en"):
        return str(message) % params if params else str(message)


def in_chinese(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


# --- Who may withdraw ------------------------------------------------------------------------

# The batch is clerk A's (who sees it, as they sent it); the portal lets district staff only,
# of its district: the city office sees it and may not (403), another district's staff not at all.
WITHDRAW = dict(zip(PERSONAS, (401, 200, 403, 404, 404, 404, 404, 403, 404), strict=True))


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_the_withdraw_answers_each_persona_as_the_portal_allows(client, persona, clerk_a, unit_a):
    batch = ImportBatchFactory(uploaded_by=clerk_a, imported=True)
    InjuryRecordFactory(unit=unit_a, batch=batch)

    response = client.post(withdraw_url(batch), content_type="application/json")

    assert response.status_code == WITHDRAW[persona]
    batch.refresh_from_db()
    withdrawn = response.status_code == 200
    assert batch.status == (ImportBatch.Status.WITHDRAWN if withdrawn else batch.Status.IMPORTED)
    assert InjuryRecord.objects.exists() is not withdrawn


def test_a_provider_who_sent_cards_reads_the_batch_but_may_not_withdraw_it(
    token_client, provider, unit_a
):
    client = token_client(provider, HTTP_ACCEPT_LANGUAGE="en")
    batch = send(client, batch_of(2))

    read = client.get(reverse("v1:import-batch-detail", args=[batch]))
    refused = client.post(withdraw_url(batch))

    assert read.status_code == 200 and read.json()["from_api"] is True
    assert refused.status_code == 403
    assert refused.json() == {"detail": "You do not have permission to perform this action."}
    assert InjuryRecord.objects.count() == 2


def test_a_batch_that_does_not_exist_is_404(token_client, district_user):
    response = token_client(district_user).post(withdraw_url(999999))

    assert response.status_code == 404


# --- Refused by the batch's state: 400 with the domain's message -----------------------------


@pytest.mark.parametrize("state", ["withdrawn", "previewed"])
def test_a_batch_not_in_force_is_refused_with_the_domains_message(
    token_client, district_user, clerk_a, state
):
    batch = ImportBatchFactory(uploaded_by=clerk_a, imported=True)
    client = token_client(district_user, HTTP_ACCEPT_LANGUAGE="en")
    if state == "withdrawn":
        assert client.post(withdraw_url(batch)).status_code == 200
    else:
        batch = ImportBatchFactory(uploaded_by=clerk_a)  # checked, never imported

    response = client.post(withdraw_url(batch))

    assert response.status_code == 400
    assert response.json() == {"detail": in_english(BATCH_NOT_IMPORTED)}
    assert ImportBatch.objects.get(pk=batch.pk).status == state


def test_the_refusal_comes_in_the_requests_language(token_client, district_user, clerk_a):
    batch = ImportBatchFactory(uploaded_by=clerk_a)
    english = token_client(district_user, HTTP_ACCEPT_LANGUAGE="en")
    chinese = token_client(district_user, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    in_en = english.post(withdraw_url(batch)).json()["detail"]
    in_zh = chinese.post(withdraw_url(batch)).json()["detail"]

    assert in_zh == in_chinese(BATCH_NOT_IMPORTED) != in_en == in_english(BATCH_NOT_IMPORTED)


def test_a_batch_a_later_import_changed_is_refused_until_that_one_is_withdrawn(
    token_client, provider, district_user, unit_a
):
    sender = token_client(provider)
    first = send(sender, batch_of(2))
    second = send(sender, batch_of(2, age=70))  # updates both records of the first
    office = token_client(district_user, HTTP_ACCEPT_LANGUAGE="en")

    refused = office.post(withdraw_url(first))

    assert refused.status_code == 400
    later = str(ImportBatch.objects.get(pk=second))
    assert refused.json() == {"detail": in_english(BATCH_CHANGED_LATER, files=later)}
    assert ImportBatch.objects.get(pk=first).status == ImportBatch.Status.IMPORTED
    assert set(InjuryRecord.objects.values_list("age", flat=True)) == {70}
    # The later one first (its two records back as they were), then the first.
    undone = office.post(withdraw_url(second)).json()
    assert (undone["deleted"], undone["restored"]) == (0, 2)
    assert set(InjuryRecord.objects.values_list("age", flat=True)) == {34}
    assert office.post(withdraw_url(first)).json()["deleted"] == 2


# --- The whole journey through the API -------------------------------------------------------


def test_cards_sent_and_withdrawn_through_the_api_leave_the_records_and_the_feed_saying_so(
    token_client, provider, district_user, unit_a
):
    sender, office = token_client(provider), token_client(district_user)
    batch = send(sender, batch_of(3))
    records = {row["id"] for row in office.get(RECORDS).json()["results"]}
    after = office.get(EVENTS, {"page_size": 1000}).json()["last_id"]

    response = office.post(withdraw_url(batch))

    assert response.status_code == 200
    answer = response.json()
    assert (answer["deleted"], answer["restored"]) == (3, 0)
    assert answer["batch"]["id"] == batch
    assert (answer["batch"]["status"], answer["batch"]["withdrawn_by"]) == ("withdrawn", "district")
    assert len(records) == 3
    assert office.get(RECORDS).json()["results"] == []
    assert sender.get(RECORDS).json()["results"] == []
    feed = office.get(EVENTS, {"after": after}).json()["results"]
    deleted = {(row["record_type"], row["record_id"]) for row in feed if row["kind"] == "deleted"}
    assert deleted == {("injuries.injuryrecord", pk) for pk in records}
    (move,) = [row for row in feed if row["kind"] == "move"]
    assert (move["record_type"], move["record_id"]) == ("injuries.importbatch", batch)
    assert (move["action"], move["from_state"], move["to_state"]) == (
        "withdraw",
        "imported",
        "withdrawn",
    )
    assert move["actor"] == "district"
    for client in (office, sender):
        read = client.get(reverse("v1:import-batch-detail", args=[batch])).json()
        assert (read["status"], read["withdrawn_by"]) == ("withdrawn", "district")
        assert read["withdrawn_at"] is not None and read["from_api"] is True


# --- Reading the import history --------------------------------------------------------------


def test_the_history_gives_each_batchs_counts_sender_and_origin(
    token_client, provider, district_user, unit_a
):
    sent = send(token_client(provider), batch_of(2))
    upload = ImportBatchFactory(uploaded_by=district_user, file_name="顺义区医院.xlsx")

    rows = {row["id"]: row for row in token_client(district_user).get(LIST).json()["results"]}

    api_row, file_row = rows[sent], rows[upload.pk]
    assert (api_row["from_api"], api_row["uploaded_by"], api_row["status"]) == (
        True,
        "provider",
        "imported",
    )
    assert (api_row["rows"], api_row["added"], api_row["updated"], api_row["unchanged"]) == (
        2,
        2,
        0,
        0,
    )
    assert api_row["sha256"] == ImportBatch.objects.get(pk=sent).sha256
    assert api_row["imported_at"] is not None and api_row["withdrawn_at"] is None
    assert (file_row["from_api"], file_row["file_name"], file_row["status"]) == (
        False,
        "顺义区医院.xlsx",
        "previewed",
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "imported"}, {"api"}),
        ({"status": "previewed"}, {"file"}),
        ({"from_api": "true"}, {"api"}),
        ({"from_api": "false"}, {"file"}),
        ({"uploaded_by": "provider"}, {"api"}),
        ({"updated_since": "2000-01-01T00:00:00Z"}, {"api", "file"}),
        ({"updated_since": "2100-01-01T00:00:00Z"}, set()),
    ],
)
def test_the_history_filters(token_client, provider, district_user, unit_a, query, expected):
    batches = {
        "api": send(token_client(provider), batch_of(1)),
        "file": ImportBatchFactory(uploaded_by=district_user).pk,
    }

    rows = token_client(district_user).get(LIST, query).json()["results"]

    assert {row["id"] for row in rows} == {batches[name] for name in expected}


def test_a_status_the_history_does_not_know_is_a_400_at_the_field(token_client, district_user):
    response = token_client(district_user).get(LIST, {"status": "deleted"})

    assert response.status_code == 400
    assert set(response.json()) == {"status"}
