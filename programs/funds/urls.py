"""URLs of the creation funds: the district's execution, a unit's ledger of a year, a
disbursement's and an expenditure's page, the disbursement's moves, their documents."""

from django.urls import path

from . import views

urlpatterns = [
    path("funds/", views.FundsExecutionView.as_view(), name="funds"),
    path(
        "funds/units/<str:code>/<int:year>/",
        views.FundsLedgerView.as_view(),
        name="funds-ledger",
    ),
    path("funds/accounts/", views.FundsAccountsView.as_view(), name="funds-accounts"),
    path(
        "funds/accounts/export/",
        views.FundsAccountsExportView.as_view(),
        name="funds-accounts-export",
    ),
    path(
        "funds/units/<str:code>/<int:year>/export/",
        views.FundsLedgerExportView.as_view(),
        name="funds-ledger-export",
    ),
    path("funds/treasury/", views.TreasuryImportView.as_view(), name="funds-treasury"),
    path(
        "funds/treasury/confirm/",
        views.TreasuryConfirmView.as_view(),
        name="funds-treasury-confirm",
    ),
    path(
        "funds/units/<str:code>/<int:year>/budget/",
        views.BudgetLineSetView.as_view(),
        name="funds-budget",
    ),
    path(
        "funds/units/<str:code>/<int:year>/disbursements/new/",
        views.DisbursementRequestView.as_view(),
        name="funds-disbursement-new",
    ),
    path(
        "funds/units/<str:code>/<int:year>/expenditures/new/",
        views.ExpenditureRecordView.as_view(),
        name="funds-expenditure-new",
    ),
    path(
        "funds/districts/<str:code>/<int:year>/<str:action>/",
        views.FiscalYearMoveView.as_view(),
        name="funds-year-move",
    ),
    path(
        "funds/disbursements/<int:pk>/",
        views.DisbursementDetailView.as_view(),
        name="funds-disbursement",
    ),
    path(
        "funds/disbursements/<int:pk>/documents/",
        views.DisbursementDocumentUploadView.as_view(),
        name="funds-disbursement-upload",
    ),
    path(
        "funds/disbursements/<int:pk>/<slug:action>/",
        views.DisbursementMoveView.as_view(),
        name="funds-disbursement-move",
    ),
    path(
        "funds/expenditures/<int:pk>/",
        views.ExpenditureDetailView.as_view(),
        name="funds-expenditure",
    ),
    path(
        "funds/expenditures/<int:pk>/documents/",
        views.ExpenditureDocumentUploadView.as_view(),
        name="funds-expenditure-upload",
    ),
    path(
        "funds/documents/<int:pk>/download/",
        views.FundsDocumentDownloadView.as_view(),
        name="funds-document-download",
    ),
]
