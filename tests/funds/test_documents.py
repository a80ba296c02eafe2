"""Vouchers and contracts (凭证、合同) of a disbursement or an expenditure: private files kept
beside the record — who uploads them (the unit's clerk, district staff, the district's finance
staff; not in a closed year), who downloads them (whoever sees the record's funds and opens
evidence files; anybody else 404), bad files refused at the field, and the rule that a document
belongs to exactly one record, both ways."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.core.transitions import transition
from programs.funds import errors
from programs.funds.models import FundsDocument
from programs.funds.services import fiscal_year_of, funds_document_upload
from programs.progress.demo import demo_pdf
from tests.database import refused_by_database
from tests.funds.builders import YEAR, budget, requested, spent

pytestmark = pytest.mark.django_db

PDF = demo_pdf("voucher BF-2025-001")


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    """Files stored in a folder of the test's own, so what is left on disk can be counted."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


def stored(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def pdf(name: str = "拨付凭证.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/pdf")


@pytest.fixture
def asked(unit_a, funds, clerk_a):
    budget(unit_a, 100_000, funds)
    return requested(unit_a, 50_000, funds, by=clerk_a)


@pytest.fixture
def expense(unit_a, funds):
    return spent(unit_a, 12_345, funds, voucher="ZC-1")


def upload_url(record) -> str:
    kind = "disbursement" if record._meta.model_name == "disbursement" else "expenditure"
    return reverse(f"programs:funds-{kind}-upload", args=[record.pk])


@pytest.fixture
def kept(asked, clerk_a) -> FundsDocument:
    """Clerk A's voucher of unit A's disbursement."""
    return funds_document_upload(by=clerk_a, record=asked, kind="voucher", upload=pdf())


# --- upload --------------------------------------------------------------------------------------
UPLOADERS = ["clerk_a", "district_user", "finance_user"]
NOT_UPLOADERS = [
    "clerk_b",
    "provider",
    "evaluator",
    "city_user",
    "other_district_user",
    "other_district_finance",
]


@pytest.mark.parametrize("record_name", ["asked", "expense"])
@pytest.mark.parametrize("persona", UPLOADERS, indirect=True)
def test_the_clerk_district_staff_and_finance_keep_a_voucher_with_the_record(
    request, client, private_storage, persona, record_name
):
    record = request.getfixturevalue(record_name)
    user = request.getfixturevalue(persona)

    response = client.post(upload_url(record), {"kind": "contract", "file": pdf("合同.pdf")})

    assert response.status_code == 302
    assert response["Location"] == record.get_absolute_url() + "#documents"
    document = FundsDocument.objects.get()
    assert (document.kind, document.original_name, document.uploaded_by) == (
        "contract",
        "合同.pdf",
        user,
    )
    assert document.record == record
    assert document.unit == record.unit
    assert document.size == len(PDF)
    assert document.sha256 == hashlib.sha256(PDF).hexdigest()
    path = Path(document.file.path)
    assert path.is_relative_to(private_storage) and path.read_bytes() == PDF
    assert path.name != "合同.pdf"  # a fresh, unguessable name


@pytest.mark.parametrize("record_name", ["asked", "expense"])
@pytest.mark.parametrize("persona", NOT_UPLOADERS, indirect=True)
def test_nobody_else_finds_the_upload(request, client, private_storage, persona, record_name):
    record = request.getfixturevalue(record_name)

    response = client.post(upload_url(record), {"kind": "voucher", "file": pdf()})

    assert response.status_code == 404
    assert not FundsDocument.objects.exists()
    assert stored(private_storage) == []


def test_the_service_refuses_who_may_not_add_documents(asked, city_user, private_storage):
    with pytest.raises(errors.FundsError) as refused:
        funds_document_upload(by=city_user, record=asked, kind="voucher", upload=pdf())

    assert refused.value.message == errors.ONLY_DOCUMENT_KEEPERS
    assert stored(private_storage) == []


def test_a_closed_year_refuses_the_upload_at_the_field(
    english, asked, unit_a, finance_user, private_storage
):
    year = fiscal_year_of(district=unit_a.district, year=YEAR)
    transition(year, "close", by=finance_user)
    english.force_login(finance_user)
    page = english.get(asked.get_absolute_url()).content.decode()
    assert 'id="documents-closed"' in page and 'id="document-form"' not in page

    response = english.post(upload_url(asked), {"kind": "voucher", "file": pdf()})

    assert response.status_code == 200
    expected = str(errors.YEAR_CLOSED) % {"year": YEAR, "district": unit_a.district.name}
    assert response.context["document_form"].errors == {"file": [expected]}
    assert expected in response.content.decode()
    assert not FundsDocument.objects.exists()
    assert stored(private_storage) == []


def xlsx_named_pdf() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


BAD_FILES = [
    ("空.pdf", b"", "empty"),
    ("凭证.pdf", b"MZ\x90\x00 not a pdf", "is not a PDF, image, Word, Excel or PowerPoint file"),
    ("凭证.pdf", xlsx_named_pdf(), "is named like a PDF file but its content is a Excel file"),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_FILES, ids=["empty", "exe", "xlsx"])
def test_a_bad_file_is_refused_at_the_field_and_nothing_is_kept(
    english, asked, clerk_a, private_storage, name, content, message
):
    english.force_login(clerk_a)

    response = english.post(upload_url(asked), {"kind": "voucher", "file": pdf(name, content)})

    assert response.status_code == 200
    (error,) = response.context["document_form"].errors["file"]
    assert message in error
    assert response.context["disbursement"] == asked  # the record's page again
    assert not FundsDocument.objects.exists()
    assert stored(private_storage) == []


def test_a_file_past_the_limit_is_refused_at_the_field(
    english, expense, clerk_a, settings, private_storage
):
    settings.EVIDENCE_MAX_BYTES = 1024
    settings.UPLOAD_LIMITS = {**settings.UPLOAD_LIMITS, "evidence": 1024}
    english.force_login(clerk_a)

    response = english.post(
        upload_url(expense), {"kind": "voucher", "file": pdf("大.pdf", PDF + b"\n" * 2048)}
    )

    assert response.status_code == 200
    (error,) = response.context["document_form"].errors["file"]
    assert "files may be at most 1.0" in error
    assert not FundsDocument.objects.exists()
    assert stored(private_storage) == []


def test_no_file_and_an_unknown_kind_are_refused_at_their_fields(english, asked, clerk_a):
    english.force_login(clerk_a)

    response = english.post(upload_url(asked), {"kind": "receipt"})

    assert set(response.context["document_form"].errors) == {"kind", "file"}
    assert not FundsDocument.objects.exists()


def test_a_get_of_the_upload_goes_back_to_the_page(client, asked, clerk_a):
    client.force_login(clerk_a)

    response = client.get(upload_url(asked))

    assert response.status_code == 302
    assert response["Location"] == asked.get_absolute_url()


# --- download ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk_a", 200),
        ("district_user", 200),
        ("finance_user", 200),
        ("city_user", 404),  # compares districts; opens no unit's file
        ("clerk_b", 404),
        ("provider", 404),
        ("evaluator", 404),
        ("other_district_user", 404),
        ("other_district_finance", 404),
    ],
    indirect=["persona"],
)
def test_who_downloads_a_voucher(client, kept, persona, status):
    response = client.get(kept.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
    else:
        assert not getattr(response, "streaming", False)
    response.close()


def test_a_file_outside_the_scope_is_not_found_even_by_its_number(
    client, kept, unit_b, funds, clerk_b
):
    budget(unit_b, 100_000, funds)
    own = requested(unit_b, 1_000, funds, by=clerk_b)
    funds_document_upload(by=clerk_b, record=own, kind="voucher", upload=pdf("乙.pdf"))
    client.force_login(clerk_b)

    response = client.get(reverse("programs:funds-document-download", args=[kept.pk]))

    assert response.status_code == 404
    assert not getattr(response, "streaming", False)


def test_a_missing_file_is_not_found(client, kept, clerk_a):
    Path(kept.file.path).unlink()
    client.force_login(clerk_a)

    assert client.get(kept.get_absolute_url()).status_code == 404


def test_the_page_lists_the_documents_and_the_city_office_sees_no_link(
    client, kept, clerk_a, city_user
):
    client.force_login(clerk_a)
    page = client.get(kept.disbursement.get_absolute_url()).content.decode()
    assert kept.get_absolute_url() in page and "拨付凭证.pdf" in page

    client.force_login(city_user)
    response = client.get(kept.disbursement.get_absolute_url())
    page = response.content.decode()
    assert "拨付凭证.pdf" in page and kept.get_absolute_url() not in page
    assert 'id="document-form"' not in page  # the city office adds nothing


# --- one record, exactly -------------------------------------------------------------------------
def document(**fields) -> FundsDocument:
    values = {
        "kind": "voucher",
        "file": "funds/A01/x.pdf",
        "original_name": "x.pdf",
        "content_type": "application/pdf",
        "size": 1,
        "sha256": "0" * 64,
    }
    return FundsDocument(**(values | fields))


def test_a_document_of_one_record_passes(asked, expense, clerk_a):
    document(disbursement=asked, uploaded_by=clerk_a).full_clean()
    document(expenditure=expense, uploaded_by=clerk_a).full_clean()


@pytest.mark.parametrize("records", ["both", "neither"])
def test_a_document_of_both_records_or_none_is_refused(asked, expense, unit_a, clerk_a, records):
    chosen = {"disbursement": asked, "expenditure": expense} if records == "both" else {}
    row = document(**chosen, uploaded_by=clerk_a, unit=unit_a)

    with pytest.raises(ValidationError) as refused:
        row.full_clean()

    assert refused.value.message_dict["disbursement"] == [str(errors.DOCUMENT_ONE_RECORD)]
    refused_by_database(lambda: row.save(), "fundsdocument_one_record")


def test_an_unknown_kind_is_refused_by_the_database(asked, clerk_a):
    refused_by_database(
        lambda: document(disbursement=asked, uploaded_by=clerk_a, kind="receipt").save(),
        "fundsdocument_kind_valid",
    )


def test_the_document_takes_its_records_unit(asked, unit_b, clerk_a):
    row = document(disbursement=asked, uploaded_by=clerk_a, unit=unit_b)

    row.full_clean()

    assert row.unit == asked.unit
