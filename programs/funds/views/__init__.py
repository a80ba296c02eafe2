"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`), the
final accounts and the exports (`accounts`)."""

from .accounts import FundsAccountsExportView, FundsAccountsView, FundsLedgerExportView
from .pages import FundsExecutionView, FundsLedgerView

__all__ = [
    "FundsAccountsExportView",
    "FundsAccountsView",
    "FundsExecutionView",
    "FundsLedgerExportView",
    "FundsLedgerView",
]
