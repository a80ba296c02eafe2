"""What kind of file an upload really is, judged by its content and not only by its name."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from safecommunity.errors import DomainError

FILE_TOO_LARGE = _("The file is %(size)s; files may be at most %(limit)s.")
FILE_TYPE_REFUSED = _(
    "“%(name)s” is not a PDF, image, Word, Excel or PowerPoint file (its content says otherwise)."
)
FILE_TYPE_MISMATCH = _(
    "“%(name)s” is named like a %(claimed)s file but its content is a %(actual)s file; "
    "rename it or save it again in the right format."
)
FILE_EMPTY = _("The file is empty.")


class UploadRefused(DomainError):
    """An uploaded file the portal does not keep: empty, too large, or not what it claims."""


@dataclass(frozen=True)
class FileKind:
    label: str
    extensions: tuple[str, ...]
    content_type: str


PDF = FileKind("PDF", (".pdf",), "application/pdf")
PNG = FileKind("PNG", (".png",), "image/png")
JPEG = FileKind("JPEG", (".jpg", ".jpeg"), "image/jpeg")
GIF = FileKind("GIF", (".gif",), "image/gif")
WEBP = FileKind("WebP", (".webp",), "image/webp")
DOCX = FileKind(
    "Word", (".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
XLSX = FileKind(
    "Excel", (".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
PPTX = FileKind(
    "PowerPoint",
    (".pptx",),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
)
# Word 97–2003, Excel 97–2003 and PowerPoint 97–2003 share one container format (OLE2).
LEGACY_OFFICE = FileKind("Office 97–2003", (".doc", ".xls", ".ppt"), "application/octet-stream")
LEGACY_CONTENT_TYPES = {
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
}
OOXML_MARKERS = (
    ("word/document.xml", DOCX),
    ("xl/workbook.xml", XLSX),
    ("ppt/presentation.xml", PPTX),
)
ALL_KINDS = (PDF, PNG, JPEG, GIF, WEBP, DOCX, XLSX, PPTX, LEGACY_OFFICE)
ACCEPTED_EXTENSIONS = tuple(ext for kind in ALL_KINDS for ext in kind.extensions)


def sniff(stream: BinaryIO) -> FileKind | None:
    """The kind of file the bytes are, or None when it is none of the accepted kinds."""
    stream.seek(0)
    head = stream.read(16)
    stream.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return LEGACY_OFFICE
    if head.startswith(b"PK\x03\x04"):
        return _sniff_ooxml(stream)
    return None


def _sniff_ooxml(stream: BinaryIO) -> FileKind | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        stream.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for marker, kind in OOXML_MARKERS if marker in names), None)


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    content_type: str
    size: int
    sha256: str


def check_upload(upload: UploadedFile) -> CheckedUpload:
    """Refuse an empty, too large or disguised file; return its type, size and SHA-256."""
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size == 0:
        raise UploadRefused(FILE_EMPTY)
    if upload.size > limit:
        raise UploadRefused(
            FILE_TOO_LARGE, size=filesizeformat(upload.size), limit=filesizeformat(limit)
        )
    extension = PurePath(upload.name).suffix.lower()
    kind = sniff(upload.file)
    if kind is None:
        raise UploadRefused(FILE_TYPE_REFUSED, name=upload.name)
    if extension not in kind.extensions:
        claimed = next((k.label for k in ALL_KINDS if extension in k.extensions), extension or "?")
        raise UploadRefused(
            FILE_TYPE_MISMATCH, name=upload.name, claimed=claimed, actual=kind.label
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    content_type = LEGACY_CONTENT_TYPES.get(extension, kind.content_type)
    return CheckedUpload(
        kind=kind, content_type=content_type, size=upload.size, sha256=digest.hexdigest()
    )
