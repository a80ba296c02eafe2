"""Money, exact to the fen (分): amounts are whole numbers of fen everywhere — in the database
(an integer column: SQLite keeps a `DecimalField` as a floating-point number), in Python and in
sums — and become yuan only where people read them: `yuan` (a `Decimal` for a spreadsheet's
number cell, formatted 0.00) and `shown_yuan` (a page's text, 1,234.56). No float ever holds an
amount.

Reading what people type (`fen_from_text`): `1234.56`, `1,234.56` (commas between groups of
three), `¥1234.56` or `￥1234.56`, full-width digits and punctuation (`１２３４．５６`), at most two
decimals, never negative. A spreadsheet's number cell (`fen_from_number`) must be a whole
number of fen to within 0.001 fen, the noise a float adds to 1234.56 and no more: 1234.565 is
refused, not rounded.

Splitting (`split_by_largest_remainder`): an amount shared at set ratios (the city : district
5:5, 4:6, 8:2 of the seed's plans) to the fen, each part its exact share rounded down, the fen
left over given one each to the largest remainders (ties to the earlier part): the parts always
add up to the amount.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FEN_PER_YUAN = 100
#: The largest amount the portal keeps: 10 billion yuan, in fen (a BigIntegerField holds far
#: more; a number past this is a typing error, not a budget).
MAX_FEN = 10**10 * FEN_PER_YUAN
#: A number cell's distance from a whole fen that is still float noise, in fen.
CELL_TOLERANCE = Decimal("0.001")

NOT_AN_AMOUNT = _("Enter an amount in yuan, such as 1234.56 or 1,234.56.")
TOO_MANY_DECIMALS = _("An amount has at most two decimals (fen).")
NEGATIVE = _("An amount cannot be negative.")
TOO_LARGE = _("An amount cannot exceed 10,000,000,000 yuan.")
NOT_WHOLE_FEN = _("The number is not a whole number of fen (at most two decimals).")

#: Full-width digits and punctuation, as Chinese input methods type them, to their ASCII.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_AMOUNT = re.compile(
    r"""(?P<sign>[-+]?)
    (?P<whole>\d{1,3}(?:,\d{3})+|\d+)
    (?:\.(?P<decimals>\d+))?""",
    re.VERBOSE,
)


def fen_from_text(text: str) -> int:
    """The amount `text` states, in fen; a `ValidationError` saying what is wrong otherwise."""
    cleaned = str(text).translate(_FULL_WIDTH).strip().replace(" ", "")
    cleaned = cleaned.removeprefix("¥").removeprefix("￥").removeprefix("RMB").strip()
    match = _AMOUNT.fullmatch(cleaned)
    if match is None:
        raise ValidationError(NOT_AN_AMOUNT, code="invalid")
    if match["sign"] == "-":
        raise ValidationError(NEGATIVE, code="negative")
    decimals = match["decimals"] or ""
    if len(decimals) > 2:
        raise ValidationError(TOO_MANY_DECIMALS, code="decimals")
    whole = match["whole"].replace(",", "")
    if len(whole.lstrip("0")) > len(str(MAX_FEN)):  # never read as a number: far too large
        raise ValidationError(TOO_LARGE, code="too_large")
    fen = int(whole) * FEN_PER_YUAN + int(decimals.ljust(2, "0"))
    return checked(fen)


def fen_from_number(value: int | float | Decimal) -> int:
    """A spreadsheet number cell (yuan) in fen: refused unless it is a whole number of fen to
    within `CELL_TOLERANCE` (a float is read as the shortest decimal that prints it)."""
    if isinstance(value, bool):
        raise ValidationError(NOT_AN_AMOUNT, code="invalid")
    try:
        exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError(NOT_AN_AMOUNT, code="invalid") from None
    if not exact.is_finite():
        raise ValidationError(NOT_AN_AMOUNT, code="invalid")
    in_fen = exact * FEN_PER_YUAN
    whole = in_fen.to_integral_value()
    if abs(in_fen - whole) > CELL_TOLERANCE:
        raise ValidationError(NOT_WHOLE_FEN, code="decimals")
    if whole < 0:
        raise ValidationError(NEGATIVE, code="negative")
    return checked(int(whole))


def checked(fen: int) -> int:
    """`fen`, if the portal can keep it (not negative, not past `MAX_FEN`)."""
    if fen < 0:
        raise ValidationError(NEGATIVE, code="negative")
    if fen > MAX_FEN:
        raise ValidationError(TOO_LARGE, code="too_large")
    return fen


def yuan(fen: int) -> Decimal:
    """The amount in yuan, exactly, with two places (for a spreadsheet cell formatted 0.00)."""
    return Decimal(fen).scaleb(-2)


def shown_yuan(fen: int | None) -> str:
    """The amount as a page prints it: 1,234.56 (−1,234.56 for a negative balance); "" for
    None."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole:,}.{part:02d}"


def split_by_largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """`total` fen shared in proportion to `weights` (whole, not negative, not all zero): each
    share rounded down, then the fen left over one each to the largest remainders, ties to the
    earlier share. The shares add up to `total`; each is within one fen of its exact value."""
    if total < 0:
        raise ValueError("The total cannot be negative.")
    if not weights or any(weight < 0 for weight in weights) or not sum(weights):
        raise ValueError("The weights must be whole numbers, not negative, not all zero.")
    whole = sum(weights)
    shares = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    left = total - sum(shares)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        shares[index] += 1
    return shares
