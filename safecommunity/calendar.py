"""The portal's calendar: the dates it accepts, months, quarters, and when a report is on time.

- **Dates** the portal accepts lie between 2000-01-01 and 2100-12-31; anything else is a typing
  slip (0000-01, 9999-06-01, 1500-01-01). `safecommunity.validators.validate_portal_date` refuses
  it at the field, `Month.parse` reads no month outside it.
- **A month** is named by its first day, a `date`: that is how a report's period is stored and
  queried, so every `Month` helper takes and gives dates.
- **A quarter** is a value (year, number): the plan asks for a creation work meeting in each one.
- **On time** (按时): a month's report is due on the programme's due day of the following month;
  it is on time when its *first* submission came by the end of that day in the portal's time
  zone (Asia/Shanghai).
"""

from __future__ import annotations

import re
from calendar import monthrange  # the standard library's
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)

MONTH_TEXT = re.compile(r"([0-9]{4})-([0-9]{1,2})")  # how a month is typed: YYYY-MM


class Month:
    """Calendar months, each named by its first day (a `date`)."""

    @staticmethod
    def parse(text: str | None) -> date | None:
        """ "2025-03" → 2025-03-01; None for anything else, or for a month outside the years
        2000–2100."""
        match = MONTH_TEXT.fullmatch((text or "").strip())
        if match is None:
            return None
        year, number = int(match[1]), int(match[2])
        if not (FIRST_DAY.year <= year <= LAST_DAY.year and 1 <= number <= 12):
            return None
        return date(year, number, 1)

    @staticmethod
    def first_day(day: date) -> date:
        """The first day of the month holding `day`."""
        return day.replace(day=1)

    @staticmethod
    def last_day(day: date) -> date:
        """The last day of the month holding `day`."""
        return day.replace(day=monthrange(day.year, day.month)[1])

    @staticmethod
    def next(day: date) -> date:
        """The first day of the month after the one holding `day`."""
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)

    @staticmethod
    def previous(day: date) -> date:
        """The first day of the month before the one holding `day`."""
        return date(day.year - (day.month == 1), (day.month - 2) % 12 + 1, 1)

    @staticmethod
    def between(first: date, last: date) -> list[date]:
        """The first days of every month from `first`'s to `last`'s, both included."""
        months, month = [], Month.first_day(first)
        while month <= Month.first_day(last):
            months.append(month)
            month = Month.next(month)
        return months

    @staticmethod
    def last_months(count: int, *, until: date | None = None) -> list[date]:
        """The `count` months before the one holding `until` (default today), oldest first: the
        months whose reports are due or overdue."""
        months = [Month.previous(until or timezone.localdate())]
        while len(months) < count:
            months.insert(0, Month.previous(months[0]))
        return months[:count]


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: the plan asks for a creation work meeting in each one."""

    year: int
    number: int  # 1–4

    @classmethod
    def of(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + self.number // 4, self.number % 4 + 1)

    def previous(self) -> Quarter:
        return Quarter.of(self.start - timedelta(days=1))

    def __str__(self) -> str:
        return str(_("%(year)d Q%(number)d") % {"year": self.year, "number": self.number})

    @staticmethod
    def between(first: date, last: date) -> list[Quarter]:
        """The quarters from the one holding `first` to the one holding `last`, oldest first."""
        quarters: list[Quarter] = []
        quarter = Quarter.of(first)
        while first <= last and quarter.start <= last:
            quarters.append(quarter)
            quarter = quarter.next()
        return quarters

    @staticmethod
    def last_quarters(count: int, *, until: date) -> list[Quarter]:
        """The `count` quarters that ended before the one holding `until`, oldest first."""
        quarters = [Quarter.of(until).previous()]
        while len(quarters) < count:
            quarters.insert(0, quarters[0].previous())
        return quarters


def due_date(period: date, due_day: int) -> date:
    """When the report of the month `period` is due: the due day of the following month."""
    return Month.next(period).replace(day=due_day)


def submitted_on_time(
    first_submitted_at: datetime | None, due: date, zone: tzinfo | None = None
) -> bool | None:
    """Whether a first submission came by the end of the due day in the portal's time zone
    (`zone`: that zone, for a caller judging many reports; default the current one); None when
    there has been no submission."""
    if first_submitted_at is None:
        return None
    return timezone.localdate(first_submitted_at, zone) <= due
