"""The app's forms: the injury report card (its header and three sections, the hard rules of
the model as errors, and the card's plausibility checks as warnings the user confirms), the
statistics page's filters, and the upload of a spreadsheet to import."""

from __future__ import annotations

from datetime import date
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.validators import MaxValueValidator
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from injuries.checks import Check, record_warnings
from injuries.choices import Domain, Source
from injuries.errors import (
    CONFIRM_WARNINGS,
    DATE_OUT_OF_RANGE,
    DATES_REVERSED,
    DISTRICT_WITHOUT_UNITS,
    REFUSED_FILE_TYPE,
    UNIT_NOT_ALLOWED,
    ImportRefused,
)
from injuries.models import InjuryRecord
from injuries.selectors import Filters, Period, default_baseline_year
from injuries.services import check_size
from programs.core.forms import DistrictChoiceField
from programs.core.models import CreatingUnit
from safecommunity.forms import BoundedModelMultipleChoiceField, StyledFormMixin

if TYPE_CHECKING:
    from programs.core.models import User

DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
TIME_WIDGET = {"attrs": {"type": "time"}, "format": "%H:%M"}

#: The card's parts in its own order: (heading, fields). Forms and the detail page follow it.
SECTIONS: list[tuple[Any, tuple[str, ...]]] = [
    (_("Card"), ("unit", "source", "reporting_org", "record_number")),
    (
        _("I. Patient"),
        ("sex", "age", "registration", "education", "occupation"),
    ),
    (
        _("II. The injury event"),
        (
            "injury_date",
            "injury_time",
            "visit_date",
            "visit_time",
            "cause",
            "place",
            "activity",
            "intent",
            "alcohol",
        ),
    ),
    (
        _("III. Clinical information"),
        ("nature", "body_part", "severity", "outcome", "diagnosis", "icd10", "narrative"),
    ),
]
CARD_FIELDS = [name for _heading, names in SECTIONS for name in names]


class WarningBoundField(BoundField):
    """A field that also carries the card's warnings about its value."""

    @property
    def warnings(self) -> list[Any]:
        return [check.message for check in self.form.warnings if check.field == self.name]

    @property
    def template_name(self) -> str:
        return self.field.template_name or "injuries/includes/record_field.html"


class InjuryRecordForm(StyledFormMixin, forms.ModelForm):
    """Enter or correct one card. A clerk picks only their own unit; district staff and
    providers pick any unit. Errors block the save; warnings ask for `confirm_warnings`."""

    bound_field_class = WarningBoundField

    confirm_warnings = forms.BooleanField(label=_("I have checked these values"), required=False)

    class Meta:
        model = InjuryRecord
        fields = CARD_FIELDS
        widgets = {
            "injury_date": forms.DateInput(**DATE_WIDGET),
            "visit_date": forms.DateInput(**DATE_WIDGET),
            "injury_time": forms.TimeInput(**TIME_WIDGET),
            "visit_time": forms.TimeInput(**TIME_WIDGET),
            "diagnosis": forms.TextInput(attrs={"placeholder": _("e.g. fracture of the femur")}),
            "icd10": forms.TextInput(attrs={"placeholder": "S72.0", "class": "text-uppercase"}),
            "narrative": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.warnings: list[Check] = []
        unit = self.fields["unit"]
        unit.queryset = CreatingUnit.objects.records_visible_to(user).in_plan_order()
        if not user.sees_all_units:  # a clerk: their own unit is the one choice
            unit.empty_label = None
        self.fields["age"].widget.attrs.update(min=0, max=120)

    @property
    def sections(self) -> list[tuple[Any, list[BoundField]]]:
        return [(heading, [self[name] for name in names]) for heading, names in SECTIONS]

    def clean_icd10(self) -> str:
        return (self.cleaned_data.get("icd10") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        unit = cleaned.get("unit")
        if unit is not None and not InjuryRecord.objects.may_create(
            self.user, InjuryRecord(unit=unit)
        ):
            self.add_error("unit", UNIT_NOT_ALLOWED)
        self.warnings = record_warnings(cleaned)
        if self.warnings and not cleaned.get("confirm_warnings"):
            self.add_error(None, forms.ValidationError(CONFIRM_WARNINGS, code="warnings"))
        return cleaned

    def full_clean(self) -> None:
        super().full_clean()
        for name in {check.field for check in self.warnings} - set(self.errors):
            widget = self.fields[name].widget
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} border-warning".strip()


# --- The statistics filters ---

EARLIEST_YEAR = 1949
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
    programme started). Units are chosen among those the user may see.

    Those who see every district (the city office, administrators) may first choose a district
    (`?district=110116`, the link of a district's page): the units to choose from are then its
    units, and with none chosen its units are counted. For everyone else the field is not there
    and the parameter changes nothing."""

    district = DistrictChoiceField()
    units = BoundedModelMultipleChoiceField(
        label=_("Units"),
        queryset=CreatingUnit.objects.none(),
        required=False,
        help_text=_("None chosen: every unit you may see."),
        label_field="name",  # a unit prints its name
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
        units.queryset = CreatingUnit.objects.records_visible_to(user).in_plan_order()
        units.widget.attrs["size"] = 4
        if user.sees_every_district:
            self._narrow_to_district(units)
        else:
            del self.fields["district"]
        last_day = date(self.today.year, 12, 31)
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs.update(min=f"{EARLIEST_YEAR}-01-01", max=f"{last_day}")
        baseline = self.fields["baseline_year"]
        baseline.validators.append(MaxValueValidator(self.today.year))
        baseline.widget.attrs["max"] = self.today.year

    def _narrow_to_district(self, units: forms.ModelMultipleChoiceField) -> None:
        """Offer the districts the user may see (read once a request: the city menu shows them
        too), and the units of the district asked for only: the units' choices are read before
        the form is cleaned. A code not among the districts leaves the units as they are; the
        district's field shows the error, and an invalid form counts nothing."""
        district = self.fields["district"]
        district.set_districts(self.user.visible_districts)
        chosen = district.by_code.get(self.data.get("district") or "")
        if chosen is not None:
            units.queryset = units.queryset.filter(district=chosen.pk)
        units.help_text = _("None chosen: every unit of the district, or of every district.")

    def clean_date_from(self) -> date:
        return self._date_in_range(self.cleaned_data["date_from"] or self.default_from)

    def clean_date_to(self) -> date:
        return self._date_in_range(self.cleaned_data["date_to"] or self.today)

    def _date_in_range(self, day: date) -> date:
        if not date(EARLIEST_YEAR, 1, 1) <= day <= date(self.today.year, 12, 31):
            raise forms.ValidationError(DATE_OUT_OF_RANGE % {"first": EARLIEST_YEAR})
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", DATES_REVERSED)
        if data.get("baseline_year") is None and "baseline_year" not in self.errors:
            data["baseline_year"] = self.default_baseline
        self.counted_units = tuple(data.get("units") or ())
        district = data.get("district")
        if district is not None and not self.counted_units and "units" not in self.errors:
            # No unit chosen: the district's units, for no unit at all would mean every unit.
            self.counted_units = tuple(self.fields["units"].queryset)
            if not self.counted_units:
                self.add_error("district", DISTRICT_WITHOUT_UNITS % {"district": district.label})
        return data

    def filters(self) -> Filters:
        """The filters of a valid form."""
        data = self.cleaned_data
        return Filters(
            period=Period(data["date_from"], data["date_to"]),
            baseline_year=data["baseline_year"],
            units=self.counted_units,
            source=data["source"],
            domain=data["domain"],
        )

    def as_query(self) -> dict[str, list[str]]:
        """The filters of a valid form as the query string that asks for them, with the
        defaults written out (the dates and the baseline year of today): an export's job reads
        the same filters whenever it runs, and the same filters make the same query."""
        data = self.cleaned_data
        district = data.get("district")
        query = {
            "district": [district.code] if district else [],
            "units": [str(unit.pk) for unit in data["units"]],
            "date_from": [data["date_from"].isoformat()],
            "date_to": [data["date_to"].isoformat()],
            "source": [data["source"]],
            "domain": [data["domain"]],
            "baseline_year": [str(data["baseline_year"])],
        }
        return {name: values for name, values in query.items() if any(values)}

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
        if "district" in self.fields:
            district = data.get("district")
            label = district.label if district else gettext("All districts")
            rows.insert(0, (str(self.fields["district"].label), label))
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


# --- Importing a spreadsheet ---

#: The names of the files the import reads: an Excel workbook (the legacy .xls too), CSV text.
IMPORTED_SUFFIXES = (".xlsx", ".xls", ".csv", ".txt")


class ImportUploadForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "Excel (.xlsx or .xls) or CSV (UTF-8 or GB18030). Headers as on the report card, or "
            "as in the template; codes as numbers or as their labels."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(IMPORTED_SUFFIXES)}),
    )

    def clean_file(self) -> Any:
        """Refused here, before anything is kept: a file too large, or one whose name says it
        is no spreadsheet the import reads (its content is checked when it is read)."""
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except ImportRefused as refusal:
            raise forms.ValidationError(str(refusal)) from None
        suffix = PurePath(upload.name).suffix.lower()
        if suffix not in IMPORTED_SUFFIXES:
            raise forms.ValidationError(REFUSED_FILE_TYPE % {"name": upload.name})
        return upload
