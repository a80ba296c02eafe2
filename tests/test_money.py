"""Money is exact to the fen: what people type and what spreadsheets hold is read to the fen or
refused with the reason, and a shared amount splits to the fen, its shares adding up."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from itertools import combinations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from safecommunity.money import (
    MAX_FEN,
    NEGATIVE,
    NOT_AN_AMOUNT,
    NOT_WHOLE_FEN,
    TOO_LARGE,
    TOO_MANY_DECIMALS,
    fen_from_number,
    fen_from_text,
    shown_yuan,
    split_by_largest_remainder,
    yuan,
)

amounts = st.integers(min_value=0, max_value=MAX_FEN)
FULL_WIDTH = str.maketrans("0123456789.,", "０１２３４５６７８９．，")


def refused_with(message, read, value) -> None:
    with pytest.raises(ValidationError) as refused:
        read(value)
    assert refused.value.messages == [str(message)]


@given(amounts)
@example(0)
@example(1)
@example(123456)
def test_every_amount_reads_back_as_written_in_each_way_people_write_it(fen):
    plain = f"{yuan(fen)}"  # 1234.56
    grouped = shown_yuan(fen)  # 1,234.56
    for text in (
        plain,
        grouped,
        f"¥{plain}",
        f"￥{grouped}",
        f" {plain} ",
        plain.translate(FULL_WIDTH),
        grouped.translate(FULL_WIDTH),
    ):
        assert fen_from_text(text) == fen, text


@given(amounts)
def test_a_whole_yuan_and_one_decimal_are_read_too(fen):
    whole_yuan = fen - fen % 100
    assert fen_from_text(str(whole_yuan // 100)) == whole_yuan
    one_decimal = fen - fen % 10
    assert fen_from_text(f"{yuan(one_decimal):.1f}") == one_decimal


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1234.567", TOO_MANY_DECIMALS),
        ("1.230", TOO_MANY_DECIMALS),
        ("-5.00", NEGATIVE),
        ("－5", NEGATIVE),
        ("twelve", NOT_AN_AMOUNT),
        ("", NOT_AN_AMOUNT),
        ("12,34.56", NOT_AN_AMOUNT),
        ("1,2345.00", NOT_AN_AMOUNT),
        ("1234,567.00", NOT_AN_AMOUNT),
        (",123", NOT_AN_AMOUNT),
        ("1.234,56", NOT_AN_AMOUNT),
        ("12.", NOT_AN_AMOUNT),
        ("1e5", NOT_AN_AMOUNT),
        ("100000000000.00", TOO_LARGE),
        ("9" * 5000, TOO_LARGE),  # longer than Python reads as an int
    ],
)
def test_a_badly_written_amount_is_refused_with_the_reason(text, message):
    refused_with(message, fen_from_text, text)


def test_leading_zeros_do_not_make_an_amount_too_large():
    assert fen_from_text("0" * 40 + "12.50") == 1250


@given(amounts)
def test_a_spreadsheets_number_cell_of_whole_fen_reads_exactly_whatever_the_float(fen):
    assert fen_from_number(float(yuan(fen))) == fen
    assert fen_from_number(yuan(fen)) == fen


@pytest.mark.parametrize(
    ("cell", "fen"),
    [(1234.56, 123456), (1234.5600000001, 123456), (0.1 + 0.2, 30), (100, 10000)],
)
def test_float_noise_in_a_number_cell_is_not_an_error(cell, fen):
    assert fen_from_number(cell) == fen


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        (1234.565, NOT_WHOLE_FEN),
        (0.001, NOT_WHOLE_FEN),
        (-3.5, NEGATIVE),
        (float("nan"), NOT_AN_AMOUNT),
        (True, NOT_AN_AMOUNT),
        (1e12, TOO_LARGE),
    ],
)
def test_a_number_cell_that_is_not_whole_fen_is_refused_with_the_reason(cell, message):
    refused_with(message, fen_from_number, cell)


def test_an_amount_is_shown_with_separators_and_two_places():
    assert [shown_yuan(fen) for fen in (0, 5, 123456, 100000000, -250)] == [
        "0.00",
        "0.05",
        "1,234.56",
        "1,000,000.00",
        "-2.50",
    ]
    assert shown_yuan(None) == ""
    assert yuan(123456) == Decimal("1234.56")


weights = st.lists(st.integers(min_value=0, max_value=20), min_size=1, max_size=6).filter(sum)


@given(total=amounts, shares=weights)
def test_a_split_adds_up_and_each_share_is_within_a_fen_of_its_exact_value(total, shares):
    parts = split_by_largest_remainder(total, shares)

    assert sum(parts) == total
    for part, weight in zip(parts, shares, strict=True):
        assert abs(part - Fraction(total * weight, sum(shares))) < 1
    for i, j in combinations(range(len(shares)), 2):
        if shares[i] > shares[j]:
            assert parts[i] >= parts[j]
        if shares[i] == shares[j]:
            assert parts[i] >= parts[j] >= parts[i] - 1  # a tie's fen to the earlier


@pytest.mark.parametrize(
    ("total", "ratio", "parts"),
    [
        (100_001, (5, 5), [50_001, 50_000]),
        (100_000, (4, 6), [40_000, 60_000]),
        (1, (8, 2), [1, 0]),
        (7, (4, 6), [3, 4]),  # 2.8 and 4.2: the larger remainder takes the fen
        (3, (1, 1, 1), [1, 1, 1]),
        (0, (5, 5), [0, 0]),
    ],
)
def test_the_seeds_ratios_split_to_the_fen(total, ratio, parts):
    assert split_by_largest_remainder(total, ratio) == parts


@pytest.mark.parametrize("bad", [(), (0, 0), (-1, 2)])
def test_a_split_needs_weights_that_share_something(bad):
    with pytest.raises(ValueError):
        split_by_largest_remainder(100, bad)
