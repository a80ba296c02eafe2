"""Legacy Excel workbooks (.xls), as hospital information systems still export them, imported
like xlsx: read by calamine, date cells as dates, errors at the file's row and column.

The files in `tests/fixtures/` were written by LibreOffice Calc (`tests/fixtures/make_xls.py`
says how), so the tests read what a real spreadsheet program writes and need no LibreOffice.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from injuries import choices as card
from injuries.errors import NOT_A_DATETIME
from injuries.models import ImportBatch, InjuryRecord
from injuries.services import batch_commit, batch_preview, imports, injuries_import
from injuries.services.files import SpreadsheetRows
from safecommunity.spreadsheets import NOT_WHOLE_NUMBER
from tests.injury_files import stored

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CARDS = FIXTURES / "injury-cards.xls"
CARDS_WITH_ERRORS = FIXTURES / "injury-cards-with-errors.xls"
DAY = datetime.date(2025, 11, 3)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


def test_the_fixtures_are_legacy_excel_files_not_xlsx():
    for path in (CARDS, CARDS_WITH_ERRORS):
        assert path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2, not a zip


def test_date_cells_of_an_xls_file_are_read_as_dates_and_datetimes():
    with SpreadsheetRows(CARDS) as rows:
        header = rows.header
        cells = {values[3]: values for _number, values in rows}

    injured, visited = header.index("伤害发生时间"), header.index("患者就诊时间")
    assert cells["X0001"][injured] == datetime.datetime(2025, 11, 3, 8, 5)
    assert cells["X0002"][injured] == DAY and type(cells["X0002"][injured]) is datetime.date
    assert cells["X0002"][visited] == datetime.datetime(2025, 11, 3, 10, 15)
    assert cells["X0003"][injured] == "2025年11月3日 7时45分"  # text stays text
    assert cells["X0001"][header.index("年龄")] == 75


def test_an_xls_file_is_checked_and_imported_with_its_dates(tmp_path, clerk_a, unit_a):
    batch, report = batch_preview(name=stored(CARDS), file_name="cards.xls", user=clerk_a)
    assert (report.rows, report.added, report.rows_in_error) == (3, 3, 0)

    assert batch_commit(batch=batch, user=clerk_a).ok

    batch.refresh_from_db()
    assert (batch.status, batch.rows_added) == (ImportBatch.Status.IMPORTED, 3)
    records = {
        number: rest
        for number, *rest in InjuryRecord.objects.values_list(
            "record_number", "injury_date", "injury_time", "visit_date", "visit_time", "age", "sex"
        )
    }
    assert records == {
        "X0001": [DAY, datetime.time(8, 5), DAY, datetime.time(10, 15), 75, card.Sex.FEMALE],
        "X0002": [DAY, None, DAY, datetime.time(10, 15), 3, card.Sex.MALE],
        "X0003": [DAY, datetime.time(7, 45), DAY, datetime.time(10, 15), 45, card.Sex.MALE],
    }
    assert InjuryRecord.objects.get(record_number="X0003").narrative == "骑车摔倒"
    assert set(InjuryRecord.objects.values_list("unit", flat=True)) == {unit_a.pk}


def test_errors_in_an_xls_file_name_its_row_and_column(tmp_path, clerk_a, unit_a):
    path = shutil.copy(CARDS_WITH_ERRORS, tmp_path / "cards.xls")

    report = injuries_import(path=Path(path), user=clerk_a)

    assert sorted((p.row, p.column, p.message) for p in report.errors) == [
        (3, "年龄", NOT_WHOLE_NUMBER % {"value": "abc"}),
        (4, "ICD-10编码", imports.BAD_ICD10 % {"value": "跌倒"}),
        (4, "伤害发生时间", NOT_A_DATETIME % {"value": "昨天"}),
    ]
    assert (report.rows, report.added, report.rows_in_error) == (3, 1, 2)
    assert not InjuryRecord.objects.exists()  # one bad row: nothing imported


def test_an_xls_file_is_accepted_by_the_upload_form_and_imported(client_for, clerk_a, unit_a):
    client = client_for(clerk_a)
    upload = SimpleUploadedFile("三月.xls", CARDS.read_bytes())

    response = client.post(reverse("injuries:import"), {"file": upload})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert (batch.status, batch.file_name, batch.rows_added) == ("previewed", "三月.xls", 3)
    client.post(reverse("injuries:batch-commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert InjuryRecord.objects.count() == 3
