"""An injury record names a creating unit and, when imported, a batch that exist, whatever
writes it: PostgreSQL checks the references once per statement
(`injuries.models.references_sql`), SQLite keeps its foreign keys (checked when the transaction
ends, as `check_constraints` does here)."""

from __future__ import annotations

import threading

import psycopg2
import pytest
from django.db import IntegrityError, connection, transaction

from injuries.models import ImportBatch, InjuryRecord
from programs.models import CreatingUnit
from tests.factories import InjuryRecordFactory, UnitFactory

MISSING = 987_654


def refused(write) -> None:
    """`write` is refused: by the statement on PostgreSQL, when the constraints are checked on
    SQLite; and nothing of it stays."""
    with pytest.raises(IntegrityError), transaction.atomic():
        write()
        connection.check_constraints()


@pytest.fixture
def record(unit_a):
    return InjuryRecordFactory(unit=unit_a)


@pytest.fixture
def batch(district_user):
    return ImportBatch.objects.create(
        file_name="cards.xlsx", sha256="0" * 64, size=1, uploaded_by=district_user
    )


def test_a_record_of_a_unit_that_does_not_exist_is_refused(record):
    copy = InjuryRecord(**{
        field.attname: getattr(record, field.attname)
        for field in InjuryRecord._meta.concrete_fields
        if not field.primary_key
    } | {"unit_id": MISSING, "record_number": "NEW-1"})  # fmt: skip

    refused(lambda: InjuryRecord.objects.bulk_create([copy]))
    refused(lambda: InjuryRecord.objects.filter(pk=record.pk).update(unit_id=MISSING))

    assert list(InjuryRecord.objects.values_list("record_number", "unit")) == [
        (record.record_number, record.unit_id)
    ]


def test_a_record_of_a_batch_that_does_not_exist_is_refused(record, batch):
    refused(lambda: InjuryRecord.objects.filter(pk=record.pk).update(batch_id=MISSING))

    InjuryRecord.objects.filter(pk=record.pk).update(batch=batch)  # one that exists
    connection.check_constraints()
    assert InjuryRecord.objects.get().batch == batch


def test_a_unit_or_batch_that_records_name_cannot_be_deleted_even_in_raw_sql(record, batch):
    InjuryRecord.objects.filter(pk=record.pk).update(batch=batch)
    units = CreatingUnit.objects.filter(pk=record.unit_id)
    batches = ImportBatch.objects.filter(pk=batch.pk)

    refused(lambda: units._raw_delete(connection.alias))
    refused(lambda: batches._raw_delete(connection.alias))

    assert units.exists() and batches.exists()
    InjuryRecord.objects.all()._raw_delete(connection.alias)
    with transaction.atomic():  # named by no record: deleted
        batches._raw_delete(connection.alias)
        units._raw_delete(connection.alias)
        connection.check_constraints()
    assert not units.exists() and not batches.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one writer at a time: no race"
)
def test_a_unit_being_written_to_waits_and_then_cannot_be_deleted(transactional_db):
    """The insert locks the units it names, as the foreign key's check did: a concurrent delete
    of the unit waits for the insert's transaction, then finds the record and is refused."""
    unit = UnitFactory(code="W01")
    template = InjuryRecordFactory(unit=UnitFactory(code="W02"))
    params = connection.get_connection_params()
    writer, deleter = psycopg2.connect(**params), psycopg2.connect(**params)
    try:
        columns = [
            field.column for field in InjuryRecord._meta.concrete_fields if not field.primary_key
        ]
        copied = [
            {"unit_id": "%s", "record_number": "'W-1'"}.get(column, column) for column in columns
        ]
        with writer.cursor() as cursor:  # in a transaction, not committed yet
            cursor.execute(
                f"INSERT INTO injuries_injuryrecord ({', '.join(columns)})"
                f" SELECT {', '.join(copied)} FROM injuries_injuryrecord WHERE id = %s",
                [unit.pk, template.pk],
            )
        outcome: dict[str, object] = {}

        def delete() -> None:
            try:
                with deleter.cursor() as cursor:
                    cursor.execute("DELETE FROM programs_creatingunit WHERE id = %s", [unit.pk])
                deleter.commit()
                outcome["deleted"] = True
            except psycopg2.Error as error:
                deleter.rollback()
                outcome["error"] = error.pgcode

        waiting = threading.Thread(target=delete)
        waiting.start()
        waiting.join(timeout=1.0)
        assert waiting.is_alive(), outcome  # the delete waits for the writer's lock
        writer.commit()
        waiting.join(timeout=10)

        assert outcome == {"error": "23503"}  # foreign_key_violation
        assert CreatingUnit.objects.filter(pk=unit.pk).exists()
        assert InjuryRecord.objects.filter(unit=unit).count() == 1
    finally:
        writer.close()
        deleter.close()
