"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`)."""

from .pages import FundsExecutionView, FundsLedgerView

__all__ = ["FundsExecutionView", "FundsLedgerView"]
