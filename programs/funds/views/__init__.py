"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`), the
final accounts and the exports (`accounts`), the treasury's file of payments
(`treasury`)."""

from .accounts import FundsAccountsExportView, FundsAccountsView, FundsLedgerExportView
from .pages import FundsExecutionView, FundsLedgerView
from .treasury import TreasuryConfirmView, TreasuryImportView

__all__ = [
    "FundsAccountsExportView",
    "FundsAccountsView",
    "FundsExecutionView",
    "FundsLedgerExportView",
    "FundsLedgerView",
    "TreasuryConfirmView",
    "TreasuryImportView",
]
