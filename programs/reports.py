"""The arithmetic of monthly reports: indicator values from the activity log, and validation
rules checked against a report's values."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from programs.models import CreatingUnit, Indicator, ValidationRule
from programs.models.reports import IndicatorSource

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


# --- Values from the activity log ---------------------------------------------------------------


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


def month_last_day(month_first_day: date) -> date:
    days = calendar.monthrange(month_first_day.year, month_first_day.month)[1]
    return month_first_day.replace(day=days)


def indicator_values_from_activities(
    unit: CreatingUnit,
    month_first_day: date,
    *,
    indicators: Iterable[Indicator] | None = None,
) -> dict[str, int]:
    """The values (indicator code → number) the activity log gives `unit` for the month
    starting on `month_first_day`, for each indicator with an automatic source.

    One aggregate query over the month's activities and one count of the projects under way
    on the month's last day; a report that already holds its indicators passes them in,
    otherwise the active automatic indicators are read first (a third query).
    """
    from workgroups.models import Activity, PromotionProject

    if indicators is None:
        indicators = Indicator.objects.automatic()
    sources = {i.code: i.source for i in indicators if i.source != IndicatorSource.NONE}
    if not sources:
        return {}
    month_first_day = month_first_day.replace(day=1)
    last_day = month_last_day(month_first_day)

    found: dict[str, int] = {}
    aggregates = _activity_aggregates()
    wanted = {source: aggregates[source] for source in sources.values() if source in aggregates}
    if wanted:
        # A date range (not year/month lookups) so the (unit, date) index serves the query.
        activities = Activity.objects.filter(unit=unit, date__range=(month_first_day, last_day))
        found |= activities.aggregate(**wanted)
    if IndicatorSource.PROJECTS_ACTIVE in sources.values():
        projects = PromotionProject.objects.filter(unit=unit).active_on(last_day)
        found[IndicatorSource.PROJECTS_ACTIVE] = projects.count()
    return {code: int(found[source]) for code, source in sources.items()}
