"""Creation funds (创建资金): the city's fund sources and categories, a district's fiscal years,
each unit's yearly budget lines, the disbursements (拨付) the finance bureau approves and pays,
and the spending (支出) the units record. Amounts are whole fen (`safecommunity.money`)."""

from .documents import FundsDocument, FundsDocumentKind, attaches_documents
from .moves import remaining_budget
from .records import (
    BudgetLine,
    BudgetLineQuerySet,
    Disbursement,
    DisbursementStatus,
    Expenditure,
    FundsQuerySet,
)
from .reference import FundCategory, FundSource
from .years import FiscalYear, FiscalYearStatus

__all__ = [
    "BudgetLine",
    "BudgetLineQuerySet",
    "Disbursement",
    "DisbursementStatus",
    "Expenditure",
    "FiscalYear",
    "FiscalYearStatus",
    "FundCategory",
    "FundSource",
    "FundsDocument",
    "FundsDocumentKind",
    "FundsQuerySet",
    "attaches_documents",
    "remaining_budget",
]
