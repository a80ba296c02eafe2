"""One rounding rule for the numbers people compare: 四舍五入 (half up, away from zero), once."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from django.template import Context, Template

from safecommunity.numbers import change_percent, per_population, percent, round_half_up, shown


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (Fraction(25, 2), 0, "13"),  # Python's round(12.5) is 12
        (Decimal("6.25"), 1, "6.3"),  # round(6.25, 1) is 6.2
        (Decimal("-35.45"), 1, "-35.5"),  # away from zero
        (2.675, 2, "2.68"),  # the float prints 2.675; round(2.675, 2) is 2.67
        (Fraction(1, 3) * 100, 1, "33.3"),
        (7, 1, "7.0"),
        (Decimal("99.95"), 1, "100.0"),
    ],
)
def test_round_half_up_rounds_halves_away_from_zero(value, places, expected):
    assert round_half_up(value, places) == Decimal(expected)
    assert str(round_half_up(value, places)) == expected


def test_twenty_injuries_against_thirty_one_are_minus_35_5_percent_not_36():
    assert change_percent(20, 31) == Decimal("-35.5")
    assert shown(change_percent(20, 31)) == "-35.5"


def test_exact_halves_round_up_where_pythons_round_goes_to_even():
    assert percent(1, 16) == Decimal("6.3")  # 6.25 %
    assert round(100 * 1 / 16, 1) == 6.2  # what the statistics page used to show
    assert percent(1, 8, places=0) == Decimal("13")  # 12.5 %
    assert change_percent(17, 16) == Decimal("6.3")


def test_no_denominator_gives_no_number():
    assert percent(0, 0) is None
    assert change_percent(5, 0) is None
    assert change_percent(5, None) is None
    assert per_population(5, None) is None and per_population(5, 0) is None


def test_rates_per_100000_round_once():
    assert per_population(3, 80_000) == Decimal("3.8")  # 3.75
    assert per_population(1, 1_324_044) == Decimal("0.1")


def test_the_template_filter_prints_the_same_rule_with_its_places():
    template = Template(
        "{% load portal %}{{ a|half_up }}|{{ b|half_up:0 }}|{{ c|half_up }}|{{ n|half_up }}"
    )
    rendered = template.render(
        Context({"a": Decimal("-35.5"), "b": Decimal("35.5"), "c": 6.25, "n": None})
    )
    assert rendered == "-35.5|36|6.3|"


def decimal_half_up(numerator: int, denominator: int, places: int) -> Decimal:
    """The rule done by `decimal` itself, exactly (a context wide enough for the quotient's
    integer digits and the rounding digit), to check the integer arithmetic against."""
    with localcontext() as context:
        context.prec = 60
        exact = Decimal(numerator) / Decimal(denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def test_shares_changes_and_rates_round_as_decimal_does_on_every_small_ratio():
    """The page-wide rates round in integers; each agrees with `decimal`'s own half-up on every
    part of every whole up to 200 (all the halves among them), negative changes too."""
    for whole in range(1, 201):
        for part in range(-whole, 2 * whole + 1):
            assert percent(part, whole) == decimal_half_up(100 * part, whole, 1), (part, whole)
            assert change_percent(part, whole) == decimal_half_up(100 * (part - whole), whole, 1)
    for count, population in [(1, 200_000), (3, 200_000), (7, 97_000), (1, 2), (5, 3)]:
        assert per_population(count, population) == decimal_half_up(100_000 * count, population, 1)
