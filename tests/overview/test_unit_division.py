"""A unit's official division code and official name where its name is shown in detail: the
unit page, the evaluator's view of it and the one-page summary; nothing for a unit without."""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import CreatingUnit
from tests.factories import EvaluationFactory, UnitFactory


@pytest.fixture
def renhe(db) -> CreatingUnit:
    unit = UnitFactory(code="T01", name="仁和镇")
    CreatingUnit.objects.filter(pk=unit.pk).update(
        division_code="110113003", official_name="仁和地区"
    )
    return unit


@pytest.mark.parametrize("page", ["programs:unit-detail", "programs:unit-summary"])
def test_the_unit_page_and_summary_show_the_code_and_the_official_name(
    english, district_user, renhe, page
):
    english.force_login(district_user)

    html = english.get(reverse(page, args=["T01"])).content.decode()

    assert 'Division code: <span class="font-monospace">110113003</span>' in html
    assert "Official name: 仁和地区" in html


def test_an_evaluator_sees_them_on_the_unit_they_evaluate(english, evaluator, renhe):
    EvaluationFactory(unit=renhe, round__evaluators=[evaluator])
    english.force_login(evaluator)

    html = english.get(reverse("programs:unit-detail", args=["T01"])).content.decode()

    assert 'id="evaluator-view-note"' in html
    assert "110113003" in html and "Official name: 仁和地区" in html


def test_a_unit_named_as_officially_shows_only_its_code(english, district_user):
    unit = UnitFactory(code="S01", name="胜利街道")
    CreatingUnit.objects.filter(pk=unit.pk).update(division_code="110113001")
    english.force_login(district_user)

    html = english.get(reverse("programs:unit-detail", args=["S01"])).content.decode()

    assert "110113001" in html
    assert 'id="official-name"' not in html


def test_a_zone_shows_neither(english, district_user):
    UnitFactory(code="E01", name="空港物流基地", kind="zone")
    english.force_login(district_user)

    html = english.get(reverse("programs:unit-detail", args=["E01"])).content.decode()

    assert 'id="division-code"' not in html and 'id="official-name"' not in html
