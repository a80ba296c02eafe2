"""Reference data in two languages: phases, departments, work-group templates, indicators and
scheme elements show their English name on English pages (the Chinese one where none is given)
and their Chinese name on Chinese pages. The reference load fills an English name that is blank
and never overwrites one the office typed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from programs.core import reference_data as ref
from programs.evaluations import reference_data as evaluations_ref
from programs.models import CreatingUnit, Department, Indicator, Phase, SchemeElement
from workgroups.models import WorkGroupTemplate

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("programs:program-overview")


def load() -> None:
    call_command("load_reference_data", stdout=StringIO())


@pytest.fixture
def loaded(db) -> None:
    load()


# (model, lookup of one row, its Chinese name, its English name in the reference data)
ROWS = [
    (Phase, {"order": 1}, "启动阶段", ref.PHASE_NAMES_EN[1]),
    (Department, {"code": "health"}, "区卫生局", ref.DEPARTMENT_NAMES_EN["health"]),
    (WorkGroupTemplate, {"number": 3}, "消防安全组", ref.WORK_GROUP_NAMES_EN[3]),
    (
        SchemeElement,
        {"scheme__code": "national-onsite", "number": 1},
        "安全社区创建机构与职责",
        evaluations_ref.ELEMENT_NAMES_EN[1],
    ),
    (Indicator, {"code": "hazards-found"}, "排查发现隐患", "Hazards found"),
]
IDS = [model.__name__ for model, *_rest in ROWS]


@pytest.mark.parametrize(("model", "lookup", "chinese", "english"), ROWS, ids=IDS)
def test_the_load_gives_every_row_its_english_name(loaded, model, lookup, chinese, english):
    row = model.objects.get(**lookup)

    assert row.name == chinese and row.name_en == english
    with translation.override("en"):
        assert row.label == english and english in str(row)
    with translation.override("zh-hans"):
        assert row.label == chinese and chinese in str(row)


@pytest.mark.parametrize(("model", "lookup", "chinese", "english"), ROWS, ids=IDS)
def test_a_row_without_an_english_name_shows_the_chinese_one_in_english(
    loaded, model, lookup, chinese, english
):
    row = model.objects.get(**lookup)
    row.name_en = ""

    with translation.override("en"):
        assert row.label == chinese


@pytest.mark.parametrize(("model", "lookup", "chinese", "english"), ROWS, ids=IDS)
def test_a_second_load_fills_a_blank_english_name(loaded, model, lookup, chinese, english):
    model.objects.filter(**lookup).update(name_en="")

    load()

    assert model.objects.get(**lookup).name_en == english


@pytest.mark.parametrize(("model", "lookup", "chinese", "english"), ROWS, ids=IDS)
def test_a_second_load_keeps_the_offices_english_name_and_chinese_name(
    loaded, model, lookup, chinese, english
):
    model.objects.filter(**lookup).update(name="办公室改过的名称", name_en="As the office wrote it")

    load()

    row = model.objects.get(**lookup)
    assert (row.name, row.name_en) == ("办公室改过的名称", "As the office wrote it")


def test_a_filled_english_name_is_in_the_change_history(loaded):
    phase = Phase.objects.get(order=1)
    Phase.objects.filter(pk=phase.pk).update(name_en="")

    load()

    assert phase.history.first().name_en == ref.PHASE_NAMES_EN[1]


def test_every_row_of_the_plan_has_an_english_name(loaded):
    for model in (Phase, Department, WorkGroupTemplate, SchemeElement, Indicator):
        assert not model.objects.filter(name_en="").exists(), model


def test_the_programme_page_shows_english_names_in_english(english, district_user, loaded):
    english.force_login(district_user)

    html = english.get(OVERVIEW).content.decode()

    assert "Launch" in html and "District Health Bureau" in html and "Fire safety" in html
    assert "启动阶段" not in html and "区卫生局" not in html and "消防安全组" not in html


def test_the_programme_page_shows_chinese_names_in_chinese(client, district_user, loaded):
    client.force_login(district_user)

    html = client.get(OVERVIEW).content.decode()

    assert "启动阶段" in html and "区卫生局" in html and "消防安全组" in html
    assert "District Health Bureau" not in html and "Fire safety" not in html


def test_the_unit_page_shows_the_phase_in_the_pages_language(english, district_user, loaded):
    unit = CreatingUnit.objects.get(code="T01")
    unit.current_phase = unit.program.phases.get(order=2)
    unit.save(update_fields=["current_phase"])
    url = reverse("programs:unit-detail", args=[unit.code])
    english.force_login(district_user)

    assert "Implementation" in english.get(url).content.decode()
    english.cookies.pop("django_language")
    assert "实施阶段" in english.get(url).content.decode()
