"""Benchmark: the portal at the city's scale — 16 districts, 400 units, ten years of reports
and activities, 10,000,000 injury records — each page beside its floor, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_city .venv/bin/python bench/city.py \
        [--records 10000000] [--rounds 11] [--build-only] [--explain] [--pages NAME …]

The database DATABASE_URL names (its name must start with "bench") is created when missing,
migrated, built once and kept: a rerun finds every step of the build done (a table
`bench_city_steps` remembers them) and only measures, so the same database serves again after
new pages are merged. Building takes 15–25 minutes on two cores:

- the districts: 顺义区 from the reference data (its 38 units, templates, indicators, schemes),
  the other 15 of Beijing's districts by `district_add` (their streets and towns from the
  official list), then economic zones — the list's development zones, then `CODE-E01` … spread
  over the districts — until there are 400 units; every programme started ten years ago, the
  units spread over their programme's phases, milestones synced and settled;
- titles, a monthly report per unit and month, the activity log (`bench/dashboard.py`'s
  builders) and each district's yearly on-site evaluation round;
- `--records` injury records over ten years in every unit, oldest first (as cards arrive),
  streamed into one COPY with the table's secondary indexes dropped and every trigger off (the
  rollup's and the foreign keys'; the rows are made valid), the indexes built again afterwards
  as PostgreSQL had them, then
  the rollup filled by one grouped INSERT … SELECT (its years by another, from its months) and
  checked against the records (their count at each of the four filter levels, per unit and
  month, and per unit and year);
- a district user of 顺义区, a city user, an administrator; VACUUM ANALYZE.

Then each page, for the district user and for the city user, through Django's test client in
this process (server time, no network; production settings: DEBUG off, templates rendered as in
production — the test suite's instrumentation is not installed), beside its floor: the page's
exact SQL, every statement one request sends as psycopg2 sent it, replayed on a connection of
its own with every row fetched; page and floor alternate (`--rounds` of each, which goes first
swapping every round), medians. A page whose URL does not resolve (a page not merged yet) is
skipped and said so. Then the API's cursor pages (`GET /api/v1/injury-records/?page_size=1000`
with a token, through the test client) at the start, the middle and the end of the records,
interleaved, each beside its SQL replayed. The load average before and after tells how busy the
machine was. `--pages` measures only the pages whose label holds one of the names given
("city dashboard", "report grid"; "api" for the cursor pages), to follow one page's work.
Figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
import urllib.parse
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from bench.dashboard import (  # noqa: E402
    PHASE_WEIGHTS,
    SCHEME,
    build_activities,
    build_reports,
    build_titles,
    years_ago,
)

UNITS = 400
YEARS = 10
RECORDS = "injuries_injuryrecord"
STEPS = "bench_city_steps"
SAVED_INDEXES = "bench_city_indexes"
DISTRICT_USER, CITY_USER, ADMIN_USER = "bench-district", "bench-city", "bench-admin"


# --- The database -------------------------------------------------------------------------------


def database_name() -> str:
    url = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", ""))
    name = url.path.lstrip("/")
    if not url.scheme.startswith("postgres") or not name.startswith("bench"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database whose name starts 'bench'")
    return name


def database_create(name: str) -> None:
    """Create the database when missing (on the server's maintenance database)."""
    import psycopg2

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params["dbname"] = "postgres"
    server = psycopg2.connect(**params)
    server.autocommit = True
    with server.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}", flush=True)
    server.close()


def steps_done() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STEPS} (step text PRIMARY KEY, seconds real,"
            " done_at timestamptz DEFAULT now())"
        )
        cursor.execute(f"SELECT step FROM {STEPS}")
        return {row[0] for row in cursor.fetchall()}


def step(label: str, done: set[str], fn) -> None:
    """Run one step of the build unless a previous run finished it; remember it when done."""
    if label in done:
        return
    t0 = time.perf_counter()
    fn()
    seconds = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {STEPS} (step, seconds) VALUES (%s, %s)", [label, seconds])
    done.add(label)
    print(f"built {label} in {seconds:.0f} s", flush=True)


# --- Districts, units, history ------------------------------------------------------------------


def build_districts() -> None:
    """顺义区 from the reference data, the other 15 by `district_add`, then zones up to 400."""
    from programs.core import divisions
    from programs.core.models import CreatingUnit, District
    from programs.core.services import district_add
    from programs.setup import reference_data_load

    reference_data_load()
    for code in sorted(divisions.districts()):
        district_add(code=code, created=Counter())
    districts = list(District.objects.order_by("code"))
    program_of = {d.pk: d.programs.order_by("-start_date").first() for d in districts}
    zones = []
    # The list's development zones (town level, not a street or a town) first.
    for district in districts:
        for division in divisions.streets_of(district.code):
            if division.name.endswith(("街道", "镇", "乡", "地区")):
                continue
            if CreatingUnit.objects.filter(code=division.code).exists():
                continue
            zones.append((district, division.code, division.name))
    needed = UNITS - CreatingUnit.objects.count()
    count = len(zones)
    number = Counter()
    others = [d for d in districts if d.code != "110113"]  # 顺义区's own zones are in its plan
    while count < needed:
        district = others[count % len(others)]
        number[district.pk] += 1
        n = number[district.pk]
        zones.append((district, f"{district.code}-E{n:02d}", f"{district.name}经济开发区{n}"))
        count += 1
    CreatingUnit.objects.bulk_create(
        CreatingUnit(
            district=district,
            program=program_of[district.pk],
            code=code,
            name=name,
            kind="zone",  # a zone has no division code of its own
            population=30_000,
        )
        for district, code, name in zones[:needed]
    )
    assert CreatingUnit.objects.count() == UNITS, CreatingUnit.objects.count()


def build_units(rng: random.Random) -> None:
    """Every programme started ten years ago; the units spread over their programme's phases;
    their milestones synced and settled (earlier phases accepted, the current one part way)."""
    from programs.core.models import CreatingUnit, Phase, Program
    from programs.models import UnitMilestone
    from programs.progress.services import unit_milestones_sync

    today = timezone.localdate()
    start = years_ago(today, YEARS)
    Program.objects.update(start_date=start)
    phases: dict[int, list] = {}
    for phase in Phase.objects.order_by("order"):
        phases.setdefault(phase.program_id, []).append(phase)
    units = list(CreatingUnit.objects.order_by("code"))
    for unit in units:
        if not unit.population:
            unit.population = rng.randrange(8_000, 120_000)
            unit.population_year = today.year - 1
        unit.current_phase = rng.choices(phases[unit.program_id], PHASE_WEIGHTS)[0]
        unit.joined_on = (
            start if rng.random() < 0.97 else today - timedelta(days=rng.randrange(30, 730))
        )
    CreatingUnit.objects.bulk_update(
        units, ["current_phase", "joined_on", "population", "population_year"], batch_size=5000
    )
    unit_milestones_sync()
    phase_of = {unit.pk: unit.current_phase.order for unit in units}
    changed_at = datetime.combine(today - timedelta(days=30), clock(2), tzinfo=UTC)
    rows = list(UnitMilestone.objects.select_related("milestone__phase"))
    for row in rows:
        current, own = phase_of[row.unit_id], row.milestone.phase.order
        if own < current:
            status = "accepted"
        elif own == current:
            status = rng.choice(("accepted", "accepted", "submitted", "in_progress", "not_started"))
        else:
            status = "not_started"
        row.status = status
        row.status_changed_at = None if status == "not_started" else changed_at
    UnitMilestone.objects.bulk_update(rows, ["status", "status_changed_at"], batch_size=5000)


def build_users() -> None:
    from programs.core.models import District, User

    shunyi = District.objects.get(code="110113")
    User.objects.create(
        username=DISTRICT_USER, role="district", district=shunyi, last_name="王", first_name="芳"
    )
    User.objects.create(username=CITY_USER, role="city", last_name="李", first_name="明")
    User.objects.create_superuser(ADMIN_USER, "admin@example.com", "bench-pass-2026")


def build_evaluations(rng: random.Random) -> None:
    """Each district's national on-site round in October of each year, with every unit's final
    evaluation (grades drawn from a quality that grows over the years)."""
    from programs.core.models import CreatingUnit, District, User
    from programs.evaluations.selectors import evaluation_score
    from programs.models import Evaluation, EvaluationRound, EvaluationScheme, ItemScore, SchemeItem

    today = timezone.localdate()
    scheme = EvaluationScheme.objects.get(code=SCHEME)
    items = list(SchemeItem.objects.filter(element__scheme=scheme).select_related("element"))
    admin = User.objects.get(username=ADMIN_USER)
    first_year = today.year - YEARS + 1

    def grade(q: float) -> str:
        draw = rng.random()
        return "a" if draw < q - 0.15 else "b" if draw < q + 0.2 else "c" if draw < 0.995 else "d"

    for district in District.objects.order_by("code"):
        evaluators = [
            User.objects.create(
                username=f"bench-evaluator-{district.code}-{n}", role="evaluator", district=district
            )
            for n in range(2)
        ]
        units = list(CreatingUnit.objects.filter(district=district).order_by("code"))
        quality = {unit.pk: rng.uniform(0.25, 0.8) for unit in units}
        for year in range(first_year, today.year + 1):
            opens = date(year, 10, 1)
            if opens > today:
                continue
            evaluation_round = EvaluationRound.objects.create(
                district=district,
                scheme=scheme,
                name=f"{year}年{district.name}安全社区现场评定模拟",
                kind="expert",
                opens_on=opens,
                closes_on=date(year, 11, 15),
                created_by=admin,
            )
            evaluation_round.evaluators.set(evaluators)
            evaluations, grades = [], []
            for unit in units:
                if unit.joined_on and unit.joined_on > opens:
                    continue
                q = min(0.97, quality[unit.pk] + 0.03 * (year - first_year))
                given = {item.pk: (grade(q), grade(q), grade(q)) for item in items}
                with translation.override("zh-hans"):
                    score = evaluation_score(scheme, items, given)
                evaluations.append(
                    Evaluation(
                        round=evaluation_round,
                        unit=unit,
                        status="final",
                        total=score.total,
                        result=score.result,
                        result_reason=score.reason[:300],
                        finalised_at=datetime.combine(
                            min(today, opens + timedelta(days=rng.randrange(45))),
                            clock(8),
                            tzinfo=UTC,
                        ),
                        finalised_by=rng.choice(evaluators),
                    )
                )
                grades.append(given)
            Evaluation.objects.bulk_create(evaluations, batch_size=5000)
            ItemScore.objects.bulk_create(
                (
                    ItemScore(
                        evaluation=evaluation, item_id=item_id, presence=p, evidence=e, effect=f
                    )
                    for evaluation, given in zip(evaluations, grades, strict=True)
                    for item_id, (p, e, f) in given.items()
                ),
                batch_size=5000,
            )


# --- Ten million injury records -----------------------------------------------------------------

CAUSES = (
    (3,) * 38
    + (1,) * 14
    + (2,) * 9
    + (6,) * 10
    + (4,) * 9
    + (7,) * 4
    + (11,) * 5
    + (10,) * 2
    + (
        9,
        8,
    )
    + (13,) * 7
)  # bench/injuries.py's weights, as a list to draw from
SOURCES = ("hospital",) * 8 + ("traffic_police", "work_safety")
OTHER_PLACES = (1, 1, 2, 3, 4, 6, 7, 9)
OTHER_ACTIVITIES = (1, 2, 4, 5, 5, 6, 8)
NATURES = (1, 2, 3, 4, 4, 4, 6, 8)
BODY_PARTS = (1, 2, 3, 3, 4, 5)
SEVERITIES = (1, 1, 1, 2, 2, 3)
OUTCOMES = (1,) * 14 + (2, 3, 4, 4, 5)
INTENTS = (1,) * 18 + (2, 3)
SEXES = (1, 1, 1, 2, 2)


class RecordStream(io.TextIOBase):
    """`n` records as COPY text, made as PostgreSQL reads them (so the database writes one block
    while Python makes the next): the columns of `COLUMNS`, the derived fields as `derive`
    computes them, the units weighted, the dates spread evenly over ten years up to today,
    oldest first — as cards arrive month by month, so a month's records lie together in the
    table (loaded in random date order, each month's records were spread over every page of
    the table and the edge queries read 20,000–66,000 pages: see bench/README.md)."""

    COLUMNS = (
        "unit_id", "source", "reporting_org", "record_number", "injury_date", "visit_date",
        "sex", "age", "registration", "education", "occupation", "cause", "place", "activity",
        "intent", "alcohol", "nature", "body_part", "severity", "outcome", "diagnosis", "icd10",
        "narrative", "year", "month", "age_group", "age_band", "domain", "created_at",
        "updated_at",
    )  # fmt: skip

    def __init__(self, n: int, units: list[tuple[int, str]], seed: int = 7) -> None:
        from injuries import choices

        self.n, self.i, self.rng = n, 0, random.Random(seed)
        self.buffer = ""
        rng = self.rng
        # Each unit's share drawn once (0.3–1.7 of the mean), as a list of unit indexes.
        weights = [rng.uniform(0.3, 1.7) for _ in units]
        scale = 4000 / sum(weights)
        self.pick = [k for k, w in enumerate(weights) for _ in range(max(1, round(w * scale)))]
        self.units = [(pk, f"{name}医院") for pk, name in units]
        today = timezone.localdate()
        self.days = [today - timedelta(days=d) for d in range(3650)]
        self.day_text = [(d.isoformat(), d.year, d.month) for d in self.days]
        self.age_group = [choices.age_group_of(a) for a in range(100)]
        self.age_band = [str(choices.age_band_of(a)) for a in range(100)]
        self.domain_of = lru_cache(maxsize=None)(
            lambda cause, place, activity, age: str(
                choices.domain_of(cause=cause, place=place, activity=activity, age=age)
            )
        )
        self.now = timezone.now().isoformat()

    def readable(self) -> bool:
        return True

    def _lines(self, count: int) -> str:
        rng, rand, pick, units = self.rng, self.rng.random, self.pick, self.units
        out = []
        for i in range(self.i, min(self.n, self.i + count)):
            unit_id, org = units[pick[int(rand() * len(pick))]]
            cause = CAUSES[int(rand() * len(CAUSES))]
            traffic = cause in (1, 2)
            place = 5 if traffic else OTHER_PLACES[int(rand() * 8)]
            activity = 7 if traffic else OTHER_ACTIVITIES[int(rand() * 7)]
            age = min(int(rng.expovariate(1 / 38)), 99)
            day, year, month = self.day_text[3649 - i * 3650 // self.n]  # oldest first
            out.append(
                f"{unit_id}\t{SOURCES[int(rand() * 10)]}\t{org}\tC{i:08d}\t{day}\t{day}\t"
                f"{SEXES[int(rand() * 5)]}\t{age}\t{1 + int(rand() * 3)}\t{1 + int(rand() * 7)}\t"
                f"{1 + int(rand() * 12)}\t{cause}\t{place}\t{activity}\t"
                f"{INTENTS[int(rand() * 20)]}\t{1 + int(rand() * 3)}\t{NATURES[int(rand() * 8)]}\t"
                f"{BODY_PARTS[int(rand() * 6)]}\t{SEVERITIES[int(rand() * 6)]}\t"
                f"{OUTCOMES[int(rand() * 19)]}\t\t\t\t{year}\t{month}\t{self.age_group[age]}\t"
                f"{self.age_band[age]}\t{self.domain_of(cause, place, activity, age)}\t"
                f"{self.now}\t{self.now}\n"
            )
        self.i = min(self.n, self.i + count)
        return "".join(out)

    def read(self, size: int = -1) -> str:
        while (size < 0 or len(self.buffer) < size) and self.i < self.n:
            self.buffer += self._lines(2000)
            if self.i % 1_000_000 < 2000:
                print(f"  … {self.i:,} records streamed", flush=True)
        if size < 0:
            size = len(self.buffer)
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk


def drop_indexes() -> None:
    """Keep the record table's secondary indexes and unique constraint as PostgreSQL defines
    them (in a table of their own, so an interrupted build can restore them), then drop them."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {SAVED_INDEXES} (name text PRIMARY KEY, kind text,"
            " definition text)"
        )
        cursor.execute(
            f"""INSERT INTO {SAVED_INDEXES}
            SELECT conname, 'constraint', pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = '{RECORDS}'::regclass AND contype = 'u'
            UNION ALL
            SELECT c.relname, 'index', pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            WHERE i.indrelid = '{RECORDS}'::regclass AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
            ON CONFLICT (name) DO NOTHING"""
        )
        cursor.execute(f"SELECT name, kind FROM {SAVED_INDEXES}")
        for name, kind in cursor.fetchall():
            if kind == "constraint":
                cursor.execute(f'ALTER TABLE {RECORDS} DROP CONSTRAINT IF EXISTS "{name}"')
            else:
                cursor.execute(f'DROP INDEX IF EXISTS "{name}"')


def copy_records(n: int) -> None:
    """`n` records streamed into one COPY, every trigger of the table off (the rollup's and
    the foreign keys' checks: the units exist and no record has a batch)."""
    from programs.core.models import CreatingUnit

    units = list(CreatingUnit.objects.order_by("code").values_list("pk", "district__name"))
    columns = ", ".join(RecordStream.COLUMNS)
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {RECORDS} CASCADE")
        cursor.execute("TRUNCATE injuries_injuryrollup, injuries_injuryrollupyear")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(f"ALTER TABLE {RECORDS} DISABLE TRIGGER ALL")
        cursor.copy_expert(
            f"COPY {RECORDS} ({columns}) FROM STDIN", RecordStream(n, units), size=1 << 20
        )
        cursor.execute(f"ALTER TABLE {RECORDS} ENABLE TRIGGER ALL")
    print(f"  COPY of {n:,} records: {time.perf_counter() - t0:.0f} s", flush=True)


def build_indexes() -> None:
    """The dropped indexes and unique constraint built again, one at a time (PostgreSQL may
    use parallel workers for each)."""
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(f"SELECT name, kind, definition FROM {SAVED_INDEXES} ORDER BY name")
        for name, kind, definition in cursor.fetchall():
            t0 = time.perf_counter()
            if kind == "constraint":
                cursor.execute(f'ALTER TABLE {RECORDS} ADD CONSTRAINT "{name}" {definition}')
            else:
                cursor.execute(definition)
            print(f"  index {name}: {time.perf_counter() - t0:.0f} s", flush=True)
        cursor.execute(f"DROP TABLE {SAVED_INDEXES}")


def cluster_records() -> None:
    """Records in injury-date order in the table, as they arrive in production, when they are
    not already (a database built before the stream was ordered): CLUSTER on the date index."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT correlation FROM pg_stats WHERE tablename = %s AND attname = 'injury_date'",
            [RECORDS],
        )
        row = cursor.fetchone()
        if row is not None and row[0] is not None and abs(row[0]) > 0.9:
            return
        cursor.execute("SET maintenance_work_mem = '1GB'")
        cursor.execute(f"CLUSTER {RECORDS} USING injury_date_unit_idx")
        cursor.execute(f"ANALYZE {RECORDS}")


def fill_rollup() -> None:
    """The rollup counted from every record in one grouped INSERT … SELECT (what migration
    injuries/0006 does), then checked: the records' count at each of the four filter levels,
    and the count per unit and month, equal to the records'."""
    from injuries.models import rollup_sql
    from injuries.models.rollup import COLUMNS

    with connection.cursor() as cursor:
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("TRUNCATE injuries_injuryrollup, injuries_injuryrollupyear")
        t0 = time.perf_counter()
        cursor.execute(rollup_sql.fill("postgresql", list(COLUMNS)))
        cursor.execute(rollup_sql.fill_years("postgresql", list(COLUMNS)))
        print(f"  rollup filled: {time.perf_counter() - t0:.0f} s", flush=True)
        cursor.execute(f"SELECT count(*) FROM {RECORDS}")
        (records,) = cursor.fetchone()
        cursor.execute(
            "SELECT source = '', domain = '', sum(n) FROM injuries_injuryrollup GROUP BY 1, 2"
        )
        levels = cursor.fetchall()
        assert len(levels) == 4 and all(total == records for *_level, total in levels), (
            records,
            levels,
        )
        for table, grain, of_record in (
            ("injuries_injuryrollup", "month", "date_trunc('month', injury_date)::date"),
            ("injuries_injuryrollupyear", "year", "year"),
        ):
            cursor.execute(
                f"""SELECT count(*) FROM (
                    SELECT unit_id, {of_record} AS {grain}, count(*) AS n FROM {RECORDS}
                    GROUP BY 1, 2
                ) r FULL JOIN (
                    SELECT unit_id, {grain}, n FROM {table} WHERE source = '' AND domain = ''
                ) u USING (unit_id, {grain})
                WHERE r.n IS DISTINCT FROM u.n"""
            )
            (differ,) = cursor.fetchone()
            assert differ == 0, f"{differ} unit-{grain}s differ between the rollup and the records"
        print(
            f"  rollup checked: {records:,} records at each of the 4 levels; every unit and month,"
            " every unit and year equal",
            flush=True,
        )


def vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def build(records: int) -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    done = steps_done()
    rng = random.Random(2026)
    step("districts and units", done, build_districts)
    step("phases and milestones", done, lambda: build_units(rng))
    step("users", done, build_users)
    step("titles", done, lambda: build_titles(rng))
    step("monthly reports", done, lambda: build_reports(rng, YEARS))
    step("activities", done, lambda: build_activities(rng))
    step("evaluations", done, lambda: build_evaluations(rng))
    step(f"drop record indexes ({records:,})", done, drop_indexes)
    step(f"copy {records:,} records", done, lambda: copy_records(records))
    step(f"build record indexes ({records:,})", done, build_indexes)
    step(f"fill the rollup ({records:,})", done, fill_rollup)
    step(f"vacuum analyze ({records:,})", done, vacuum)
    step(f"records in date order ({records:,})", done, cluster_records)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=10_000_000)
    parser.add_argument("--rounds", type=int, default=11, help="rounds of page and floor")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE slow queries")
    parser.add_argument(
        "--pages",
        nargs="+",
        metavar="NAME",
        help="only the pages whose label holds one of these names ('api': the cursor pages)",
    )
    args = parser.parse_args()
    name = database_name()
    database_create(name)
    load = os.getloadavg()
    print(
        f"database: {name}; {os.cpu_count()} cores; load average"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f};"
        f" {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        flush=True,
    )
    t0 = time.perf_counter()
    build(args.records)
    print(f"build: {time.perf_counter() - t0:.0f} s", flush=True)
    if args.build_only:
        return
    from bench.city_measure import run

    run(args)


if __name__ == "__main__":
    main()
