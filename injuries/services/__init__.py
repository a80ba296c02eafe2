"""Injury surveillance's writes: the spreadsheet import and the use cases of an import batch
(preview, commit, withdraw), in `imports`."""

from injuries.services.imports import (
    ImportReport,
    Problem,
    batch_commit,
    batch_preview,
    batch_withdraw,
    check_size,
    file_sha256,
    injuries_import,
    report_summary,
)

__all__ = [
    "ImportReport",
    "Problem",
    "batch_commit",
    "batch_preview",
    "batch_withdraw",
    "check_size",
    "file_sha256",
    "injuries_import",
    "report_summary",
]
