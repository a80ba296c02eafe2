"""Pages of the creation funds, read-only: the district's execution by unit (`/funds/`) and a
unit's ledger of one year. Both read the units through `selectors.funds_units` (404 for those
who see no funds, a unit outside the scope 404 too)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.template import engines
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.generic import TemplateView

from programs.core.models import CreatingUnit
from programs.funds.forms import FundsFilterForm
from programs.funds.selectors import (
    Ledger,
    execution,
    execution_by_month,
    funds_units,
    ledger,
    monthly_spending,
)
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.errors import BadQuery
from safecommunity.links import reverse_each
from safecommunity.money import shown_yuan
from safecommunity.numbers import percent
from safecommunity.scoping import scoped_object

from .forms import ledger_actions
from .years import fiscal_year_panel


class FundsExecutionView(TemplateView):
    """The year's budget, disbursed and spent money of each unit in the user's scope, with
    the execution by month against the straight line to the year's end."""

    template_name = "programs/funds/execution.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        if not user.sees_funds:
            raise Http404
        today = timezone.localdate()
        query = self.request.GET.copy()
        if not query.get("year"):
            query["year"] = str(today.year)  # shown in its box, as the year the page is of
        form = FundsFilterForm(query, user=user)
        form.is_valid()
        if "year" in form.errors:
            raise BadQuery(form.errors["year"][0])
        year = form.cleaned_data["year"]
        units = funds_units(user).in_plan_order()
        district = form.cleaned_data.get("district")
        if "district" in form.errors:
            units = units.none()  # an unknown district: its error at the field, no rows
        elif district is not None:
            units = units.filter(district=district)
        rows = execution(units, year)
        budget = sum(row["budget"] for row in rows)
        disbursed = sum(row["disbursed"] for row in rows)
        spent = sum(row["spent"] for row in rows)
        months = execution_by_month(monthly_spending(units, year), budget)
        last_month = today.month if year == today.year else (12 if year < today.year else 0)
        context = super().get_context_data(**kwargs)
        context.update(
            form=form,
            year=year,
            district=district,
            rows=rows,
            total={
                "budget": budget,
                "disbursed": disbursed,
                "spent": spent,
                "execution_rate": percent(spent, budget),
                "disbursement_rate": percent(disbursed, budget),
            },
            months=months,
            chart={
                "months": [f"{year}-{point['month']:02d}" for point in months],
                # months still to come have no execution yet
                "actual": [p["rate"] if p["month"] <= last_month else None for p in months],
                "line": [point["line"] for point in months],
                "labels": {"actual": _("Execution rate"), "line": _("Straight line")},
            },
            previous_year=year - 1 if year > FIRST_DAY.year else None,
            next_year=year + 1 if year < LAST_DAY.year else None,
            fiscal_years=fiscal_year_panel(user, year, district, none="district" in form.errors),
        )
        return context


class FundsLedgerView(TemplateView):
    """A unit's ledger of one year: its budget lines, then every disbursement and expenditure
    in date order with the running balance; the years before and after as links."""

    template_name = "programs/funds/ledger.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        year = self.kwargs["year"]
        if not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise Http404
        unit: CreatingUnit = scoped_object(
            self.request,
            funds_units(self.request.user).select_related("district"),
            code=self.kwargs["code"],
        )
        context = super().get_context_data(**kwargs)
        the_ledger = ledger(unit, year)
        context.update(
            unit=unit,
            year=year,
            ledger=the_ledger,
            entry_rows=ledger_rows_html(the_ledger),
            actions=ledger_actions(self.request.user, unit, year),
            previous_year=year - 1 if year > FIRST_DAY.year else None,
            next_year=year + 1 if year < LAST_DAY.year else None,
        )
        return context


def ledger_rows(the_ledger: Ledger) -> list[dict[str, str]]:
    """The ledger's entries as the rows print them: each amount written once, each category,
    source and status named once per page (a year's 200 entries cost Django's template engine
    ten times the page's SQL)."""
    names: dict[object, str] = {}

    def name(key: object, value: Any) -> str:
        if key not in names:
            names[key] = str(value)
        return names[key]

    words = {
        "disbursement": _("Disbursement"),
        "expenditure": _("Expenditure"),
        "spent": _("Spent"),
        "project": _("Promotion project: %(name)s"),
        "activity": pgettext("funds", "Activity: %(name)s"),
    }
    links = {
        True: reverse_each("programs:funds-disbursement"),
        False: reverse_each("programs:funds-expenditure"),
    }
    rows = []
    for entry in the_ledger.entries:
        record = entry.record
        paying = entry.is_disbursement
        amount = shown_yuan(record.amount_fen)
        rows.append(
            {
                "day": f"{entry.day:%Y-%m-%d}",
                "url": links[paying](record.pk),
                "kind": words["disbursement"] if paying else words["expenditure"],
                "category": name(("category", record.category_id), record.category),
                "source": name(("source", record.source_id), record.source),
                "text": record.purpose if paying else record.description,
                "project": (
                    words["project"] % {"name": record.project.name}
                    if not paying and record.project_id
                    else ""
                ),
                "activity": (
                    words["activity"] % {"name": record.activity}
                    if not paying and record.activity_id
                    else ""
                ),
                "status": (
                    name(("status", record.status), record.get_status_display())
                    if paying
                    else words["spent"]
                ),
                "voucher": record.voucher_number or "—",
                "amount": amount,
                "money_in": shown_yuan(entry.change) if entry.change > 0 else "",
                "money_out": amount if entry.change < 0 else "",
                "balance": shown_yuan(entry.balance),
            }
        )
    return rows


def ledger_rows_html(the_ledger: Ledger) -> SafeString:
    """The ledger's entries printed by one Jinja2 template
    (`programs/jinja2/programs/funds_ledger_rows.html`): what the page's Django loop printed
    (kept in `tests/funds/ledger_rows.html`), from `ledger_rows`' values."""
    template = engines["jinja2"].get_template("programs/funds_ledger_rows.html")
    # the template escaped every value it printed
    return mark_safe(template.render({"rows": ledger_rows(the_ledger)}))
