"""`manage.py load_reference_data`: the district's plan, loaded once and safe to repeat."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from programs.core import reference_data as ref
from programs.core.choices import UnitKind
from programs.models import (
    CreatingUnit,
    Department,
    Indicator,
    Milestone,
    Phase,
    Program,
    Target,
    ValidationRule,
)
from workgroups.models import WorkGroupTemplate

pytestmark = pytest.mark.django_db

PILOT_NAMES = {"北小营镇", "南彩镇", "牛栏山镇", "马坡镇", "空港街道", "旺泉街道"}


def load() -> str:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model, history tables included (they are models of their own)."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def loaded(db) -> str:
    return load()


def test_loads_the_nine_departments(loaded):
    assert Department.objects.count() == 9
    assert Department.objects.filter(name="市公安局顺义分局").exists()


def test_loads_the_fourteen_work_group_templates(loaded):
    assert list(WorkGroupTemplate.objects.values_list("number", flat=True)) == list(range(1, 15))
    assert WorkGroupTemplate.objects.filter(is_active=True).count() == 14


def test_loads_one_programme(loaded):
    assert Program.objects.count() == 1


def test_loads_the_four_phases_in_order(loaded):
    program = Program.objects.get()
    assert list(program.phases.order_by("order").values_list("name", flat=True)) == [
        "启动阶段",
        "实施阶段",
        "申请认证阶段",
        "持续改进阶段",
    ]


# The tasks the district plan names for each phase, and whether the phase gate waits for them.
PLAN_MILESTONES = {
    1: [
        ("组建促进委员会、委员会办公室和工作组", True),
        ("制定安全社区建设工作方案并上报", True),
        ("提交创建申请", True),
        ("召开工作部署会", True),
        ("开展创建宣传", False),
        ("参加学习、交流和专项培训", False),
    ],
    2: [
        ("编制安全促进教育培训计划", True),
        ("社区安全基本情况调查（社区诊断）", True),
        ("危险源辨识与风险评估", True),
        ("制定安全促进目标及计划", True),
        ("开展安全宣传教育，实施安全促进项目", True),
        ("绩效评估与持续改进", True),
        ("编写安全社区工作报告", True),
    ],
    3: [
        ("向领导小组办公室备案", True),
        ("向北京市安全生产协会递交申请材料", True),
        ("迎接验收", True),
    ],
    4: [
        ("制定持续改进计划", True),
        ("申报全国安全社区", False),
        ("申报国际安全社区", False),
    ],
}


def test_loads_every_milestone_of_the_plan_in_order_with_its_gate_rule(loaded):
    loaded_milestones = {
        order: [
            (m.name, m.required_for_gate)
            for m in Milestone.objects.filter(phase__order=order).order_by("order")
        ]
        for order in PLAN_MILESTONES
    }
    assert loaded_milestones == PLAN_MILESTONES
    assert Milestone.objects.count() == 19


@pytest.mark.parametrize("name", ["制定安全社区建设工作方案并上报", "提交创建申请"])
def test_work_plan_and_application_are_required_by_30_april(loaded, name):
    milestone = Milestone.objects.select_related("phase__program").get(name=name)
    start_year = milestone.phase.program.start_date.year
    assert milestone.phase.order == 1
    assert milestone.due_date == date(start_year, 4, 30)
    assert milestone.required_for_gate


def test_loads_thirty_eight_units_by_kind(loaded):
    assert CreatingUnit.objects.count() == 38
    assert CreatingUnit.objects.filter(kind=UnitKind.TOWN).count() == 19
    assert CreatingUnit.objects.filter(kind=UnitKind.STREET).count() == 6
    assert CreatingUnit.objects.filter(kind=UnitKind.ZONE).count() == 13


def test_unit_codes_run_t01_to_t19_s01_to_s06_e01_to_e13(loaded):
    expected = {
        *(f"T{n:02d}" for n in range(1, 20)),
        *(f"S{n:02d}" for n in range(1, 7)),
        *(f"E{n:02d}" for n in range(1, 14)),
    }
    assert set(CreatingUnit.objects.values_list("code", flat=True)) == expected
    kinds = {"T": UnitKind.TOWN, "S": UnitKind.STREET, "E": UnitKind.ZONE}
    for code, kind in CreatingUnit.objects.values_list("code", "kind"):
        assert kind == kinds[code[0]], code


def test_exactly_the_six_first_batch_pilots_are_marked(loaded):
    pilots = CreatingUnit.objects.filter(is_pilot=True)
    assert set(pilots.values_list("name", flat=True)) == PILOT_NAMES
    assert set(pilots.values_list("batch", flat=True)) == {1}


def test_every_unit_starts_in_the_first_phase(loaded):
    first = Phase.objects.get(order=1)
    assert set(CreatingUnit.objects.values_list("current_phase", flat=True)) == {first.pk}


def test_only_the_five_placeholder_zones_await_their_names(loaded):
    unconfirmed = CreatingUnit.objects.filter(name_confirmed=False)
    assert set(unconfirmed.values_list("code", flat=True)) == {f"E{n:02d}" for n in range(9, 14)}
    assert set(unconfirmed.values_list("kind", flat=True)) == {UnitKind.ZONE}


def test_loads_the_three_targets(loaded):
    assert set(Target.objects.values_list("code", flat=True)) == {
        "pilots-beijing-title",
        "half-beijing-title",
        "two-national-titles",
    }


def test_loads_the_monthly_reports_indicators_and_rules(loaded):
    assert Indicator.objects.count() == 28
    assert Indicator.objects.automatic().count() == 20
    assert ValidationRule.objects.count() == 9
    assert ValidationRule.objects.filter(severity=ValidationRule.Severity.ERROR).count() == 1


def test_second_run_keeps_the_offices_changes_to_an_indicator(loaded):
    Indicator.objects.filter(code="volunteers").update(is_active=False, order=5)

    load()

    volunteers = Indicator.objects.get(code="volunteers")
    assert (volunteers.is_active, volunteers.order) == (False, 5)
    assert Indicator.objects.count() == 28


def test_first_run_reports_what_it_created(loaded):
    assert "Reference data loaded." in loaded
    assert "nothing changed" not in loaded


def test_second_run_changes_no_row_and_writes_no_history():
    load()
    before = row_counts()
    assert before["programs.HistoricalCreatingUnit"] == 38
    assert before["programs.HistoricalIndicator"] == 28
    assert before["programs.HistoricalValidationRule"] == 9
    load()
    assert row_counts() == before


def test_second_run_says_nothing_changed(loaded):
    assert "nothing changed" in load()


def test_second_run_keeps_the_offices_rename_of_a_placeholder_zone(loaded):
    zone = CreatingUnit.objects.get(code="E13")
    zone.name = "北京顺义某正式功能区"
    zone.name_confirmed = True
    zone.save()

    load()

    zone.refresh_from_db()
    assert (zone.name, zone.name_confirmed) == ("北京顺义某正式功能区", True)
    assert CreatingUnit.objects.count() == 38
    assert not CreatingUnit.objects.filter(name=ref.placeholder_zone_name(13)).exists()
