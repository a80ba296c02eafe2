"""Fill the review fields of the monthly reports that exist: each report checked against the
active rules as it stands (the rule of `programs.reports.selectors.rules.report_check_counts`,
written out here because a migration cannot call the models' methods), and flagged when any of
its values was changed after approval. Reversing leaves the fields to be dropped by 0016."""

import operator
from decimal import Decimal
from itertools import groupby

from django.db import migrations

COMPARISONS = {
    "lt": operator.lt,
    "lte": operator.le,
    "eq": operator.eq,
    "ne": operator.ne,
    "gte": operator.ge,
    "gt": operator.gt,
}
BATCH = 500


def counts_of(rows, rules):
    """(errors, warnings, unexplained) of one report's value rows."""
    by_code = {row["indicator__code"]: row for row in rows}
    errors = warnings = unexplained = 0
    for rule in rules:
        left = by_code.get(rule["left__code"], {}).get("value")
        if rule["right_indicator__code"] is not None:
            right = by_code.get(rule["right_indicator__code"], {}).get("value")
        else:
            right = rule["right_constant"]
        if left is None or right is None:
            continue
        if COMPARISONS[rule["operator"]](Decimal(left), Decimal(right)):
            continue
        if rule["severity"] == "error":
            errors += 1
        else:
            warnings += 1
            unexplained += not by_code[rule["left__code"]]["comment"].strip()
    for row in rows:
        if row["prefilled"] is not None and row["value"] != row["prefilled"]:
            warnings += 1
            unexplained += not row["comment"].strip()
    return errors, warnings, unexplained


def fill(apps, schema_editor):
    MonthlyReport = apps.get_model("programs", "MonthlyReport")
    ReportValue = apps.get_model("programs", "ReportValue")
    ValidationRule = apps.get_model("programs", "ValidationRule")
    rules = list(
        ValidationRule.objects.filter(is_active=True).values(
            "left__code", "right_indicator__code", "right_constant", "operator", "severity"
        )
    )
    values = (
        ReportValue.objects.order_by("report_id", "pk")
        .values(
            "report_id", "indicator__code", "value", "prefilled", "comment",
            "changed_after_approval",
        )
        .iterator(chunk_size=2000)
    )
    changed = []
    for report_id, rows in groupby(values, key=lambda row: row["report_id"]):
        rows = list(rows)
        report = MonthlyReport(pk=report_id)
        report.error_count, report.warning_count, report.unexplained_count = counts_of(rows, rules)
        report.changed_after_approval = any(row["changed_after_approval"] for row in rows)
        if report.error_count or report.warning_count or report.changed_after_approval:
            changed.append(report)
        if len(changed) >= BATCH:
            _write(MonthlyReport, changed)
            changed = []
    _write(MonthlyReport, changed)


def _write(model, reports):
    model.objects.bulk_update(
        reports,
        ["error_count", "warning_count", "unexplained_count", "changed_after_approval"],
    )


class Migration(migrations.Migration):

    dependencies = [
        ("programs", "0016_report_review_fields"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
