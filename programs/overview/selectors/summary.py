"""A unit's one-page summary: everything the office asks about one unit, on one printed A4 page.

The figures follow the district dashboard's rules (`programs.dashboard`) so that a unit's line
there and its summary agree: reports on time over the last 12 due months, the latest *final*
evaluation the user may see, creation work meetings in the last four completed quarters since
the unit joined, injury records this year to date against the same dates last year.

`unit_summary` reads it all with a fixed number of queries, whatever the unit's history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, QuerySet
from django.utils import timezone

from injuries.models import InjuryRecord, InjuryRollup
from injuries.selectors import Period, unit_period_totals
from programs.core.models import CreatingUnit, Event, Phase, User
from programs.evaluations.models import Evaluation, SchemeElement
from programs.evaluations.selectors import (
    WEAK_ITEM_SHARE,
    Score,
    evaluation_current_score,
    evaluation_latest,
    evaluation_reason,
    evaluations_visible_to,
)
from programs.overview.selectors.progress import units_with_progress
from programs.overview.selectors.readiness import (
    MEETING_QUARTERS,
    REPORT_MONTHS,
    InjuryTrend,
    injury_periods,
)
from programs.reports.selectors.completeness import (
    Cell,
    Rate,
    cell_rates,
    report_url,
    unit_report_cells,
)
from programs.titles.models import Certification
from safecommunity.calendar import Month
from safecommunity.numbers import round_half_up
from workgroups.models import Activity, ActivityKind
from workgroups.selectors import QuarterMeetings, unit_meeting_record

OPEN_TITLE_STATUSES = (
    Certification.Status.APPLIED,
    Certification.Status.REVIEW,
    Certification.Status.ONSITE,
    Certification.Status.RECTIFY,
)


def summary_units(user: User, today: date | None = None) -> QuerySet[CreatingUnit]:
    """The units whose summary the user may open, with the programme, the phase and the
    progress columns (gate, overdue milestones) loaded in the same query."""
    return units_with_progress(
        CreatingUnit.objects.records_visible_to(user).select_related("program", "current_phase"),
        today or timezone.localdate(),
    )


@dataclass(frozen=True)
class PhaseStep:
    """One phase on the unit's timeline: done, current or still ahead, and when it began."""

    phase: Phase
    state: str  # "done", "current" or "ahead"
    entered_on: date | None


@dataclass(frozen=True)
class ElementLine:
    """An element's subtotal in the latest evaluation, against its maximum."""

    element: SchemeElement
    score: Decimal
    maximum: Decimal

    @property
    def percent(self) -> Decimal:
        """The share of the maximum, one decimal rounded half up."""
        return round_half_up(100 * self.score / self.maximum) if self.maximum else Decimal(0)

    @property
    def weak(self) -> bool:
        """Under the share readiness calls weak (`WEAK_ITEM_SHARE`), as the unit page marks it."""
        return bool(self.maximum) and self.score < self.maximum * WEAK_ITEM_SHARE


@dataclass(kw_only=True)
class InjuryComparison(InjuryTrend):
    """The unit's injury records this year to date and on the same dates last year (counted,
    changed and rated as on the dashboard), with the deaths among them and the periods."""

    period: Period
    previous: Period
    deaths_now: int
    deaths_before: int


@dataclass
class UnitSummary:
    """What the summary page shows of one unit."""

    unit: CreatingUnit
    today: date
    generated_at: datetime
    phases: list[PhaseStep]
    certifications: list[Certification]  # in force, and applications under way
    report_cells: list[Cell]
    reported: Rate
    on_time: Rate
    evaluations_visible: bool = True  # False for roles that may not see evaluations at all
    evaluation: Evaluation | None = None
    score: Score | None = None
    elements: list[ElementLine] = field(default_factory=list)
    injuries: InjuryComparison | None = None  # None when the user may not see them
    activities: list[tuple[str, str, int]] = field(default_factory=list)  # kind, label, count
    meetings: list[QuarterMeetings] = field(default_factory=list)
    meetings_held: Rate = field(default_factory=lambda: Rate(0, 0))

    @property
    def evaluation_reason(self) -> str:
        if self.evaluation is None or self.score is None:
            return ""
        return evaluation_reason(self.evaluation, self.score)

    @property
    def held_titles(self) -> list[Certification]:
        return [title for title in self.certifications if title.is_held(self.today)]

    @property
    def open_applications(self) -> list[Certification]:
        return [title for title in self.certifications if title.status in OPEN_TITLE_STATUSES]

    @property
    def activities_total(self) -> int:
        return sum(count for _kind, _label, count in self.activities)


def unit_summary(*, unit: CreatingUnit, user: User, today: date | None = None) -> UnitSummary:
    """The summary of `unit` (from `summary_units`) as `user` may see it; ten queries whatever
    the unit's history: phases, phase moves, titles, reports, the latest evaluation and its
    grades (three), injuries, activities and meetings."""
    today = today or timezone.localdate()
    cells = unit_report_cells(unit, Month.last_months(REPORT_MONTHS, until=today), today=today)
    for cell in cells:
        cell.url = report_url(unit.code, cell.month)
    reported, on_time = cell_rates(cells)
    summary = UnitSummary(
        unit=unit,
        today=today,
        generated_at=timezone.localtime(),
        phases=unit_phase_steps(unit),
        certifications=[
            title
            for title in unit.certifications.order_by("-applied_on", "-pk")
            if title.is_held(today) or title.status in OPEN_TITLE_STATUSES
        ],
        report_cells=cells,
        reported=reported,
        on_time=on_time,
    )
    # The latest final evaluation the user may see (a provider sees none, an evaluator only
    # those of their rounds), as the dashboard counts it.
    summary.evaluations_visible = evaluations_visible_to(user)
    summary.evaluation = evaluation_latest(unit, user=user)
    if summary.evaluation is not None:
        summary.score = evaluation_current_score(summary.evaluation)
        summary.elements = [
            ElementLine(element, score, maximum)
            for element, (score, maximum) in summary.score.elements.items()
        ]
    summary.injuries = unit_injury_comparison(unit, user, today)
    summary.activities = unit_activities_by_kind(unit, user, today)
    past = [entry for entry in unit_meeting_record(unit, today=today) if entry.quarter.end < today]
    summary.meetings = past[-MEETING_QUARTERS:]
    summary.meetings_held = Rate(
        sum(1 for entry in summary.meetings if entry.meetings), len(summary.meetings)
    )
    return summary


def unit_phase_steps(unit: CreatingUnit) -> list[PhaseStep]:
    """The programme's phases with the unit's place among them and the day it entered each
    (its last move into the phase; the day it joined for a first phase it never moved into);
    two queries."""
    phases = list(unit.program.phases.order_by("order"))
    entered: dict[int, date] = {}
    moves = Event.objects.of(unit).filter(kind=Event.Kind.MOVE, action="advance").order_by("pk")
    for phase_id, moved_at in moves.values_list("to_state", "at"):
        if phase_id.isdigit():
            entered[int(phase_id)] = timezone.localdate(moved_at)
    current = unit.current_phase
    steps = []
    for phase in phases:
        if current is None or phase.order > current.order:
            state = "ahead"
        elif phase.pk == current.pk:
            state = "current"
        else:
            state = "done"
        day = entered.get(phase.pk)
        if day is None and state != "ahead" and phase is phases[0]:
            day = unit.joined_on
        steps.append(PhaseStep(phase, state, day if state != "ahead" else None))
    return steps


def unit_injury_comparison(unit: CreatingUnit, user: User, today: date) -> InjuryComparison | None:
    """Records and deaths this year to date and on the same dates last year; None when the
    user may not see the unit's injury records. Two queries: the whole months from the injury
    rollup, this month's days from the records."""
    units = InjuryRecord.objects.unit_ids_visible_to(user)
    if units is not None and unit.pk not in units:
        return None
    now, before = injury_periods(today)
    totals = unit_period_totals(
        InjuryRecord.objects.visible_to(user).filter(unit=unit),
        InjuryRollup.objects.visible_to(user).matching().filter(unit=unit),
        {"now": now, "before": before},
        deaths=True,
    ).get(unit.pk, {})
    counts = {
        "now": totals.get("now", 0),
        "before": totals.get("before", 0),
        "deaths_now": totals.get("now_deaths", 0),
        "deaths_before": totals.get("before_deaths", 0),
    }
    return InjuryComparison(period=now, previous=before, population=unit.population, **counts)


def unit_activities_by_kind(
    unit: CreatingUnit, user: User, today: date
) -> list[tuple[str, str, int]]:
    """Activities this year to date by kind, every kind listed (kind, label, count); one
    grouped query."""
    counts = dict(
        Activity.objects.visible_to(user)
        .filter(unit=unit, date__gte=today.replace(month=1, day=1), date__lte=today)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    return [(kind, str(label), counts.get(kind, 0)) for kind, label in ActivityKind.choices]
