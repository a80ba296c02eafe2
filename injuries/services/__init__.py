"""Injury surveillance's writes: the spreadsheet import and the use cases of an import batch
(preview, commit, withdraw). `imports` holds them and names every message an import gives; it
reads a file with `files`, each row with `rows`, checks and stages a chunk with `chunks` and
moves a batch's staged rows into the records with `staging`; `withdrawals` takes an import
back, `waiting` gives up checked files never imported; `cards` takes a batch of cards sent as
JSON through the same path."""

from injuries.services.cards import CardsOutcome, CardsRefused, cards_import
from injuries.services.imports import (
    ImportReport,
    Problem,
    batch_commit,
    batch_discard_waiting,
    batch_forget_file,
    batch_preview,
    batch_withdraw,
    batches_discard_stale,
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
    "batches_discard_stale",
    "cards_import",
    "check_size",
    "file_sha256",
    "injuries_import",
    "report_summary",
]
