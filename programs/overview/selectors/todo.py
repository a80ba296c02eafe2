"""What waits for each person, on their home page: a clerk's to-do (their unit page), district
staff's inbox (the dashboard, and its counts in the navigation), an evaluator's evaluations to
grade (the round list). One selector per role; counts are aggregated in SQL.

- **Clerk** — the monthly report to work on now (last month's until it is submitted, then this
  month's) with its due date (`safecommunity.calendar.due_date`), earlier months never
  submitted, returned reports with the reason, returned or overdue milestones (from the unit
  page's own milestone rows), self-assessments of the unit to grade in rounds open today, and
  the current quarter while it lacks a creation work meeting (the activity log's kind
  `creation_meeting`, as `workgroups.selectors.meetings_held` counts them). Three queries.
- **District staff** — submitted reports and milestones waiting for review, titles whose next
  move is the office's (applied, in document review, on-site evaluation or rectification), and
  injury imports checked without errors but not yet imported: one query for the four counts,
  shared by the navigation and the dashboard in a request (`review_counts_of`).
- **Evaluator** — draft evaluations they may grade in rounds open today; one query
  (`programs.evaluations.selectors.evaluations_to_grade`, on the round list, which the
  evaluations domain serves).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import DateTimeField, F, Func, IntegerField, Q, QuerySet, Subquery
from django.http import HttpRequest
from django.utils import timezone

from injuries.models import ImportBatch
from programs.core.models import CreatingUnit, User
from programs.evaluations.models import Evaluation, EvaluationKind
from programs.evaluations.selectors import in_open_rounds
from programs.progress.models import UnitMilestone
from programs.reports.models import MonthlyReport
from programs.reports.selectors.completeness import REMIND_MONTHS_BACK, expected_from
from programs.titles.models import Certification
from safecommunity.calendar import Month, Quarter, due_date
from workgroups.choices import ActivityKind
from workgroups.models import Activity

Status = MonthlyReport.Status
TITLE_STEPS_OF_THE_OFFICE = (
    Certification.Status.APPLIED,
    Certification.Status.REVIEW,
    Certification.Status.ONSITE,
    Certification.Status.RECTIFY,
)
MEETING_WARNING_DAYS = 30  # the current quarter's missing meeting is shown this close to its end


# --- Clerk --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportToDo:
    """The monthly report to work on now."""

    period: date
    due: date
    report: MonthlyReport | None
    today: date

    @property
    def overdue(self) -> bool:
        return self.today > self.due

    @property
    def days_left(self) -> int:
        return (self.due - self.today).days


@dataclass
class ClerkToDo:
    report: ReportToDo | None
    unsubmitted: list[date]  # earlier months expected and never submitted, oldest first
    returned: list[MonthlyReport]
    milestones: list[UnitMilestone]
    evaluations: list[Evaluation]
    meeting_missing: Quarter | None  # the current quarter, while it has had no meeting
    today: date

    @property
    def count(self) -> int:
        return (
            (self.report is not None)
            + bool(self.unsubmitted)
            + len(self.returned)
            + len(self.milestones)
            + len(self.evaluations)
            + (self.meeting_missing is not None)
        )

    @property
    def meeting_days_left(self) -> int | None:
        if self.meeting_missing is None:
            return None
        return (self.meeting_missing.end - self.today).days


def clerk_todo(
    unit: CreatingUnit,
    user: User,
    *,
    milestones: list[UnitMilestone],
    today: date | None = None,
) -> ClerkToDo:
    """The unit's to-do for its clerk (`unit.program` loaded; `milestones` the unit's returned
    or overdue milestones the page already holds). Three queries."""
    today = today or timezone.localdate()
    start = expected_from(unit)
    months = [m for m in Month.last_months(REMIND_MONTHS_BACK, until=today) if m >= start]
    current = Month.first_day(today)
    reports = list(
        MonthlyReport.objects.filter(unit=unit)
        .filter(Q(period__gte=months[0] if months else current) | Q(status=Status.RETURNED))
        .only("pk", "unit_id", "period", "status", "return_reason", "first_submitted_at")
        .order_by("period")
    )
    for report in reports:
        report.unit = unit  # its URL needs the unit's code: no query per row
    by_month = {report.period: report for report in reports}
    due_day = unit.program.report_due_day
    unsubmitted = [
        m for m in months if by_month.get(m) is None or by_month[m].first_submitted_at is None
    ]
    # Last month's report until it has been submitted, then this month's.
    period = unsubmitted[-1] if unsubmitted and unsubmitted[-1] == months[-1] else current
    if period == current and current < start:
        report_todo = None
    else:
        report_todo = ReportToDo(period, due_date(period, due_day), by_month.get(period), today)
        if report_todo.report is not None and report_todo.report.status != Status.DRAFT:
            report_todo = None  # submitted or approved; a returned one is listed below
    evaluations = list(
        Evaluation.objects.editable_by(user)
        .filter(in_open_rounds(today), unit=unit, round__kind=EvaluationKind.SELF)
        .select_related("round")
        .order_by("round__closes_on", "pk")
    )
    quarter = Quarter.of(today)
    meeting_missing = None
    if (quarter.end - today).days <= MEETING_WARNING_DAYS and not (
        Activity.objects.filter(
            unit=unit,
            kind=ActivityKind.CREATION_MEETING,
            date__range=(quarter.start, quarter.end),
        ).exists()
    ):
        meeting_missing = quarter
    return ClerkToDo(
        report=report_todo,
        unsubmitted=[m for m in unsubmitted if m != period],
        returned=[r for r in reports if r.is_returned],
        milestones=milestones,
        evaluations=evaluations,
        meeting_missing=meeting_missing,
        today=today,
    )


# --- District staff -----------------------------------------------------------------------------


def _count(rows: QuerySet) -> Subquery:
    """COUNT(*) of `rows` as a scalar subquery (no GROUP BY)."""
    counted = rows.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted[:1], output_field=IntegerField())


def _oldest(rows: QuerySet, field_name: str) -> Subquery:
    oldest = rows.order_by().annotate(
        t=Func(F(field_name), function="MIN", output_field=DateTimeField())
    )
    return Subquery(oldest.values("t")[:1], output_field=DateTimeField())


@dataclass(frozen=True)
class ReviewCounts:
    """What waits for district staff: counts (and the oldest waiting) in one query."""

    reports: int = 0
    milestones: int = 0
    titles: int = 0
    imports: int = 0
    oldest_report: datetime | None = None
    oldest_milestone: datetime | None = None

    @property
    def total(self) -> int:
        return self.reports + self.milestones + self.titles + self.imports


def waiting_reports(user: User) -> QuerySet[MonthlyReport]:
    return MonthlyReport.objects.visible_to(user).filter(status=Status.SUBMITTED)


def waiting_milestones(user: User) -> QuerySet[UnitMilestone]:
    return UnitMilestone.objects.visible_to(user).filter(status=UnitMilestone.Status.SUBMITTED)


def titles_to_move(user: User) -> QuerySet[Certification]:
    """Titles whose next move is the office's: applied, in review, on site or in rectification."""
    return Certification.objects.visible_to(user).filter(status__in=TITLE_STEPS_OF_THE_OFFICE)


def imports_waiting(user: User) -> QuerySet[ImportBatch]:
    """Injury imports checked without errors and not yet imported (nor given up)."""
    return ImportBatch.objects.visible_to(user).filter(
        status=ImportBatch.Status.PREVIEWED, rows_in_error=0
    )


def review_counts(user: User) -> ReviewCounts:
    """The counts of district staff's inbox; one query (a subquery each)."""
    row = (
        User.objects.filter(pk=user.pk)
        .annotate(
            reports=_count(waiting_reports(user)),
            milestones=_count(waiting_milestones(user)),
            titles=_count(titles_to_move(user)),
            imports=_count(imports_waiting(user)),
            oldest_report=_oldest(waiting_reports(user), "submitted_at"),
            oldest_milestone=_oldest(waiting_milestones(user), "status_changed_at"),
        )
        .values("reports", "milestones", "titles", "imports", "oldest_report", "oldest_milestone")
        .first()
    )
    if row is None:
        return ReviewCounts()
    return ReviewCounts(
        reports=row["reports"] or 0,
        milestones=row["milestones"] or 0,
        titles=row["titles"] or 0,
        imports=row["imports"] or 0,
        oldest_report=row["oldest_report"],
        oldest_milestone=row["oldest_milestone"],
    )


def review_counts_of(request: HttpRequest) -> ReviewCounts | None:
    """The inbox counts of the request's user, read once per request; None for those who do
    not review (their pages run no query for it)."""
    user = request.user
    if not (user.is_authenticated and user.reviews_units):
        return None
    if not hasattr(request, "_review_counts"):
        request._review_counts = review_counts(user)
    return request._review_counts


@dataclass
class Inbox:
    """The dashboard's inbox: the counts, and the titles to move listed (a few)."""

    counts: ReviewCounts
    titles: list[Certification] = field(default_factory=list)


INBOX_TITLES = 8


def district_inbox(request: HttpRequest) -> Inbox | None:
    """The dashboard's inbox: the navigation's counts (no query more) and, when some wait, the
    first titles to move with their units (one query)."""
    counts = review_counts_of(request)
    if counts is None:
        return None
    titles = []
    if counts.titles:
        titles = list(
            titles_to_move(request.user)
            .select_related("unit")
            .order_by("applied_on", "pk")[:INBOX_TITLES]
        )
    return Inbox(counts=counts, titles=titles)
