"""Evidence uploads: real files judged by content, size limits, versions that never overwrite."""

from __future__ import annotations

import hashlib
import struct
import zipfile
import zlib
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from programs.core.transitions import transition
from programs.models import Event, Evidence, EvidenceVersion, UnitMilestone
from programs.progress import errors
from programs.progress import services as progress_services
from programs.progress.demo import demo_pdf
from programs.progress.services import evidence_upload
from safecommunity import files
from safecommunity.files import UploadRefused, check_upload
from tests.factories import MilestoneFactory, PhaseFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 5, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SIGNED_ON = date(2026, 3, 15)


# --- real files, built byte by byte -----------------------------------------------------------


def png_bytes() -> bytes:
    """A 1×1 red PNG: signature, IHDR, IDAT and IEND chunks with their CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte, then one red pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["单位", "伤害例数"])
    book.active.append(["甲镇", 12])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def ooxml_bytes(part: str, body: str) -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships/>')
        archive.writestr(part, body)
    return out.getvalue()


def docx_bytes() -> bytes:
    return ooxml_bytes(
        "word/document.xml",
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>安全社区创建工作方案</w:t></w:r></w:p></w:body></w:document>",
    )


def pptx_bytes() -> bytes:
    return ooxml_bytes("ppt/presentation.xml", "<p:presentation/>")


def ole2_bytes() -> bytes:
    """The 512-byte header of an Office 97–2003 (OLE2 compound) file."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00" + b"\x00" * 484


def exe_bytes() -> bytes:
    """The start of a Windows program: the DOS "MZ" header and its PE signature."""
    return b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 52 + b"\x40\x00\x00\x00" + b"PE\x00\x00"


def zip_bytes() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not an office file")
    return out.getvalue()


GOOD = [
    ("创建工作方案.pdf", demo_pdf("work plan"), "PDF", "application/pdf"),
    ("现场照片.png", png_bytes(), "PNG", "image/png"),
    (
        "伤害监测汇总.xlsx",
        xlsx_bytes(),
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "会议纪要.docx",
        docx_bytes(),
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "汇报.pptx",
        pptx_bytes(),
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("旧版方案.doc", ole2_bytes(), "Office 97–2003", "application/msword"),
    ("旧版台账.xls", ole2_bytes(), "Office 97–2003", "application/vnd.ms-excel"),
    ("扫描件.PDF", demo_pdf("scan"), "PDF", "application/pdf"),
]
REFUSED = [
    ("setup.pdf", exe_bytes(), files.FILE_TYPE_REFUSED),
    ("notes.pdf", "这只是一段文字".encode(), files.FILE_TYPE_REFUSED),
    ("archive.docx", zip_bytes(), files.FILE_TYPE_REFUSED),
    ("台账.docx", xlsx_bytes(), files.FILE_TYPE_MISMATCH),
    ("方案.pdf", docx_bytes(), files.FILE_TYPE_MISMATCH),
    ("empty.pdf", b"", files.FILE_EMPTY),
]
# Ids by file name: the contents hold time-stamped bytes, which differ between xdist workers.
GOOD_IDS = [name for name, *_ in GOOD]
REFUSED_IDS = [f"{name}-{n}" for n, (name, *_) in enumerate(REFUSED)]


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    # The browser's content type is whatever the client says: the checks must ignore it.
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path), "base_url": None},
        },
    }
    return tmp_path


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


@pytest.fixture
def row(unit_a):
    phase = PhaseFactory(program=unit_a.program, order=1, name="启动")
    milestone = MilestoneFactory(phase=phase, evidence_required=True)
    return UnitMilestone.objects.get(unit=unit_a, milestone=milestone)


# --- the content check ------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "label", "content_type"), GOOD, ids=GOOD_IDS)
def test_check_upload_accepts_a_real_file(name, content, label, content_type):
    checked = check_upload(upload(name, content, content_type="application/octet-stream"))

    assert checked.kind.label == label
    assert checked.content_type == content_type
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=REFUSED_IDS)
def test_check_upload_refuses_by_content(name, content, message):
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload(name, content))

    assert refused.value.message == message


def test_mismatch_names_both_the_claimed_and_the_actual_kind():
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload("台账.docx", xlsx_bytes()))

    assert refused.value.params["claimed"] == "Word"
    assert refused.value.params["actual"] == "Excel"


def test_file_over_the_configured_limit_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    pdf = demo_pdf("limit")
    at_limit = pdf + b"\n" * (1024 - len(pdf))

    assert check_upload(upload("at-limit.pdf", at_limit)).size == 1024
    with pytest.raises(UploadRefused) as refused:
        check_upload(upload("too-big.pdf", at_limit + b"\n"))

    assert refused.value.message == files.FILE_TOO_LARGE


# --- storing ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "label", "content_type"), GOOD, ids=GOOD_IDS)
def test_upload_stores_the_file_with_its_fingerprint(
    private_storage, row, clerk_a, name, content, label, content_type
):
    version = evidence_upload(
        unit_milestone=row,
        by=clerk_a,
        upload=upload(name, content),
        effective_date=SIGNED_ON,
        title="创建工作方案",
    )

    version.refresh_from_db()
    assert version.number == 1
    assert version.evidence.title == "创建工作方案"
    assert version.evidence.unit == row.unit
    assert version.evidence.unit_milestone == row
    assert version.original_name == name
    assert version.content_type == content_type
    assert version.size == len(content)
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.uploaded_by == clerk_a
    path = Path(version.file.path)
    assert path.is_relative_to(private_storage)
    assert path.read_bytes() == content
    assert path.name != name  # stored under a fresh, unguessable name
    assert path.suffix == Path(name).suffix.lower()


@pytest.mark.parametrize(("name", "content", "message"), REFUSED, ids=REFUSED_IDS)
def test_refused_upload_stores_nothing(private_storage, row, clerk_a, name, content, message):
    with pytest.raises(UploadRefused) as refused:
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload(name, content),
            effective_date=SIGNED_ON,
            title="创建工作方案",
        )

    assert refused.value.message == message
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    assert stored_files(private_storage) == []
    row.refresh_from_db()
    assert row.status == UnitMilestone.Status.NOT_STARTED
    assert not Event.objects.exists()


def test_too_large_upload_stores_nothing(settings, private_storage, row, clerk_a):
    settings.EVIDENCE_MAX_BYTES = 1024

    with pytest.raises(UploadRefused) as refused:
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("big.pdf", demo_pdf("x") + b" " * 1024),
            effective_date=SIGNED_ON,
            title="创建工作方案",
        )

    assert refused.value.message == files.FILE_TOO_LARGE
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    assert stored_files(private_storage) == []


def test_refused_new_version_keeps_the_earlier_one(private_storage, row, clerk_a):
    first = evidence_upload(
        unit_milestone=row,
        by=clerk_a,
        upload=upload("v1.pdf", demo_pdf("v1")),
        effective_date=SIGNED_ON,
        title="创建工作方案",
    )

    with pytest.raises(UploadRefused):
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("v2.pdf", exe_bytes()),
            effective_date=SIGNED_ON,
            evidence=first.evidence,
        )

    assert list(EvidenceVersion.objects.values_list("number", flat=True)) == [1]
    assert stored_files(private_storage) == [Path(first.file.path)]


def test_second_upload_adds_version_two_and_keeps_the_first_file(private_storage, row, clerk_a):
    first_bytes, second_bytes = demo_pdf("draft"), demo_pdf("signed")
    first = evidence_upload(
        unit_milestone=row,
        by=clerk_a,
        upload=upload("方案.pdf", first_bytes),
        effective_date=date(2026, 3, 1),
        title="创建工作方案",
    )

    second = evidence_upload(
        unit_milestone=row,
        by=clerk_a,
        upload=upload("方案.pdf", second_bytes),
        effective_date=date(2026, 3, 20),
        evidence=first.evidence,
        note="盖章版",
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert Evidence.objects.count() == 1
    assert (first.evidence_id, first.number) == (second.evidence_id, 1)
    assert second.number == 2
    assert second.note == "盖章版"
    assert first.file.name != second.file.name
    assert Path(first.file.path).read_bytes() == first_bytes
    assert Path(second.file.path).read_bytes() == second_bytes
    assert first.sha256 == hashlib.sha256(first_bytes).hexdigest()
    assert second.sha256 == hashlib.sha256(second_bytes).hexdigest()
    assert len(stored_files(private_storage)) == 2


def test_effective_date_is_kept_apart_from_the_upload_time(private_storage, row, clerk_a):
    with time_machine.travel(NOW, tick=False):
        version = evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("纪要.pdf", demo_pdf("minutes")),
            effective_date=SIGNED_ON,
            title="启动会议纪要",
        )

    version.refresh_from_db()
    assert version.effective_date == SIGNED_ON
    assert version.uploaded_at == NOW


def test_first_upload_starts_a_milestone_not_yet_started(private_storage, row, clerk_a):
    with time_machine.travel(NOW, tick=False):
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("纪要.pdf", demo_pdf("minutes")),
            effective_date=SIGNED_ON,
            title="启动会议纪要",
        )

    row.refresh_from_db()
    assert row.status == UnitMilestone.Status.IN_PROGRESS
    assert row.status_changed_by == clerk_a
    event = Event.objects.of(row).get()
    assert (event.from_state, event.to_state) == (
        UnitMilestone.Status.NOT_STARTED,
        UnitMilestone.Status.IN_PROGRESS,
    )
    assert (event.actor, event.at) == (clerk_a, NOW)


def test_upload_to_a_milestone_in_progress_leaves_its_status(private_storage, row, clerk_a):
    transition(row, "start", by=clerk_a)

    evidence_upload(
        unit_milestone=row,
        by=clerk_a,
        upload=upload("纪要.pdf", demo_pdf("minutes")),
        effective_date=SIGNED_ON,
        title="启动会议纪要",
    )

    row.refresh_from_db()
    assert row.status == UnitMilestone.Status.IN_PROGRESS
    assert Event.objects.of(row).count() == 1


# --- when evidence may change -----------------------------------------------------------------


@pytest.mark.parametrize("status", [UnitMilestone.Status.SUBMITTED, UnitMilestone.Status.ACCEPTED])
def test_upload_to_a_submitted_or_accepted_milestone_is_refused(
    private_storage, row, clerk_a, status
):
    UnitMilestone.objects.filter(pk=row.pk).update(status=status)

    with pytest.raises(errors.EvidenceError) as refused:
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("纪要.pdf", demo_pdf("minutes")),
            effective_date=SIGNED_ON,
            title="启动会议纪要",
        )

    assert refused.value.message == errors.EVIDENCE_CLOSED
    assert refused.value.params["status"] == UnitMilestone.Status(status).label
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    assert stored_files(private_storage) == []
    row.refresh_from_db()
    assert row.status == status
    assert not Event.objects.exists()


def test_new_version_of_submitted_evidence_is_refused_and_keeps_the_first(
    private_storage, row, clerk_a
):
    first = evidence_upload(
        unit_milestone=row,
        by=clerk_a,
        upload=upload("v1.pdf", demo_pdf("v1")),
        effective_date=SIGNED_ON,
        title="创建工作方案",
    )
    row.refresh_from_db()
    transition(row, "submit", by=clerk_a)

    with pytest.raises(errors.EvidenceError) as refused:
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("v2.pdf", demo_pdf("v2")),
            effective_date=SIGNED_ON,
            evidence=first.evidence,
        )

    assert refused.value.message == errors.EVIDENCE_CLOSED
    assert list(EvidenceVersion.objects.values_list("number", flat=True)) == [1]
    assert stored_files(private_storage) == [Path(first.file.path)]


def test_evidence_of_another_milestone_is_refused(private_storage, row, clerk_a):
    other_row = UnitMilestone.objects.get(
        unit=row.unit, milestone=MilestoneFactory(phase=row.milestone.phase)
    )
    theirs = evidence_upload(
        unit_milestone=other_row,
        by=clerk_a,
        upload=upload("宣传.pdf", demo_pdf("publicity")),
        effective_date=SIGNED_ON,
        title="宣传照片",
    )

    with pytest.raises(errors.EvidenceError) as refused:
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("方案.pdf", demo_pdf("plan")),
            effective_date=SIGNED_ON,
            evidence=theirs.evidence,
        )

    assert refused.value.message == errors.EVIDENCE_OF_ANOTHER_MILESTONE
    assert list(EvidenceVersion.objects.all()) == [theirs]
    assert stored_files(private_storage) == [Path(theirs.file.path)]
    row.refresh_from_db()
    assert row.status == UnitMilestone.Status.NOT_STARTED


def test_failure_while_starting_the_milestone_leaves_no_file_and_no_rows(
    settings, monkeypatch, row, clerk_a
):
    """The file is written inside the transaction; when starting the milestone fails after it,
    the rows roll back and the file is deleted again."""
    folder = settings.PRIVATE_MEDIA_ROOT / "evidence" / row.unit.code
    before = set(stored_files(folder))  # other tests of this run may have files there

    def broken_transition(*args, **kwargs):
        raise RuntimeError("the milestone could not be started")

    monkeypatch.setattr(progress_services, "transition", broken_transition)

    with pytest.raises(RuntimeError, match="could not be started"):
        evidence_upload(
            unit_milestone=row,
            by=clerk_a,
            upload=upload("纪要.pdf", demo_pdf("minutes")),
            effective_date=SIGNED_ON,
            title="启动会议纪要",
        )

    assert set(stored_files(folder)) == before
    assert not Evidence.objects.exists()
    assert not EvidenceVersion.objects.exists()
    row.refresh_from_db()
    assert row.status == UnitMilestone.Status.NOT_STARTED
    assert not Event.objects.exists()
