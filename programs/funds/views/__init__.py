"""Views of the creation funds, a module per kind of page: the read-only pages (`pages`), a
disbursement's and an expenditure's page with the disbursement's moves (`records`), and their
vouchers and contracts (`documents`)."""

from .documents import FundsDocumentDownloadView
from .pages import FundsExecutionView, FundsLedgerView
from .records import (
    DisbursementDetailView,
    DisbursementDocumentUploadView,
    DisbursementMoveView,
    ExpenditureDetailView,
    ExpenditureDocumentUploadView,
)

__all__ = [
    "DisbursementDetailView",
    "DisbursementDocumentUploadView",
    "DisbursementMoveView",
    "ExpenditureDetailView",
    "ExpenditureDocumentUploadView",
    "FundsDocumentDownloadView",
    "FundsExecutionView",
    "FundsLedgerView",
]
