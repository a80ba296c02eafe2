"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`)."""

from .forms import BudgetLineSetView, DisbursementRequestView, ExpenditureRecordView
from .pages import FundsExecutionView, FundsLedgerView
from .years import FiscalYearMoveView

__all__ = [
    "BudgetLineSetView",
    "DisbursementRequestView",
    "ExpenditureRecordView",
    "FiscalYearMoveView",
    "FundsExecutionView",
    "FundsLedgerView",
]
