"""Field validators shared across apps."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
