"""Injury cards in bulk as JSON (`injuries.services.cards_import`): the file import's checks,
all or nothing, errors at the card's index and field in the user's language, warnings that do
not refuse, updates by card number, dry runs, the batch in the import history (and withdrawn
like a file), the scope of a clerk, and the same records as the same cards in a spreadsheet."""

from __future__ import annotations

import datetime
import hashlib
import json

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from injuries import choices as card
from injuries.errors import (
    CARD_FIELD,
    CARD_IDENTIFIER_FIELD,
    CARD_NOT_CODE,
    CARD_NOT_WHOLE_NUMBER,
    CARD_UNKNOWN_FIELD,
    CARDS_TOO_MANY,
    IN_THE_FUTURE,
    NOT_YOUR_UNIT,
    REPEATED_CARD,
    CardsRefused,
)
from injuries.models import ImportBatch, ImportBatchChange, InjuryRecord
from injuries.services import batch_commit, batch_preview, batch_withdraw, cards_import, imports
from injuries.services import cards as cards_module
from programs.core.models import Event
from tests.injury_files import cards, injury_day, stored, write_xlsx

COMPARED = (
    "unit_id", "source", "reporting_org", "record_number", "injury_date", "injury_time",
    "visit_date", "visit_time", "sex", "age", "registration", "education", "occupation", "cause",
    "place", "activity", "intent", "alcohol", "nature", "body_part", "severity", "outcome",
    "diagnosis", "icd10", "narrative", "year", "month", "age_group", "age_band", "domain",
)  # fmt: skip


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def card_json(unit: str = "A01", number: str = "H0001", **changes) -> dict:
    """One card as a department's system sends it: the record's field names, codes as the
    card's numbers (the source and two lists as labels, which a spreadsheet takes too)."""
    day = injury_day()
    value = {
        "unit": unit,
        "source": "hospital",
        "reporting_org": "顺义区医院",
        "record_number": number,
        "injury_date": f"{day:%Y-%m-%d}",
        "injury_time": "09:30",
        "visit_date": f"{day:%Y-%m-%d}",
        "visit_time": "10:15",
        "sex": 1,
        "age": 34,
        "registration": "本市/县",
        "cause": 3,
        "place": 1,
        "activity": "家务",
        "intent": 1,
        "alcohol": 2,
        "nature": 4,
        "body_part": 3,
        "severity": 1,
        "outcome": 1,
        "diagnosis": "左膝挫伤",
        "icd10": "s80.0",
        "narrative": "在家拖地时滑倒",
    }
    value.update(changes)
    return {k: v for k, v in value.items() if v is not ...}


def batch_of(count: int, unit: str = "A01", start: int = 1, **changes) -> list[dict]:
    return [card_json(unit, f"H{n:04d}", **changes) for n in range(start, start + count)]


def post(records, user, **kwargs):
    body = json.dumps({"records": records}).encode()
    return cards_import(records=records, user=user, body=body, **kwargs), body


def refusal(records, user, **kwargs) -> list[dict]:
    with pytest.raises(CardsRefused) as refused:
        post(records, user, **kwargs)
    return refused.value.errors


def nothing_written() -> bool:
    return not InjuryRecord.objects.exists() and not ImportBatch.objects.exists()


# --- A valid batch ------------------------------------------------------------------------------


def test_a_valid_batch_is_imported_and_kept_in_the_import_history(provider, unit_a, unit_b):
    records = [*batch_of(3), *batch_of(2, "B01", start=4)]

    outcome, body = post(records, provider)

    assert (outcome.cards, outcome.added, outcome.updated, outcome.unchanged) == (5, 5, 0, 0)
    assert outcome.warnings == [] and not outcome.dry_run
    batch = outcome.batch
    assert ImportBatch.objects.visible_to(provider).get() == batch
    assert batch.status == ImportBatch.Status.IMPORTED
    assert (batch.sha256, batch.size) == (hashlib.sha256(body).hexdigest(), len(body))
    assert batch.file_name.startswith("api-") and batch.file_name.endswith(".json")
    assert (batch.uploaded_by, batch.rows_total, batch.rows_added) == (provider, 5, 5)
    first = InjuryRecord.objects.get(record_number="H0001")
    assert (first.unit, first.batch, first.source) == (unit_a, batch, card.Source.HOSPITAL)
    assert (first.injury_date, first.injury_time) == (injury_day(), datetime.time(9, 30))
    assert (first.registration, first.activity, first.icd10) == (
        1,
        card.Activity.HOUSEWORK,
        "S80.0",
    )
    assert InjuryRecord.objects.filter(unit=unit_b).count() == 2
    events = Event.objects.filter(
        content_type=ContentType.objects.get_for_model(ImportBatch), object_id=batch.pk
    )
    assert sorted((e.kind, e.action, e.to_state) for e in events) == sorted(
        [("created", "created", ""), ("move", "commit", "imported")]
    )
    commit = events.get(action="commit")
    assert (commit.actor, commit.data["added"]) == (provider, 5)


def test_the_spreadsheets_date_and_time_fields_are_taken_too(provider, unit_a):
    day = injury_day()
    records = [card_json(injury_date=..., injury_time=..., injured_at=f"{day} 08:05")]

    post(records, provider)

    record = InjuryRecord.objects.get()
    assert (record.injury_date, record.injury_time) == (day, datetime.time(8, 5))


# --- All or nothing, errors at the card's field -------------------------------------------------


def test_one_bad_card_refuses_the_batch_and_writes_nothing(provider, unit_a):
    records = batch_of(3)
    records[1]["sex"] = 7

    errors = refusal(records, provider)

    assert nothing_written()
    assert [(e["index"], e["field"]) for e in errors] == [(1, "sex")]
    assert errors[0]["message"].startswith("性别：“7”不是本项的编码：1 男 / 2 女")


def test_the_errors_are_in_the_active_language(provider, unit_a):
    records = batch_of(2)
    records[0]["sex"] = 7
    records[1]["age"] = "thirty"

    with translation.override("en"):
        errors = refusal(records, provider)

    assert [(e["index"], e["field"]) for e in errors] == [(0, "sex"), (1, "age")]
    assert errors[0]["message"].startswith("sex: “7” is not a code of this list: 1 male")
    assert errors[1]["message"] == "age: Write this value as a whole number."
    assert nothing_written()


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"ward": "3"}, "ward", CARD_UNKNOWN_FIELD),
        ({"age": "34"}, "age", CARD_NOT_WHOLE_NUMBER),
        ({"age": True}, "age", CARD_NOT_WHOLE_NUMBER),
        ({"cause": [3]}, "cause", CARD_NOT_CODE),
        ({"cause": 99}, "cause", "“99”"),
        ({"place": "月球"}, "place", "“月球”"),
        ({"record_number": 17}, "record_number", None),
        ({"injury_date": "31/03/2024"}, "injury_date", None),
        ({"injury_date": "2024-02-30"}, "injury_date", "“2024-02-30 09:30”"),
        ({"injury_time": 930}, "injury_time", None),
        ({"age": 200}, "age", "0"),
        ({"icd10": "knee"}, "icd10", "KNEE"),
        ({"cause": None}, "cause", "必填"),
        ({"outcome": ...}, "outcome", "必填"),
        ({"injury_date": ...}, "injury_date", "必填"),
        ({"unit": "Z99"}, "unit", "Z99"),
    ],
    ids=lambda v: str(v) if not isinstance(v, dict) else "-".join(v),
)
def test_each_bad_value_is_refused_at_its_field(provider, unit_a, change, field, message):
    records = [card_json(number="ok"), card_json(**change)]

    errors = refusal(records, provider)

    assert [(e["index"], e["field"]) for e in errors] == [(1, field)]
    if message is not None:
        assert str(message) in errors[0]["message"], errors[0]["message"]
    assert nothing_written()


def test_a_date_in_the_future_is_refused(provider, unit_a):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    errors = refusal([card_json(injury_date=f"{tomorrow}", visit_date=f"{tomorrow}")], provider)

    assert [(e["field"], e["message"]) for e in errors] == [
        ("injury_date", str(CARD_FIELD % {"field": "伤害发生日期", "message": IN_THE_FUTURE})),
        ("visit_date", str(CARD_FIELD % {"field": "就诊日期", "message": IN_THE_FUTURE})),
    ]


@pytest.mark.parametrize("name", ["name", "id_number", "phone", "address", "姓名", "身份证号"])
def test_identifier_fields_are_refused(provider, unit_a, name):
    errors = refusal([card_json(**{name: "x"})], provider)

    assert [(e["index"], e["field"]) for e in errors] == [(0, name)]
    assert str(CARD_IDENTIFIER_FIELD) in errors[0]["message"]
    assert nothing_written()


def test_a_card_that_is_no_object_and_records_that_are_no_list_are_refused(provider, unit_a):
    assert [(e["index"], e["field"]) for e in refusal([card_json(), "H2"], provider)] == [(1, "")]
    errors = refusal({"H1": card_json()}, provider)
    assert [(e["index"], e["field"]) for e in errors] == [(None, "records")]
    assert [(e["index"], e["field"]) for e in refusal([], provider)] == [(None, "records")]


def test_a_batch_over_the_limit_is_refused_whole(provider, unit_a, settings):
    settings.API_CARDS_MAX = 3

    errors = refusal(batch_of(4), provider)

    assert errors == [
        {"index": None, "field": "records", "message": str(CARDS_TOO_MANY % {"limit": 3})}
    ]
    assert post(batch_of(3), provider)[0].added == 3


def test_a_card_repeated_in_the_batch_is_refused(provider, unit_a):
    records = [card_json(number="H1"), card_json(number="H2"), card_json(number="H1")]

    errors = refusal(records, provider)

    assert errors == [
        {
            "index": 2,
            "field": "record_number",
            "message": str(
                CARD_FIELD % {"field": "卡片编号", "message": REPEATED_CARD % {"row": 0}}
            ),
        }
    ]


def test_every_bad_card_is_told_at_once(provider, unit_a):
    records = batch_of(4)
    records[0]["ward"] = 1
    records[2]["sex"] = 7
    records[3]["age"] = -1

    errors = refusal(records, provider)

    assert [(e["index"], e["field"]) for e in errors] == [(0, "ward"), (2, "sex"), (3, "age")]


# --- Scope --------------------------------------------------------------------------------------


def test_a_clerk_imports_its_own_units_cards_only(clerk_a, unit_a, unit_b):
    errors = refusal([card_json("A01", "H1"), card_json("B01", "H2")], clerk_a)

    assert [(e["index"], e["field"]) for e in errors] == [(1, "unit")]
    assert errors[0]["message"].startswith("创建单位：")
    assert str(NOT_YOUR_UNIT % {"value": "B01"}) in errors[0]["message"]
    assert nothing_written()
    assert post([card_json("A01", "H1")], clerk_a)[0].added == 1


def test_a_clerk_cannot_change_a_card_of_another_unit(clerk_a, provider, unit_a, unit_b):
    post([card_json("B01", "H1")], provider)

    errors = refusal([card_json("A01", "H1")], clerk_a)

    assert [(e["index"], e["field"]) for e in errors] == [(0, "record_number")]
    assert InjuryRecord.objects.get().unit == unit_b


def test_an_evaluator_imports_nothing(evaluator, unit_a):
    assert [e["field"] for e in refusal([card_json()], evaluator)] == ["unit"]


# --- Warnings, updates, dry runs ----------------------------------------------------------------


def test_plausibility_checks_come_back_as_warnings_and_refuse_nothing(provider, unit_a):
    records = [card_json(number="H1"), card_json(number="H2", cause=1, activity=2)]

    outcome, _body = post(records, provider)

    assert outcome.added == 2
    assert [(w["index"], w["field"]) for w in outcome.warnings] == [(1, "place"), (1, "activity")]
    assert all(w["message"] for w in outcome.warnings)
    assert outcome.batch.rows_warned == 1


def test_a_repeated_card_number_updates_its_record(provider, district_user, unit_a):
    first, _body = post(batch_of(3), provider)
    records = batch_of(3)
    records[1].update(age=70, severity=3)

    second, _body = post(records, provider)

    assert (second.added, second.updated, second.unchanged) == (0, 1, 2)
    assert InjuryRecord.objects.count() == 3
    changed = InjuryRecord.objects.get(record_number="H0002")
    assert (changed.age, changed.severity, changed.batch) == (70, 3, second.batch)
    change = ImportBatchChange.objects.get()
    assert (change.batch, change.previous_batch) == (second.batch, first.batch)


def test_a_dry_run_counts_and_writes_nothing(provider, unit_a):
    post(batch_of(2, cause=1), provider)
    records = batch_of(3, cause=1)
    records[0]["age"] = 50

    outcome, _body = post(records, provider, dry_run=True)

    assert (outcome.added, outcome.updated, outcome.unchanged) == (1, 1, 1)
    assert outcome.dry_run and outcome.batch is None
    assert len(outcome.warnings) == 6  # a traffic crash at home, while doing housework, × 3
    assert InjuryRecord.objects.count() == 2 and ImportBatch.objects.count() == 1
    assert InjuryRecord.objects.get(record_number="H0001").age == 34


def test_a_dry_run_refuses_as_the_import_does(provider, unit_a):
    records = batch_of(2)
    records[1]["sex"] = 7

    errors = refusal(records, provider, dry_run=True)

    assert [(e["index"], e["field"]) for e in errors] == [(1, "sex")]


# --- Withdrawing, and the same records as a file ------------------------------------------------


def test_a_batch_is_withdrawn_like_a_file_import(provider, district_user, unit_a):
    first, _body = post(batch_of(2), provider)
    records = batch_of(3)
    records[0]["age"] = 70
    second, _body = post(records, provider)

    assert batch_withdraw(batch=second.batch, by=district_user) == 1

    second.batch.refresh_from_db()
    assert second.batch.status == ImportBatch.Status.WITHDRAWN
    assert list(InjuryRecord.objects.values_list("record_number", "age")) == [
        ("H0001", 34),
        ("H0002", 34),
    ] or sorted(InjuryRecord.objects.values_list("record_number", "age")) == [
        ("H0001", 34),
        ("H0002", 34),
    ]
    assert InjuryRecord.objects.get(record_number="H0001").batch == first.batch


def test_the_same_cards_as_a_file_and_as_json_give_the_same_records(
    tmp_path, provider, district_user, unit_a, unit_b
):
    rows = [*cards(3), *cards(2, "B01", start=4, **{"伤害发生原因": "机动车车祸"})]
    batch, _report = batch_preview(
        name=stored(write_xlsx(tmp_path / "cards.xlsx", rows)), file_name="c.xlsx", user=provider
    )
    assert batch_commit(batch=batch, user=provider).ok
    from_file = sorted(InjuryRecord.objects.values_list(*COMPARED))
    batch_withdraw(batch=batch, by=district_user)
    assert not InjuryRecord.objects.exists()
    records = [*batch_of(3), *batch_of(2, "B01", start=4, cause=1)]

    outcome, _body = post(records, provider)

    assert sorted(InjuryRecord.objects.values_list(*COMPARED)) == from_file
    assert outcome.batch.rows_warned == batch.rows_warned == 2


# --- Queries ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [5, 60])
def test_a_batch_takes_the_same_queries_at_any_size(
    provider, unit_a, count, django_assert_max_num_queries
):
    """21 queries at 5 cards and at 60: the cards are staged in one statement (COPY, or one
    INSERT run for every row) and moved into the records in set-based statements."""
    post(batch_of(count, start=1000), provider)  # records to update, as well as to add
    records = [*batch_of(count, start=1000, age=40), *batch_of(count)]

    with django_assert_max_num_queries(21):
        outcome, _body = post(records, provider)

    assert (outcome.added, outcome.updated) == (count, count)


def test_a_date_given_in_both_forms_is_refused(provider, unit_a):
    errors = refusal([card_json(injured_at=f"{injury_day()} 09:30")], provider)

    assert [(e["index"], e["field"]) for e in errors] == [(0, "injury_date"), (0, "injury_time")]
    assert "injured_at" in errors[0]["message"]
    assert nothing_written()


def test_warnings_never_crowd_out_an_error(provider, unit_a, monkeypatch):
    monkeypatch.setattr(cards_module, "ERRORS_KEPT", 2)
    monkeypatch.setattr(imports, "PROBLEMS_KEPT", 2)  # a file's report would keep 2 warnings
    records = batch_of(5, cause=1)  # a traffic crash at home while doing housework: 2 warnings
    records[4]["sex"] = 7

    errors = refusal(records, provider)

    assert [(e["index"], e["field"]) for e in errors] == [(4, "sex")]
    records[4]["sex"] = 1
    outcome, _body = post(records, provider)
    assert (outcome.warned, len(outcome.warnings)) == (5, 2)
