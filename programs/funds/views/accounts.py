"""The final accounts (决算) of a year — a printable page — and the funds' xlsx exports: the
final accounts (决算表) and a unit's ledger of a year (台账), each written by a job
(`programs.funds.jobs`) from the same selector as its page, through the user's scope."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from programs.funds.jobs import accounts_title, export_final_accounts, export_ledger
from programs.funds.selectors import accounts_for, funds_units
from programs.jobs.exports import export_query, start_export
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.scoping import scoped_object


class FundsAccountsView(TemplateView):
    """The year's final accounts of a district (`?year=&district=`: the user's own district,
    for the city office the one chosen or every one): a row per category and source with the
    categories' subtotals and the grand total, printable on A4."""

    template_name = "programs/funds/accounts.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        if not user.sees_funds:
            raise Http404
        form, accounts = accounts_for(user, self.request.GET)
        year = accounts.year
        context = super().get_context_data(**kwargs)
        context.update(
            form=form,
            accounts=accounts,
            title=accounts_title(accounts),
            district_query=f"&district={accounts.district.code}"
            if accounts.district and user.sees_every_district
            else "",
            previous_year=year - 1 if year > FIRST_DAY.year else None,
            next_year=year + 1 if year < LAST_DAY.year else None,
        )
        return context


class FundsAccountsExportView(View):
    """The final accounts as an xlsx file written by a job: the filters checked as the page
    checks them (a bad year is the 400 page, a district the user may not choose back to the
    page with its error), the year written into the job's query."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.sees_funds:
            raise Http404
        form, accounts = accounts_for(request.user, request.GET)
        if form.errors:
            return redirect(f"{reverse('programs:funds-accounts')}?{request.GET.urlencode()}")
        query = export_query(request.GET, form.fields)
        query["year"] = [str(accounts.year)]
        title = _("Final accounts export %(title)s") % {"title": accounts_title(accounts)}
        return start_export(request, export_final_accounts, title=title, params={"query": query})


class FundsLedgerExportView(View):
    """A unit's ledger of a year as an xlsx file written by a job (404 outside the scope)."""

    def get(self, request: HttpRequest, code: str, year: int) -> HttpResponse:
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise Http404
        unit = scoped_object(request, funds_units(request.user), code=code)
        title = _("Ledger export of %(unit)s, %(year)s") % {"unit": unit.name, "year": year}
        params = {"code": unit.code, "year": year}
        return start_export(request, export_ledger, title=title, params=params)
