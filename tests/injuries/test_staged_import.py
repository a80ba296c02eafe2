"""An import checks each row once: the preview stages the checked rows (`StagedRecord`) and the
commit moves them into the records without reading or checking the file again, deciding insert
or update by the data as it is at the commit."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone, translation

from injuries.errors import BATCH_FILE_GONE, NO_UNIT, OTHER_UNITS_CARD, BatchError
from injuries.jobs import batch_commit_start, discard_stale_checks
from injuries.models import ImportBatch, ImportBatchChange, InjuryRecord, StagedRecord
from injuries.resources import DateTimeCellWidget
from injuries.services import batch_commit, batch_discard_waiting, batch_preview, batch_withdraw
from injuries.services.files import stored_delete
from programs.jobs.runner import start
from tests.factories import UnitFactory
from tests.injuries.test_rollup import assert_rollup_equals_records, assert_rollup_is_not_empty
from tests.injury_files import card_row, cards, stored, write_csv, write_xlsx
from tests.processes import DATABASE_TASKS


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def preview(path, user, name="cards.xlsx") -> ImportBatch:
    batch, _report = batch_preview(name=stored(path), file_name=name, user=user)
    return batch


def staged(batch: ImportBatch) -> list[str]:
    return sorted(StagedRecord.objects.filter(batch=batch).values_list("record_number", flat=True))


def test_a_preview_stages_its_checked_rows_and_the_commit_imports_exactly_them(
    tmp_path, clerk_a, unit_a
):
    batch = preview(write_xlsx(tmp_path / "five.xlsx", cards(5)), clerk_a)

    assert staged(batch) == ["H0001", "H0002", "H0003", "H0004", "H0005"]
    assert not InjuryRecord.objects.exists()
    report = batch_commit(batch=batch, user=clerk_a)

    assert (report.ok, report.added, report.updated, report.unchanged) == (True, 5, 0, 0)
    batch.refresh_from_db()
    assert (batch.status, batch.rows_added, batch.stored_file) == ("imported", 5, "")
    assert not StagedRecord.objects.exists()
    records = InjuryRecord.objects.order_by("pk")
    assert [r.record_number for r in records] == ["H0001", "H0002", "H0003", "H0004", "H0005"]
    first = records[0]
    assert (first.unit, first.batch, first.age, first.icd10, first.narrative) == (
        unit_a, batch, 34, "S80.0", "在家拖地时滑倒",
    )  # fmt: skip
    assert (first.year, first.month, first.domain) == (
        first.injury_date.year, first.injury_date.month, "fall",
    )  # fmt: skip
    assert first.created_at == first.updated_at
    assert_rollup_is_not_empty()
    assert_rollup_equals_records()


def test_a_file_with_a_row_in_error_stages_nothing(tmp_path, clerk_a, unit_a):
    rows = [*cards(3), card_row(number="H0009", 年龄=130)]

    batch = preview(write_xlsx(tmp_path / "bad.xlsx", rows), clerk_a)

    assert batch.rows_in_error == 1
    assert not StagedRecord.objects.exists()
    assert batch.checked_fields == []


def test_the_same_file_again_updates_its_changed_rows_and_adds_none(
    tmp_path, clerk_a, district_user, unit_a
):
    first = preview(write_xlsx(tmp_path / "one.xlsx", cards(3)), clerk_a)
    batch_commit(batch=first, user=clerk_a)
    again = [*cards(2), card_row(number="H0003", 年龄=70, 伤害结局="死亡")]

    second = preview(write_csv(tmp_path / "two.csv", again), clerk_a, "two.csv")
    report = batch_commit(batch=second, user=clerk_a)

    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    assert InjuryRecord.objects.count() == 3
    changed = InjuryRecord.objects.get(record_number="H0003")
    assert (changed.age, changed.outcome, changed.batch_id) == (70, 5, second.pk)
    assert InjuryRecord.objects.get(record_number="H0001").batch_id == first.pk
    change = ImportBatchChange.objects.get()
    assert (change.batch_id, change.record_id, change.previous_batch_id) == (
        second.pk, changed.pk, first.pk,
    )  # fmt: skip
    assert (change.previous["age"], change.previous["outcome"]) == (34, 1)
    assert change.previous["injury_time"] == "09:30:00"
    assert_rollup_equals_records()

    batch_withdraw(batch=second, by=district_user)  # the kept values put back

    changed.refresh_from_db()
    assert (changed.age, changed.outcome, changed.batch_id) == (34, 1, first.pk)
    assert changed.injury_time.isoformat() == "09:30:00"
    assert_rollup_equals_records()


def test_a_card_recorded_between_preview_and_commit_is_updated_not_added_twice(
    tmp_path, clerk_a, unit_a
):
    waiting = preview(write_xlsx(tmp_path / "three.xlsx", cards(3)), clerk_a)
    assert waiting.rows_added == 3
    meanwhile = preview(
        write_xlsx(tmp_path / "one.xlsx", [card_row(number="H0002", 年龄=60)]), clerk_a, "one.xlsx"
    )
    batch_commit(batch=meanwhile, user=clerk_a)

    report = batch_commit(batch=waiting, user=clerk_a)

    assert (report.ok, report.added, report.updated, report.unchanged) == (True, 2, 1, 0)
    assert InjuryRecord.objects.count() == 3
    record = InjuryRecord.objects.get(record_number="H0002")
    assert (record.age, record.batch_id) == (34, waiting.pk)
    assert ImportBatchChange.objects.get(batch=waiting).previous["age"] == 60
    assert_rollup_equals_records()


def test_a_record_edited_after_the_preview_is_given_the_files_values(tmp_path, clerk_a, unit_a):
    path = write_xlsx(tmp_path / "two.xlsx", cards(2))
    batch_commit(batch=preview(path, clerk_a), user=clerk_a)
    again = preview(path, clerk_a)
    assert (again.rows_added, again.rows_unchanged) == (0, 2)
    InjuryRecord.objects.filter(record_number="H0001").update(age=80)

    report = batch_commit(batch=again, user=clerk_a)

    assert (report.updated, report.unchanged) == (1, 1)
    assert InjuryRecord.objects.get(record_number="H0001").age == 34
    assert_rollup_equals_records()


def test_a_card_put_under_another_unit_after_the_preview_refuses_the_whole_import(
    tmp_path, clerk_a, district_user, unit_a, unit_b
):
    waiting = preview(write_xlsx(tmp_path / "a.xlsx", cards(3)), clerk_a)
    other = preview(
        write_xlsx(tmp_path / "b.xlsx", [card_row("B01", "H0003")]), district_user, "b.xlsx"
    )
    batch_commit(batch=other, user=district_user)

    report = batch_commit(batch=waiting, user=clerk_a)

    assert not report.ok
    assert [(p.row, p.message) for p in report.errors] == [(4, str(OTHER_UNITS_CARD))]
    assert list(InjuryRecord.objects.values_list("record_number", "unit")) == [("H0003", unit_b.pk)]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.rows_in_error, waiting.checked_fields) == ("previewed", 1, [])
    assert not StagedRecord.objects.exists()
    assert_rollup_equals_records()


def test_a_unit_deleted_after_the_preview_refuses_its_rows(tmp_path, district_user, unit_a):
    gone = UnitFactory(code="C01", name="丙镇")
    rows = [card_row("A01", "H0001"), card_row("C01", "H0002")]
    waiting = preview(write_xlsx(tmp_path / "c.xlsx", rows), district_user)
    gone_id = gone.pk
    gone.delete()

    report = batch_commit(batch=waiting, user=district_user)

    assert [(p.row, p.message) for p in report.errors] == [(3, str(NO_UNIT % {"value": gone_id}))]
    assert not InjuryRecord.objects.exists()


def test_a_discarded_preview_leaves_no_staged_rows(tmp_path, clerk_a, unit_a):
    earlier = preview(write_xlsx(tmp_path / "one.xlsx", cards(3)), clerk_a)
    later = preview(write_xlsx(tmp_path / "two.xlsx", cards(2, start=7)), clerk_a, "two.xlsx")

    batch_discard_waiting(user=clerk_a, keep=later)

    assert not ImportBatch.objects.filter(pk=earlier.pk).exists()
    assert staged(earlier) == []
    assert staged(later) == ["H0007", "H0008"]


def test_staged_rows_lost_before_the_commit_ask_for_the_file_again(tmp_path, clerk_a, unit_a):
    """PostgreSQL empties the UNLOGGED staging table after a crash: the import counts the rows
    it moves against the batch's and writes nothing when some are missing."""
    batch = preview(write_xlsx(tmp_path / "three.xlsx", cards(3)), clerk_a)
    StagedRecord.objects.filter(batch=batch, row=3).delete()

    with pytest.raises(BatchError, match=str(BATCH_FILE_GONE)):
        batch_commit(batch=batch, user=clerk_a)

    assert not InjuryRecord.objects.exists()
    batch.refresh_from_db()
    assert (batch.status, len(staged(batch))) == ("previewed", 2)


def test_checks_never_imported_are_given_up_after_the_keep_days_with_their_staged_rows(
    tmp_path, settings, clerk_a, unit_a, kept_uploads
):
    settings.INJURY_CHECK_KEEP_DAYS = 7
    stale = preview(write_xlsx(tmp_path / "old.xlsx", cards(3)), clerk_a, "old.xlsx")
    busy = preview(write_xlsx(tmp_path / "busy.xlsx", cards(2, start=5)), clerk_a, "busy.xlsx")
    recent = preview(write_xlsx(tmp_path / "new.xlsx", cards(2, start=9)), clerk_a, "new.xlsx")
    eight_days_ago = timezone.now() - datetime.timedelta(days=8)
    ImportBatch.objects.filter(pk__in=[stale.pk, busy.pk]).update(uploaded_at=eight_days_ago)
    immediate = settings.TASKS
    settings.TASKS = DATABASE_TASKS  # the import of `busy` stays queued, as on a busy worker
    batch_commit_start(batch=busy, user=clerk_a)
    settings.TASKS = immediate

    record, _created = start(discard_stale_checks, user=None, title="housekeeping")

    record.refresh_from_db()
    assert (record.state, record.message[:2]) == ("done", "1 ")  # one file given up
    assert set(ImportBatch.objects.values_list("pk", flat=True)) == {busy.pk, recent.pk}
    assert staged(stale) == []
    assert len(staged(busy)) == len(staged(recent)) == 2
    assert kept_uploads() == sorted([busy.stored_file, recent.stored_file])


# --- The commit does not check the rows again ---------------------------------------------------


def test_the_commit_reads_neither_the_file_nor_the_units_names_again(tmp_path, clerk_a, unit_a):
    """Rows name their unit by its name; renamed after the preview, the old name would no longer
    be read — but the commit moves the rows the preview checked, and the file, removed from the
    storage meanwhile, is not needed."""
    rows = cards(2, unit_code="甲镇")
    batch = preview(write_xlsx(tmp_path / "named.xlsx", rows), clerk_a)
    unit_a.name = "甲镇（新）"
    unit_a.save()
    stored_delete(batch.stored_file)

    report = batch_commit(batch=batch, user=clerk_a)

    assert (report.ok, report.added) == (True, 2)
    assert set(InjuryRecord.objects.values_list("unit", flat=True)) == {unit_a.pk}


@pytest.mark.parametrize("count", [5, 500])
def test_a_commit_takes_the_same_queries_at_any_size(
    tmp_path, clerk_a, unit_a, count, django_assert_max_num_queries
):
    """No query per row or per chunk — the checks ran at the preview, the move is set-based —:
    the batch's lock and move (`transition`), the refusals' join, the kept values and the
    update (one statement on PostgreSQL), the delete of the staged rows a record holds, the
    insert, the delete of the rest, the batch's counts, its event and the file forgotten."""
    path = write_xlsx(tmp_path / f"{count}.xlsx", cards(count, start=5000))
    batch_commit(batch=preview(path, clerk_a), user=clerk_a)
    rows = [*cards(count, start=5000, 年龄=40), *cards(count)]
    batch = preview(write_xlsx(tmp_path / f"{count}-again.xlsx", rows), clerk_a)

    with django_assert_max_num_queries(COMMIT_QUERIES):
        report = batch_commit(batch=batch, user=clerk_a)

    assert (report.added, report.updated, report.unchanged) == (count, count, 0)
    assert InjuryRecord.objects.count() == 2 * count
    assert_rollup_equals_records()


COMMIT_QUERIES = 13


# --- Reading a date and time the usual way takes no pattern, and reads the same -----------------


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("2024-03-31 14:30", datetime.datetime(2024, 3, 31, 14, 30)),
        ("2024-03-31 00:00", datetime.datetime(2024, 3, 31, 0, 0)),
        ("2024-3-31 14:30", datetime.datetime(2024, 3, 31, 14, 30)),  # the pattern's way
        ("2024-02-30 14:30", None),
        ("2024-+3-31 14:30", None),
        ("2024-03-31 25:00", None),
    ],
)
def test_a_date_and_time_cell_reads_as_the_pattern_reads_it(text, read):
    widget = DateTimeCellWidget()
    if read is None:
        with pytest.raises(ValueError, match=re.escape(text)):
            widget.clean(text)
    else:
        assert widget.clean(text) == read
