"""Injury surveillance's background work: the statistics page's tables as an xlsx workbook
(`statistics.py`), and imports — checking an uploaded file and importing a checked batch
(`imports.py`)."""

from .imports import (
    COMMIT_CHECKPOINT,
    IMPORTED,
    batch_commit_start,
    batch_import_job,
    discard_stale_checks,
    injuries_check,
    injuries_check_start,
    injuries_commit,
)
from .statistics import export_statistics

__all__ = [
    "COMMIT_CHECKPOINT",
    "IMPORTED",
    "batch_commit_start",
    "batch_import_job",
    "discard_stale_checks",
    "export_statistics",
    "injuries_check",
    "injuries_check_start",
    "injuries_commit",
]
