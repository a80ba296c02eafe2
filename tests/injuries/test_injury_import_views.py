"""The import pages: upload and check, the batch page with its counts and errors, import,
withdraw, the template, who reaches which batch, and the pages' query counts.

The check and the import are jobs; the tests' backend runs a job at once, inside the request
that starts it, so the page a request sends the user to shows the job's result (jobs still
queued: `test_import_jobs.py`)."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from injuries.choices import CODE_LISTS
from injuries.errors import NOT_YOUR_UNIT
from injuries.models import ImportBatch, InjuryRecord
from injuries.services import batch_commit, batch_preview, batch_withdraw, imports
from injuries.views.imports import XLSX_TYPE
from programs.core.models import Event
from programs.jobs.models import Job
from tests.factories import InjuryRecordFactory
from tests.injury_files import HEADERS, card_row, cards, stored, write_csv, write_xlsx

IMPORT = reverse("injuries:import")
TEMPLATE = reverse("injuries:import-template")


@pytest.fixture
def files(tmp_path) -> Path:
    folder = tmp_path / "files"
    folder.mkdir()
    return folder


def upload(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes())


def committed_batch(files: Path, user, rows: list[dict], name: str = "cards.xlsx") -> ImportBatch:
    """A batch uploaded by `user` and imported, through the service."""
    path = write_xlsx(files / name, rows)
    batch, _report = batch_preview(name=stored(path), file_name=name, user=user)
    assert batch_commit(batch=batch, user=user).ok
    batch.refresh_from_db()
    return batch


# --- Upload, check, import ------------------------------------------------------------------


def test_an_upload_is_checked_and_the_batch_page_shows_counts_and_errors(
    client_for, clerk_a, unit_a, unit_b, files, kept_uploads
):
    rows = [*cards(3), card_row("B01", "H0009"), card_row(number="H0010", 年龄="abc")]
    client = client_for(clerk_a)

    response = client.post(IMPORT, {"file": upload(write_xlsx(files / "三月.xlsx", rows))})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    assert (batch.status, batch.uploaded_by, batch.file_name) == ("previewed", clerk_a, "三月.xlsx")
    assert (batch.rows_total, batch.rows_added, batch.rows_in_error) == (5, 3, 2)
    assert InjuryRecord.objects.count() == 0
    assert kept_uploads() == []  # a file with errors is not kept

    page = client.get(batch.get_absolute_url())
    assert page.status_code == 200
    assert page.context["errors"] == [
        {
            "row": 5,
            "column": "创建单位",
            "message": NOT_YOUR_UNIT % {"value": "B01"},
            "error": True,
        },
        {"row": 6, "column": "年龄", "message": "“abc”不是整数。", "error": True},
    ]
    assert '<div class="stat-value text-success" id="count-added">3</div>' in page.text
    assert 'id="batch-errors"' in page.text
    assert '<td class="text-end">5</td><td class="text-nowrap">创建单位</td>' in page.text
    assert 'id="import-commit"' not in page.text


def test_the_batch_page_says_the_errors_were_cut_only_when_they_were(
    client_for, clerk_a, unit_a, files, monkeypatch
):
    monkeypatch.setattr(imports, "PROBLEMS_KEPT", 3)
    client = client_for(clerk_a)
    few = [card_row(number="H1", 年龄="x"), card_row(number="H2", 年龄="y")]
    many = [card_row(number=f"H{n}", 年龄="x") for n in range(5)]

    client.post(IMPORT, {"file": upload(write_xlsx(files / "few.xlsx", few))})
    page = client.get(ImportBatch.objects.get().get_absolute_url())
    assert len(page.context["errors"]) == 2
    assert 'id="errors-cut"' not in page.text

    client.post(IMPORT, {"file": upload(write_xlsx(files / "many.xlsx", many))})
    batch = ImportBatch.objects.get()
    page = client.get(batch.get_absolute_url())
    assert (batch.rows_in_error, len(page.context["errors"])) == (5, 3)
    assert 'id="errors-cut"' in page.text


def test_a_clean_file_is_imported_by_its_uploader(client_for, clerk_a, unit_a, files, kept_uploads):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_csv(files / "cards.csv", cards(4), "gb18030"))})
    batch = ImportBatch.objects.get()
    assert kept_uploads() == [batch.stored_file]
    page = client.get(batch.get_absolute_url())
    assert 'id="import-commit"' in page.text
    assert 'id="batch-errors"' not in page.text

    response = client.post(reverse("injuries:batch-commit", args=[batch.pk]))

    assert response.status_code == 302
    assert response["Location"] == batch.get_absolute_url()
    batch.refresh_from_db()
    assert (batch.status, batch.rows_added, batch.stored_file) == ("imported", 4, "")
    assert InjuryRecord.objects.filter(batch=batch, unit=unit_a).count() == 4
    assert kept_uploads() == []
    assert 'id="import-commit"' not in client.get(batch.get_absolute_url()).text


def test_a_commit_that_finds_new_errors_imports_nothing_and_says_so(
    client_for, clerk_a, unit_a, unit_b, files
):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_xlsx(files / "cards.xlsx", cards(2)))})
    batch = ImportBatch.objects.get()
    InjuryRecordFactory(unit=unit_b, reporting_org="顺义区医院", record_number="H0001")

    response = client.post(reverse("injuries:batch-commit", args=[batch.pk]), follow=True)

    batch.refresh_from_db()
    assert (batch.status, batch.rows_in_error) == ("previewed", 1)
    assert InjuryRecord.objects.count() == 1
    assert [p["column"] for p in response.context["errors"]] == ["卡片编号"]
    with translation.override("zh-hans"):
        assert str(imports.OTHER_UNITS_CARD) in response.text


def test_a_new_upload_gives_up_the_users_file_waiting_to_be_imported(
    client_for, clerk_a, unit_a, files, kept_uploads
):
    client = client_for(clerk_a)
    client.post(IMPORT, {"file": upload(write_xlsx(files / "v1.xlsx", cards(2)))})
    first = ImportBatch.objects.get()

    client.post(IMPORT, {"file": upload(write_xlsx(files / "v2.xlsx", cards(3)))})

    assert not ImportBatch.objects.filter(pk=first.pk).exists()
    latest = ImportBatch.objects.get()
    assert latest.file_name == "v2.xlsx"
    assert kept_uploads() == [latest.stored_file]


@pytest.mark.parametrize("identifier", ["姓名", "身份证号", "联系电话", "地址", "name"])
def test_a_file_with_identifiers_fails_its_check_and_is_not_kept(
    client_for, clerk_a, unit_a, files, kept_uploads, identifier
):
    rows = [{**card_row(), identifier: "张三"}]
    client = client_for(clerk_a)

    response = client.post(IMPORT, {"file": upload(write_xlsx(files / "names.xlsx", rows))})

    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("injuries:import-check", args=[job.pk])
    with translation.override("zh-hans"):
        message = imports.REFUSED_IDENTIFIERS % {"columns": identifier}
    assert (job.state, job.error) == ("failed", message)
    assert not ImportBatch.objects.exists()
    assert not InjuryRecord.objects.exists()
    assert kept_uploads() == []
    page = client.get(response["Location"])
    assert message in page.text
    assert 'id="import-recheck"' in page.text  # another file may be uploaded from there


def test_a_file_refused_whole_is_refused_in_the_users_language(
    client_for, clerk_a, unit_a, files, kept_uploads
):
    clerk_a.language = "en"
    clerk_a.save()
    rows = [{**card_row(), "姓名": "张三"}]

    client_for(clerk_a).post(IMPORT, {"file": upload(write_xlsx(files / "names.xlsx", rows))})

    job = Job.objects.get()
    assert job.state == "failed"
    assert job.error.startswith("The file has columns with personal identifiers (姓名).")
    assert (ImportBatch.objects.count(), kept_uploads()) == (0, [])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("cards.pdf", imports.REFUSED_FILE_TYPE % {"name": "cards.pdf"}),
        ("cards", imports.REFUSED_FILE_TYPE % {"name": "cards"}),
    ],
)
def test_a_file_not_named_as_a_spreadsheet_is_refused_on_the_form(
    client_for, clerk_a, unit_a, files, kept_uploads, name, message
):
    path = write_csv(files / "cards.csv", cards(1))

    response = client_for(clerk_a).post(IMPORT, {"file": upload(path, name)})

    assert response.status_code == 200
    with translation.override("zh-hans"):
        assert response.context["form"].errors == {"file": [str(message)]}
    assert not Job.objects.exists()
    assert kept_uploads() == []


def test_a_file_too_big_is_refused_on_the_form(
    client_for, clerk_a, unit_a, files, kept_uploads, settings
):
    settings.INJURY_IMPORT_MAX_BYTES = 2 * 1024 * 1024
    path = write_csv(files / "big.csv", cards(10))
    content = path.read_bytes() + b"\n" * (2 * 1024 * 1024)

    response = client_for(clerk_a).post(IMPORT, {"file": SimpleUploadedFile("big.csv", content)})

    assert response.status_code == 200
    with translation.override("zh-hans"):
        message = imports.REFUSED_TOO_BIG % {"limit": 2}
    assert response.context["form"].errors == {"file": [message]}
    assert not ImportBatch.objects.exists()
    assert not Job.objects.exists()
    assert kept_uploads() == []


def test_a_file_with_too_many_rows_fails_its_check(
    client_for, clerk_a, unit_a, files, kept_uploads, settings
):
    settings.INJURY_IMPORT_MAX_ROWS = 5

    response = client_for(clerk_a).post(
        IMPORT, {"file": upload(write_xlsx(files / "many.xlsx", cards(6)))}, follow=True
    )

    with translation.override("zh-hans"):
        message = imports.REFUSED_TOO_MANY_ROWS % {"limit": 5}
    assert (Job.objects.get().state, Job.objects.get().error) == ("failed", message)
    assert message in response.text
    assert not ImportBatch.objects.exists()
    assert kept_uploads() == []


def test_a_provider_imports_into_any_unit_through_the_page(
    client_for, provider, unit_a, unit_b, files
):
    client = client_for(provider)
    rows = [card_row("A01", "H1"), card_row("B01", "H2")]
    client.post(IMPORT, {"file": upload(write_xlsx(files / "cards.xlsx", rows))})
    batch = ImportBatch.objects.get()

    client.post(reverse("injuries:batch-commit", args=[batch.pk]))

    units = dict(InjuryRecord.objects.values_list("record_number", "unit"))
    assert units == {"H1": unit_a.pk, "H2": unit_b.pk}


# --- Who reaches which batch ----------------------------------------------------------------


def test_a_clerk_cannot_see_or_import_another_users_batch(
    client_for, clerk_a, clerk_b, unit_a, unit_b, files
):
    path = write_xlsx(files / "b.xlsx", cards(2, "B01"))
    batch, _report = batch_preview(name=stored(path), file_name="b.xlsx", user=clerk_b)
    client = client_for(clerk_a)

    assert client.get(batch.get_absolute_url()).status_code == 404
    assert client.post(reverse("injuries:batch-commit", args=[batch.pk])).status_code == 404
    assert client.post(reverse("injuries:batch-withdraw", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED
    assert not InjuryRecord.objects.exists()
    assert batch not in client.get(IMPORT).context["batches"]


def test_district_staff_see_a_clerks_batch_but_only_the_uploader_imports_it(
    client_for, clerk_a, district_user, unit_a, files
):
    path = write_xlsx(files / "a.xlsx", cards(2))
    batch, _report = batch_preview(name=stored(path), file_name="a.xlsx", user=clerk_a)
    client = client_for(district_user)

    page = client.get(batch.get_absolute_url())
    commit = client.post(reverse("injuries:batch-commit", args=[batch.pk]))

    assert page.status_code == 200
    assert 'id="import-commit"' not in page.text
    assert commit.status_code == 404
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEWED


def test_only_district_staff_withdraw_an_import(client_for, clerk_a, district_user, unit_a, files):
    batch = committed_batch(files, clerk_a, cards(3))
    url = reverse("injuries:batch-withdraw", args=[batch.pk])
    assert 'id="batch-withdraw"' not in client_for(clerk_a).get(batch.get_absolute_url()).text

    assert client_for(clerk_a).post(url).status_code == 404
    assert InjuryRecord.objects.count() == 3

    client = client_for(district_user)
    assert 'id="batch-withdraw"' in client.get(batch.get_absolute_url()).text
    response = client.post(url)

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.status, batch.withdrawn_by) == ("withdrawn", district_user)
    assert not InjuryRecord.objects.exists()


def test_withdrawing_an_import_a_later_one_changed_is_refused_with_a_message(
    client_for, clerk_a, district_user, unit_a, files
):
    first = committed_batch(files, clerk_a, cards(2), "v1.xlsx")
    second = committed_batch(files, clerk_a, cards(2, 年龄=40), "v2.xlsx")

    response = client_for(district_user).post(
        reverse("injuries:batch-withdraw", args=[first.pk]), follow=True
    )

    first.refresh_from_db()
    assert first.status == ImportBatch.Status.IMPORTED
    assert set(InjuryRecord.objects.values_list("age", flat=True)) == {40}
    with translation.override("zh-hans"):
        expected = imports.BATCH_CHANGED_LATER % {"files": str(second)}
    assert [str(message) for message in response.context["messages"]] == [expected]


def test_an_evaluator_reaches_no_import_page(client_for, evaluator, clerk_a, unit_a, files):
    batch, _report = batch_preview(
        name=stored(write_xlsx(files / "a.xlsx", cards(1))), file_name="a.xlsx", user=clerk_a
    )
    client = client_for(evaluator)

    assert client.get(IMPORT).status_code == 404
    assert client.get(TEMPLATE).status_code == 404
    assert client.post(IMPORT, {"file": upload(files / "a.xlsx")}).status_code == 404
    assert client.get(batch.get_absolute_url()).status_code == 404
    assert ImportBatch.objects.count() == 1


# --- The template ---------------------------------------------------------------------------


def test_the_template_is_an_xlsx_with_the_cards_headers_and_a_sheet_of_codes(client_for, clerk_a):
    response = client_for(clerk_a).get(TEMPLATE)

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_TYPE
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    data, codes = workbook.worksheets
    assert [cell.value for cell in data[1]] == HEADERS
    assert data.max_row == 1
    expected = sum(len(choices.choices) for _name, choices in CODE_LISTS)
    assert codes.max_row == 1 + expected
    assert ("伤害发生原因", 3, "跌倒/坠落", "fall") in set(codes.iter_rows(values_only=True))


def test_the_template_filled_in_imports_as_it_is(client_for, clerk_a, unit_a, files):
    client = client_for(clerk_a)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(TEMPLATE).content))
    row = card_row()
    workbook.worksheets[0].append([row[header] for header in HEADERS])
    path = files / "filled.xlsx"
    workbook.save(path)

    client.post(IMPORT, {"file": upload(path)})
    batch = ImportBatch.objects.get()
    client.post(reverse("injuries:batch-commit", args=[batch.pk]))

    assert InjuryRecord.objects.get().record_number == "H0001"


# --- Query counts ---------------------------------------------------------------------------


def test_the_import_page_query_count_does_not_grow_with_batches(
    client_for, district_user, clerk_a, unit_a, django_assert_max_num_queries
):
    client = client_for(district_user)
    for size in (2, 30):
        while ImportBatch.objects.count() < size:
            n = ImportBatch.objects.count()
            ImportBatch.objects.create(
                file_name=f"{n}.xlsx", sha256="0" * 64, size=100, uploaded_by=clerk_a
            )

        # session, user, batches; the header's bell and the navigation's counts
        with django_assert_max_num_queries(3 + 2):
            response = client.get(IMPORT)

        assert response.status_code == 200
        assert response.text.count("<tr>") - 1 == min(size, 20)


def test_the_batch_page_query_count_does_not_grow_with_rows_or_errors(
    client_for, clerk_a, unit_a, files, django_assert_max_num_queries
):
    client = client_for(clerk_a)
    for size in (2, 30):
        rows = [*cards(size), *(card_row(number=f"E{n}", 年龄="x") for n in range(size))]
        batch, _report = batch_preview(
            name=stored(write_xlsx(files / f"{size}.xlsx", rows)), file_name="f.xlsx", user=clerk_a
        )

        with django_assert_max_num_queries(5 + 1):  # + the header's bell
            response = client.get(batch.get_absolute_url())

        assert len(response.context["errors"]) == size
        assert batch.rows_added == size


def test_a_batchs_check_import_and_withdrawal_are_logged(clerk_a, district_user, unit_a, files):
    batch = committed_batch(files, clerk_a, cards(3))

    batch_withdraw(batch=batch, by=district_user)

    events = Event.objects.of(batch).order_by("pk")
    assert [(e.kind, e.action, e.actor) for e in events] == [
        (Event.Kind.CREATED, Event.Kind.CREATED, clerk_a),
        (Event.Kind.MOVE, "commit", clerk_a),
        (Event.Kind.MOVE, "withdraw", district_user),
    ]
    assert events[1].data == {"added": 3, "updated": 0, "unchanged": 0}
    assert events[2].data == {"deleted": 3, "restored": 0}
    assert all(event.unit_id is None for event in events)  # a file may hold many units' cards
