"""The monthly report (月报): one per unit per month, its values, and its review."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.core.models import CreatingUnit
from programs.reports import errors
from safecommunity import calendar
from safecommunity.models import ConstraintErrorsOnFields
from safecommunity.scoping import ScopedQuerySet

from .indicators import Indicator

if TYPE_CHECKING:
    from programs.core.models import User

# A count beyond this is a typing slip, not a month's work.
MAX_VALUE = 10_000_000


class ReportStatus(models.TextChoices):
    """草稿 → 已提交 → 已通过, or 已退回 (with a reason) and back to editing."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


class MonthlyReportQuerySet(ScopedQuerySet):
    unit_lookup = "unit"

    def for_month(self, first_day: date) -> Self:
        return self.filter(period=calendar.Month.first_day(first_day))


class MonthlyReport(ConstraintErrorsOnFields, models.Model):
    """What a unit did in one month: its indicator values and a short narrative, submitted to
    and reviewed by the district office."""

    Status = ReportStatus
    EDITABLE = frozenset({ReportStatus.DRAFT, ReportStatus.RETURNED})
    ACTIONS = {
        "submit": _("submitted"),
        "approve": _("approved"),
        "return": _("returned"),
        "reopen": _("reopened"),
    }

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

    objects = MonthlyReportQuerySet.as_manager()
    history = HistoricalRecords()
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
    def due_date(self) -> date:
        """The program's due day of the following month (e.g. the 5th)."""
        return calendar.due_date(self.period, self.unit.program.report_due_day)

    @property
    def on_time(self) -> bool | None:
        """Whether the first submission came by the end of the due day (Asia/Shanghai)."""
        return calendar.submitted_on_time(self.first_submitted_at, self.due_date)

    # --- transitions: each checks the state under a row lock, records who and when ----------
    def mark_submitted(self, *, by: User) -> None:
        """Record the submission; the rules are checked by `report_submit`, which calls this."""
        self._move("submit", to=ReportStatus.SUBMITTED, allowed=self.EDITABLE, by=by)

    def approve(self, *, by: User) -> None:
        self._require_reviewer(by)
        self._move("approve", to=ReportStatus.APPROVED, allowed={ReportStatus.SUBMITTED}, by=by)

    def return_(self, *, by: User, reason: str) -> None:
        self._require_reviewer(by)
        if not reason.strip():
            raise errors.ReportError(errors.REPORT_RETURN_NEEDS_REASON)
        self._move(
            "return", to=ReportStatus.RETURNED, allowed={ReportStatus.SUBMITTED}, by=by, note=reason
        )

    def reopen(self, *, by: User, reason: str) -> None:
        """District staff open an approved report again; its later changes are counted."""
        self._require_reviewer(by)
        if not reason.strip():
            raise errors.ReportError(errors.REPORT_REOPEN_NEEDS_REASON)
        self._move(
            "reopen", to=ReportStatus.DRAFT, allowed={ReportStatus.APPROVED}, by=by, note=reason
        )

    def _require_reviewer(self, user: User) -> None:
        if not user.reviews_units:
            raise errors.ReportError(errors.ONLY_DISTRICT_REVIEWS_REPORTS)

    def _move(self, action: str, *, to: str, allowed: set, by: User, note: str = "") -> None:
        # A clerk submitting while a reviewer acts, or two reviewers at once: lock the row and
        # decide on the state as it is now, not as the page showed it.
        with transaction.atomic():
            current = type(self).objects.select_for_update().get(pk=self.pk)
            if current.status not in allowed:
                raise errors.ReportError(
                    errors.ILLEGAL_REPORT_MOVE,
                    current=current.get_status_display(),
                    action=self.ACTIONS[action],
                )
            now = timezone.now()
            fields = ["status", "version"]
            if to == ReportStatus.SUBMITTED:
                self.submitted_at, self.submitted_by = now, by
                self.first_submitted_at = current.first_submitted_at or now
                fields += ["submitted_at", "submitted_by", "first_submitted_at"]
            else:
                self.reviewed_at, self.reviewed_by = now, by
                fields += ["reviewed_at", "reviewed_by"]
            if to == ReportStatus.APPROVED:
                self.approved_once = True
                fields.append("approved_once")
            if to == ReportStatus.RETURNED:
                self.return_reason = note.strip()
                fields.append("return_reason")
            if action == "reopen":
                self.reopen_reason = note.strip()
                fields.append("reopen_reason")
            self.status = to
            self.version = current.version + 1
            self._history_user = by
            self.save(update_fields=fields)


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
