"""A district's fiscal year on `/funds/`: its state shown to everyone who reads the district's
funds, closed and reopened (with a reason) by the district's finance staff through the fiscal
year's moves (`programs.funds.models.years`)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from programs.core.access import move_actions
from programs.core.models import District
from programs.core.transitions import Move, workflow_of
from programs.core.views import TransitionView
from programs.funds.models import FiscalYear
from programs.funds.selectors import fiscal_years
from programs.funds.services import fiscal_year_of
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.scoping import scoped_object

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User


def fiscal_year_move_url(fiscal_year: FiscalYear, move: Move) -> str:
    args = [fiscal_year.district.code, fiscal_year.year, move.name]
    return reverse("programs:funds-year-move", args=args)


def fiscal_year_panel(
    user: User | AnonymousUser, year: int, district: District | None, *, none: bool = False
) -> list[FiscalYear]:
    """The fiscal `year` of each district the page shows (`district` when one is chosen,
    else every district the user sees; `none` for none), each with the moves `user` may make
    on it (`actions`): one query."""
    districts = District.objects.visible_to(user)
    if none:
        districts = districts.none()
    elif district is not None:
        districts = districts.filter(pk=district.pk)
    rows = fiscal_years(districts, year)
    for row in rows:
        row.actions = list(move_actions(user, row, partial(fiscal_year_move_url, row)).values())
    return rows


class FiscalYearMoveView(TransitionView):
    """POST close, or reopen with a reason, a district's fiscal year (the district's finance
    staff, administrators). Found among the districts whose funds the user reads; who may not
    make the move gets 404, as on the other pages that write."""

    def get_object(self) -> FiscalYear:
        user = self.request.user
        year = self.kwargs["year"]
        if not user.sees_funds or not FIRST_DAY.year <= year <= LAST_DAY.year:
            raise Http404
        district = scoped_object(self.request, District, code=self.kwargs["code"])
        fiscal_year = FiscalYear.objects.filter(district=district, year=year).first()
        unsaved = fiscal_year or FiscalYear(district=district, year=year)
        move = workflow_of(unsaved).by_name.get(self.kwargs["action"])
        if move is None or not move.allowed(user, unsaved):
            raise Http404
        if fiscal_year is None and unsaved.status not in move.sources:
            raise Http404  # a year never closed has nothing to reopen: nothing is stored
        return fiscal_year or fiscal_year_of(district=district, year=year)  # opened when asked

    def success_url(self, fiscal_year: FiscalYear) -> str:
        query = {"year": fiscal_year.year}
        if self.request.user.sees_every_district:
            query["district"] = fiscal_year.district.code
        return f"{reverse('programs:funds')}?{urlencode(query)}"

    def done_message(self, fiscal_year: FiscalYear, move: Any) -> str:
        return _("The fiscal year %(year)s of %(district)s is now “%(state)s”.") % {
            "year": fiscal_year.year,
            "district": fiscal_year.district,
            "state": fiscal_year.get_status_display(),
        }
