"""Who reads what through the API: every resource × the personas of `tests/test_access.py`.

Anonymous is 401; a list holds only the persona's scope; a detail outside it is 404; a write is
403 (the API's v1 writes nothing of these)."""

from __future__ import annotations

import pytest

from tests.test_access import PERSONAS

# The codes of the units each persona's list shows (A01 and B01 exist, with one row each).
ALL, OWN_A, OWN_B, NONE = {"A01", "B01"}, {"A01"}, {"B01"}, set()
LIST_SCOPE = {
    "district_user": ALL,
    "clerk_a": OWN_A,
    "clerk_b": OWN_B,
    "provider": ALL,
    "finance_user": ALL,
    "evaluator": NONE,
    "city_user": ALL,
    "other_district_user": NONE,
}
# Where a resource's scope differs: providers see no evaluation and only the batches they sent.
LIST_SCOPE_OF = {
    ("evaluations", "provider"): NONE,
    ("import-batches", "provider"): NONE,
    ("evaluations", "finance_user"): NONE,
    ("import-batches", "finance_user"): NONE,
}
# An import batch has no unit: the api_world's batch of each unit is sent by its clerk.
SENDERS = {"clerk_a": "A01", "clerk_b": "B01"}
# url, the object of unit A it names, how a row tells its unit; detail answer per persona
# fmt: off
RESOURCES = [
    # resource         object    unit of a row              anon dist clk_a clk_b prov fin eval city other
    ("units",          "code",   lambda row: row["code"],   (401, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("events",         "event",  lambda row: row["unit"],   (401, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("injury-records", "record", lambda row: row["unit"],   (401, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("milestones",     "milestone", lambda row: row["unit"], (401, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("titles",         "title",  lambda row: row["unit"],   (401, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("monthly-reports", "report", lambda row: row["unit"],  (401, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("activities",     "activity", lambda row: row["unit"], (401, 200, 200, 404, 200, 200, 404, 200, 404)),
    ("evaluations",    "evaluation", lambda row: row["unit"], (401, 200, 200, 404, 404, 404, 404, 200, 404)),
    ("import-batches", "batch",  lambda row: SENDERS[row["uploaded_by"]],
                                                            (401, 200, 200, 404, 404, 404, 404, 200, 404)),
]
# fmt: on


def _detail_url(resource: str, obj: str, world) -> str:
    key = {
        "code": world.unit.code,
        "event": world.event.pk,
        "record": world.record.pk,
        "milestone": world.milestone.pk,
        "title": world.title.pk,
        "target": world.target.pk,
        "report": world.report.pk,
        "activity": world.activity.pk,
        "evaluation": world.evaluation.pk,
        "batch": world.batch.pk,
    }[obj]
    return f"/api/v1/{resource}/{key}/"


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize(("resource", "obj", "unit_of", "detail"), RESOURCES)
def test_the_api_answers_each_persona_within_its_scope(
    client, persona, api_world, resource, obj, unit_of, detail
):
    expected = dict(zip(PERSONAS, detail, strict=True))[persona]

    listed = client.get(f"/api/v1/{resource}/")
    one = client.get(_detail_url(resource, obj, api_world))
    created = client.post(f"/api/v1/{resource}/", {}, content_type="application/json")
    changed = client.put(_detail_url(resource, obj, api_world), {}, content_type="application/json")
    removed = client.delete(_detail_url(resource, obj, api_world))

    assert one.status_code == expected
    if persona == "anonymous":
        assert listed.status_code == 401
        assert listed["WWW-Authenticate"].startswith("Bearer")
        assert {created.status_code, changed.status_code, removed.status_code} == {401}
        return
    assert listed.status_code == 200
    scope = LIST_SCOPE_OF.get((resource, persona), LIST_SCOPE[persona])
    assert {unit_of(row) for row in listed.json()["results"]} == scope
    assert {created.status_code, changed.status_code, removed.status_code} == {403}


# A district's reference data, read by every signed-in persona of the district and the city
# office; which of them see its values (null for the others), as the pages show them: the
# targets' values only to those who see every unit.
# fmt: off
REFERENCE = [
    # resource   object    values shown for            anon dist clk_a clk_b prov fin eval city other
    ("targets",  "target", lambda row: row["attainment"], (401, 200, 200, 200, 200, 200, 200, 200, 404),
     {"district_user", "provider", "finance_user", "city_user"}),
]
# fmt: on


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
@pytest.mark.parametrize(("resource", "obj", "values_of", "detail", "shown_to"), REFERENCE)
def test_reference_data_answers_every_signed_in_persona(
    client, persona, api_world, resource, obj, values_of, detail, shown_to
):
    expected = dict(zip(PERSONAS, detail, strict=True))[persona]

    listed = client.get(f"/api/v1/{resource}/")
    one = client.get(_detail_url(resource, obj, api_world))
    created = client.post(f"/api/v1/{resource}/", {}, content_type="application/json")
    removed = client.delete(_detail_url(resource, obj, api_world))

    assert one.status_code == expected
    if persona == "anonymous":
        assert {listed.status_code, created.status_code, removed.status_code} == {401}
        return
    if expected == 404:  # another district's reference data
        assert listed.json()["results"] == []
        assert {created.status_code, removed.status_code} == {403}
        return
    (row,) = listed.json()["results"]
    assert row["id"] == one.json()["id"] == getattr(api_world, obj).pk
    assert (values_of(row) is not None) == (persona in shown_to)
    assert (values_of(one.json()) is not None) == (persona in shown_to)
    assert {created.status_code, removed.status_code} == {403}


def test_a_clerks_token_sees_only_its_unit(token_client, clerk_a, api_world):
    client = token_client(clerk_a)

    for resource in (
        "units",
        "events",
        "injury-records",
        "milestones",
        "titles",
        "monthly-reports",
        "activities",
    ):
        rows = client.get(f"/api/v1/{resource}/").json()["results"]
        assert rows, resource
        assert {row.get("unit", row.get("code")) for row in rows} == {"A01"}, resource
    assert client.get(f"/api/v1/injury-records/{api_world.record_b.pk}/").status_code == 404
    assert client.get("/api/v1/units/B01/").status_code == 404
    assert client.get(f"/api/v1/titles/{api_world.title_b.pk}/").status_code == 404


def test_the_schema_and_docs_need_a_signed_in_user(client, clerk_a, token_client):
    for url in ("/api/schema/", "/api/docs/"):
        assert client.get(url).status_code == 401, url
    assert token_client(clerk_a).get("/api/schema/").status_code == 200
    client.force_login(clerk_a)
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/injury-records/abc/",
        "/api/v1/injury-records/123456789012345678901234567890/",
        "/api/v1/events/99999999999999999999999/",
        "/api/v1/units/ZZ99/",
        "/api/v1/events/1.5/",
        "/api/v1/nothing/",
    ],
)
def test_a_malformed_or_huge_id_is_404_not_500(token_client, provider, url):
    response = token_client(provider, HTTP_ACCEPT_LANGUAGE="en").get(url)

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_an_evaluator_reads_the_units_of_their_rounds_without_their_people_or_progress(
    token_client, evaluator, district_user, unit_a
):
    from programs.models import CreatingUnit
    from tests.factories import EvaluationFactory

    CreatingUnit.objects.filter(pk=unit_a.pk).update(
        head_name="李镇长", contact_name="赵联络", contact_phone="010-69440000", address="镇政府"
    )
    EvaluationFactory(unit=unit_a, round__evaluators=[evaluator])

    (seen,) = token_client(evaluator).get("/api/v1/units/").json()["results"]
    office = token_client(district_user).get(f"/api/v1/units/{unit_a.code}/").json()

    assert seen["code"] == unit_a.code
    assert [seen[f] for f in ("head_name", "contact_name", "contact_phone", "address")] == [""] * 4
    assert seen["gate"] is None
    assert (office["head_name"], office["contact_phone"]) == ("李镇长", "010-69440000")
    assert office["gate"] is not None
