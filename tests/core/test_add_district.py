"""`manage.py add_district CODE` puts a Beijing district on the portal from the official list."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from programs.core import divisions
from programs.core import reference_data as ref
from programs.core.choices import UnitKind
from programs.models import CreatingUnit, Department, District, Milestone, Phase, Program
from programs.setup import reference_data_load

pytestmark = pytest.mark.django_db


def add_district(code: str) -> str:
    out = StringIO()
    call_command("add_district", code, stdout=out)
    return out.getvalue()


def test_a_district_gets_its_streets_and_towns_as_units_coded_by_division_code():
    output = add_district("110116")

    huairou = District.objects.get(code="110116")
    assert (huairou.name, huairou.name_en, huairou.population) == (
        "怀柔区",
        "Huairou District",
        441_040,
    )
    units = {unit.code: unit for unit in CreatingUnit.objects.filter(district=huairou)}
    listed = [s for s in divisions.streets_of("110116") if not s.code.startswith("1101164")]
    assert sorted(units) == sorted(street.code for street in listed)
    assert len(units) == 16  # 北京雁栖经济开发区 (110116400) is a zone: added by hand
    quanhe = units["110116001"]
    assert (quanhe.name, quanhe.division_code, quanhe.kind) == ("泉河街道", "110116001", "street")
    assert units["110116102"].kind == units["110116003"].kind == UnitKind.TOWN  # 北房镇, 怀柔地区
    assert all(unit.current_phase.order == 1 for unit in units.values())
    assert "怀柔区 (110116): 16 units" in output


def test_a_district_gets_its_own_programme_phases_milestones_and_departments():
    add_district("110116")

    program = Program.objects.get(district__code="110116")
    assert program.name == "怀柔区安全社区创建工作"
    assert Phase.objects.filter(program=program).count() == len(ref.PHASES)
    plan_milestones = sum(len(phase[3]) for phase in ref.PHASES)
    assert Milestone.objects.filter(phase__program=program).count() == plan_milestones
    dated = Milestone.objects.filter(phase__program=program).exclude(due_date=None)
    assert all(m.due_date.year >= program.start_date.year for m in dated)
    assert Department.objects.filter(district__code="110116").count() == len(ref.DEPARTMENTS)


def test_rerunning_creates_nothing_and_keeps_the_offices_changes():
    add_district("110116")
    unit = CreatingUnit.objects.get(code="110116001")
    unit.population = 52_000
    unit.save()
    counts = (CreatingUnit.objects.count(), Department.objects.count(), Milestone.objects.count())

    output = add_district("110116")

    assert "created nothing" in output
    assert counts == (
        CreatingUnit.objects.count(),
        Department.objects.count(),
        Milestone.objects.count(),
    )
    assert CreatingUnit.objects.get(code="110116001").population == 52_000


@pytest.mark.parametrize("code", ["110199", "120101", "11011", "abc"])
def test_an_unknown_code_is_refused_and_creates_nothing(code):
    with pytest.raises(CommandError, match=f"^{code} 不是北京市行政区划官方名录"):
        add_district(code)  # in the portal's language, as the command prints it
    assert not District.objects.exists() and not Program.objects.exists()


def test_shunyi_keeps_its_short_codes_beside_a_district_added_later():
    reference_data_load()
    add_district("110116")

    shunyi = CreatingUnit.objects.filter(district__code="110113")
    assert shunyi.count() == 38
    assert shunyi.filter(code="T01").exists() and shunyi.filter(code="E13").exists()
    assert CreatingUnit.objects.filter(district__code="110116", code__startswith="110116").count()
    # 顺义区 once more through add_district: its units stay as the plan named them
    add_district("110113")
    assert shunyi.count() == 38
    assert Program.objects.filter(district__code="110113").count() == 1
    assert not CreatingUnit.objects.filter(code__startswith="110113").exists()
