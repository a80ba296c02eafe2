"""Indicators and validation rules of the monthly report: their constraints, the rules checked
against a report's values, and the values the activity log gives a unit for a month."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError
from django.utils import translation

from programs.models import Indicator, ValidationRule
from programs.reports import reference_data as ref
from programs.reports.models.indicators import IndicatorSource
from programs.reports.resources import IndicatorResource
from programs.reports.selectors.rules import indicator_values_from_activities, rules_evaluate
from programs.setup import reference_data_load
from tests.database import refused_by_database
from workgroups.models import Activity, ActivityKind, PromotionProject

pytestmark = pytest.mark.django_db

Op = ValidationRule.Operator
Severity = ValidationRule.Severity


def error_fields(instance) -> set[str]:
    """The keys of the errors `full_clean()` reports (fails the test if it reports none)."""
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return set(caught.value.message_dict)


def indicator(code: str, **fields) -> Indicator:
    values = {
        "name": f"指标{code}",
        "unit_of_measure": "次",
        "section": Indicator.Section.WORK,
        "source": Indicator.Source.NONE,
    }
    return Indicator.objects.create(code=code, **{**values, **fields})


def new_rule(left: Indicator, **fields) -> ValidationRule:
    """An unsaved rule `left ≤ 0`, an error, unless told otherwise."""
    values = {
        "code": "rule",
        "name": "规则",
        "operator": Op.LTE,
        "right_constant": Decimal(0),
        "severity": Severity.ERROR,
        "message_zh": "中文消息",
        "message_en": "English message",
    }
    return ValidationRule(left=left, **{**values, **fields})


def rule(left: Indicator, **fields) -> ValidationRule:
    built = new_rule(left, **fields)
    built.save()
    return built


@pytest.fixture
def found(db) -> Indicator:
    return indicator("found", name="发现隐患")


@pytest.fixture
def rectified(db) -> Indicator:
    return indicator("rectified", name="整改隐患")


# --- Indicator constraints ----------------------------------------------------------------------


def test_a_valid_indicator_passes_full_clean():
    Indicator(code="x", name="某指标", unit_of_measure="次", section="work").full_clean()


def test_indicator_code_is_unique(found):
    assert "code" in error_fields(Indicator(code="found", name="另一个", unit_of_measure="次"))
    refused_by_database(lambda: indicator("found", name="另一个"), "indicator_code_unique")


def test_indicator_name_is_unique(found):
    assert "name" in error_fields(
        Indicator(code="other", name="发现隐患", unit_of_measure="项", section="hazards")
    )
    refused_by_database(lambda: indicator("other", name="发现隐患"), "indicator_name_unique")


def test_two_indicators_cannot_take_their_value_from_the_same_source():
    indicator("trainings", source=IndicatorSource.TRAINING_COUNT)
    duplicate = Indicator(
        code="trainings-2",
        name="培训2",
        unit_of_measure="次",
        section="activities",
        source=IndicatorSource.TRAINING_COUNT,
    )
    assert error_fields(duplicate) == {"source"}
    refused_by_database(
        lambda: indicator("trainings-2", source=IndicatorSource.TRAINING_COUNT),
        "indicator_source_unique",
    )


def test_many_indicators_may_be_entered_by_hand():
    indicator("volunteers")
    indicator("deaths")
    assert Indicator.objects.filter(source=IndicatorSource.NONE).count() == 2


@pytest.mark.parametrize("field", ["section", "source"])
def test_indicator_section_and_source_must_be_known(field):
    assert field in error_fields(
        Indicator(
            code="x", name="某指标", unit_of_measure="次", **{"section": "work", field: "nope"}
        )
    )
    refused_by_database(lambda: indicator("x", **{field: "nope"}), f"indicator_{field}_valid")


def test_indicator_label_follows_the_interface_language(found):
    found.name_en = "Hazards found"
    with translation.override("en"):
        assert found.label == "Hazards found"
    with translation.override("zh-hans"):
        assert found.label == "发现隐患"
    found.name_en = ""
    with translation.override("en"):
        assert found.label == "发现隐患"


def test_every_kind_of_activity_has_a_counting_source():
    for kind in ActivityKind.values:
        assert IndicatorSource.count_of(kind).value == f"{kind}_count"


# --- Validation rule constraints ----------------------------------------------------------------


def test_a_rule_against_a_constant_or_an_indicator_passes_full_clean(found, rectified):
    new_rule(rectified).full_clean()
    new_rule(rectified, right_constant=None, right_indicator=found).full_clean()


def test_a_rule_needs_a_right_side(found):
    assert error_fields(new_rule(found, right_constant=None)) == {"right_constant"}
    refused_by_database(lambda: rule(found, right_constant=None), "validationrule_one_right_side")


def test_a_rule_cannot_have_both_a_right_indicator_and_a_constant(found, rectified):
    both = new_rule(rectified, right_indicator=found, right_constant=Decimal(1))
    assert error_fields(both) == {"right_constant"}
    refused_by_database(
        lambda: rule(rectified, right_indicator=found, right_constant=1),
        "validationrule_one_right_side",
    )


def test_a_rule_cannot_compare_an_indicator_with_itself(found):
    itself = new_rule(found, right_constant=None, right_indicator=found)
    assert error_fields(itself) == {"right_indicator"}
    refused_by_database(
        lambda: rule(found, right_constant=None, right_indicator=found),
        "validationrule_sides_differ",
    )


def test_rule_code_and_name_are_unique(found):
    rule(found)
    assert {"code", "name"} <= error_fields(new_rule(found))
    refused_by_database(lambda: rule(found, name="另一个规则"), "validationrule_code_unique")
    refused_by_database(lambda: rule(found, code="another"), "validationrule_name_unique")


@pytest.mark.parametrize("field", ["operator", "severity"])
def test_rule_operator_and_severity_must_be_known(found, field):
    assert field in error_fields(new_rule(found, **{field: "xx"}))
    refused_by_database(lambda: rule(found, **{field: "xx"}), f"validationrule_{field}_valid")


def test_a_rule_needs_a_chinese_message(found):
    assert error_fields(new_rule(found, message_zh="")) == {"message_zh"}
    refused_by_database(lambda: rule(found, message_zh=""), "validationrule_message_zh_not_empty")


def test_an_indicator_used_by_a_rule_cannot_be_deleted(found, rectified):
    rule(rectified, right_constant=None, right_indicator=found)
    with pytest.raises(ProtectedError):
        found.delete()
    with pytest.raises(ProtectedError):
        rectified.delete()


def test_rules_have_history(found):
    made = rule(found)
    made.severity = Severity.WARNING
    made.save()
    assert made.history.count() == 2


# --- rules_evaluate ------------------------------------------------------------------------------

# (operator, left, right, holds)
COMPARISONS = [
    (Op.LT, 1, 2, True),
    (Op.LT, 2, 2, False),
    (Op.LTE, 2, 2, True),
    (Op.LTE, 3, 2, False),
    (Op.EQ, 2, 2, True),
    (Op.EQ, 1, 2, False),
    (Op.NE, 1, 2, True),
    (Op.NE, 2, 2, False),
    (Op.GTE, 2, 2, True),
    (Op.GTE, 1, 2, False),
    (Op.GT, 3, 2, True),
    (Op.GT, 2, 2, False),
]


@pytest.mark.parametrize(("operator", "left", "right", "holds"), COMPARISONS)
def test_each_operator_against_a_constant(found, operator, left, right, holds):
    checked = rule(found, operator=operator, right_constant=Decimal(right))

    outcomes = rules_evaluate([checked], {"found": Decimal(left)})

    assert [o.rule for o in outcomes] == ([] if holds else [checked])


@pytest.mark.parametrize(("operator", "left", "right", "holds"), COMPARISONS)
def test_each_operator_against_another_indicator(found, rectified, operator, left, right, holds):
    checked = rule(rectified, operator=operator, right_constant=None, right_indicator=found)

    outcomes = rules_evaluate([checked], {"rectified": Decimal(left), "found": Decimal(right)})

    assert [o.rule for o in outcomes] == ([] if holds else [checked])


def test_a_broken_rule_reports_both_values_and_its_severity(found, rectified):
    error = rule(
        rectified,
        code="e",
        name="错误",
        right_constant=None,
        right_indicator=found,
        operator=Op.LTE,
    )
    warning = rule(found, code="w", name="警告", severity=Severity.WARNING, operator=Op.LT,
                   right_constant=Decimal("5.5"))  # fmt: skip

    outcomes = rules_evaluate([error, warning], {"found": 7, "rectified": 9})

    assert [(o.rule, o.left_value, o.right_value) for o in outcomes] == [
        (error, Decimal(9), Decimal(7)),
        (warning, Decimal(7), Decimal("5.5")),
    ]
    assert [(o.severity, o.is_error) for o in outcomes] == [
        (Severity.ERROR, True),
        (Severity.WARNING, False),
    ]


def test_rules_that_hold_report_nothing(found, rectified):
    checked = rule(rectified, right_constant=None, right_indicator=found)
    assert rules_evaluate([checked], {"found": 3, "rectified": 3}) == []


@pytest.mark.parametrize(
    "values",
    [
        {"found": 3},  # the left value is absent
        {"found": 3, "rectified": None},  # the left value is empty
        {"rectified": 4},  # the right value is absent
        {"rectified": 4, "found": None},  # the right value is empty
        {},
    ],
)
def test_a_rule_with_a_missing_value_on_either_side_is_skipped(found, rectified, values):
    checked = rule(rectified, right_constant=None, right_indicator=found)
    assert rules_evaluate([checked], values) == []


def test_zero_is_a_value_not_a_missing_one(found, rectified):
    checked = rule(rectified, right_constant=None, right_indicator=found)
    assert len(rules_evaluate([checked], {"found": 0, "rectified": 1})) == 1
    against_zero = rule(found, code="z", name="为零", operator=Op.EQ, right_constant=Decimal(0))
    assert rules_evaluate([against_zero], {"found": 0}) == []


def test_the_message_follows_the_language_it_is_read_in(found):
    broken = rules_evaluate([rule(found)], {"found": 1})[0]
    with translation.override("en"):
        assert broken.message == "English message"
    with translation.override("zh-hans"):
        assert broken.message == "中文消息"


def test_a_rule_without_an_english_message_speaks_chinese_in_english(found):
    broken = rules_evaluate([rule(found, message_en="")], {"found": 1})[0]
    with translation.override("en"):
        assert broken.message == "中文消息"


def test_rules_in_force_are_active_and_evaluated_without_further_queries(
    found, rectified, django_assert_num_queries
):
    rule(rectified, code="a", name="甲", right_constant=None, right_indicator=found)
    rule(found, code="b", name="乙", is_active=False)

    with django_assert_num_queries(1):
        rules = list(ValidationRule.objects.in_force())
        outcomes = rules_evaluate(rules, {"found": 1, "rectified": 2})

    assert [o.rule.code for o in outcomes] == ["a"]


# --- Values from the activity log ---------------------------------------------------------------

MARCH = date(2026, 3, 1)


def activity(unit, day: date, kind: str, **fields) -> Activity:
    return Activity.objects.create(unit=unit, date=day, kind=kind, title=f"{kind} {day}", **fields)


def project(unit, name: str, start: date, end: date | None = None, **fields) -> PromotionProject:
    values = {"status": PromotionProject.Status.ACTIVE, "safety_area": "traffic"}
    return PromotionProject.objects.create(
        unit=unit, name=name, objective="减少伤害", start=start, end=end, **{**values, **fields}
    )


@pytest.fixture
def defaults(db) -> list[Indicator]:
    """The default indicators and rules of the reference data; the automatic ones returned."""
    reference_data_load()
    return list(Indicator.objects.automatic())


@pytest.fixture
def march_of_unit_a(unit_a, unit_b):
    """Unit A's log for March 2026, with activities just outside it and unit B's beside it."""
    k = ActivityKind
    activity(unit_a, date(2026, 3, 1), k.CREATION_MEETING)
    activity(unit_a, date(2026, 3, 31), k.CREATION_MEETING)
    activity(unit_a, date(2026, 3, 10), k.COMMITTEE_MEETING, participants=12)
    activity(unit_a, date(2026, 3, 5), k.PUBLICITY, participants=120)
    activity(unit_a, date(2026, 3, 6), k.PUBLICITY, participants=80)
    activity(unit_a, date(2026, 3, 7), k.PUBLICITY)  # participants not recorded
    activity(unit_a, date(2026, 3, 8), k.TRAINING, participants=30)
    activity(unit_a, date(2026, 3, 9), k.DRILL, participants=50)
    activity(unit_a, date(2026, 3, 11), k.HAZARD_INSPECTION, hazards_found=5, hazards_rectified=3)
    activity(unit_a, date(2026, 3, 12), k.HAZARD_INSPECTION, hazards_found=2, hazards_rectified=2)
    activity(unit_a, date(2026, 3, 13), k.OTHER)
    # Outside the month, or another unit's: none of these counts.
    activity(unit_a, date(2026, 2, 28), k.TRAINING, participants=999)
    activity(unit_a, date(2026, 4, 1), k.CREATION_MEETING)
    activity(unit_a, date(2025, 3, 15), k.DRILL, participants=999)
    activity(unit_b, date(2026, 3, 15), k.PUBLICITY, participants=999)
    activity(unit_b, date(2026, 3, 15), k.HAZARD_INSPECTION, hazards_found=9)

    project(unit_a, "老年人防跌倒", date(2026, 1, 1))  # under way, open-ended
    project(unit_a, "校园交通安全", date(2025, 9, 1), date(2026, 6, 30))  # under way
    project(unit_a, "月底开工", date(2026, 3, 31))  # starts on the month's last day
    project(unit_a, "三月中结束", date(2026, 1, 1), date(2026, 3, 15))  # ended before
    project(unit_a, "四月开工", date(2026, 4, 1))  # not started
    project(unit_a, "计划中", date(2026, 1, 1), status=PromotionProject.Status.PLANNED)
    project(unit_a, "已暂停", date(2026, 1, 1), status=PromotionProject.Status.SUSPENDED)
    project(unit_b, "乙的项目", date(2026, 1, 1))


# The default casualty indicators the injury records fill in: none recorded in this log.
NO_CASUALTIES = dict.fromkeys(
    [
        f"{m}-{c}"
        for c in ("production", "traffic", "fire", "public-order")
        for m in ("deaths", "injuries")
    ],
    0,
)
MARCH_OF_UNIT_A = {
    "creation-meetings": 2,
    "committee-meetings": 1,
    "projects-active": 3,
    "publicity-events": 3,
    "publicity-participants": 200,
    "trainings": 1,
    "trainees": 30,
    "drills": 1,
    "drill-participants": 50,
    "hazard-inspections": 2,
    "hazards-found": 7,
    "hazards-rectified": 5,
}


def test_the_activity_log_gives_every_automatic_indicator_in_three_queries(
    defaults, unit_a, march_of_unit_a, django_assert_num_queries
):
    # Activities, injury records, projects under way.
    with django_assert_num_queries(3):
        values = indicator_values_from_activities(unit_a, MARCH, indicators=defaults)

    assert values == MARCH_OF_UNIT_A | NO_CASUALTIES


def test_without_indicators_the_active_automatic_ones_are_read_first(
    defaults, unit_a, march_of_unit_a, django_assert_num_queries
):
    Indicator.objects.filter(code="trainees").update(is_active=False)

    with django_assert_num_queries(4):
        values = indicator_values_from_activities(unit_a, date(2026, 3, 17))

    assert values == {k: v for k, v in MARCH_OF_UNIT_A.items() if k != "trainees"} | NO_CASUALTIES


def test_a_month_without_activities_gives_zeros(defaults, unit_a, march_of_unit_a):
    values = indicator_values_from_activities(unit_a, date(2026, 5, 1), indicators=defaults)
    assert values == dict.fromkeys(MARCH_OF_UNIT_A, 0) | {"projects-active": 4} | NO_CASUALTIES


def test_another_units_month_counts_only_its_own_activities(defaults, unit_b, march_of_unit_a):
    values = indicator_values_from_activities(unit_b, MARCH, indicators=defaults)
    assert values["publicity-events"] == 1
    assert values["publicity-participants"] == 999
    assert values["hazards-found"] == 9
    assert values["hazards-rectified"] == 0
    assert values["projects-active"] == 1
    assert values["trainings"] == 0


def test_indicators_entered_by_hand_get_no_value_and_no_query(unit_a, django_assert_num_queries):
    manual = [indicator("volunteers"), indicator("deaths")]
    with django_assert_num_queries(0):
        assert indicator_values_from_activities(unit_a, MARCH, indicators=manual) == {}


def test_only_the_queries_the_indicators_need_are_run(unit_a, django_assert_num_queries):
    projects = [indicator("projects", source=IndicatorSource.PROJECTS_ACTIVE)]
    with django_assert_num_queries(1):
        assert indicator_values_from_activities(unit_a, MARCH, indicators=projects) == {
            "projects": 0
        }


# --- The default set -----------------------------------------------------------------------------


def test_reference_data_loads_the_default_indicators_by_section(defaults):
    sections = dict.fromkeys(Indicator.Section.values, 0)
    for section in Indicator.objects.values_list("section", flat=True):
        sections[section] += 1
    assert sections == {"work": 4, "activities": 6, "hazards": 3, "accidents": 15}
    assert len(defaults) == 20
    assert Indicator.objects.count() == len(ref.INDICATORS) == 28
    assert all(i.name_en for i in Indicator.objects.all())


def test_reference_data_asks_for_accidents_deaths_and_injuries_of_each_category(defaults):
    """The injury records give the dead and injured; accidents and gas stay entered by hand."""
    for category in ("production", "traffic", "fire", "gas", "public-order"):
        for measure in ("accidents", "deaths", "injuries"):
            loaded = Indicator.objects.get(code=f"{measure}-{category}")
            from_records = measure != "accidents" and category != "gas"
            assert (loaded.section, loaded.is_automatic) == ("accidents", from_records)


def test_reference_data_loads_the_default_rules(defaults):
    assert ValidationRule.objects.count() == len(ref.VALIDATION_RULES) == 9
    assert ValidationRule.objects.filter(severity=Severity.ERROR).count() == 1
    assert ValidationRule.objects.filter(severity=Severity.WARNING).count() == 8
    assert all(r.message_en for r in ValidationRule.objects.all())
    hazards = ValidationRule.objects.get(code="hazards-rectified-within-found")
    assert hazards.expression == "hazards-rectified ≤ hazards-found"


def test_default_rules_over_a_month_of_values(defaults):
    values = {
        **dict.fromkeys((i.code for i in Indicator.objects.all()), Decimal(0)),
        "hazards-found": Decimal(2),
        "hazards-rectified": Decimal(3),
        "trainings": Decimal(1),
        "deaths-traffic": Decimal(1),
        "deaths-fire": None,  # not entered: its rule is skipped
    }

    outcomes = rules_evaluate(ValidationRule.objects.in_force(), values)

    assert sorted((o.rule.code, o.severity) for o in outcomes) == [
        ("deaths-traffic-explained", Severity.WARNING),
        ("hazards-rectified-within-found", Severity.ERROR),
        ("trainees-for-trainings", Severity.WARNING),
    ]


# --- Spreadsheets -------------------------------------------------------------------------------


def test_indicators_import_from_a_spreadsheet_with_labels_in_either_language():
    with translation.override("en"):
        dataset = tablib.Dataset(
            ["fire-drills", "消防演练", "Fire drills", "次", "Publicity, training and drills", 15,
             "yes", "Emergency drills held"],
            headers=["Code", "Name", "English name", "Unit of measure", "Section", "Order",
                     "Active", "Automatic source"],
        )  # fmt: skip
        result = IndicatorResource().import_data(dataset)

    assert not result.has_errors() and not result.has_validation_errors()
    imported = Indicator.objects.get(code="fire-drills")
    assert (imported.section, imported.source, imported.order) == ("activities", "drill_count", 15)
