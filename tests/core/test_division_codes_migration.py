"""Migration 0022 gives the units that exist their official division code by name: each of
顺义区's 25 towns and streets to the one town or street unit bearing its official name or the
plan's name for it (with the official name kept where they differ); a unit of another name, a
name two units bear, and the economic zones get none."""

from __future__ import annotations

import importlib

import pytest

from programs.core import divisions
from programs.core import reference_data as ref
from tests.migrations import migrate, migrated_back

BEFORE = [("programs", "0021_event_kind_deleted")]
AFTER = [("programs", "0022_division_codes")]


@pytest.fixture
def old_apps(transactional_db):
    yield from migrated_back(BEFORE)


def test_the_units_that_exist_get_their_codes_by_name(old_apps):
    programs = old_apps.get_model("programs", "Program").objects
    units = old_apps.get_model("programs", "CreatingUnit").objects
    shunyi = programs.create(code="shunyi", name="顺义", start_date="2025-03-01")
    other = programs.create(code="other", name="另一个", start_date="2025-03-01")
    for number, name in enumerate(ref.TOWNS, start=1):
        units.create(program=shunyi, code=f"T{number:02d}", name=name, kind="town")
    for number, name in enumerate(ref.STREETS, start=1):
        units.create(program=shunyi, code=f"S{number:02d}", name=name, kind="street")
    units.filter(code="T19").update(name="赵全营镇人民政府")  # renamed by the office
    units.create(program=other, code="X01", name="空港街道", kind="street")  # twice: S04 too
    units.create(program=shunyi, code="E01", name="北京天竺综合保税区", kind="zone")
    units.create(program=other, code="E02", name="马坡地区", kind="zone")  # a zone: not the town
    moved_at = dict(units.values_list("code", "updated_at"))

    apps = migrate(AFTER)

    units = apps.get_model("programs", "CreatingUnit").objects
    coded = dict(units.exclude(division_code="").values_list("name", "division_code"))
    assert coded["胜利街道"] == "110113001"
    assert coded["仁和镇"] == "110113003"
    assert coded["马坡镇"] == "110113009"
    assert coded["北石槽镇"] == "110113115"
    assert "空港街道" not in coded  # two units bear the name: the office chooses
    assert "赵全营镇人民政府" not in coded
    assert len(coded) == 23
    assert units.get(code="E02").division_code == ""
    official = dict(units.exclude(official_name="").values_list("name", "official_name"))
    assert official == ref.OFFICIAL_NAMES
    assert all(unit.updated_at > moved_at[unit.code] for unit in units.exclude(division_code=""))


def test_the_migrations_own_list_is_the_vendored_list_with_the_plans_names():
    """The migration keeps its copy of 顺义区's 25 (a migration must not change with the data);
    the copy says what the vendored list and the reference data's reconciliation say."""
    migration = importlib.import_module("programs.migrations.0022_division_codes")
    plan_names = {official: plan for plan, official in ref.OFFICIAL_NAMES.items()}

    assert [
        (d.code, d.name, plan_names.get(d.name)) for d in divisions.streets_of("110113")
    ] == migration.SHUNYI
