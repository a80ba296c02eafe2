"""Injury surveillance's models: the records (`records`), the import batches that bring them
in from hospitals and departments (`batches`) and the records counted per unit and month
(`rollup`), and the checked rows of a file waiting to be imported (`staging`)."""

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
from injuries.models.rollup import COLUMNS as ROLLUP_COLUMNS
from injuries.models.rollup import InjuryRollup, InjuryRollupQuerySet, InjuryRollupYear
from injuries.models.staging import StagedRecord

__all__ = [
    "CARD_FIELDS",
    "DERIVED_FIELDS",
    "ICD10_RE",
    "ICD10_VALIDATOR",
    "MAX_AGE",
    "RECORD_NUMBER_VALIDATOR",
    "ROLLUP_COLUMNS",
    "ImportBatch",
    "ImportBatchChange",
    "ImportBatchQuerySet",
    "InjuryRecord",
    "InjuryRecordQuerySet",
    "InjuryRollup",
    "InjuryRollupQuerySet",
    "InjuryRollupYear",
    "StagedRecord",
    "derived_values",
    "split_datetime",
]
