"""Field validators shared across apps."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from safecommunity.calendar import FIRST_DAY, LAST_DAY

PHONE_RE = re.compile(r"^[0-9+\-() ]{3,30}$")


def validate_not_blank(value: str) -> None:
    """Refuse a name made only of spaces (forms strip them; imports and scripts may not)."""
    if isinstance(value, str) and not value.strip():
        raise ValidationError(_("This field cannot be blank."), code="blank")


def validate_phone(value: str) -> None:
    """A phone number as clerks write it: digits with optional +, -, spaces and brackets."""
    if value and not PHONE_RE.match(value):
        raise ValidationError(
            _("Enter a phone number using digits, spaces, +, - or brackets."), code="phone"
        )


DATE_OUT_OF_RANGE = _("Give a date from %(first)s to %(last)s.")


def validate_portal_date(value: date | None) -> None:
    """The rule for every date typed into the portal: from 2000-01-01 to 2100-12-31. Anything
    else is a typing slip (1500-01-01, 9999-06-01) and would break the date arithmetic after it."""
    if value is not None and not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(
            DATE_OUT_OF_RANGE,
            code="date_out_of_range",
            params={"first": f"{FIRST_DAY}", "last": f"{LAST_DAY}"},
        )
