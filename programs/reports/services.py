"""Monthly reports: indicator values from the activity log and the injury records, validation
rules checked against a report's values, and the use cases of the report (open, save, check,
submit)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from programs.core.access import ensure_edits_unit
from programs.core.models import CreatingUnit, EventKind
from programs.core.transitions import record_event, transition, workflow_of
from programs.reports import errors
from programs.reports import reference_data as ref
from programs.reports.models import Indicator, MonthlyReport, ReportValue, ValidationRule
from programs.reports.models.monthly import MAX_VALUE
from programs.reports.selectors.rules import (
    indicator_values_from_activities,
    report_check_counts,
)
from safecommunity.calendar import Month
from safecommunity.models import ensure_row

# --- The report's use cases ---------------------------------------------------------------------

NARRATIVE_FIELDS = ("work_done", "problems", "next_plan")

if TYPE_CHECKING:
    from programs.core.models import User


def report_open(*, unit: CreatingUnit, period: date, by: User) -> MonthlyReport:
    """The unit's report for the month of `period`, created as a draft when there is none.

    Each active indicator gets a value row; automatic ones start from the activity log or the
    injury records (`indicator_values_from_activities`). Opening an editable report again
    refreshes what they suggest (`prefilled`) and adds indicators activated since; a value
    follows them only until someone has saved the report.
    """
    ensure_edits_unit(by, unit.pk, errors.ReportError)
    period = Month.first_day(period)
    indicators = list(Indicator.objects.active())
    with transaction.atomic():
        report, created = MonthlyReport.objects.get_or_create(unit=unit, period=period)
        if created:
            record_event(report, EventKind.CREATED, by=by, data={"period": f"{period:%Y-%m}"})
        if not report.is_editable:
            return report
        from_log = indicator_values_from_activities(unit, period, indicators=indicators)
        # A report just created has no value rows yet: no need to ask.
        rows = {} if created else {row.indicator_id: row for row in report.values.all()}
        new, refreshed = _report_refresh(report, rows, indicators, from_log)
        if (new or refreshed) and not created:
            # Lock the report as a save does, then read its rows and version again: a save
            # that committed since they were read must not be written over with what was read
            # before it (nor a row another opening just added be added twice).
            report = MonthlyReport.objects.select_for_update().get(pk=report.pk)
            if not report.is_editable:
                return report
            rows = {row.indicator_id: row for row in report.values.all()}
            new, refreshed = _report_refresh(report, rows, indicators, from_log)
        if new:
            bulk_create_with_history(new, ReportValue, default_user=by)
        if refreshed:
            bulk_update_with_history(
                refreshed, ReportValue, ["value", "prefilled"], default_user=by
            )
        if (new or refreshed) and not created:
            MonthlyReport.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return report


def _report_refresh(
    report: MonthlyReport,
    rows: dict[int, ReportValue],
    indicators: list[Indicator],
    from_log: dict[str, int],
) -> tuple[list[ReportValue], list[ReportValue]]:
    """The value rows an opening adds (indicators without one) and those whose suggestion from
    the log changed, with their new `prefilled` (and `value`, while nobody has saved)."""
    new, refreshed = [], []
    for indicator in indicators:
        suggested = from_log.get(indicator.code)
        # A log total beyond what a report may hold is shown, not copied: the clerk decides.
        start_value = suggested if suggested is None or suggested <= MAX_VALUE else None
        row = rows.get(indicator.pk)
        if row is None:
            new.append(
                ReportValue(
                    report=report, indicator=indicator, prefilled=suggested, value=start_value
                )
            )
        elif row.prefilled != suggested:
            if report.version == 0 and row.value == row.prefilled:
                row.value = start_value  # nobody has saved the report: nothing to keep
            row.prefilled = suggested
            refreshed.append(row)
    return new, refreshed


def report_save(
    *,
    report: MonthlyReport,
    by: User,
    version: int,
    values: dict[int, tuple[int | None, str]],
    narrative: dict[str, str],
) -> MonthlyReport:
    """Store the editor's values (indicator id → (value, comment)) and narrative, all or nothing.

    `version` is the report's version when the editor loaded it. Two people may edit the same
    draft: the row lock makes the check and the write one step, and a save based on an older
    version raises `ReportConflict` with both values instead of overwriting the other's work.
    """
    ensure_edits_unit(by, report.unit_id, errors.ReportError)
    with transaction.atomic():
        current = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if not current.is_editable:
            raise errors.ReportError(
                errors.REPORT_NOT_EDITABLE, status=current.get_status_display()
            )
        rows = {row.indicator_id: row for row in current.values.all()}
        if current.version != version:
            raise errors.ReportConflict(
                {
                    indicator_id: (mine, rows[indicator_id].value)
                    for indicator_id, (mine, _comment) in values.items()
                    if indicator_id in rows and rows[indicator_id].value != mine
                }
            )
        changed = []
        for indicator_id, (value, comment) in values.items():
            row = rows.get(indicator_id)
            if row is None or (row.value, row.comment) == (value, comment.strip()):
                continue
            if current.approved_once and row.value != value:
                row.changed_after_approval = True
            row.value, row.comment = value, comment.strip()
            changed.append(row)
        if changed:
            # Each changed value keeps its history (who, when, what), in two queries.
            bulk_update_with_history(
                changed,
                ReportValue,
                ["value", "comment", "changed_after_approval"],
                default_user=by,
            )
        for field in NARRATIVE_FIELDS:
            if field in narrative:
                setattr(current, field, narrative[field].strip())
        current.version += 1
        current.changed_after_approval = current.changed_after_approval or any(
            row.changed_after_approval for row in changed
        )
        current.error_count, current.warning_count, current.unexplained_count = report_check_counts(
            current
        )
        current._history_user = by
        current.save(update_fields=[*NARRATIVE_FIELDS, "version", *REVIEW_FIELDS])
    for field in (*NARRATIVE_FIELDS, "version", *REVIEW_FIELDS):
        setattr(report, field, getattr(current, field))
    return report


REVIEW_FIELDS = ("error_count", "warning_count", "unexplained_count", "changed_after_approval")


def report_store_checks(*, report: MonthlyReport) -> None:
    """Store what a check of the report finds now (its errors, warnings and unexplained
    warnings), for the review queue's filters. Three queries; no history row (derived)."""
    counts = report_check_counts(report)
    report.error_count, report.warning_count, report.unexplained_count = counts
    MonthlyReport.objects.filter(pk=report.pk).update(
        error_count=counts.errors,
        warning_count=counts.warnings,
        unexplained_count=counts.unexplained,
        updated_at=timezone.now(),
    )


@dataclass
class BulkApproval:
    """What a bulk approval did: the reports approved (each by its own move and event) and the
    ones skipped, each with the reason."""

    approved: list[MonthlyReport] = field(default_factory=list)
    skipped: list[tuple[MonthlyReport | None, str]] = field(default_factory=list)


def reports_approve(*, report_ids: Iterable[int], by: User) -> BulkApproval:
    """Approve each of the reports `by` may see that awaits review, has no error and no
    unexplained warning as its values stand now; skip the rest with the reason.

    Each report is decided in its own transaction under its row lock, so a report returned,
    approved or changed by someone meanwhile is judged as it is now, and one refusal does not
    undo the others. The approval itself is the report's move (`transition`), with its event.
    Refused as a whole (nothing read or written) to anyone the move does not allow.
    """
    if not workflow_of(MonthlyReport).by_name["approve"].allowed(by, MonthlyReport()):
        raise errors.ReportError(errors.ONLY_DISTRICT_REVIEWS_REPORTS)
    done = BulkApproval()
    wanted = list(dict.fromkeys(report_ids))
    found = {
        report.pk: report
        for report in MonthlyReport.objects.visible_to(by)
        .filter(pk__in=wanted)
        .select_related("unit__program")
    }
    for pk in wanted:
        report = found.get(pk)
        if report is None:
            done.skipped.append((None, str(errors.BULK_NOT_FOUND)))
            continue
        reason = ""
        try:
            with transaction.atomic():
                # Lock the row before reading its state and values: a clerk's resubmission or
                # another reviewer's decision waits until this report is decided.
                current = MonthlyReport.objects.select_for_update().get(pk=pk)
                current.unit = report.unit
                reason = _bulk_refusal(current)
                if not reason:
                    transition(current, "approve", by=by)
                    report = current
        except errors.ReportError as error:
            reason = str(error)
        if reason:
            done.skipped.append((report, reason))
        else:
            done.approved.append(report)
    return done


def _bulk_refusal(report: MonthlyReport) -> str:
    """Why bulk approval leaves the (locked) report alone, or "" when it may approve it: it
    must await review and, checked as its values stand now, break no error rule and leave no
    warning unexplained."""
    if report.status != MonthlyReport.Status.SUBMITTED:
        return str(errors.BULK_NOT_SUBMITTED) % {"status": report.get_status_display()}
    report_store_checks(report=report)
    if report.error_count:
        return str(errors.BULK_HAS_ERRORS) % {"count": report.error_count}
    if report.unexplained_count:
        return str(errors.BULK_UNEXPLAINED) % {"count": report.unexplained_count}
    return ""


@transaction.atomic
def indicators_load(*, created: Counter) -> Counter:
    """The default indicators of the monthly report and the rules over them."""
    indicators = {}
    for order, (code, name, name_en, unit, section, source) in enumerate(ref.INDICATORS, 1):
        indicators[code] = ensure_row(
            Indicator,
            created,
            {"code": code},
            name=name,
            unit_of_measure=unit,
            section=section,
            source=source,
            order=order * 10,
            fill={"name_en": name_en},
        )
    for code, name, left, operator, right, severity, message_zh, message_en in ref.VALIDATION_RULES:
        by_indicator = isinstance(right, str)
        ensure_row(
            ValidationRule,
            created,
            {"code": code},
            name=name,
            left=indicators[left],
            operator=operator,
            right_indicator=indicators[right] if by_indicator else None,
            right_constant=None if by_indicator else Decimal(right),
            severity=severity,
            message_zh=message_zh,
            message_en=message_en,
        )
    return created
