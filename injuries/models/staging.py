"""Checked rows waiting to be imported: what a preview of a file leaves, so that its import
moves them into the records without reading or checking the file again.

A row is staged with the values the record will take, already read, converted and checked
(and the fields derived from them), keyed by its batch and its row number in the file. The
import (`injuries.services.staging`) moves a batch's rows in a few set-based statements and
deletes them; a batch given up takes its rows with it. The table has no history, no
`updated_at` and no triggers, and no database constraint on the batch or the unit: the rows
are written with COPY and read once, and the records' own constraints guard what goes in.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from injuries.models.batches import ImportBatch


class StagedRecord(models.Model):
    """One checked row of a file waiting to be imported, as the record it will write."""

    pk = models.CompositePrimaryKey("batch", "row")
    batch = models.ForeignKey(
        ImportBatch,
        on_delete=models.CASCADE,
        db_constraint=False,  # no per-row check on COPY; deleted with its batch by Django
        db_index=False,  # the primary key (batch, row) serves
        related_name="staged",
        verbose_name=_("batch"),
    )
    row = models.PositiveIntegerField(_("row"))

    source = models.CharField(max_length=20)
    reporting_org = models.CharField(max_length=100)
    record_number = models.CharField(max_length=50)
    unit_id = models.BigIntegerField()
    injury_date = models.DateField()
    injury_time = models.TimeField(null=True)
    visit_date = models.DateField(null=True)
    visit_time = models.TimeField(null=True)
    sex = models.PositiveSmallIntegerField()
    age = models.PositiveSmallIntegerField()
    registration = models.PositiveSmallIntegerField(null=True)
    education = models.PositiveSmallIntegerField(null=True)
    occupation = models.PositiveSmallIntegerField(null=True)
    cause = models.PositiveSmallIntegerField()
    place = models.PositiveSmallIntegerField()
    activity = models.PositiveSmallIntegerField()
    intent = models.PositiveSmallIntegerField()
    alcohol = models.PositiveSmallIntegerField(null=True)
    nature = models.PositiveSmallIntegerField()
    body_part = models.PositiveSmallIntegerField()
    severity = models.PositiveSmallIntegerField()
    outcome = models.PositiveSmallIntegerField()
    diagnosis = models.CharField(max_length=200)
    icd10 = models.CharField(max_length=8)
    narrative = models.TextField()
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    age_group = models.PositiveSmallIntegerField()
    age_band = models.CharField(max_length=5)
    domain = models.CharField(max_length=10)

    class Meta:
        verbose_name = _("checked row waiting to be imported")
        verbose_name_plural = _("checked rows waiting to be imported")

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row}"
