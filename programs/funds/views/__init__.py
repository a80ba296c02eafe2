"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`), the
final accounts and the exports (`accounts`), the treasury's file of payments
(`treasury`), the forms that write a unit's money (`forms`) and the fiscal year's moves
(`years`)."""

from .accounts import FundsAccountsExportView, FundsAccountsView, FundsLedgerExportView
from .forms import BudgetLineSetView, DisbursementRequestView, ExpenditureRecordView
from .pages import FundsExecutionView, FundsLedgerView
from .treasury import TreasuryConfirmView, TreasuryImportView
from .years import FiscalYearMoveView

__all__ = [
    "BudgetLineSetView",
    "DisbursementRequestView",
    "ExpenditureRecordView",
    "FiscalYearMoveView",
    "FundsAccountsExportView",
    "FundsAccountsView",
    "FundsExecutionView",
    "FundsLedgerExportView",
    "FundsLedgerView",
    "TreasuryConfirmView",
    "TreasuryImportView",
]
