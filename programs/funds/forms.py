"""The funds pages' choices: the year, and the district for those who see every district."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.core.forms import DistrictChoiceField
from programs.funds import errors
from safecommunity.calendar import FIRST_DAY, LAST_DAY
from safecommunity.forms import StyledFormMixin


class FundsFilterForm(StyledFormMixin, forms.Form):
    """`?year=2025` (this year when empty) and, for the city office and administrators,
    `?district=110116`; the district is not offered to anybody else (their units are their
    district's already)."""

    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=FIRST_DAY.year,
        max_value=LAST_DAY.year,
        error_messages={
            "invalid": errors.BAD_YEAR,
            "min_value": errors.BAD_YEAR,
            "max_value": errors.BAD_YEAR,
        },
    )
    district = DistrictChoiceField()

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if user.sees_every_district:
            self.fields["district"].set_districts(user.visible_districts)
        else:
            del self.fields["district"]
