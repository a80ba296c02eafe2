"""Opening an evaluation round: ids no row can have and dates outside 2000–2100 are refused at
their fields, not with a server error, and no round is opened."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import CreatingUnit, Evaluation, EvaluationRound
from tests.factories import EvaluationSchemeFactory, PhaseFactory

BIG = "9" * 20  # past a 64-bit integer: SQLite cannot even compare with it


@pytest.fixture
def district(client, district_user):
    client.cookies["django_language"] = "en"
    client.force_login(district_user)
    return client


@pytest.fixture
def round_data(unit_a, evaluator):
    def data(**overrides):
        return {
            "scheme": EvaluationSchemeFactory().pk,
            "kind": EvaluationRound.Kind.DISTRICT,
            "name": "2026年区级复核",
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-31",
            "units": [unit_a.pk],
            "evaluators": [evaluator.pk],
            **overrides,
        }

    return data


def invalid_choice(value: str) -> str:
    return f"Select a valid choice. {value} is not one of the available choices."


@pytest.mark.parametrize("field", ["units", "evaluators"])
def test_an_id_of_20_digits_among_the_choices_is_an_invalid_choice(
    district, round_data, unit_a, field
):
    response = district.post(
        reverse("programs:round-create"), round_data(**{field: [unit_a.pk, BIG]})
    )

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [invalid_choice(BIG)]
    assert invalid_choice(BIG) in response.content.decode()
    assert not EvaluationRound.objects.exists()
    assert not Evaluation.objects.exists()


def test_a_scheme_id_of_20_digits_is_an_invalid_choice(district, round_data):
    response = district.post(reverse("programs:round-create"), round_data(scheme=BIG))

    message = "Select a valid choice. That choice is not one of the available choices."
    assert response.status_code == 200
    assert response.context["form"].errors["scheme"] == [message]
    assert not EvaluationRound.objects.exists()


@pytest.mark.parametrize(
    ("field", "day"), [("opens_on", "1999-12-31"), ("closes_on", "9999-06-01")]
)
def test_a_date_outside_2000_to_2100_is_refused_at_its_field(district, round_data, field, day):
    response = district.post(reverse("programs:round-create"), round_data(**{field: day}))

    message = "Give a date from 2000-01-01 to 2100-12-31."
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not EvaluationRound.objects.exists()


def test_each_unit_carries_its_kind_phase_and_pilot_flag_for_the_selection_tools(
    district, unit_a, unit_b
):
    phase = PhaseFactory(program=unit_a.program, order=1, name="启动")
    CreatingUnit.objects.filter(pk=unit_a.pk).update(current_phase=phase, is_pilot=True)

    html = district.get(reverse("programs:round-create")).content.decode()

    box_a = html[html.index(f'value="{unit_a.pk}"') - 300 :][:600]
    assert 'data-kind="town"' in box_a
    assert f'data-phase="{phase.pk}"' in box_a
    assert 'data-pilot="yes"' in box_a
    box_b = html[html.index(f'value="{unit_b.pk}"') - 300 :][:600]
    assert 'data-kind="street"' in box_b and 'data-pilot="no"' in box_b
    tools = html[html.index('id="unit-tools"') :]
    for text in ("Select none", "Select all", "Select only these", "pilots only", "启动"):
        assert text in tools
    assert "round-units.js" in html
    assert "onclick" not in html


def test_the_server_takes_only_the_units_posted(district, round_data, unit_a, unit_b):
    response = district.post(reverse("programs:round-create"), round_data(units=[unit_b.pk]))

    assert response.status_code == 302
    assert list(Evaluation.objects.values_list("unit", flat=True)) == [unit_b.pk]


def test_posting_no_unit_is_refused_at_the_field(district, round_data):
    response = district.post(reverse("programs:round-create"), round_data(units=[]))

    assert response.status_code == 200
    assert response.context["form"].errors["units"] == ["This field is required."]
    assert not EvaluationRound.objects.exists()
