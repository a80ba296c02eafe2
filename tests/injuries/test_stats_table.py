"""The statistics tables printed by Jinja2 (`{% stats_table %}`) are, character for character,
what the Django include printed (`stats_table.django.html`, kept here): labels, empty cells,
counts, rates, and changes up and down, in both languages, with text that needs escaping."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

from injuries.selectors.tables import Column, Table
from injuries.templatetags.injury_tables import stats_table
from tests.injuries.test_injury_statistics import (  # noqa: F401 (fixtures)
    june_15_2025,
    records,
    statistics,
    unit_c,
)

DJANGO_TABLE = engines["django"].from_string(
    (Path(__file__).parent / "stats_table.django.html").read_text()
)


def printed_by_django(table: Table) -> str:
    return DJANGO_TABLE.render({"table": table}).removesuffix("\n")


@pytest.mark.usefixtures("records")
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_table_of_the_page_prints_as_the_django_include_did(district_user, language):
    with translation.override(language):
        stats = statistics(district_user)
        assert len(stats.tables) > 10
        for table in stats.tables:
            assert stats_table(table) == printed_by_django(table), table.key


def test_changes_rates_gaps_and_markup_in_labels_print_alike():
    table = Table(
        key="mixed",
        title="<b>混合</b>",
        columns=[
            Column("<i>label</i>", "label"),
            Column("count"),
            Column("change", "change"),
            Column("rate", "rate"),
        ],
        rows=[
            ["A & B", 12, Decimal("35.45"), Decimal("12.25")],
            ["<script>", 0, Decimal("-3.05"), None],
            ["零", None, Decimal("0"), Decimal("100")],
        ],
        total=["合计", 12, None, 1.5],
    )
    assert stats_table(table) == printed_by_django(table)
