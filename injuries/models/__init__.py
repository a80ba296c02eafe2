"""Injury surveillance's models: the records (`records`) and the import batches that bring them
in from hospitals and departments (`batches`)."""

from injuries.models.batches import ImportBatch, ImportBatchChange, ImportBatchQuerySet
from injuries.models.records import (
    CARD_FIELDS,
    DERIVED_FIELDS,
    ICD10_RE,
    ICD10_VALIDATOR,
    MAX_AGE,
    RECORD_NUMBER_VALIDATOR,
    InjuryRecord,
    InjuryRecordQuerySet,
    derived_values,
    split_datetime,
)

__all__ = [
    "CARD_FIELDS",
    "DERIVED_FIELDS",
    "ICD10_RE",
    "ICD10_VALIDATOR",
    "MAX_AGE",
    "RECORD_NUMBER_VALIDATOR",
    "ImportBatch",
    "ImportBatchChange",
    "ImportBatchQuerySet",
    "InjuryRecord",
    "InjuryRecordQuerySet",
    "derived_values",
    "split_datetime",
]
