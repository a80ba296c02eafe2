"""Injury records one by one: entering a card (errors, warnings to confirm), who may enter,
see, correct and delete which records, the list's filters and query count, and the history."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from injuries import choices as card
from injuries.checks import CHECKS
from injuries.errors import CONFIRM_WARNINGS
from injuries.models import ImportBatch, InjuryRecord
from tests.factories import InjuryRecordFactory

CREATE = reverse("injuries:record-create")
LIST = reverse("injuries:record-list")
MESSAGES = {check.code: check.message for check in CHECKS}


def card_data(unit, **changes) -> dict:
    """A plausible card as the form posts it: a fall at home of a man of 34, a week ago."""
    injured = timezone.localdate() - timedelta(days=7)
    data = {
        "unit": unit.pk,
        "source": card.Source.HOSPITAL,
        "reporting_org": "顺义区医院",
        "record_number": "H2025-0001",
        "injury_date": injured.isoformat(),
        "injury_time": "09:30",
        "visit_date": injured.isoformat(),
        "visit_time": "10:15",
        "sex": card.Sex.MALE,
        "age": 34,
        "registration": card.Registration.THIS_CITY,
        "education": "",
        "occupation": "",
        "cause": card.Cause.FALL,
        "place": card.Place.HOME,
        "activity": card.Activity.HOUSEWORK,
        "intent": card.Intent.UNINTENTIONAL,
        "alcohol": card.Alcohol.DID_NOT_DRINK,
        "nature": card.Nature.CONTUSION,
        "body_part": card.BodyPart.LOWER_LIMB,
        "severity": card.Severity.MILD,
        "outcome": card.Outcome.DISCHARGED,
        "diagnosis": "右膝挫伤",
        "icd10": "S80.0",
        "narrative": "在家中擦窗时从椅子上跌落。",
    }
    data.update(changes)
    return data


def field_block(html: str, name: str) -> str:
    """The rendered group of one form field: its label, input, errors and warnings."""
    match = re.search(rf'id="field-{name}">(.*?)\n</div>', html, re.S)
    assert match, f"field {name} not on the page"
    return match[1]


@pytest.fixture
def signed_in(client_for):
    """`signed_in(user)`: a client for `user`, with pages in English."""

    def sign_in(user):
        client = client_for(user)
        client.cookies["django_language"] = "en"
        return client

    return sign_in


# --- Entering a card ---------------------------------------------------------------------


def test_a_clerk_saves_a_valid_card_for_their_unit(signed_in, clerk_a, unit_a):
    response = signed_in(clerk_a).post(CREATE, card_data(unit_a), follow=True)

    record = InjuryRecord.objects.get()
    assert response.redirect_chain[-1][0] == record.get_absolute_url()
    assert "Record “顺义区医院 H2025-0001” saved." in response.text
    record.refresh_from_db()
    assert record.unit == unit_a
    assert record.injury_time.strftime("%H:%M") == "09:30"
    assert record.cause == card.Cause.FALL
    assert record.domain == card.Domain.FALL
    assert record.age_band == card.AgeBand.WORKING_AGE
    assert record.history.get().history_user == clerk_a


def test_the_form_shows_the_cards_sections_and_date_and_time_inputs(signed_in, clerk_a):
    html = signed_in(clerk_a).get(CREATE).text

    for heading in ("Card", "I. Patient", "II. The injury event", "III. Clinical information"):
        assert f">{heading}</legend>" in html
    assert 'type="date" name="injury_date"' in html
    assert 'type="time" name="visit_time"' in html


def test_a_warning_must_be_confirmed_before_the_card_is_saved(signed_in, clerk_a, unit_a):
    client = signed_in(clerk_a)
    crash_at_home = card_data(
        unit_a, cause=card.Cause.MOTOR_VEHICLE, activity=card.Activity.DRIVING
    )

    first = client.post(CREATE, crash_at_home)

    assert first.status_code == 200
    assert not InjuryRecord.objects.exists()
    assert escape(str(CONFIRM_WARNINGS)) in first.text
    assert escape(str(MESSAGES["traffic-place"])) in field_block(first.text, "place")
    assert 'name="confirm_warnings"' in first.text

    second = client.post(CREATE, {**crash_at_home, "confirm_warnings": "on"})

    record = InjuryRecord.objects.get()
    assert second.status_code == 302
    assert record.place == card.Place.HOME
    assert record.domain == card.Domain.TRAFFIC


def test_a_card_without_warnings_offers_no_confirmation(signed_in, clerk_a):
    assert 'name="confirm_warnings"' not in signed_in(clerk_a).get(CREATE).text


WARNED_CARDS = {
    "dates": {"visit_date": (timezone.localdate() - timedelta(days=8)).isoformat()},
    "traffic-place": {"cause": card.Cause.MOTOR_VEHICLE, "activity": card.Activity.DRIVING},
    "traffic-activity": {"cause": card.Cause.NON_MOTOR_VEHICLE, "place": card.Place.ROAD},
    "whole-body": {"cause": card.Cause.DROWNING},
    "burn-nature": {"cause": card.Cause.BURN},
}


@pytest.mark.parametrize("check", CHECKS, ids=lambda check: check.code)
def test_each_check_warns_at_the_field_it_concerns(signed_in, clerk_a, unit_a, check):
    response = signed_in(clerk_a).post(CREATE, card_data(unit_a, **WARNED_CARDS[check.code]))

    assert [warned.code for warned in response.context["form"].warnings] == [check.code]
    assert escape(str(check.message)) in field_block(response.text, check.field)
    assert "border-warning" in field_block(response.text, check.field)
    assert not InjuryRecord.objects.exists()


def test_a_visit_a_minute_before_the_injury_on_the_same_day_is_warned(signed_in, clerk_a, unit_a):
    response = signed_in(clerk_a).post(CREATE, card_data(unit_a, visit_time="09:29"))

    assert [warned.code for warned in response.context["form"].warnings] == ["dates"]


def test_a_duplicate_card_number_is_refused_at_the_card_number(signed_in, clerk_a, unit_a):
    InjuryRecordFactory(unit=unit_a, reporting_org="顺义区医院", record_number="H2025-0001")

    response = signed_in(clerk_a).post(CREATE, card_data(unit_a))

    form = response.context["form"]
    assert list(form.errors) == ["record_number"]
    assert "already reported a card with this number" in field_block(response.text, "record_number")
    assert InjuryRecord.objects.count() == 1


def test_the_same_card_number_from_another_source_is_a_different_card(signed_in, clerk_a, unit_a):
    InjuryRecordFactory(
        unit=unit_a,
        source=card.Source.TRAFFIC_POLICE,
        reporting_org="顺义区医院",
        record_number="H2025-0001",
    )

    assert signed_in(clerk_a).post(CREATE, card_data(unit_a)).status_code == 302
    assert InjuryRecord.objects.count() == 2


def test_an_icd10_code_is_upper_cased_before_it_is_checked(signed_in, clerk_a, unit_a):
    signed_in(clerk_a).post(CREATE, card_data(unit_a, icd10=" s80.0 "))

    assert InjuryRecord.objects.get().icd10 == "S80.0"


def test_a_malformed_icd10_code_is_refused_at_its_field(signed_in, clerk_a, unit_a):
    response = signed_in(clerk_a).post(CREATE, card_data(unit_a, icd10="80S"))

    assert list(response.context["form"].errors) == ["icd10"]
    assert "Write an ICD-10 code such as S72.0" in field_block(response.text, "icd10")
    assert not InjuryRecord.objects.exists()


def test_an_injury_date_in_the_future_is_refused_at_its_field(signed_in, clerk_a, unit_a):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = signed_in(clerk_a).post(
        CREATE, card_data(unit_a, injury_date=tomorrow, visit_date=tomorrow)
    )

    errors = response.context["form"].errors
    assert errors["injury_date"] == ["The injury date is in the future."]
    assert errors["visit_date"] == ["The visit date is in the future."]
    assert not InjuryRecord.objects.exists()


def test_an_age_over_120_is_refused(signed_in, clerk_a, unit_a):
    response = signed_in(clerk_a).post(CREATE, card_data(unit_a, age=121))

    assert list(response.context["form"].errors) == ["age"]
    assert not InjuryRecord.objects.exists()


# --- Who may enter, see, correct and delete which records -----------------------------------


def test_a_clerk_is_offered_only_their_own_unit(signed_in, clerk_a, unit_a, unit_b):
    form = signed_in(clerk_a).get(CREATE).context["form"]

    assert list(form.fields["unit"].queryset) == [unit_a]
    assert [value for value, _label in form.fields["unit"].choices] == [unit_a.pk]


def test_a_clerk_cannot_enter_a_card_for_another_unit(signed_in, clerk_a, unit_b):
    response = signed_in(clerk_a).post(CREATE, card_data(unit_b))

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["unit"]
    assert not InjuryRecord.objects.exists()


@pytest.mark.parametrize("persona", ["provider", "district_user"])
def test_providers_and_district_staff_enter_cards_for_any_unit(
    request, signed_in, unit_a, unit_b, persona
):
    user = request.getfixturevalue(persona)
    client = signed_in(user)
    assert set(client.get(CREATE).context["form"].fields["unit"].queryset) == {unit_a, unit_b}

    response = client.post(CREATE, card_data(unit_b))

    assert response.status_code == 302
    record = InjuryRecord.objects.get()
    assert record.unit == unit_b
    assert record.history.get().history_user == user


def test_a_clerk_cannot_see_change_or_delete_another_units_record(signed_in, clerk_a, unit_b):
    record = InjuryRecordFactory(unit=unit_b, age=50)
    client = signed_in(clerk_a)

    for name in ("record-detail", "record-edit", "record-delete"):
        assert client.get(reverse(f"injuries:{name}", args=[record.pk])).status_code == 404
    edit = client.post(reverse("injuries:record-edit", args=[record.pk]), card_data(unit_b, age=60))
    delete = client.post(reverse("injuries:record-delete", args=[record.pk]))

    assert (edit.status_code, delete.status_code) == (404, 404)
    record.refresh_from_db()
    assert record.age == 50
    assert record not in client.get(LIST).context["records"]


def test_an_evaluator_sees_no_records_and_enters_none(signed_in, evaluator, unit_a):
    record = InjuryRecordFactory(unit=unit_a)
    client = signed_in(evaluator)

    listing = client.get(LIST)

    assert listing.status_code == 200
    assert list(listing.context["records"]) == []
    assert listing.context["total"] == 0
    assert 'id="add-record"' not in listing.text
    assert client.get(record.get_absolute_url()).status_code == 404
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, card_data(unit_a, record_number="E1")).status_code == 404
    assert InjuryRecord.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in(client, unit_a):
    record = InjuryRecordFactory(unit=unit_a)

    for url in (LIST, CREATE, record.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_a_clerk_corrects_their_units_record(signed_in, clerk_a, unit_a):
    record = InjuryRecordFactory(unit=unit_a, reporting_org="顺义区医院", record_number="X1")

    response = signed_in(clerk_a).post(
        reverse("injuries:record-edit", args=[record.pk]),
        card_data(unit_a, record_number="X1", age=70),
        follow=True,
    )

    assert response.redirect_chain[-1][0] == record.get_absolute_url()
    assert "Record “顺义区医院 X1” saved." in response.text
    record.refresh_from_db()
    assert record.age == 70
    assert record.age_band == card.AgeBand.ELDERLY


def test_a_provider_corrects_any_units_record(signed_in, provider, unit_b):
    record = InjuryRecordFactory(unit=unit_b, record_number="P1")

    signed_in(provider).post(
        reverse("injuries:record-edit", args=[record.pk]),
        card_data(unit_b, record_number="P1", severity=card.Severity.SEVERE),
    )

    record.refresh_from_db()
    assert record.severity == card.Severity.SEVERE


def test_a_clerk_deletes_their_units_record_after_confirming(signed_in, clerk_a, unit_a):
    record = InjuryRecordFactory(unit=unit_a)
    client = signed_in(clerk_a)
    url = reverse("injuries:record-delete", args=[record.pk])

    assert client.get(url).status_code == 200
    assert InjuryRecord.objects.filter(pk=record.pk).exists()
    response = client.post(url, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert f"Record “{record}” deleted." in response.text
    assert not InjuryRecord.objects.filter(pk=record.pk).exists()
    assert InjuryRecord.history.filter(id=record.pk, history_type="-").get().history_user == (
        clerk_a
    )


# --- The detail page ----------------------------------------------------------------------


def test_the_detail_page_shows_the_card_and_what_it_counts_as(signed_in, clerk_a, unit_a):
    record = InjuryRecordFactory(
        unit=unit_a, age=8, cause=card.Cause.BURN, nature=card.Nature.BURN, icd10="T20.1"
    )

    response = signed_in(clerk_a).get(record.get_absolute_url())

    html = response.text
    assert re.search(r'id="value-cause">burn or scald<', html)
    assert re.search(r'id="value-icd10">T20.1<', html)
    assert re.search(r'id="value-age_group">5–9<', html)
    assert re.search(r'id="value-domain">fire and burns<', html)
    assert re.search(r'id="value-unit">甲镇<', html)
    assert 'id="edit-record"' in html and 'id="delete-record"' in html
    assert "Entered by hand." in html


def test_the_import_that_wrote_a_record_is_linked_only_for_those_who_see_it(
    signed_in, clerk_a, district_user, unit_a
):
    batch = ImportBatch.objects.create(
        file_name="2025年3月.xlsx", sha256="0" * 64, size=100, uploaded_by=district_user
    )
    record = InjuryRecordFactory(unit=unit_a, batch=batch)
    batch_url = reverse("injuries:batch-detail", args=[batch.pk])

    as_district = signed_in(district_user).get(record.get_absolute_url()).text
    as_clerk = signed_in(clerk_a).get(record.get_absolute_url()).text

    assert batch_url in as_district
    assert batch_url not in as_clerk
    assert "2025年3月.xlsx" in as_clerk


def test_the_history_shows_who_changed_which_fields(signed_in, clerk_a, district_user, unit_a):
    signed_in(clerk_a).post(CREATE, card_data(unit_a))
    record = InjuryRecord.objects.get()
    signed_in(district_user).post(
        reverse("injuries:record-edit", args=[record.pk]),
        card_data(unit_a, age=40, outcome=card.Outcome.ADMITTED),
    )

    response = signed_in(clerk_a).get(record.get_absolute_url())

    changed, created = response.context["changes"]
    assert (changed.who, changed.action) == (district_user, "Changed")
    assert {(c.field, str(c.old), str(c.new)) for c in changed.changes} == {
        ("age", "34", "40"),
        ("outcome", "treated and discharged", "admitted to hospital"),
    }
    assert (created.who, created.action) == (clerk_a, "Created")
    history = response.text[response.text.index('id="record-history"') :]
    assert district_user.display_name in history and "admitted to hospital" in history


# --- The list -----------------------------------------------------------------------------


@pytest.fixture
def varied_records(unit_a, unit_b):
    """Four records that differ in unit, date, source, cause, domain and outcome."""
    return {
        "fall_a": InjuryRecordFactory(unit=unit_a, injury_date=date(2025, 1, 10)),
        "crash_b": InjuryRecordFactory(
            unit=unit_b,
            injury_date=date(2025, 2, 10),
            source=card.Source.TRAFFIC_POLICE,
            cause=card.Cause.MOTOR_VEHICLE,
            place=card.Place.ROAD,
            activity=card.Activity.DRIVING,
            outcome=card.Outcome.ADMITTED,
        ),
        "drowning_a": InjuryRecordFactory(
            unit=unit_a,
            injury_date=date(2025, 3, 10),
            cause=card.Cause.DROWNING,
            place=card.Place.OTHER,
            body_part=card.BodyPart.WHOLE_BODY,
            outcome=card.Outcome.DIED,
        ),
        "sports_b": InjuryRecordFactory(
            unit=unit_b,
            injury_date=date(2025, 4, 10),
            cause=card.Cause.BLUNT,
            place=card.Place.SPORTS_AREA,
            activity=card.Activity.SPORTS,
        ),
    }


def test_the_list_shows_newest_injuries_first_with_a_count(
    signed_in, district_user, varied_records
):
    response = signed_in(district_user).get(LIST)

    keys = {record.pk: key for key, record in varied_records.items()}
    assert [keys[r.pk] for r in response.context["records"]] == [
        "sports_b",
        "drowning_a",
        "crash_b",
        "fall_a",
    ]
    assert response.context["total"] == 4
    assert 'id="add-record"' in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"unit": "B"}, {"crash_b", "sports_b"}),
        ({"start": "2025-02-01", "end": "2025-03-31"}, {"crash_b", "drowning_a"}),
        ({"source": card.Source.TRAFFIC_POLICE}, {"crash_b"}),
        ({"cause": card.Cause.DROWNING}, {"drowning_a"}),
        ({"domain": card.Domain.SPORTS}, {"sports_b"}),
        ({"outcome": card.Outcome.ADMITTED}, {"crash_b"}),
        ({"unit": "A", "outcome": card.Outcome.DIED}, {"drowning_a"}),
    ],
)
def test_the_list_filters_records(
    signed_in, district_user, unit_a, unit_b, varied_records, query, expected
):
    if "unit" in query:
        query = {**query, "unit": {"A": unit_a, "B": unit_b}[query["unit"]].pk}

    response = signed_in(district_user).get(LIST, query)

    keys = {record.pk: key for key, record in varied_records.items()}
    assert {keys[r.pk] for r in response.context["records"]} == expected
    assert response.context["total"] == len(expected)


def test_a_clerk_lists_only_their_units_records_and_cannot_filter_to_another(
    signed_in, clerk_a, unit_b, varied_records
):
    client = signed_in(clerk_a)

    everything = client.get(LIST)
    other_unit = client.get(LIST, {"unit": unit_b.pk})

    assert {r.pk for r in everything.context["records"]} == {
        varied_records["fall_a"].pk,
        varied_records["drowning_a"].pk,
    }
    assert "unit" in other_unit.context["filter"].form.errors


def test_the_list_links_to_the_import_page_for_those_who_may_import(signed_in, clerk_a, evaluator):
    import_url = reverse("injuries:import")

    assert f'href="{import_url}"' in signed_in(clerk_a).get(LIST).text
    assert f'href="{import_url}"' not in signed_in(evaluator).get(LIST).text


@pytest.mark.parametrize("persona", ["clerk_a", "district_user"])
def test_the_list_query_count_does_not_grow_with_records(
    request, signed_in, django_assert_max_num_queries, unit_a, persona
):
    client = signed_in(request.getfixturevalue(persona))
    for size in (5, 40):
        InjuryRecordFactory.create_batch(size - InjuryRecord.objects.count(), unit=unit_a)

        with django_assert_max_num_queries(8):  # with the district's unit ids, the scope
            response = client.get(LIST, {"cause": card.Cause.FALL})

        assert response.context["total"] == size
        assert response.text.count('<tr id="record-') == size
