"""How the portal rounds the numbers people compare: one rule, 四舍五入 (round half up, away
from zero), applied once, in Python.

Every percentage and rate the portal shows or exports goes through `round_half_up` — through
`percent`, `change_percent` and `per_population`, or the `half_up` template filter — and nothing
rounds twice (a value rounded here is shown with the same number of places). SQL's `round()` is
never used for them: it rounds halves differently from one database to another, and Python's
`round()` rounds them to even (`round(12.5) == 12`, `round(0.125, 2) == 0.12`).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from numbers import Rational

PERCENT_PLACES = 1
"""Percentages and rates are shown with one decimal."""

PER_100_000 = 100_000


def round_half_up(value: int | float | Decimal | Fraction, places: int = PERCENT_PLACES) -> Decimal:
    """`value` rounded to `places` decimals, halves away from zero: 12.25 → 12.3, −35.45 → −35.5.

    Integers and fractions are rounded exactly (a share computed as `Fraction(part, whole)` has
    no binary error to tip a half); a float is read as the shortest decimal that prints it
    (`2.675` is 2.675, not 2.67499…)."""
    step = Decimal(1).scaleb(-places)
    if isinstance(value, Decimal):
        return value.quantize(step, rounding=ROUND_HALF_UP)
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(step, rounding=ROUND_HALF_UP)
    if not isinstance(value, Rational):
        raise TypeError(f"cannot round {type(value).__name__}")
    return _ratio_half_up(value.numerator, value.denominator, places)


def _ratio_half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """`numerator / denominator` rounded to `places` decimals, halves away from zero, in
    integers (what `Fraction` arithmetic gives, several times faster: a page of 400 rates and
    changes rounds thousands of them)."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    # floor(|n| / d × 10^places + ½), exactly
    whole = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    rounded = Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places))
    return -rounded if numerator < 0 else rounded


def percent(part: int, whole: int, places: int = PERCENT_PLACES) -> Decimal | None:
    """`part` as a percentage of `whole`, rounded half up; None when `whole` is zero."""
    if not whole:
        return None
    return _ratio_half_up(100 * part, whole, places)


def change_percent(now: int, before: int | None, places: int = PERCENT_PLACES) -> Decimal | None:
    """The change from `before` to `now` in percent (20 against 31: −35.5); None when `before`
    is zero or unknown."""
    if not before:
        return None
    return _ratio_half_up(100 * (now - before), before, places)


def per_population(
    count: int, population: int | None, per: int = PER_100_000, places: int = PERCENT_PLACES
) -> Decimal | None:
    """`count` per `per` residents (per 100,000 by default); None without a population."""
    if not population:
        return None
    return _ratio_half_up(per * count, population, places)


def shown(value: Decimal | float | int | None, places: int = PERCENT_PLACES) -> str:
    """The value as a page prints it: rounded half up to `places` decimals, always that many
    (35.5, 100.0); "" for None."""
    if value is None or value == "":
        return ""
    return f"{round_half_up(value if not isinstance(value, str) else Decimal(value), places):f}"
