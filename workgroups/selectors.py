"""Reads of a unit's organisation and what it does: the templates it may still add, its
activities and projects as their pages list them, the quarterly record of
creation work meetings and the unit page's figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.core.models import CreatingUnit, User
from programs.progress.models import Evidence, EvidenceVersion
from safecommunity.calendar import Quarter
from workgroups.choices import ActivityKind
from workgroups.models import Activity, PromotionProject, WorkGroup, WorkGroupTemplate


def unit_missing_templates(unit: CreatingUnit) -> QuerySet[WorkGroupTemplate]:
    """Offered templates the unit has no active group for (dropped ones can be restored)."""
    held = WorkGroup.objects.filter(unit=unit, template__isnull=False).active()
    return WorkGroupTemplate.objects.filter(is_active=True).exclude(pk__in=held.values("template"))


# --- The activity log and the projects as their pages list them -----------------------------


def unit_activities(*, unit: CreatingUnit, user: User) -> QuerySet[Activity]:
    """The unit's activities the user may see, with their groups and attached files (each
    file's versions too, for its download)."""
    files = Evidence.objects.order_by("created_at", "pk").prefetch_related("versions")
    return (
        Activity.objects.visible_to(user)
        .filter(unit=unit)
        .select_related("group")
        .prefetch_related(Prefetch("attachments", queryset=files))
    )


def activity_attachments(activity: Activity) -> QuerySet[Evidence]:
    """The files attached to an activity, oldest first, with their versions and uploaders."""
    versions = EvidenceVersion.objects.select_related("uploaded_by")
    return activity.attachments.order_by("created_at", "pk").prefetch_related(
        Prefetch("versions", queryset=versions)
    )


def unit_projects(*, unit: CreatingUnit, user: User) -> QuerySet[PromotionProject]:
    """The unit's promotion projects the user may see, with their groups."""
    return PromotionProject.objects.visible_to(user).filter(unit=unit).select_related("group")


# --- The activity log: quarters, the meeting record, the unit page's figures -----------------


def meetings_held(units, first_day: date, last_day: date) -> dict[tuple[int, Quarter], int]:
    """(unit id, quarter) → the creation work meetings `units` (a queryset or ids) held between
    the two days; one grouped query however many units."""
    rows = (
        Activity.objects.filter(
            unit__in=units,
            kind=ActivityKind.CREATION_MEETING,
            date__gte=first_day,
            date__lte=last_day,
        )
        .annotate(year=ExtractYear("date"), number=ExtractQuarter("date"))
        .order_by()
        .values("unit", "year", "number")
        .annotate(meetings=Count("pk"))
    )
    return {(row["unit"], Quarter(row["year"], row["number"])): row["meetings"] for row in rows}


class MeetingState(models.TextChoices):
    HELD = "held", _("Held")
    MISSING = "missing", _("Missing")
    OPEN = "open", _("Not yet")  # the current quarter, until it ends


@dataclass(frozen=True)
class QuarterMeetings:
    """How many creation work meetings a unit held in one quarter."""

    quarter: Quarter
    meetings: int
    state: MeetingState

    @property
    def state_label(self) -> str:
        return self.state.label


def record_start(unit: CreatingUnit) -> date:
    """Where a unit's record begins: the day it joined, else the programme's start."""
    return unit.joined_on or unit.program.start_date


def unit_meeting_record(unit: CreatingUnit, *, today: date | None = None) -> list[QuarterMeetings]:
    """Creation work meetings in each quarter, from the quarter the unit joined in (or the
    programme started in) to the current one, oldest first; counted in one grouped query.

    A past quarter without a meeting is missing; the current quarter is open until it ends.
    """
    today = today or timezone.localdate()
    quarters = Quarter.between(record_start(unit), today)
    if not quarters:
        return []
    held = meetings_held([unit.pk], quarters[0].start, today)
    current = Quarter.of(today)
    record = []
    for quarter in quarters:
        meetings = held.get((unit.pk, quarter), 0)
        if meetings:
            state = MeetingState.HELD
        elif quarter == current:
            state = MeetingState.OPEN
        else:
            state = MeetingState.MISSING
        record.append(QuarterMeetings(quarter, meetings, state))
    return record


@dataclass(frozen=True)
class ActivitySummary:
    """The unit page's figures of the activity log and the promotion projects."""

    this_month: int
    this_year: int
    projects_active: int
    last_missing: Quarter | None  # the latest past quarter without a creation work meeting


def _count_of(rows: models.QuerySet) -> Coalesce:
    counted = rows.filter(unit=OuterRef("pk")).order_by().values("unit")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def unit_activity_summary(unit: CreatingUnit, *, today: date | None = None) -> ActivitySummary:
    """Activities this month and this year, projects under way, and the last past quarter
    lacking a creation work meeting — all in one query (a subquery each)."""
    today = today or timezone.localdate()
    past = [q for q in Quarter.between(record_start(unit), today) if q.end < today]
    meetings = Activity.objects.filter(
        unit=OuterRef("pk"), kind=ActivityKind.CREATION_MEETING
    ).order_by()
    held = {
        f"held_{n}": Exists(meetings.filter(date__range=(q.start, q.end)))
        for n, q in enumerate(past)
    }
    activities = Activity.objects.filter(date__lte=today)
    row = (
        CreatingUnit.objects.filter(pk=unit.pk)
        .annotate(
            this_month=_count_of(activities.filter(date__gte=today.replace(day=1))),
            this_year=_count_of(activities.filter(date__gte=today.replace(month=1, day=1))),
            projects_active=_count_of(PromotionProject.objects.active_on(today)),
            **held,
        )
        .values("this_month", "this_year", "projects_active", *held)
        .get()
    )
    missing = [q for n, q in enumerate(past) if not row[f"held_{n}"]]
    return ActivitySummary(
        this_month=row["this_month"],
        this_year=row["this_year"],
        projects_active=row["projects_active"],
        last_missing=missing[-1] if missing else None,
    )
