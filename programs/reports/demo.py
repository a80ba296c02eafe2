"""Demo monthly reports: two years for every unit, in mixed states — mostly approved, some late,
some returned with a reason, a few missing, and the current month's drafts — so the
completeness grid looks real. Written with bulk_create.

The figures agree with the rest of the demo: every automatic indicator holds what the unit's
activity log and injury records give for the month (`indicator_values_from_activities`, as a
clerk opening the report would find it), so a meeting in the log is a meeting in the report; a
month is left unreported only when its log has no creation work meeting; a broken warning rule
carries its comment, as it must to be submitted."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from programs.core.models import CreatingUnit, Event, User
from programs.reports.models import Indicator, MonthlyReport, ReportValue, ValidationRule
from programs.reports.selectors.completeness import expected_from
from programs.reports.selectors.rules import (
    check_counts,
    indicator_values_from_activities,
    rules_evaluate,
)
from safecommunity.calendar import Month, due_date

Status = MonthlyReport.Status

RETURN_REASONS = [
    "培训人次与签到表不一致，请核对后重新提交。",
    "隐患整改数量大于发现数量，请更正。",
    "请补充本月工作小结和下月计划。",
    "交通事故数据与交管部门通报不符，请核实。",
]
WORK_DONE = [
    "召开创建工作推进会，部署本月重点工作；开展消防安全宣传进社区活动。",
    "组织居民开展应急疏散演练，完成辖区隐患排查。",
    "开展老年人防跌倒讲座，更新安全志愿者名册。",
]


def _values(rng: random.Random, size: float) -> dict[str, int]:
    """One month of plausible figures for a unit of relative `size`; the automatic indicators'
    are replaced by the log's (`_from_log`)."""
    events = {k: rng.randint(0, 3) for k in ("publicity", "trainings", "drills")}
    found = rng.randint(0, int(12 * size) + 1)
    values = {
        "creation-meetings": rng.choice((0, 0, 1, 1, 2)),
        "committee-meetings": rng.choice((0, 0, 0, 1)),
        "projects-active": rng.randint(1, 5),
        "volunteers": int(rng.randint(40, 160) * size),
        "publicity-events": events["publicity"],
        "publicity-participants": events["publicity"] * rng.randint(30, 200),
        "trainings": events["trainings"],
        "trainees": events["trainings"] * rng.randint(15, 60),
        "drills": events["drills"],
        "drill-participants": events["drills"] * rng.randint(20, 120),
        "hazard-inspections": rng.randint(1, 6),
        "hazards-found": found,
        "hazards-rectified": rng.randint(int(found * 0.6), found),
    }
    for category, rate in (
        ("production", 0.3),
        ("traffic", 1.2),
        ("fire", 0.5),
        ("gas", 0.1),
        ("public-order", 0.8),
    ):
        accidents = sum(rng.random() < rate * size / 3 for _ in range(3))
        values[f"accidents-{category}"] = accidents
        values[f"deaths-{category}"] = sum(rng.random() < 0.05 for _ in range(accidents))
        values[f"injuries-{category}"] = sum(rng.randint(0, 2) for _ in range(accidents))
    return values


CREATION_MEETINGS = "creation-meetings"
EXPLANATION = "经核实，数据无误，已按程序上报并处置。"


def _accidents_behind_casualties(values: dict[str, int]) -> None:
    """A category with casualties in the injury records had at least one accident."""
    for key in [key for key in values if key.startswith("accidents-")]:
        category = key.removeprefix("accidents-")
        casualties = values.get(f"deaths-{category}", 0) + values.get(f"injuries-{category}", 0)
        if casualties and not values[key]:
            values[key] = 1


def _explained(rules: list[ValidationRule], values: dict[str, int]) -> dict[str, str]:
    """The comments a unit writes beside the values breaking a warning rule (indicator code →
    comment); the demo breaks no error rule."""
    return {
        outcome.rule.left.code: EXPLANATION
        for outcome in rules_evaluate(rules, values)
        if not outcome.is_error
    }


def _at(day: date, rng: random.Random) -> datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    moment = datetime.combine(day, time(rng.randint(8, 20), rng.randint(0, 59)), tzinfo=zone)
    return min(moment, timezone.now() - timedelta(hours=1))


@transaction.atomic
def reports_demo(district: User, *, months: int = 24) -> int:
    """Two years of reports for every unit of `district`'s (the reviewer's) district that has
    none yet; returns how many were written."""
    rng = random.Random("monthly-reports")
    today = timezone.localdate()
    periods = [*Month.last_months(months), Month.first_day(today)]
    indicators = list(Indicator.objects.active())
    clerks = {user.unit_id: user for user in User.objects.filter(role=User.Role.CLERK)}
    done = set(MonthlyReport.objects.values_list("unit_id", flat=True).distinct())
    reports, figures = [], []
    rules = list(ValidationRule.objects.in_force())
    comments: list[dict[str, str]] = []
    prefilled: list[dict[str, int]] = []
    units = CreatingUnit.objects.filter(district=district.district_id)
    for unit in units.select_related("program").order_by("code"):
        if unit.pk in done:
            continue
        size = 0.5 + (unit.population or 30000) / 100_000
        start = expected_from(unit)
        diligence = rng.random()  # some units are usually late
        for period in periods:
            if period < start:
                continue
            due = due_date(period, unit.program.report_due_day)
            current = period == Month.first_day(today)
            roll = rng.random()
            from_log = indicator_values_from_activities(unit, period, indicators=indicators)
            if not current and roll < 0.04 and not from_log.get(CREATION_MEETINGS):
                continue  # missing (never a month whose meeting the log holds)
            report = MonthlyReport(
                unit=unit,
                period=period,
                work_done=rng.choice(WORK_DONE),
                next_plan="继续推进各工作组任务，开展季度创建工作会议。",
            )
            if current or (due >= today and roll < 0.5):
                report.status = Status.DRAFT
            else:
                late = rng.random() < 0.1 + 0.3 * (diligence < 0.2)
                day = (
                    due + timedelta(days=rng.randint(1, 12))
                    if late
                    else due - timedelta(days=rng.randint(0, 4))
                )
                report.first_submitted_at = report.submitted_at = _at(min(day, today), rng)
                report.submitted_by = clerks.get(unit.pk)
                if roll > 0.93:
                    report.status = Status.RETURNED
                    report.return_reason = rng.choice(RETURN_REASONS)
                    report.reviewed_at, report.reviewed_by = report.submitted_at, district
                elif roll > 0.85 or period >= Month.last_months(1, until=today)[0]:
                    report.status = Status.SUBMITTED
                else:
                    report.status = Status.APPROVED
                    report.approved_once = True
                    report.reviewed_by = district
                    report.reviewed_at = report.submitted_at + timedelta(days=rng.randint(1, 6))
            values = _values(rng, size) | from_log
            _accidents_behind_casualties(values)
            reports.append(report)
            figures.append(values)
            prefilled.append(from_log)
            comments.append(_explained(rules, values))
    rows = []
    for report, values, logged, explained in zip(
        reports, figures, prefilled, comments, strict=True
    ):
        of_report = [
            ReportValue(
                report=report,
                indicator=indicator,
                value=values.get(indicator.code),
                prefilled=logged.get(indicator.code),
                comment=explained.get(indicator.code, ""),
            )
            for indicator in indicators
        ]
        # What a save would store for the review queue's filters.
        report.error_count, report.warning_count, report.unexplained_count = check_counts(
            of_report, rules
        )
        rows.extend(of_report)
    MonthlyReport.objects.bulk_create(reports, batch_size=1000)
    ReportValue.objects.bulk_create(rows, batch_size=5000)
    Event.objects.bulk_create(_moves_of(reports), batch_size=5000)
    return len(reports)


def _moves_of(reports: list[MonthlyReport]) -> list[Event]:
    """The event log's rows of the demo reports' moves (written directly, as the reports are):
    the submission, then the approval or the return, in time order."""
    report_type = ContentType.objects.get_for_model(MonthlyReport)

    def move(report, action, before, after, at, actor, reason="") -> Event:
        return Event(
            at=at,
            actor=actor,
            unit_id=report.unit_id,
            content_type=report_type,
            object_id=report.pk,
            action=action,
            from_state=before,
            to_state=after,
            reason=reason,
        )

    events = []
    for report in reports:
        if report.submitted_at is None:
            continue
        events.append(
            move(
                report,
                "submit",
                Status.DRAFT,
                Status.SUBMITTED,
                report.submitted_at,
                report.submitted_by,
            )
        )
        if report.status == Status.APPROVED:
            events.append(
                move(
                    report,
                    "approve",
                    Status.SUBMITTED,
                    Status.APPROVED,
                    report.reviewed_at,
                    report.reviewed_by,
                )
            )
        elif report.status == Status.RETURNED:
            events.append(
                move(
                    report,
                    "return",
                    Status.SUBMITTED,
                    Status.RETURNED,
                    report.reviewed_at,
                    report.reviewed_by,
                    report.return_reason,
                )
            )
    return sorted(events, key=lambda event: event.at)
