"""Injury surveillance's writes: the spreadsheet import and the use cases of an import batch
(preview, commit, withdraw). `imports` holds them and names every message an import gives; it
reads a file with `files`, each row with `rows` and checks and writes a chunk with `chunks`;
`cards` takes a batch of cards sent as JSON through the same path."""

from injuries.services.cards import CardsOutcome, CardsRefused, cards_import
from injuries.services.imports import (
    ImportReport,
    Problem,
    batch_commit,
    batch_discard_waiting,
    batch_forget_file,
    batch_preview,
    batch_withdraw,
    check_size,
    file_sha256,
    injuries_import,
    report_summary,
)

__all__ = [
    "CardsOutcome",
    "CardsRefused",
    "ImportReport",
    "Problem",
    "batch_commit",
    "batch_discard_waiting",
    "batch_forget_file",
    "batch_preview",
    "batch_withdraw",
    "cards_import",
    "check_size",
    "file_sha256",
    "injuries_import",
    "report_summary",
]
