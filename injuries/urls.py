from django.urls import path

from . import views

app_name = "injuries"

urlpatterns = [
    # The records, one by one
    path("injuries/", views.RecordListView.as_view(), name="record-list"),
    path("injuries/new/", views.RecordCreateView.as_view(), name="record-create"),
    path("injuries/<int:pk>/", views.RecordDetailView.as_view(), name="record-detail"),
    path("injuries/<int:pk>/edit/", views.RecordUpdateView.as_view(), name="record-edit"),
    path("injuries/<int:pk>/delete/", views.RecordDeleteView.as_view(), name="record-delete"),
    # Statistics
    path("injuries/statistics/", views.StatisticsView.as_view(), name="statistics"),
    path(
        "injuries/statistics/export/",
        views.StatisticsExportView.as_view(),
        name="statistics-export",
    ),
    # Spreadsheet imports
    path("injuries/import/", views.ImportUploadView.as_view(), name="import"),
    path("injuries/import/template/", views.ImportTemplateView.as_view(), name="import-template"),
    path("injuries/import/<int:pk>/", views.BatchDetailView.as_view(), name="batch-detail"),
    path("injuries/import/checks/<int:pk>/", views.ImportCheckView.as_view(), name="import-check"),
    path("injuries/import/<int:pk>/commit/", views.BatchCommitView.as_view(), name="batch-commit"),
    path(
        "injuries/import/<int:pk>/withdraw/",
        views.BatchWithdrawView.as_view(),
        name="batch-withdraw",
    ),
]
