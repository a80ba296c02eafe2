"""The monthly report (月报): one per unit per month, its values, and its review."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.models import CreatingUnit
from programs.core.transitions import Move, Step, Workflow, edits_unit, register, reviews
from programs.reports import errors
from safecommunity import calendar
from safecommunity.models import ConstraintErrorsOnFields, UpdatedAt
from safecommunity.scoping import ScopedQuerySet

from .indicators import Indicator

if TYPE_CHECKING:
    pass

# A count beyond this is a typing slip, not a month's work.
MAX_VALUE = 10_000_000


class ReportStatus(models.TextChoices):
    """草稿 → 已提交 → 已通过, or 已退回 (with a reason) and back to editing."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


STATUS_STYLES = {
    ReportStatus.DRAFT: "secondary",
    ReportStatus.SUBMITTED: "primary",
    ReportStatus.APPROVED: "success",
    ReportStatus.RETURNED: "danger",
}


class MonthlyReportQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def for_month(self, first_day: date) -> Self:
        return self.filter(period=calendar.Month.first_day(first_day))


class MonthlyReport(ConstraintErrorsOnFields, UpdatedAt):
    """What a unit did in one month: its indicator values and a short narrative, submitted to
    and reviewed by the district office."""

    Status = ReportStatus
    EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})

    unit = models.ForeignKey(
        CreatingUnit,
        on_delete=models.CASCADE,
        related_name="monthly_reports",
        verbose_name=_("creating unit"),
    )
    period = models.DateField(_("month"), help_text=_("The first day of the month reported on."))
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    work_done = models.TextField(_("work done"), blank=True)
    problems = models.TextField(_("problems"), blank=True)
    next_plan = models.TextField(_("plan for next month"), blank=True)
    first_submitted_at = models.DateTimeField(
        _("first submitted at"),
        null=True,
        blank=True,
        help_text=_("Timeliness counts from the first submission."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submitted by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    approved_once = models.BooleanField(
        _("approved before"),
        default=False,
        help_text=_("Set at the first approval; changes after it are counted."),
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    reopen_reason = models.TextField(_("reason for reopening"), blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("Raised at every save, to catch concurrent edits.")
    )
    # What the review queue filters on, stored when the report is saved or submitted (and when
    # bulk approval checks it again): the queue never evaluates rules. A draft's counts are as
    # of its last save; a submitted report's, as of its submission.
    error_count = models.PositiveSmallIntegerField(
        _("errors"), default=0, help_text=_("Error rules the values broke at the last check.")
    )
    warning_count = models.PositiveSmallIntegerField(
        _("warnings"),
        default=0,
        help_text=_(
            "Warning rules broken and values that differ from the activity log, explained or "
            "not, at the last check."
        ),
    )
    unexplained_count = models.PositiveSmallIntegerField(
        _("unexplained warnings"), default=0, help_text=_("Warnings still without a comment.")
    )
    changed_after_approval = models.BooleanField(
        _("changed after approval"),
        default=False,
        help_text=_("Some value was changed after the report was first approved."),
    )

    objects = MonthlyReportQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])
    constraint_fields = {"monthlyreport_once_per_unit_month": "period"}

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["-period", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period"],
                name="monthlyreport_once_per_unit_month",
                violation_error_message=_("The unit already has a report for this month."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="monthlyreport_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.RETURNED) | ~Q(return_reason=""),
                name="monthlyreport_returned_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(first_submitted_at__isnull=True) | Q(submitted_at__isnull=False),
                name="monthlyreport_first_submission_recorded",
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="monthlyreport_period_status")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.period:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("programs:report-detail", args=[self.unit.code, f"{self.period:%Y-%m}"])

    def clean(self) -> None:
        super().clean()
        if self.period and self.period.day != 1:
            raise ValidationError({"period": _("Give the first day of the month.")})

    # --- state -----------------------------------------------------------------------------
    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_returned(self) -> bool:
        return self.status == ReportStatus.RETURNED

    @property
    def awaits_review(self) -> bool:
        return self.status == ReportStatus.SUBMITTED

    @property
    def is_clean(self) -> bool:
        """No error and no unexplained warning at the last check: bulk approval may take it."""
        return not self.error_count and not self.unexplained_count

    @property
    def status_style(self) -> str:
        """The badge colour of the report's status."""
        return STATUS_STYLES[self.status]

    @property
    def due_date(self) -> date:
        """The program's due day of the following month (e.g. the 5th)."""
        return calendar.due_date(self.period, self.unit.program.report_due_day)

    @property
    def submittable_from(self) -> date:
        """The first day the report may be submitted: the month's last day, or
        `REPORT_SUBMIT_FROM_DAYS_BEFORE_END` days before it (a month is reported once it is
        over, or nearly)."""
        days = settings.REPORT_SUBMIT_FROM_DAYS_BEFORE_END
        return calendar.Month.last_day(self.period) - timedelta(days=days)

    def submittable_on(self, day: date) -> bool:
        """Whether the month is far enough along on `day` (Asia/Shanghai) to be submitted."""
        return day >= self.submittable_from

    @property
    def on_time(self) -> bool | None:
        """Whether the first submission came by the end of the due day (Asia/Shanghai)."""
        return calendar.submitted_on_time(self.first_submitted_at, self.due_date)


def _rules_kept(step: Step) -> None:
    """No error remains and every warning is explained (checked under the row lock, so no save
    slips in between); the error carries `.problems` = (errors, warnings) for the page."""
    from programs.reports.selectors.rules import report_problems

    found_errors, warnings = report_problems(step.obj)
    if found_errors or warnings:
        error = errors.ReportError(
            errors.REPORT_HAS_ERRORS, count=len(found_errors) + len(warnings)
        )
        error.problems = (found_errors, warnings)
        raise error


def _month_over(step: Step) -> None:
    """A month is submitted once it is over (or within the configured days of its end): figures
    of a month still under way would be incomplete."""
    report = step.obj
    if not report.submittable_on(timezone.localdate(step.at)):
        raise errors.ReportError(
            errors.REPORT_SUBMITTED_TOO_EARLY,
            month=f"{report.period:%Y-%m}",
            date=f"{report.submittable_from:%Y-%m-%d}",
        )


def _submit_check(step: Step) -> None:
    """The submit move's precondition: the month is over, then the rules are kept."""
    _month_over(step)
    _rules_kept(step)


def _submitted(step: Step) -> list[str]:
    report = step.obj
    report.submitted_at, report.submitted_by = step.at, step.by
    report.first_submitted_at = step.current.first_submitted_at or step.at
    report.version = step.current.version + 1
    from programs.reports.selectors.rules import report_check_counts

    counts = report_check_counts(report)
    report.error_count, report.warning_count, report.unexplained_count = counts
    return [
        "submitted_at",
        "submitted_by",
        "first_submitted_at",
        "version",
        "error_count",
        "warning_count",
        "unexplained_count",
    ]


def _reviewed(step: Step) -> list[str]:
    """Who decided and when; an approval is remembered (later changes are counted), a return
    or a reopening keeps its reason."""
    report = step.obj
    report.reviewed_at, report.reviewed_by = step.at, step.by
    report.version = step.current.version + 1
    fields = ["reviewed_at", "reviewed_by", "version"]
    if report.status == ReportStatus.APPROVED:
        report.approved_once = True
        fields.append("approved_once")
    elif report.status == ReportStatus.RETURNED:
        report.return_reason = step.reason
        fields.append("return_reason")
    else:
        report.reopen_reason = step.reason
        fields.append("reopen_reason")
    return fields


register(
    MonthlyReport,
    Workflow(
        field="status",
        error=errors.ReportError,
        illegal=errors.ILLEGAL_REPORT_MOVE,
        moves=[
            Move(
                "submit",
                sources=MonthlyReport.EDITABLE,
                target=ReportStatus.SUBMITTED,
                label=_("Submit"),
                past=_("submitted"),
                allowed=edits_unit,
                check=_submit_check,
                effect=_submitted,
                style="primary",
            ),
            Move(
                "approve",
                sources={ReportStatus.SUBMITTED},
                target=ReportStatus.APPROVED,
                label=_("Approve"),
                past=_("approved"),
                allowed=reviews,
                refused=errors.ONLY_DISTRICT_REVIEWS_REPORTS,
                effect=_reviewed,
                style="success",
            ),
            Move(
                "return",
                sources={ReportStatus.SUBMITTED},
                target=ReportStatus.RETURNED,
                label=_("Return"),
                past=_("returned"),
                allowed=reviews,
                refused=errors.ONLY_DISTRICT_REVIEWS_REPORTS,
                reason=True,
                reason_missing=errors.REPORT_RETURN_NEEDS_REASON,
                effect=_reviewed,
                style="outline-danger",
            ),
            Move(
                "reopen",
                sources={ReportStatus.APPROVED},
                target=ReportStatus.DRAFT,
                label=_("Reopen"),
                past=_("reopened"),
                allowed=reviews,
                refused=errors.ONLY_DISTRICT_REVIEWS_REPORTS,
                reason=True,
                reason_missing=errors.REPORT_REOPEN_NEEDS_REASON,
                effect=_reviewed,
                style="outline-warning",
            ),
        ],
    ),
)


class ReportValue(ConstraintErrorsOnFields, models.Model):
    """One indicator's figure in a monthly report, with what the activity log suggested."""

    report = models.ForeignKey(
        MonthlyReport, on_delete=models.CASCADE, related_name="values", verbose_name=_("report")
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    value = models.PositiveIntegerField(
        _("value"), null=True, blank=True, validators=[MaxValueValidator(MAX_VALUE)]
    )
    prefilled = models.PositiveIntegerField(
        _("from the activity log"),
        null=True,
        blank=True,
        help_text=_("What the month's activities added up to when the report was opened."),
    )
    comment = models.TextField(_("comment"), blank=True)
    changed_after_approval = models.BooleanField(_("changed after approval"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report value")
        verbose_name_plural = _("report values")
        ordering = ["report", "indicator__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="reportvalue_once_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__lte=MAX_VALUE),
                name="reportvalue_not_absurd",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value if self.value is not None else '—'}"

    @property
    def differs_from_log(self) -> bool:
        return self.prefilled is not None and self.value != self.prefilled
