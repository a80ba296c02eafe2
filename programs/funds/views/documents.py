"""Vouchers and contracts of a disbursement or an expenditure: uploaded from the record's page,
checked by content (`safecommunity.files`) within the evidence limit (`upload_limit`), and
served only through the download view, which reads them through the user's scope (never from
MEDIA_URL: the files are private)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.generic import DetailView, FormView

from programs.funds.forms import FundsDocumentForm
from programs.funds.models import Disbursement, Expenditure, FundsDocument, attaches_documents
from programs.funds.models.years import year_closed
from programs.funds.services import funds_document_upload
from safecommunity.errors import DomainError
from safecommunity.views import PrivateFileView


def documents_context(
    user: Any, record: Disbursement | Expenditure, form: FundsDocumentForm | None, upload_url: str
) -> dict[str, Any]:
    """What a record's page shows of its documents: the list (every reader sees that a file is
    there; who opens files gets the link), and the upload form for those who add them, while
    the year is open."""
    may_attach = attaches_documents(user, record)
    return {
        "documents": list(record.documents.select_related("uploaded_by")),
        "may_attach": may_attach,
        "year_closed": may_attach and year_closed(record.district_id, record.year),
        "document_form": form or FundsDocumentForm(),
        "upload_url": upload_url,
    }


class FundsDocumentUploadView(FormView):
    """POST a voucher or contract for a record; a refused file (empty, too large, not what it
    says, the year closed) stores nothing and shows why at the field. A user who may not add
    documents to the record finds no such page (404), as outside the scope."""

    form_class = FundsDocumentForm
    upload_limit = "evidence"  # settings.UPLOAD_LIMITS
    detail_view: type[DetailView]

    def find_record(self, request: HttpRequest, pk: int) -> Disbursement | Expenditure:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.record = self.find_record(request, kwargs["pk"])
        if not attaches_documents(request.user, self.record):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return redirect(self.record.get_absolute_url())

    def form_valid(self, form: FundsDocumentForm) -> HttpResponse:
        try:
            document = funds_document_upload(
                by=self.request.user,
                record=self.record,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                checked=form.checked_upload,
            )
        except DomainError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request, _("“%(name)s” kept with the record.") % {"name": document.original_name}
        )
        return redirect(self.record.get_absolute_url() + "#documents")

    def form_invalid(self, form: FundsDocumentForm) -> HttpResponse:
        """The record's page again, the upload's errors at its fields."""
        page = self.detail_view(request=self.request, kwargs=self.kwargs, object=self.record)
        return page.render_to_response(page.get_context_data(document_form=form))


class FundsDocumentDownloadView(PrivateFileView):
    """Serve a voucher or contract to a user who sees its record's funds and opens evidence
    files (else 404)."""

    model = FundsDocument
