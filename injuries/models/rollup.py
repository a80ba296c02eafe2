"""The injury rollup: the records counted per creating unit, month and filter, and again per
unit, year and filter, kept equal to the records by database triggers, so that statistics over
whole months read a few thousand rows instead of every record, and over whole years a twelfth
of those.

The grain is what the statistics page may ask: a row per (unit, month, source, domain), where
an empty source or domain is the row of every source or every domain — four rows per record
(its source and domain, its source and any domain, any source and its domain, any and any) —
so that each filter the page offers (units, one source or all, one domain or all) reads at most
one row per unit and month. A row is wide: the number of records (`n`) and one count per code
of every counted field (`cause_3`: falls), the sex × age-group table (`sex_1_age_15`, from which
sex, age group and broad age group are sums) and the deaths by cause and by intent that the
monthly report's injury indicators read (`died_cause_1`). The columns and what each counts are
`COLUMNS`; a new code needs a migration that adds its column and recreates the triggers.

Why wide rows, not a long row per (unit, month, source, domain, dimension, code): a long table
holds about as many rows as there are records at city scale (≈ 120 (dimension, code) pairs
per filter row), and summing them is as slow as counting the records; a wide row is read once
and every column summed in the same pass. Why four filter levels rather than only (source,
domain): an unfiltered page then reads one row per unit and month instead of up to 72.

Why a table of years beside the months: at the city's 400 units, ten years are 48,000 month rows
of one level, lying one to a page among the other levels' rows; reading them and summing their
hundred and more columns took 300–450 ms a query (bench/README.md, the city). The same years
are 4,000 rows of `InjuryRollupYear`. The statistics read the whole years of a period from the
years, the whole months around them from the months, the days at its edges from the records
(`injuries.selectors.counts`).

Why triggers, not deltas written by the services: records change through the form, the admin,
COPY and `bulk_update` in imports, `bulk_update` and `_raw_delete` in withdrawals, the API's
card batches, demo data and benchmarks; a trigger sees every one of them, raw SQL included, in
the statement's own transaction. PostgreSQL runs one statement-level trigger per INSERT, UPDATE
and DELETE over the statement's transition tables (a COPY of 100,000 rows makes one grouped
upsert); SQLite, which has only row triggers, runs one small upsert per changed row. See
`injuries/migrations/0006_rollup.py` for the SQL and `docs/ARCHITECTURE.md` for the trade-offs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from injuries.choices import (
    AGE_GROUP_CHOICES,
    Activity,
    BodyPart,
    Cause,
    Intent,
    Nature,
    Outcome,
    Place,
    Severity,
    Sex,
)
from safecommunity.scoping import ScopedQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from programs.core.models import User

#: The coded fields counted per code, each with its codes.
COUNTED: tuple[tuple[str, type[models.IntegerChoices]], ...] = (
    ("cause", Cause),
    ("place", Place),
    ("activity", Activity),
    ("intent", Intent),
    ("nature", Nature),
    ("body_part", BodyPart),
    ("severity", Severity),
    ("outcome", Outcome),
)


def _columns() -> dict[str, tuple[tuple[str, int], ...]]:
    """Column name → the (field, code) pairs a record must match to count in it."""
    columns: dict[str, tuple[tuple[str, int], ...]] = {}
    for name, codes in COUNTED:
        for code in codes.values:
            columns[f"{name}_{code}"] = ((name, code),)
    for sex in Sex.values:
        for group, _label in AGE_GROUP_CHOICES:
            columns[f"sex_{sex}_age_{group}"] = (("sex", sex), ("age_group", group))
    for name, codes in (("cause", Cause), ("intent", Intent)):
        for code in codes.values:
            columns[f"died_{name}_{code}"] = (("outcome", Outcome.DIED), (name, code))
    return columns


#: Every count column of a rollup row beside `n`, with what it counts.
COLUMNS: dict[str, tuple[tuple[str, int], ...]] = _columns()
#: The filter levels: a record counts in its own source and domain, and under "" for each.
ALL = ""


def sex_age_column(sex: int, group: int) -> str:
    return f"sex_{sex}_age_{group}"


def column_matches(column: str, values: dict) -> bool:
    """Whether a record's values count in `column`."""
    return all(values[field] == code for field, code in COLUMNS[column])


class InjuryRollupQuerySet(ScopedQuerySet):
    """Read as the records are (`visible_to`: the rule of every unit's rows, a district by
    its unit ids); written by the database's triggers only. Months and years alike."""

    unit_lookup = "unit"
    district_by_unit_ids = True

    def editable_by(self, user: User | AnonymousUser) -> Self:
        return self.none()

    def matching(self, *, source: str = ALL, domain: str = ALL) -> Self:
        """The level of a filter: one source or all (""), one domain or all ("")."""
        return self.filter(source=source or ALL, domain=domain or ALL)


class RollupRow(models.Model):
    """A row of the rollup: the injury records of one creating unit and time (a month, a
    year), of one source and domain or of all, counted per code (`COLUMNS`): derived data the
    database keeps equal to the records."""

    unit = models.ForeignKey(
        "programs.CreatingUnit",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("creating unit"),
    )
    source = models.CharField(_("data source"), max_length=20, blank=True)
    domain = models.CharField(_("safe-community domain"), max_length=10, blank=True)
    # No CheckConstraint(n >= 0): PostgreSQL checks the row an upsert proposes before it
    # finds the conflict, and a trigger's delta proposes −1 for a record taken away.
    n = models.IntegerField(_("records"), default=0)

    objects = InjuryRollupQuerySet.as_manager()

    class Meta:
        abstract = True

    def level(self) -> str:
        return f"{self.source or '*'} {self.domain or '*'}"


for _name in COLUMNS:
    RollupRow.add_to_class(_name, models.IntegerField(default=0))


class InjuryRollup(RollupRow):
    """A unit's records of one month (`month`: its first day)."""

    month = models.DateField(_("month"), help_text=_("The month's first day."))

    class Meta:
        verbose_name = _("injury rollup row")
        verbose_name_plural = _("injury rollup")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "month", "source", "domain"], name="injury_rollup_unique_key"
            ),
        ]
        indexes = [
            # A page filters by month range and level, then by unit. `n` rides in the index so
            # that the monthly totals read it alone (an index-only scan): at the city's 400
            # units a level's rows lie one to a page, and ten years of them cost 295 ms from
            # the table, 15 ms from the index (bench/README.md, the city).
            models.Index(
                fields=["source", "domain", "month", "unit"],
                include=["n"],
                name="injury_rollup_level_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.month:%Y-%m} {self.level()}"


class InjuryRollupYear(RollupRow):
    """A unit's records of one calendar year: the month rows of the year summed, kept by the
    same triggers, at three of the four levels: every source, every domain, or both. A filter
    of one source and one domain at once reads the months (`has_level`): that level held most
    of the year rows, and writing them doubled what an import's triggers cost."""

    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        verbose_name = _("injury rollup row of a year")
        verbose_name_plural = _("injury rollup by year")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "source", "domain"], name="injury_rollup_year_unique_key"
            ),
            models.CheckConstraint(
                condition=models.Q(source=ALL) | models.Q(domain=ALL),
                name="injury_rollup_year_levels",
            ),
        ]
        indexes = [
            models.Index(fields=["source", "domain", "year", "unit"], name="injury_rollup_year_idx")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.year} {self.level()}"

    @staticmethod
    def has_level(*, source: str = ALL, domain: str = ALL) -> bool:
        """Whether the years hold the level of this filter (`InjuryRollupQuerySet.matching`)."""
        return source == ALL or domain == ALL
