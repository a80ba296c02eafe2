"""The API's units carry their official division code and official name, and are found by
the code."""

from __future__ import annotations

import pytest

from programs.models import CreatingUnit
from tests.factories import UnitFactory


@pytest.fixture
def shunyi(db):
    program = UnitFactory(code="T01", name="仁和镇").program
    UnitFactory(program=program, code="S01", name="胜利街道")
    UnitFactory(program=program, code="E01", name="空港物流基地", kind="zone")
    CreatingUnit.objects.filter(code="T01").update(
        division_code="110113003", official_name="仁和地区"
    )
    CreatingUnit.objects.filter(code="S01").update(division_code="110113001")


def test_each_unit_gives_its_code_and_its_name_in_the_official_list(
    token_client, district_user, shunyi
):
    units = token_client(district_user).get("/api/v1/units/").json()["results"]

    assert {u["code"]: (u["division_code"], u["official_name"]) for u in units} == {
        "T01": ("110113003", "仁和地区"),
        "S01": ("110113001", "胜利街道"),
        "E01": ("", ""),
    }


def test_a_unit_is_found_by_its_division_code(token_client, district_user, shunyi):
    client = token_client(district_user)

    found = client.get("/api/v1/units/", {"division_code": "110113003"}).json()["results"]

    assert [u["code"] for u in found] == ["T01"]
    assert client.get("/api/v1/units/", {"division_code": "110113999"}).json()["results"] == []
