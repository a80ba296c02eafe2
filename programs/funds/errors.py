"""Refusals of the creation funds: closed years, budgets exceeded, vouchers used twice."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError


class FundsError(DomainError):
    """A refusal of the funds' rules; `field` names the input it is about, when there is one
    (a voucher number used twice), so a form shows it there."""

    def __init__(self, message: Any, *, field: str | None = None, **params: Any) -> None:
        self.field = field
        super().__init__(message, **params)


ILLEGAL_DISBURSEMENT_MOVE = _("A disbursement that is “%(current)s” cannot be %(action)s.")
ILLEGAL_YEAR_MOVE = _("A fiscal year that is “%(current)s” cannot be %(action)s.")
ONLY_FINANCE = _("Only the finance staff of the unit's district decide on its disbursements.")
ONLY_FINANCE_YEAR = _("Only the finance staff of the district close or reopen its fiscal year.")
ONLY_DISTRICT_OVERRIDE = _("Only district staff may let a disbursement exceed the budget.")
ONLY_BUDGET_KEEPERS = _("Only finance staff and district staff of the district set its budgets.")
YEAR_CLOSED = _(
    "The fiscal year %(year)s of %(district)s is closed: its money records cannot change."
)
OVER_BUDGET = _(
    "The disbursement of %(amount)s yuan exceeds the remaining budget of %(remaining)s yuan for "
    "this category and source; district staff must first mark it as an override, with a reason."
)
ALREADY_OVERRIDDEN = _("This disbursement is already marked as an override.")
OVERRIDE_NEEDS_REASON = _("Say why the disbursement may exceed the budget.")
RETURN_NEEDS_REASON = _("Say why the disbursement is returned.")
REOPEN_NEEDS_REASON = _("Say why the fiscal year is reopened.")
VOUCHER_REQUIRED = _("Give the voucher number.")
VOUCHER_USED = _("The voucher number %(voucher)s is already used in %(year)s in this district.")
PAID_ON_REQUIRED = _("Give the date of payment.")
PAYEE_REQUIRED = _("Give the payee.")
PROJECT_OF_OTHER_UNIT = _("Choose a promotion project of the same unit.")
ACTIVITY_OF_OTHER_UNIT = _("Choose an activity of the same unit.")
AMOUNT_POSITIVE = _("The amount must be more than zero.")
RATIOS_BOTH = _("Give both the city's and the district's share of the ratio, or neither.")

UNIT_OUT_OF_SCOPE = _("This unit is no longer among those whose funds you may see.")
BAD_YEAR = _("Choose a year between 2000 and 2100.")

# --- the treasury's file of paid disbursements (`programs.funds.treasury`) ----------------------
ONLY_TREASURY_IMPORTERS = _("Only finance staff import the treasury's payments.")
TREASURY_UNREADABLE = _("The file cannot be read; save it again as xlsx or CSV.")
TREASURY_FILE_TYPE = _("“%(name)s” is neither an xlsx nor a CSV file.")
TREASURY_TOO_MANY_ROWS = _("The file has more than %(limit)s rows; split it into smaller files.")
TREASURY_NO_ROWS = _("The file has no rows of payments under its header.")
TREASURY_COLUMN_MISSING = _("The file has no column “%(column)s”.")
TREASURY_AMOUNT_MISSING = _("Give the amount.")
TREASURY_UNIT_MISSING = _("Give the unit code.")
TREASURY_TOO_LONG = _("At most %(limit)s characters.")
TREASURY_UNIT_UNKNOWN = _("“%(value)s” is not the code of a unit whose funds you keep.")
TREASURY_VOUCHER_REPEATED = _("The voucher number %(voucher)s is also on row %(row)s of the file.")
TREASURY_NO_MATCH = _(
    "No approved disbursement of %(amount)s yuan to %(unit)s in %(year)s waits for payment."
)
TREASURY_REFUSED = _(
    "Nothing was paid: row %(row)s, %(column)s: %(problem)s (%(count)s problems in all; "
    "check the file again)."
)
TREASURY_STALE = _("The checked file has expired or was changed; upload it again.")
DOCUMENT_ONE_RECORD = _("A document belongs to one disbursement or one expenditure.")
ONLY_DOCUMENT_KEEPERS = _(
    "Only the unit's clerk, district staff and the district's finance staff add its documents."
)
