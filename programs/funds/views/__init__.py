"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`), the
final accounts and the exports (`accounts`), the treasury's file of payments (`treasury`), the
forms that write a unit's money (`forms`), the fiscal year's moves (`years`), a disbursement's
and an expenditure's page with the disbursement's moves (`records`), and their vouchers and
contracts (`documents`)."""

from .accounts import FundsAccountsExportView, FundsAccountsView, FundsLedgerExportView
from .documents import FundsDocumentDownloadView
from .forms import BudgetLineSetView, DisbursementRequestView, ExpenditureRecordView
from .pages import FundsExecutionView, FundsLedgerView
from .records import (
    DisbursementDetailView,
    DisbursementDocumentUploadView,
    DisbursementMoveView,
    ExpenditureDetailView,
    ExpenditureDocumentUploadView,
)
from .treasury import TreasuryConfirmView, TreasuryImportView
from .years import FiscalYearMoveView

__all__ = [
    "BudgetLineSetView",
    "DisbursementDetailView",
    "DisbursementDocumentUploadView",
    "DisbursementMoveView",
    "DisbursementRequestView",
    "ExpenditureDetailView",
    "ExpenditureDocumentUploadView",
    "ExpenditureRecordView",
    "FiscalYearMoveView",
    "FundsAccountsExportView",
    "FundsAccountsView",
    "FundsDocumentDownloadView",
    "FundsExecutionView",
    "FundsLedgerExportView",
    "FundsLedgerView",
    "TreasuryConfirmView",
    "TreasuryImportView",
]
