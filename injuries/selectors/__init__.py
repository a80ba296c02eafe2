"""Injury surveillance's reads: the statistics page's numbers and tables (`statistics`), counted
in the database over the periods and filters of `periods`, shown as the tables of `tables`."""

from injuries.selectors.counts import unit_month_injuries, unit_period_totals
from injuries.selectors.periods import Filters, Period, shift_years
from injuries.selectors.statistics import (
    DIMENSIONS,
    Headline,
    Statistics,
    code_lists,
    default_baseline_year,
    dimension_counts,
    injury_statistics,
    monthly_counts,
    records_for,
    rollup_for,
    statistics_for,
    unit_year_counts,
)
from injuries.selectors.tables import PER, Cell, Column, Kind, Table, change, rate, share

__all__ = [
    "DIMENSIONS",
    "PER",
    "Cell",
    "Column",
    "Filters",
    "Headline",
    "Kind",
    "Period",
    "Statistics",
    "Table",
    "change",
    "code_lists",
    "default_baseline_year",
    "dimension_counts",
    "injury_statistics",
    "monthly_counts",
    "rate",
    "records_for",
    "rollup_for",
    "share",
    "shift_years",
    "statistics_for",
    "unit_month_injuries",
    "unit_period_totals",
    "unit_year_counts",
]
