"""Migration 0017 fills the review queue's fields of the reports that exist: each report's
errors, warnings and unexplained warnings against the active rules, and whether a value was
changed after approval."""

from __future__ import annotations

from datetime import date

import pytest

from tests.migrations import migrate, migrated_back

BEFORE = [("programs", "0016_report_review_fields")]
AFTER = [("programs", "0017_report_review_fields_fill")]


@pytest.fixture
def old_apps(transactional_db):
    yield from migrated_back(BEFORE)


def test_existing_reports_get_their_checks_and_change_flags(old_apps):
    model = old_apps.get_model
    program = model("programs", "Program").objects.create(
        code="p", name="计划", start_date=date(2025, 1, 1)
    )
    unit = model("programs", "CreatingUnit").objects.create(
        program=program, code="U1", name="甲镇", kind="town"
    )
    indicator = model("programs", "Indicator").objects
    found = indicator.create(
        code="found", name="发现", unit_of_measure="处", section="hazards", order=1
    )
    fixed = indicator.create(
        code="fixed", name="整改", unit_of_measure="处", section="hazards", order=2
    )
    trainings = indicator.create(
        code="trainings", name="培训", unit_of_measure="次", section="activities", order=3
    )
    rules = model("programs", "ValidationRule").objects
    common = {"message_zh": "m", "message_en": "m"}
    rules.create(
        code="r1", name="整改≤发现", left=fixed, operator="lte", right_indicator=found, **common
    )
    rules.create(
        code="r2",
        name="发现≤100",
        left=found,
        operator="lte",
        right_constant=100,
        severity="warning",
        **common,
    )
    inactive = {"is_active": False, **common}
    rules.create(code="r3", name="停用", left=found, operator="lt", right_constant=0, **inactive)
    reports = model("programs", "MonthlyReport").objects
    values = model("programs", "ReportValue").objects
    broken = reports.create(unit=unit, period=date(2025, 3, 1))
    values.create(report=broken, indicator=found, value=3)
    values.create(report=broken, indicator=fixed, value=5)
    values.create(report=broken, indicator=trainings, value=4, prefilled=2)  # no comment
    warned = reports.create(unit=unit, period=date(2025, 4, 1))
    values.create(report=warned, indicator=found, value=150, comment="汛期")
    values.create(report=warned, indicator=fixed, value=None)
    values.create(report=warned, indicator=trainings, value=2, prefilled=2)
    changed = reports.create(unit=unit, period=date(2025, 5, 1), approved_once=True)
    values.create(report=changed, indicator=found, value=1, changed_after_approval=True)
    empty = reports.create(unit=unit, period=date(2025, 6, 1))

    apps = migrate(AFTER)

    fields = ("error_count", "warning_count", "unexplained_count", "changed_after_approval")
    found_rows = {
        pk: rest
        for pk, *rest in apps.get_model("programs", "MonthlyReport").objects.values_list(
            "pk", *fields
        )
    }
    assert found_rows == {
        broken.pk: [1, 1, 1, False],
        warned.pk: [0, 1, 0, False],
        changed.pk: [0, 0, 0, True],
        empty.pk: [0, 0, 0, False],
    }
