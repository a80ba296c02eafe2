"""One rounding rule for the numbers people compare: 四舍五入 (half up, away from zero), once."""

from __future__ import annotations

from decimal import Decimal
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
