"""Project-level responses that belong to no app."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
)
from django.shortcuts import render
from django.templatetags.static import static
from django.views import View
from django.views.decorators.csrf import requires_csrf_token

from safecommunity.errors import BadQuery
from safecommunity.scoping import scoped_object


@requires_csrf_token  # the page's sign-out form needs a token, as on Django's own error pages
def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The 400 page: it says what was wrong when the portal refused the query string itself
    (`BadQuery`); other bad requests (a forged host, a broken upload) show the general text."""
    message = str(exception) if isinstance(exception, BadQuery) else ""
    return render(request, "400.html", {"message": message}, status=400)


@login_not_required
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page links (a PDF, a download, an old bookmark):
    the portal's icon is static/favicon.svg, which the portal's and the admin's pages link."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """What django-axes answers after too many wrong passwords: a page that says how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)


class ScopedObjectMixin:
    """A generic view's `get_object` through `scoped_object`: the row named in the URL among
    those the user may see — or change, with `editable = True` — else 404 (a malformed or
    out-of-range id too). `get_queryset` only says which rows come along (`select_related`)."""

    editable = False
    request: HttpRequest
    kwargs: dict[str, Any]

    def get_object(self, queryset: QuerySet | None = None) -> Any:
        rows = self.get_queryset() if queryset is None else queryset
        slug = self.kwargs.get(self.slug_url_kwarg)
        if slug is not None:
            lookup = {self.slug_field: slug}
        else:
            lookup = {"pk": self.kwargs.get(self.pk_url_kwarg)}
        return scoped_object(self.request, rows, editable=self.editable, **lookup)


class PrivateFileView(View):
    """Serve a kept file (`model`'s `file`, `original_name`, `content_type`) to a user whose
    scope holds its row (`scoped_object`: else 404), as an attachment; a file missing from the
    storage is 404 too. Private files are served only so, never from a URL of the storage."""

    model: type

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        row = scoped_object(request, self.model, pk=pk)
        try:
            handle = row.file.open("rb")
        except FileNotFoundError as error:
            raise Http404 from error
        return FileResponse(
            handle, as_attachment=True, filename=row.original_name, content_type=row.content_type
        )
