"""Forms of the programme's units: a unit's profile, as clerks and as district staff edit it;
a new API token; the file of a district's units' boundaries; the choice of a district in the
filters of the pages that list units of several districts."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from programs.core.errors import DISTRICT_NOT_VISIBLE
from programs.core.models import CreatingUnit, District
from programs.core.services import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS
from safecommunity.files import FILE_EMPTY, FILE_TOO_LARGE
from safecommunity.forms import FixedFieldsValidationMixin, StyledFormMixin

CLERK_UNIT_FIELDS = [
    "head_name",
    "contact_name",
    "contact_phone",
    "address",
    "population",
    "population_year",
    "area_km2",
    "notes",
]
DISTRICT_UNIT_FIELDS = [
    "name",
    "division_code",
    "official_name",
    "name_confirmed",
    "kind",
    "is_pilot",
    "batch",
    "joined_on",
    *CLERK_UNIT_FIELDS,
]


DISTRICT_LABEL = pgettext_lazy("one of the city's districts", "District")


class DistrictChoiceField(forms.ChoiceField):
    """A district among `districts` (those the user may see), asked for by its 6-digit code
    (`?district=110116`) and cleaned to the district; left empty, None: every district. The
    choices are the list read once, so checking a code and drawing the select ask no query of
    their own; a code not among them is an error at the field (`DISTRICT_NOT_VISIBLE`)."""

    default_error_messages = {"invalid_choice": DISTRICT_NOT_VISIBLE}

    def __init__(self, *, districts: Iterable[District] = (), **kwargs) -> None:
        kwargs.setdefault("label", DISTRICT_LABEL)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.set_districts(districts)

    def set_districts(self, districts: Iterable[District]) -> None:
        """Offer `districts`, in their order, after "All districts"."""
        self.by_code = {district.code: district for district in districts}
        self.choices = [
            ("", _("All districts")),
            *((code, district.label) for code, district in self.by_code.items()),
        ]

    def clean(self, value: str) -> District | None:
        return self.by_code.get(super().clean(value))


class UnitProfileForm(FixedFieldsValidationMixin, StyledFormMixin, forms.ModelForm):
    """What a clerk keeps up to date about the unit: head, contact, population, address."""

    fixed_fields = ("program",)

    class Meta:
        model = CreatingUnit
        fields = CLERK_UNIT_FIELDS
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class DistrictUnitForm(UnitProfileForm):
    """District staff also correct the unit's name, its official division code and name, kind,
    pilot flag, batch and joining date."""

    class Meta(UnitProfileForm.Meta):
        fields = DISTRICT_UNIT_FIELDS
        widgets = {
            **UnitProfileForm.Meta.widgets,
            "joined_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


def unit_form_class(user) -> type[UnitProfileForm]:
    return DistrictUnitForm if user.edits_all_units else UnitProfileForm


class TokenForm(StyledFormMixin, forms.Form):
    """A new API token: what it is for and how many days it lasts (90 by default, at most 365)."""

    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. 公安分局数据接口"))
    days = forms.IntegerField(
        label=_("Valid for (days)"),
        initial=TOKEN_DEFAULT_DAYS,
        min_value=1,
        max_value=TOKEN_MAX_DAYS,
    )


class BoundariesForm(forms.Form):
    """The GeoJSON file of a district's units' boundaries (the District admin's upload page);
    its size is refused here, its content by `unit_boundaries_replace`."""

    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_(
            "A FeatureCollection with one Polygon or MultiPolygon feature per unit, in "
            "longitude and latitude (WGS 84), each naming its unit's code in the property "
            "“code” (or “unit”). It replaces the district's earlier boundaries."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.UPLOAD_LIMITS["boundaries"]
        if upload.size == 0:
            raise forms.ValidationError(FILE_EMPTY)
        if upload.size > limit:
            sizes = {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            raise forms.ValidationError(FILE_TOO_LARGE % sizes)
        return upload
