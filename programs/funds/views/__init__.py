"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`), the
treasury's file of payments (`treasury`)."""

from .pages import FundsExecutionView, FundsLedgerView
from .treasury import TreasuryConfirmView, TreasuryImportView

__all__ = ["FundsExecutionView", "FundsLedgerView", "TreasuryConfirmView", "TreasuryImportView"]
