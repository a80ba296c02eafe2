"""One request-size policy, enforced while the upload streams in.

`settings.UPLOAD_LIMITS` names each kind of upload and its largest size; a view that accepts
files says which it takes (`upload_limit = "evidence"` on a class-based view, or the same
attribute set on a function view). `LimitedUploadHandler`, first in `FILE_UPLOAD_HANDLERS`,
passes a file's bytes on to Django's own handlers (memory, then a temporary file) until the file
passes its view's limit; from there on it only counts. The form then receives a `RefusedUpload`
whose `size` is the file's real size, and its usual size check refuses it at the field with its
usual message ("the file is 31.5 MB; files may be at most 20.0 MB") — never more than the limit
is kept in memory or on disk.

The limit is known when the body is read: Django resolves the URL (setting
`request.resolver_match`) before any view middleware runs, and the body is parsed no earlier
than `CsrfViewMiddleware.process_view` reads `request.POST`. A view that names no limit (the
admin's imports) is left to the web server's `client_max_body_size` (`REQUEST_MAX_BYTES`).
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest


class RefusedUpload(UploadedFile):
    """A file that passed its limit while it arrived: its real size, none of its bytes."""

    def __init__(self, *, name: str, size: int, content_type: str, charset: str | None) -> None:
        super().__init__(BytesIO(), name, content_type, size, charset)


def declared_limit(view: Callable[..., Any]) -> str | None:
    """The name of the limit a view declares (a function's attribute, or its class's), or None."""
    name = getattr(view, "upload_limit", None)
    if name is None:
        name = getattr(getattr(view, "view_class", None), "upload_limit", None)
    return name


def upload_limit_bytes(request: HttpRequest) -> int | None:
    """The largest file, in bytes, the request's view accepts; None when it declares none (or
    the URL is not resolved yet)."""
    match = getattr(request, "resolver_match", None)
    name = None if match is None else declared_limit(match.func)
    return None if name is None else settings.UPLOAD_LIMITS[name]


class LimitedUploadHandler(FileUploadHandler):
    """Hand a file's bytes on while it stays within its view's limit; past it, only count."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.limit: int | None = None
        self.received = 0

    def handle_raw_input(self, *args: Any, **kwargs: Any) -> None:
        self.limit = upload_limit_bytes(self.request) if self.request is not None else None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        within = self.limit is None or self.received + len(raw_data) <= self.limit
        self.received += len(raw_data)
        # None stops the chunk here: the handlers after this one never see it.
        return raw_data if within else None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if self.limit is None or file_size <= self.limit:
            return None  # the next handler returns the file it stored
        self._drop_partial_files()
        return RefusedUpload(
            name=self.file_name,
            size=file_size,
            content_type=self.content_type,
            charset=self.charset,
        )

    def _drop_partial_files(self) -> None:
        """Close what the later handlers kept of this file (a temporary file is deleted on
        closing), as Django's parser does for a skipped file."""
        handlers = self.request.upload_handlers
        for handler in handlers[handlers.index(self) + 1 :]:
            partial = getattr(handler, "file", None)
            if partial is not None:
                partial.close()
