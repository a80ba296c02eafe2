"""`manage.py import_injuries FILE [--dry-run] [--user USERNAME]`: scheduled transfers from a
hospital's or a department's system."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from injuries.errors import NOT_YOUR_UNIT
from injuries.models import ImportBatch, InjuryRecord
from injuries.services import imports
from tests.factories import InjuryRecordFactory
from tests.injury_files import card_row, cards, write_csv, write_xlsx


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def run(path: Path, *args: str) -> tuple[str, str]:
    """Run the command; its stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_injuries", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(path: Path, *args: str) -> tuple[str, str]:
    """Run the command expecting it to refuse; the CommandError's message and stderr."""
    err = io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_injuries", str(path), *args, stdout=io.StringIO(), stderr=err)
    return str(failure.value), err.getvalue()


def test_a_dry_run_checks_the_file_and_writes_nothing(tmp_path, unit_a):
    InjuryRecordFactory(unit=unit_a, reporting_org="顺义区医院", record_number="H0001")

    out, err = run(write_csv(tmp_path / "cards.csv", cards(3), "gb18030"), "--dry-run")

    assert InjuryRecord.objects.count() == 1
    assert not ImportBatch.objects.exists()
    assert err == ""
    assert "Dry run: nothing was written." in out
    assert imports.report_summary(imports.ImportReport(rows=3, added=2, updated=1)) in out


def test_a_dry_run_names_each_bad_row_and_fails(tmp_path, unit_a):
    rows = [*cards(2), card_row(number="H8", 年龄="abc"), card_row(number="H9", 伤害发生原因=99)]

    message, err = run_failing(write_xlsx(tmp_path / "bad.xlsx", rows), "--dry-run")

    assert message == "2 rows in error; nothing was imported."
    lines = err.splitlines()
    assert [re.match(r"bad\.xlsx:(\d+): \[(.+?)\] ERROR: ", line).groups() for line in lines] == [
        ("4", "年龄"),
        ("5", "伤害发生原因"),
    ]
    assert lines[0].endswith("“abc”不是整数。")
    assert not InjuryRecord.objects.exists()
    assert not ImportBatch.objects.exists()


def test_the_command_imports_a_file_as_one_batch(tmp_path, unit_a, unit_b):
    rows = [*cards(2), card_row("B01", "H0003")]

    out, _err = run(write_xlsx(tmp_path / "cards.xlsx", rows))

    batch = ImportBatch.objects.get()
    assert f"Imported as batch {batch.pk}." in out
    assert (batch.status, batch.uploaded_by, batch.file_name) == ("imported", None, "cards.xlsx")
    assert (batch.rows_total, batch.rows_added, batch.stored_file) == (3, 3, "")
    assert batch.imported_at is not None
    assert set(InjuryRecord.objects.values_list("record_number", "unit__code", "batch")) == {
        ("H0001", "A01", batch.pk),
        ("H0002", "A01", batch.pk),
        ("H0003", "B01", batch.pk),
    }


def test_running_the_same_file_again_adds_nothing(tmp_path, unit_a):
    path = write_xlsx(tmp_path / "cards.xlsx", cards(3))
    run(path)

    run(path)

    first, second = ImportBatch.objects.order_by("pk")
    assert (first.rows_added, second.rows_added, second.rows_unchanged) == (3, 0, 3)
    assert InjuryRecord.objects.count() == 3
    assert set(InjuryRecord.objects.values_list("batch", flat=True)) == {first.pk}


def test_a_file_with_a_bad_row_imports_nothing_and_leaves_no_batch(tmp_path, unit_a):
    rows = [*cards(3), card_row(number="H9", 性别="未知")]

    message, err = run_failing(write_xlsx(tmp_path / "bad.xlsx", rows))

    assert message == "1 row in error; nothing was imported."
    assert err.startswith("bad.xlsx:5: [性别] ERROR: ")
    assert not InjuryRecord.objects.exists()
    assert not ImportBatch.objects.exists()


def test_with_a_user_the_command_imports_within_what_they_may_change(
    tmp_path, clerk_a, unit_a, unit_b
):
    rows = [card_row("A01", "H1"), card_row("B01", "H2")]
    path = write_xlsx(tmp_path / "mixed.xlsx", rows)

    _message, err = run_failing(path, "--user", "clerk_a")

    assert err.splitlines() == [
        f"mixed.xlsx:3: [创建单位] ERROR: {NOT_YOUR_UNIT % {'value': 'B01'}}"
    ]
    assert not InjuryRecord.objects.exists()

    run(write_xlsx(tmp_path / "own.xlsx", rows[:1]), "--user", "clerk_a")

    batch = ImportBatch.objects.get()
    assert (batch.uploaded_by, batch.rows_added) == (clerk_a, 1)
    assert InjuryRecord.objects.get().unit == unit_a


def test_an_unknown_user_is_refused(tmp_path, unit_a):
    message, _err = run_failing(write_xlsx(tmp_path / "c.xlsx", cards(1)), "--user", "nobody")

    assert message == "No active user named 'nobody'."
    assert not InjuryRecord.objects.exists()


def test_a_file_with_identifiers_is_refused_whole(tmp_path, unit_a):
    rows = [{**card_row(), "身份证号": "110101199003071234"}]

    message, _err = run_failing(write_xlsx(tmp_path / "ids.xlsx", rows))

    assert message == imports.REFUSED_IDENTIFIERS % {"columns": "身份证号"}
    assert not ImportBatch.objects.exists()
    assert not InjuryRecord.objects.exists()


def test_a_missing_file_is_refused(tmp_path):
    message, _err = run_failing(tmp_path / "none.xlsx")

    assert message == f"No such file: {tmp_path / 'none.xlsx'}"
