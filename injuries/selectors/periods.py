"""The periods injury statistics count over and compare: a range of injury dates, the same
dates a year earlier and in a baseline year, and the filters a statistics page is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q

from safecommunity.calendar import Month

if TYPE_CHECKING:
    from programs.core.models import CreatingUnit


def shift_years(day: date, years: int) -> date:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Period:
    """A range of injury dates, both ends included."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d} – {self.end:%Y-%m-%d}"

    def shifted(self, years: int) -> Period:
        return Period(shift_years(self.start, years), shift_years(self.end, years))

    @property
    def q(self) -> Q:
        return Q(injury_date__gte=self.start, injury_date__lte=self.end)

    @property
    def within_a_year(self) -> bool:
        """Shorter than a year, so that it does not overlap the same dates of other years."""
        return self.end < shift_years(self.start, 1)

    @property
    def whole_months(self) -> Period | None:
        """The months the period covers entirely, from the first's first day to the last's last
        day (what the rollup answers); None when it covers no month entirely."""
        first = self.start if self.start.day == 1 else Month.last_day(self.start) + timedelta(1)
        last = self.end
        if last != Month.last_day(last):
            last = Month.first_day(last) - timedelta(1)
        return Period(first, last) if first <= last else None

    @property
    def whole_years(self) -> Period | None:
        """The calendar years the period covers entirely, from the first's 1 January to the
        last's 31 December (what the rollup's years answer); None when it covers no year."""
        whole = self.whole_months
        if whole is None:
            return None
        first = whole.start if (whole.start.month, whole.start.day) == (1, 1) else None
        first = first or date(whole.start.year + 1, 1, 1)
        last = whole.end if (whole.end.month, whole.end.day) == (12, 31) else None
        last = last or date(whole.end.year - 1, 12, 31)
        return Period(first, last) if first <= last else None

    def months_outside_years(self) -> list[Period]:
        """Its whole months outside its whole years, before and after them (what the rollup's
        months answer): none, one or two periods of whole months shorter than a year."""
        whole, years = self.whole_months, self.whole_years
        if whole is None:
            return []
        if years is None:
            return [whole]
        parts = [
            Period(whole.start, years.start - timedelta(1)),
            Period(years.end + timedelta(1), whole.end),
        ]
        return [part for part in parts if part.start <= part.end]

    def edges(self) -> list[Period]:
        """The days outside its whole months, at its start and at its end (what the records
        answer): none, one or two periods shorter than a month."""
        whole = self.whole_months
        if whole is None:
            return [self]
        parts = [
            Period(self.start, whole.start - timedelta(1)),
            Period(whole.end + timedelta(1), self.end),
        ]
        return [part for part in parts if part.start <= part.end]

    def months(self) -> list[tuple[int, int]]:
        """The (year, month) pairs the period touches, in order."""
        return [(month.year, month.month) for month in Month.between(self.start, self.end)]


@dataclass(frozen=True)
class Filters:
    """What the statistics are asked for: a period, the units (none: every unit in scope), a
    source and a domain ("" for all), and the baseline year to compare with.

    A period shorter than a year is compared with the same dates a year earlier ("previous
    year") and in the baseline year; a longer one would overlap them, so it is not compared.
    """

    period: Period
    baseline_year: int
    units: tuple[CreatingUnit, ...] = ()
    source: str = ""
    domain: str = ""

    @property
    def compares(self) -> bool:
        return self.period.within_a_year

    @property
    def previous(self) -> Period | None:
        return self.period.shifted(-1) if self.compares else None

    @property
    def baseline(self) -> Period | None:
        if not self.compares:
            return None
        return self.period.shifted(self.baseline_year - self.period.start.year)

    def periods(self) -> dict[str, Period]:
        """The periods counted, by key: "current", "previous", "baseline" (when compared)."""
        periods = {"current": self.period}
        if self.compares:
            periods.update(previous=self.previous, baseline=self.baseline)
        return periods
