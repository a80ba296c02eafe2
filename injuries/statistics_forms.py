"""The statistics page's filters: units, dates, source, domain and the baseline year."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from injuries.choices import Domain, Source
from injuries.models import InjuryRecord
from injuries.selectors import Filters, Period, default_baseline_year
from programs.models import CreatingUnit
from safecommunity.forms import StyledFormMixin

if TYPE_CHECKING:
    from programs.models import User

EARLIEST_YEAR = 1949
DATES_REVERSED = _("The end date is before the start date.")
NOT_COMPARED = _(
    "The period is a year or longer, so it is not compared with the previous year or the "
    "baseline year (the periods would overlap)."
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class StatisticsFilterForm(StyledFormMixin, forms.Form):
    """A GET form: every field is optional, and an empty one takes its default (every unit in
    scope, 1 January of this year to today, all sources and domains, the year before the
    programme started). Units are chosen among those the user may see."""

    units = forms.ModelMultipleChoiceField(
        label=_("Units"),
        queryset=CreatingUnit.objects.none(),
        required=False,
        help_text=_("None chosen: every unit you may see."),
    )
    date_from = forms.DateField(
        label=pgettext_lazy("injury dates", "From"), required=False, widget=DateInput()
    )
    date_to = forms.DateField(
        label=pgettext_lazy("injury dates", "To"), required=False, widget=DateInput()
    )
    source = forms.ChoiceField(
        label=_("Source"), choices=[("", _("All")), *Source.choices], required=False
    )
    domain = forms.ChoiceField(
        label=_("Domain"), choices=[("", _("All")), *Domain.choices], required=False
    )
    baseline_year = forms.IntegerField(
        label=_("Baseline year"),
        required=False,
        min_value=EARLIEST_YEAR,
        help_text=_("Compared over the same dates as the period."),
    )

    def __init__(self, data: QueryDict, *, user: User, today: date | None = None) -> None:
        self.user = user
        self.today = today or timezone.localdate()
        self.default_from = self.today.replace(month=1, day=1)
        self.default_baseline = default_baseline_year(
            InjuryRecord.objects.visible_to(user), self.today
        )
        data = data.copy()
        for name, value in (
            ("date_from", self.default_from.isoformat()),
            ("date_to", self.today.isoformat()),
            ("baseline_year", str(self.default_baseline)),
        ):
            data.setdefault(name, value)
        super().__init__(data)
        units = self.fields["units"]
        units.queryset = CreatingUnit.objects.visible_to(user).in_plan_order()
        units.widget.attrs["size"] = 4
        last_day = date(self.today.year, 12, 31)
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs.update(min=f"{EARLIEST_YEAR}-01-01", max=f"{last_day}")
        baseline = self.fields["baseline_year"]
        baseline.validators.append(MaxValueValidator(self.today.year))
        baseline.widget.attrs["max"] = self.today.year

    def clean_date_from(self) -> date:
        return self._date_in_range(self.cleaned_data["date_from"] or self.default_from)

    def clean_date_to(self) -> date:
        return self._date_in_range(self.cleaned_data["date_to"] or self.today)

    def _date_in_range(self, day: date) -> date:
        if not date(EARLIEST_YEAR, 1, 1) <= day <= date(self.today.year, 12, 31):
            raise forms.ValidationError(
                _("Choose a date from %(first)s to the end of this year.")
                % {"first": EARLIEST_YEAR}
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATES_REVERSED)
        if data.get("baseline_year") is None and "baseline_year" not in self.errors:
            data["baseline_year"] = self.default_baseline
        return data

    def filters(self) -> Filters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return Filters(
            period=Period(data["date_from"], data["date_to"]),
            baseline_year=data["baseline_year"],
            units=tuple(data["units"]),
            source=data["source"],
            domain=data["domain"],
        )

    def summary(self) -> list[tuple[str, str]]:
        """The filters of a valid form in words, (label, value), for print and export."""
        data = self.cleaned_data
        every = gettext("All")
        filters = self.filters()
        rows = [
            (
                str(self.fields["units"].label),
                ", ".join(unit.name for unit in data["units"]) or gettext("Every unit in scope"),
            ),
            (pgettext("injury dates", "Period"), str(filters.period)),
            (
                str(self.fields["source"].label),
                str(Source(data["source"]).label) if data["source"] else every,
            ),
            (
                str(self.fields["domain"].label),
                str(Domain(data["domain"]).label) if data["domain"] else every,
            ),
        ]
        if filters.compares:
            rows += [
                (gettext("Previous year"), str(filters.previous)),
                (
                    gettext("Baseline %(year)s") % {"year": filters.baseline_year},
                    str(filters.baseline),
                ),
            ]
        else:
            rows.append((gettext("Comparisons"), str(NOT_COMPARED)))
        return rows
