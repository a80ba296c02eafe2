"""The treasury's file of paid disbursements: upload and check it (nothing changes: what each row
would pay, what is already imported, every problem at its row and column), then confirm — the
import runs as a job, all or nothing, and its page says what it paid. Only for those who keep
the funds (finance staff, administrators): 404 for everybody else."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView

from programs.funds.errors import FundsError
from programs.funds.forms import TreasuryConfirmForm, TreasuryUploadForm, treasury_signed
from programs.funds.jobs import treasury_import_start
from programs.funds.treasury import (
    may_import_treasury,
    payment_rows_read,
    treasury_check,
)
from programs.jobs.runner import already_running


class TreasuryPageMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_import_treasury(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class TreasuryImportView(TreasuryPageMixin, FormView):
    """Upload the treasury's file and see what it would do, with the confirmation when it may."""

    form_class = TreasuryUploadForm
    template_name = "programs/funds/treasury.html"
    upload_limit = "treasury"  # settings.UPLOAD_LIMITS

    def form_valid(self, form: TreasuryUploadForm) -> HttpResponse:
        user = self.request.user
        upload = form.cleaned_data["file"]
        try:
            rows, problems = payment_rows_read(upload.read(), name=upload.name)
        except FundsError as refusal:
            form.add_error("file", str(refusal))
            return self.form_invalid(form)
        check = treasury_check(by=user, rows=rows)
        check.problems = sorted([*problems, *check.problems], key=lambda problem: problem.row)
        confirm = None
        if check.ok and check.to_pay:
            signed = treasury_signed(user=user, name=upload.name, rows=check.rows)
            confirm = TreasuryConfirmForm(initial={"rows": signed}, user=user)
        return self.render_to_response(
            self.get_context_data(
                form=TreasuryUploadForm(), check=check, confirm=confirm, file_name=upload.name
            )
        )


class TreasuryConfirmView(TreasuryPageMixin, View):
    """Import the checked rows: the job checks them again, and pays them or refuses them all."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = TreasuryConfirmForm(request.POST, user=request.user)
        if not form.is_valid():
            for error in form.errors.get("rows", []):
                messages.error(request, error)
            return redirect("programs:funds-treasury")
        checked = form.cleaned_data["rows"]
        record, created = treasury_import_start(
            by=request.user,
            rows=checked["rows"],
            name=checked["name"],
            language=request.LANGUAGE_CODE,
        )
        if not created:
            messages.info(request, already_running(record))
        return redirect(record.get_absolute_url())
