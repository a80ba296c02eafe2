"""Reading a report against its rules: the validation rules' outcomes, the values the activity
log and the injury records give, and what must be fixed or explained before submitting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from programs.core.models import CreatingUnit
from programs.reports import errors
from programs.reports.models import Indicator, MonthlyReport, ReportValue, ValidationRule
from programs.reports.models.indicators import IndicatorSource
from safecommunity.calendar import Month

if TYPE_CHECKING:
    pass


# --- Validation rules ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleOutcome:
    """A rule a report's values break, with the two values compared."""

    rule: ValidationRule
    left_value: Decimal
    right_value: Decimal

    @property
    def severity(self) -> str:
        return self.rule.severity

    @property
    def is_error(self) -> bool:
        """An error blocks submission; a warning lets it through with a comment."""
        return self.rule.is_error

    @property
    def message(self) -> str:
        """The rule's message in the language active when it is read (not when evaluated)."""
        return self.rule.message


def rules_evaluate(
    rules: Iterable[ValidationRule], values: dict[str, Decimal | int | None]
) -> list[RuleOutcome]:
    """The rules that `values` (indicator code → value) break, in the order given.

    Pure: it reads each rule's indicators but runs no query when they are loaded (pass
    `ValidationRule.objects.in_force()`). The caller chooses which rules apply.

    Missing values: a rule whose left or right indicator has no value (the code is absent or
    its value is None) is skipped — DHIS2's "skip if any value missing" strategy. An empty
    field is not a zero: a unit that has not entered its traffic deaths has not reported
    that there were none, and a rule should not speak for it. Zero is a value and is checked.
    """
    broken = []
    for rule in rules:
        left = values.get(rule.left.code)
        if rule.right_indicator_id is not None:
            right = values.get(rule.right_indicator.code)
        else:
            right = rule.right_constant
        if left is None or right is None:
            continue
        left, right = Decimal(left), Decimal(right)
        if not rule.holds(left, right):
            broken.append(RuleOutcome(rule=rule, left_value=left, right_value=right))
    return broken


# --- Values from the activity log and the injury records ----------------------------------------


def _activity_aggregates() -> dict[str, Count | Sum]:
    """Each activity-log source as an aggregate over one unit's activities of one month."""
    from workgroups.models import ActivityKind

    def participants(kind: str) -> Coalesce:
        return Coalesce(Sum("participants", filter=Q(kind=kind)), 0)

    aggregates = {
        IndicatorSource.count_of(kind).value: Count("pk", filter=Q(kind=kind))
        for kind in ActivityKind.values
    }
    aggregates |= {
        IndicatorSource.PUBLICITY_PARTICIPANTS.value: participants(ActivityKind.PUBLICITY),
        IndicatorSource.TRAINING_PARTICIPANTS.value: participants(ActivityKind.TRAINING),
        IndicatorSource.DRILL_PARTICIPANTS.value: participants(ActivityKind.DRILL),
        # Inspections record hazards; any activity that records some counts.
        IndicatorSource.HAZARDS_FOUND.value: Coalesce(Sum("hazards_found"), 0),
        IndicatorSource.HAZARDS_RECTIFIED.value: Coalesce(Sum("hazards_rectified"), 0),
    }
    return aggregates


def _injury_values(unit: CreatingUnit, month_first_day: date) -> dict[str, int]:
    """Each injury-record source over one unit's records of one month, people, not accidents:
    injured (every outcome but death) and deaths in traffic crashes, at work, by fire and burns,
    and by assault — read from the injury rollup's row of the month (one query)."""
    from injuries.selectors import unit_month_injuries

    values = {}
    for group, (injured, deaths) in unit_month_injuries(unit.pk, month_first_day).items():
        values[IndicatorSource(f"injury_{group}_injured").value] = injured
        values[IndicatorSource(f"injury_{group}_deaths").value] = deaths
    return values


def indicator_values_from_activities(
    unit: CreatingUnit,
    month_first_day: date,
    *,
    indicators: Iterable[Indicator] | None = None,
) -> dict[str, int]:
    """The values (indicator code → number) the activity log and the injury records give
    `unit` for the month starting on `month_first_day`, for each indicator with an automatic
    source.

    At most three queries, each run only when an indicator needs it: one aggregate over the
    month's activities; the month's row of the injury rollup (by injury date: the people
    injured and dead in traffic crashes, at work, by fire and burns, and by assault); and one
    count of the projects under way on the month's last
    day. A report that already holds its indicators passes them in; otherwise the active
    automatic indicators are read first (one more query).
    """
    from workgroups.models import Activity, PromotionProject

    if indicators is None:
        indicators = Indicator.objects.automatic()
    sources = {i.code: i.source for i in indicators if i.source != IndicatorSource.NONE}
    if not sources:
        return {}
    month_first_day = Month.first_day(month_first_day)
    last_day = Month.last_day(month_first_day)

    found: dict[str, int] = {}
    # Date ranges (not year/month lookups) so the (unit, date) index serves the query.
    activities = Activity.objects.filter(unit=unit, date__range=(month_first_day, last_day))
    aggregates = _activity_aggregates()
    wanted = {source: aggregates[source] for source in sources.values() if source in aggregates}
    if wanted:
        found |= activities.aggregate(**wanted)
    if any(source.startswith("injury_") for source in sources.values()):
        found |= _injury_values(unit, month_first_day)
    if IndicatorSource.PROJECTS_ACTIVE in sources.values():
        projects = PromotionProject.objects.filter(unit=unit).active_on(last_day)
        found[IndicatorSource.PROJECTS_ACTIVE] = projects.count()
    return {code: int(found[source]) for code, source in sources.items()}


@dataclass(frozen=True)
class ReportProblem:
    """Something to fix (an error) or explain (a warning) before submitting, at one indicator."""

    indicator_id: int
    message: str
    is_error: bool


def report_problems(report: MonthlyReport) -> tuple[list[ReportProblem], list[ReportProblem]]:
    """The report's errors (broken error rules) and the warnings still lacking a comment: broken
    warning rules, and values that differ from the activity log. Two queries.

    Each problem is one message: a broken rule's own message (which says what to check or to
    explain), or the difference from the log; the page colours errors red and warnings yellow."""
    rows = list(report.values.select_related("indicator"))
    by_code = {row.indicator.code: row for row in rows}
    found_errors, warnings = [], []
    outcomes = rules_evaluate(
        ValidationRule.objects.in_force(), {code: row.value for code, row in by_code.items()}
    )
    for outcome in outcomes:
        row = by_code[outcome.rule.left.code]
        if outcome.is_error:
            found_errors.append(ReportProblem(row.indicator_id, outcome.message, is_error=True))
        elif not row.comment.strip():
            warnings.append(ReportProblem(row.indicator_id, outcome.message, is_error=False))
    for row in rows:
        if row.differs_from_log and not row.comment.strip():
            message = str(errors.CHANGED_VALUE_NEEDS_COMMENT) % {"prefilled": row.prefilled}
            warnings.append(ReportProblem(row.indicator_id, message, is_error=False))
    return found_errors, warnings


class CheckCounts(NamedTuple):
    """What a check of a report found: errors, warnings (explained or not) and the warnings
    still without a comment — what the review queue filters on and bulk approval reads."""

    errors: int
    warnings: int
    unexplained: int


def report_check_counts(report: MonthlyReport) -> CheckCounts:
    """Count the report's broken error rules, its warnings — broken warning rules and values
    that differ from the activity log — and those of its warnings lacking a comment (the
    rule of `report_problems`, which lists the ones to act on). Two queries."""
    rows = list(report.values.select_related("indicator"))
    return check_counts(rows, ValidationRule.objects.in_force())


def check_counts(rows: Iterable[ReportValue], rules: Iterable[ValidationRule]) -> CheckCounts:
    """`report_check_counts` over rows in hand (each with its indicator): pure, so the demo
    counts the reports it writes in bulk as a save would."""
    by_code = {row.indicator.code: row for row in rows}
    outcomes = rules_evaluate(rules, {code: row.value for code, row in by_code.items()})
    found_errors = warnings = unexplained = 0
    for outcome in outcomes:
        if outcome.is_error:
            found_errors += 1
            continue
        warnings += 1
        unexplained += not by_code[outcome.rule.left.code].comment.strip()
    for row in by_code.values():
        if row.differs_from_log:
            warnings += 1
            unexplained += not row.comment.strip()
    return CheckCounts(found_errors, warnings, unexplained)
