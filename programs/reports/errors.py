"""Refusals of monthly reports: illegal moves, edit conflicts, broken rules."""

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class ReportError(DomainError):
    pass


class ReportConflict(ReportError):
    """Someone saved the report since the editor loaded it; nothing of this save was stored.

    `conflicts` maps each indicator id whose value differs to (your value, the value now saved).
    """

    def __init__(self, conflicts: dict[int, tuple[int | None, int | None]]) -> None:
        super().__init__(REPORT_EDIT_CONFLICT)
        self.conflicts = conflicts


ILLEGAL_REPORT_MOVE = _("A report that is “%(current)s” cannot be %(action)s.")
ONLY_DISTRICT_REVIEWS_REPORTS = _("Only district staff approve, return or reopen reports.")
REPORT_RETURN_NEEDS_REASON = _("Say why the report is returned, so the unit knows what to fix.")
REPORT_REOPEN_NEEDS_REASON = _("Say why the approved report is opened again.")
REPORT_NOT_EDITABLE = _("The report is “%(status)s” and cannot be changed.")
REPORT_EDIT_CONFLICT = _(
    "Someone else saved this report while you were editing it. Their values are shown beside "
    "yours; check them and save again."
)
REPORT_HAS_ERRORS = _("The report breaks %(count)d rule(s) that must be fixed before submitting.")
CHANGED_VALUE_NEEDS_COMMENT = _(
    "The activity log or the injury records give %(prefilled)s; say why the report differs."
)
REPORT_SUBMITTED_TOO_EARLY = _(
    "The report of %(month)s can be submitted from %(date)s, once the month is over."
)

# Bulk approval from the review queue: why a selected report was left alone.
BULK_NOT_SUBMITTED = _("no longer awaiting review (now “%(status)s”)")
BULK_HAS_ERRORS = _("breaks %(count)d error rule(s)")
BULK_UNEXPLAINED = _("%(count)d warning(s) without an explanation")
BULK_NOT_FOUND = _("not found")
