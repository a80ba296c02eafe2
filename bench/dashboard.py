"""Benchmark: the district dashboard at 400 units, 10 years of history and 1,000,000 injuries.

    DATABASE_URL=postgres://… .venv/bin/python bench/dashboard.py [--keepdb] [--explain]
        [--units 400] [--years 10] [--records 1000000] [--repeat 5]
    .venv/bin/python bench/dashboard.py --units 50 --years 2 --records 10000    # SQLite, quick

Builds a throw-away test database (kept with `--keepdb`; a rerun with the same sizes reuses it,
other sizes rebuild it) and fills it with bulk_create, without per-row history:

- the district's reference data (38 units), grown to `--units` with synthetic units; the units
  spread over the programme's four phases, their milestones synced and settled (earlier phases
  accepted, the current one part way, later ones not started);
- titles: held municipal, national and international titles, some expiring within 90 days,
  expired ones (some renewed), and open applications;
- a monthly report per unit and month for `--years` years (mostly approved, some late, returned
  or draft, some missing; this month's drafts), the programme starting `--years` years ago;
- the activity log: a creation work meeting in most quarters, committee meetings, trainings,
  publicity, drills and hazard inspections — a few per unit per quarter;
- a national on-site evaluation round per year with a final evaluation of every unit (50 item
  grades each; total and result computed by the scheme's rules), and this year's self-assessment
  round still being scored;
- `--records` injury records over ten years (`bench/injuries.py`'s loader).

Then times pages through Django's test client (no network; server time only; templates
rendered as in production unless `--test-templates`): the dashboard as
district staff, with a phase filter, the admin index, a unit's print summary and its unit page —
median and minimum over `--repeat` requests after a warm-up, the query count of one request and
its slowest query; then the job of the dashboard's xlsx export, with and without the filter (its
function as a worker runs it, `--repeat` times). `--explain` prints PostgreSQL's EXPLAIN ANALYZE
of each page's slowest query.

On PostgreSQL, the dashboard (unfiltered and filtered) is then timed against its floor: the
page's exact SQL — every statement one request sends, as psycopg2 sent it — replayed on a
connection of its own with every row fetched, the request and the replay alternating
(`--floor-rounds` of each, which goes first swapping every round). It prints both medians,
their ratio and the target (≤ 2 × floor + 30 ms), then where the request's time goes: the SQL as
Django runs it, the rows built (`dashboard_for`, its SQL included) and the rest (the template,
the other panels, middleware). The load average before and after tells how busy the machine was.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from bench.injuries import load_records  # noqa: E402
from bench.timing import StatusError, measure, measure_job  # noqa: E402

SCHEME = "national-onsite"
PHASE_WEIGHTS = (25, 35, 25, 15)  # share of units in phases 1–4
BATCH = 5000


def years_ago(day: date, years: int) -> date:
    return day.replace(year=day.year - years, day=1)


# --- Building -----------------------------------------------------------------------------------


def build_units(rng: random.Random, n_units: int, years: int) -> None:
    """Grow to `n_units`, spread the units over the phases and settle their milestones."""
    from programs.core.models import CreatingUnit, Phase, Program
    from programs.models import UnitMilestone
    from programs.progress.services import unit_milestones_sync

    today = timezone.localdate()
    program = Program.objects.get()
    start = years_ago(today, years)
    Program.objects.filter(pk=program.pk).update(start_date=start)
    existing = CreatingUnit.objects.count()
    CreatingUnit.objects.bulk_create(
        CreatingUnit(
            program=program,
            code=f"B{i:04d}",
            name=f"合成单位{i:04d}",
            kind=rng.choice(("town", "street", "zone")),
            population=rng.randrange(8_000, 120_000),
            population_year=today.year - 1,
            batch=2,
        )
        for i in range(existing, n_units)
    )
    phases = list(Phase.objects.filter(program=program).order_by("order"))
    units = list(CreatingUnit.objects.order_by("code"))
    for unit in units:
        unit.current_phase = rng.choices(phases, PHASE_WEIGHTS)[0]
        # Most units joined when the programme began; a few in the last two years.
        unit.joined_on = (
            start if rng.random() < 0.97 else today - timedelta(days=rng.randrange(30, 730))
        )
    CreatingUnit.objects.bulk_update(units, ["current_phase", "joined_on"], batch_size=BATCH)
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
    UnitMilestone.objects.bulk_update(rows, ["status", "status_changed_at"], batch_size=BATCH)


def build_titles(rng: random.Random) -> None:
    """Titles by phase: units applying for certification hold open applications; units in the
    last phase hold the municipal title (some expiring soon, some lapsed and renewed), some the
    national one, a few the international one."""
    from programs.core.models import CreatingUnit
    from programs.models import Certification

    today = timezone.localdate()
    years = {"municipal": 3, "national": 5, "international": 5}

    def named(unit, level: str, named_on: date, **extra) -> Certification:
        return Certification(
            unit=unit,
            level=level,
            status="named",
            applied_on=named_on - timedelta(days=rng.randrange(90, 240)),
            named_on=named_on,
            valid_until=named_on.replace(year=named_on.year + years[level], day=1),
            certificate_number=f"{level[:3].upper()}-{unit.code}-{named_on:%Y}",
            **extra,
        )

    titles = []
    for unit in CreatingUnit.objects.select_related("current_phase"):
        phase = unit.current_phase.order
        if phase == 3:
            titles.append(
                Certification(
                    unit=unit,
                    level="municipal",
                    status=rng.choice(("applied", "review", "onsite", "rectify")),
                    applied_on=today - timedelta(days=rng.randrange(20, 300)),
                )
            )
        if phase < 4:
            continue
        kind = rng.random()
        if kind < 0.15:  # expiring within 90 days
            valid_until = today + timedelta(days=rng.randrange(3, 90))
            title = named(unit, "municipal", valid_until - timedelta(days=3 * 365))
            title.valid_until = valid_until
            titles.append(title)
        elif kind < 0.35:  # lapsed; half of them renewed since
            first = today.replace(year=today.year - 4 - rng.randrange(3), day=1)
            lapsed = named(unit, "municipal", first)
            lapsed.status = "expired"
            titles.append(lapsed)
            if rng.random() < 0.5:
                renewed = today - timedelta(days=rng.randrange(100, 900))
                titles.append(named(unit, "municipal", renewed))
        else:
            titles.append(
                named(unit, "municipal", today - timedelta(days=rng.randrange(100, 1000)))
            )
        if rng.random() < 0.4:
            titles.append(named(unit, "national", today - timedelta(days=rng.randrange(30, 1800))))
            if rng.random() < 0.3:
                titles.append(
                    named(unit, "international", today - timedelta(days=rng.randrange(30, 700)))
                )
    Certification.objects.bulk_create(titles, batch_size=BATCH)


def build_reports(rng: random.Random, years: int) -> None:
    """A report per unit and month since the unit joined: each unit has its own reliability;
    the last two months are still under review; this month has some drafts."""
    from programs.core.models import CreatingUnit
    from programs.models import MonthlyReport
    from programs.reports.selectors.completeness import expected_from
    from safecommunity.calendar import Month, due_date

    today = timezone.localdate()
    months = Month.last_months(12 * years)
    review_from = months[-2]
    rows = []
    for unit in CreatingUnit.objects.select_related("program"):
        first = expected_from(unit)
        reliability = rng.uniform(0.6, 1.0)
        for period in months:
            if period < first:
                continue
            draw = rng.random()
            if draw > 0.95 + 0.05 * reliability:
                continue  # missing: up to one month in 50
            due = due_date(period, 5)
            late = draw > reliability
            day = (
                due + timedelta(days=rng.randrange(1, 20))
                if late
                else due - timedelta(days=rng.randrange(0, 5))
            )
            at = datetime.combine(day, clock(2), tzinfo=UTC)  # 10:00 in Beijing
            status, reason = "approved", ""
            if period >= review_from:
                status = rng.choice(("submitted", "submitted", "approved", "draft"))
            elif rng.random() < 0.01:
                status, reason = "returned", "请补充活动记录后重新提交"
            submitted = None if status == "draft" else at
            rows.append(
                MonthlyReport(
                    unit=unit,
                    period=period,
                    status=status,
                    work_done="开展安全检查和宣传培训。",
                    first_submitted_at=submitted,
                    submitted_at=submitted,
                    reviewed_at=at + timedelta(days=2) if status == "approved" else None,
                    approved_once=status == "approved",
                    return_reason=reason,
                )
            )
        if rng.random() < 0.3:
            rows.append(MonthlyReport(unit=unit, period=today.replace(day=1)))
    MonthlyReport.objects.bulk_create(rows, batch_size=BATCH)


ACTIVITY_KINDS = (
    ("training", "安全知识培训", 0.9),
    ("publicity", "安全宣传活动", 0.8),
    ("drill", "应急疏散演练", 0.4),
    ("hazard_inspection", "安全隐患排查", 0.8),
    ("committee_meeting", "安全社区建设委员会会议", 0.3),
)


def build_activities(rng: random.Random) -> None:
    """A creation work meeting in most quarters (never in the future) and a few other
    activities per quarter, from the quarter the unit joined in."""
    from programs.core.models import CreatingUnit
    from safecommunity.calendar import Quarter
    from workgroups.models import Activity
    from workgroups.selectors import record_start

    today = timezone.localdate()
    rows = []

    def on(quarter) -> date:
        last = min(quarter.end, today)
        return quarter.start + timedelta(days=rng.randrange((last - quarter.start).days + 1))

    for unit in CreatingUnit.objects.select_related("program"):
        for quarter in Quarter.between(record_start(unit), today):
            if rng.random() < 0.85:
                rows.append(
                    Activity(
                        unit=unit,
                        kind="creation_meeting",
                        date=on(quarter),
                        title=f"{quarter.year}年第{quarter.number}季度安全社区创建工作推进会",
                        participants=rng.randrange(12, 40),
                    )
                )
            for kind, title, chance in ACTIVITY_KINDS:
                if rng.random() >= chance:
                    continue
                found = rng.randrange(0, 30) if kind == "hazard_inspection" else None
                rows.append(
                    Activity(
                        unit=unit,
                        kind=kind,
                        date=on(quarter),
                        title=title,
                        participants=rng.randrange(10, 300),
                        hazards_found=found,
                        hazards_rectified=None if found is None else rng.randrange(found + 1),
                    )
                )
    Activity.objects.bulk_create(rows, batch_size=BATCH)


def build_evaluations(rng: random.Random, years: int) -> None:
    """A national on-site round in October of each year with every unit's final evaluation
    (grades drawn from a quality that grows over the years), and this year's self-assessment
    round, still being scored, for a tenth of the units."""
    from programs.core.models import CreatingUnit, User
    from programs.evaluations.selectors import evaluation_score
    from programs.models import Evaluation, EvaluationRound, EvaluationScheme, ItemScore, SchemeItem

    today = timezone.localdate()
    scheme = EvaluationScheme.objects.get(code=SCHEME)
    items = list(SchemeItem.objects.filter(element__scheme=scheme).select_related("element"))
    district = User.objects.get(username="bench-district")
    evaluators = [
        User.objects.create(username=f"bench-evaluator-{n}", role="evaluator") for n in range(3)
    ]
    units = list(CreatingUnit.objects.order_by("code"))
    quality = {unit.pk: rng.uniform(0.25, 0.8) for unit in units}

    def grade(q: float) -> str:
        draw = rng.random()
        return "a" if draw < q - 0.15 else "b" if draw < q + 0.2 else "c" if draw < 0.995 else "d"

    first_year = today.year - years + 1
    for year in range(first_year, today.year + 1):
        opens = date(year, 10, 1)
        if opens > today:
            continue
        evaluation_round = EvaluationRound.objects.create(
            scheme=scheme,
            name=f"{year}年全国安全社区现场评定模拟",
            kind="expert",
            opens_on=opens,
            closes_on=date(year, 11, 15),
            created_by=district,
        )
        evaluation_round.evaluators.set(evaluators)
        evaluations, grades = [], []
        for unit in units:
            if unit.joined_on and unit.joined_on > opens:
                continue
            q = min(0.97, quality[unit.pk] + 0.03 * (year - first_year))
            given = {item.pk: (grade(q), grade(q), grade(q)) for item in items}
            if rng.random() < 0.05:  # an item missed entirely: the unit fails whatever its total
                given[rng.choice(items).pk] = ("d", "d", "d")
            with translation.override("zh-hans"):
                score = evaluation_score(scheme, items, given)
                reason = score.reason[:300]
            finalised = datetime.combine(
                min(today, opens + timedelta(days=rng.randrange(45))), clock(8), tzinfo=UTC
            )
            evaluations.append(
                Evaluation(
                    round=evaluation_round,
                    unit=unit,
                    status="final",
                    total=score.total,
                    result=score.result,
                    result_reason=reason,
                    finalised_at=finalised,
                    finalised_by=rng.choice(evaluators),
                )
            )
            grades.append(given)
        Evaluation.objects.bulk_create(evaluations, batch_size=BATCH)
        ItemScore.objects.bulk_create(
            (
                ItemScore(
                    evaluation=evaluation,
                    item_id=item_id,
                    presence=p,
                    evidence=e,
                    effect=f,
                )
                for evaluation, given in zip(evaluations, grades, strict=True)
                for item_id, (p, e, f) in given.items()
            ),
            batch_size=BATCH,
        )
    drafts = EvaluationRound.objects.create(
        scheme=scheme,
        name=f"{today.year}年自评",
        kind="self",
        opens_on=today.replace(day=1),
        closes_on=today + timedelta(days=30),
        created_by=district,
    )
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(round=drafts, unit=unit) for unit in units[:: max(1, len(units) // 40)]
    )
    ItemScore.objects.bulk_create(
        (ItemScore(evaluation=e, item=item) for e in evaluations for item in items),
        batch_size=BATCH,
    )


def build(n_units: int, years: int, records: int) -> None:
    from programs.core.models import User

    rng = random.Random(2026)
    User.objects.create(username="bench-district", role="district", last_name="王", first_name="芳")
    User.objects.create_superuser("bench-admin", "admin@example.com", "bench-pass-2026")
    steps = (
        ("units and milestones", lambda: build_units(rng, n_units, years)),
        ("titles", lambda: build_titles(rng)),
        ("monthly reports", lambda: build_reports(rng, years)),
        ("activities", lambda: build_activities(rng)),
        ("evaluations", lambda: build_evaluations(rng, years)),
        ("injury records", lambda: records and load_records(records)),
    )
    for label, step in steps:
        t0 = time.perf_counter()
        step()
        print(f"built {label} in {time.perf_counter() - t0:.1f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def sizes() -> dict[str, int]:
    from injuries.models import InjuryRecord
    from programs.core.models import CreatingUnit
    from programs.models import (
        Certification,
        Evaluation,
        EvaluationRound,
        ItemScore,
        MonthlyReport,
        UnitMilestone,
    )
    from workgroups.models import Activity

    models = {
        "units": CreatingUnit,
        "unit milestones": UnitMilestone,
        "titles": Certification,
        "monthly reports": MonthlyReport,
        "activities": Activity,
        "evaluation rounds": EvaluationRound,
        "evaluations": Evaluation,
        "item scores": ItemScore,
        "injury records": InjuryRecord,
    }
    return {label: model.objects.count() for label, model in models.items()}


def is_built(n_units: int, years: int, records: int) -> bool:
    """Whether a kept database holds this very benchmark's data."""
    from injuries.models import InjuryRecord
    from programs.core.models import CreatingUnit, Program, User

    program = Program.objects.first()
    return (
        program is not None
        and User.objects.filter(username="bench-district").exists()
        and CreatingUnit.objects.count() == n_units
        and program.start_date == years_ago(timezone.localdate(), years)
        and InjuryRecord.objects.count() == records
    )


# --- Measuring ----------------------------------------------------------------------------------


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return "\n".join(row[0] for row in cursor.fetchall())


def pages(unit_code: str, phase_filter: str) -> list[tuple[str, str, str]]:
    """(label, who, URL) of the pages timed."""
    return [
        ("dashboard", "district", "/dashboard/"),
        (f"dashboard ?{phase_filter}", "district", f"/dashboard/?{phase_filter}"),
        ("admin index", "admin", "/admin/"),
        (f"unit summary {unit_code}", "district", f"/units/{unit_code}/summary/"),
        (f"unit page {unit_code}", "district", f"/units/{unit_code}/"),
    ]


def exports(phase_filter: str) -> list[tuple[str, str, dict]]:
    """(label, who, the job's query) of the exports timed: their jobs, as a worker runs them."""
    phase = dict(part.split("=") for part in phase_filter.split("&"))
    return [
        ("dashboard export job", "district", {}),
        (f"dashboard export job ?{phase_filter}", "district", {k: [v] for k, v in phase.items()}),
    ]


# --- Against the floor --------------------------------------------------------------------------


@contextmanager
def sql_clock(into: list[float]):
    """Add the time Django spends executing statements (as the driver runs them) to `into`."""

    def timed(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            into.append((time.perf_counter() - t0) * 1000)

    with connection.execute_wrapper(timed):
        yield


# A query read through a server-side cursor (`.iterator()`, as a form's choices are) is logged
# as the cursor's declaration; the floor runs its SELECT and fetches the rows.
DECLARE = re.compile(r'^DECLARE "[^"]+" (?:NO SCROLL )?CURSOR (?:WITH|WITHOUT) HOLD FOR ')


def page_statements(client: Client, url: str) -> list[str]:
    """Every statement one request of `url` sends, as the driver sent it (parameters bound)."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [DECLARE.sub("", query["sql"]) for query in captured.captured_queries]


def raw_connection():
    """A psycopg2 connection of its own to the benchmark's database, in UTC as Django's is."""
    import psycopg2

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    raw = psycopg2.connect(**params)
    raw.autocommit = True
    with raw.cursor() as cursor:
        cursor.execute("SET TIME ZONE 'UTC'")
    return raw


def replay(raw, statements: list[str]) -> float:
    """Run `statements` on `raw`, fetching every row; milliseconds."""
    t0 = time.perf_counter()
    with raw.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
    return (time.perf_counter() - t0) * 1000


def against_floor(client: Client, user, url: str, rounds: int) -> None:
    """The page's server time and its floor, alternately; then where the request's time goes."""
    from programs.overview.selectors.dashboard import dashboard_for

    statements = page_statements(client, url)  # also the warm-up
    raw = raw_connection()
    try:
        replay(raw, statements)  # warm-up
        pages, floors = [], []
        for n in range(rounds):
            order = ("page", "floor") if n % 2 == 0 else ("floor", "page")
            for side in order:
                if side == "floor":
                    floors.append(replay(raw, statements))
                else:
                    t0 = time.perf_counter()
                    client.get(url)
                    pages.append((time.perf_counter() - t0) * 1000)
    finally:
        raw.close()
    page, floor = statistics.median(pages), statistics.median(floors)
    target = 2 * floor + 30
    print(
        f"{url:<28} page {page:>6.0f} ms (min {min(pages):.0f})  floor {floor:>5.0f} ms"
        f" (min {min(floors):.0f}, {len(statements)} statements)  page/floor {page / floor:.2f}"
        f"  target 2 x floor + 30 = {target:.0f} ms: {'met' if page <= target else 'NOT met'}",
        flush=True,
    )
    # Where the time goes, medians over `rounds`: the request's SQL as Django runs it, and the
    # rows built by the selector the page and the export share (SQL included).
    query = QueryDict(url.partition("?")[2])
    request_sql, build, build_sql = [], [], []
    for _ in range(rounds):
        spent: list[float] = []
        with sql_clock(spent):
            client.get(url)
        request_sql.append(sum(spent))
        spent = []
        with sql_clock(spent):
            t0 = time.perf_counter()
            dashboard_for(user, query)
            build.append((time.perf_counter() - t0) * 1000)
        build_sql.append(sum(spent))
    sql_ms, build_ms = statistics.median(request_sql), statistics.median(build)
    build_python = build_ms - statistics.median(build_sql)
    print(
        f"{'':<28} the request's SQL through Django {sql_ms:.0f} ms; rows built (dashboard_for)"
        f" {build_ms:.0f} ms, of which Python {build_python:.0f} ms; the rest (template, other"
        f" panels, middleware) about {page - sql_ms - build_python:.0f} ms",
        flush=True,
    )


def run(args: argparse.Namespace) -> None:
    from programs.core.models import CreatingUnit, Phase, User

    clients = {}
    for who, username in (("district", "bench-district"), ("admin", "bench-admin")):
        clients[who] = Client()
        clients[who].force_login(User.objects.get(username=username))
    unit = CreatingUnit.objects.filter(current_phase__order=4).order_by("code").first()
    phase = Phase.objects.get(order=2)
    phase_filter = args.filter.format(phase=phase.pk, order=phase.order)
    data = sizes()
    print(
        f"database: {connection.vendor}; {args.repeat} requests each after a warm-up;"
        f" load average {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} cores"
    )
    print("data: " + ", ".join(f"{label} {count:,}" for label, count in data.items()))
    header = f"{'page':<36} {'median ms':>10} {'min ms':>8} {'queries':>8} {'SQL ms':>8} {'KB':>6}"
    print(header)
    slowest = []
    for label, who, url in pages(unit.code, phase_filter):
        try:
            t = measure(clients[who], url, repeat=args.repeat)
        except StatusError as error:
            if not error.warm_up:
                raise
            print(f"{label:<36} HTTP {error.status} (not measured)")
            continue
        print(
            f"{label:<36} {t.median_ms:>10.0f} {t.min_ms:>8.0f} {t.queries:>8}"
            f" {t.sql_ms:>8.0f} {t.size_bytes // 1024:>6}",
            flush=True,
        )
        if t.slowest:
            slowest.append((label, *t.slowest[0]))
    from programs.overview.jobs import export_dashboard

    for label, who, query in exports(phase_filter):
        user = User.objects.get(username=f"bench-{who}")
        j = measure_job(export_dashboard, user, {"query": query}, repeat=args.repeat)
        print(
            f"{label:<36} {j.median_ms:>10.0f} {j.min_ms:>8.0f} {j.queries:>8}"
            f" {j.sql_ms:>8.0f} {j.size_bytes // 1024:>6}",
            flush=True,
        )
    if connection.vendor == "postgresql":
        print(f"\nthe dashboard against its floor ({args.floor_rounds} rounds, alternating):")
        district = User.objects.get(username="bench-district")
        for url in ("/dashboard/", f"/dashboard/?{phase_filter}"):
            against_floor(clients["district"], district, url, args.floor_rounds)
    print(f"load average {' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print("\nslowest query of each page:")
    explained = set()
    for label, ms, raw_sql in slowest:
        sql = " ".join(raw_sql.split())
        print(f"- {label}: {ms:.0f} ms  {sql[: args.sql_chars]}")
        # The same statement (give or take a filter) is explained once; quick ones not at all.
        quick_or_seen = ms < 20 or sql[:200] in explained
        if args.explain and connection.vendor == "postgresql" and not quick_or_seen:
            explained.add(sql[:200])
            print(explain(raw_sql))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=400)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--filter",
        default="phase={phase}",
        help="the dashboard's phase filter as a query string; {phase} is phase 2's id, "
        "{order} its number (default: %(default)s)",
    )
    parser.add_argument(
        "--explain", action="store_true", help="EXPLAIN ANALYZE each page's slowest query (PG)"
    )
    parser.add_argument(
        "--floor-rounds", type=int, default=15, help="rounds of page and floor, alternating"
    )
    parser.add_argument(
        "--test-templates",
        action="store_true",
        help="render templates as the test suite does (each template's context copied for the"
        " test client): slower than production, the figures before 2026-12-06",
    )
    parser.add_argument("--sql-chars", type=int, default=300, help="how much of a query to print")
    parser.add_argument(
        "--keepdb", action="store_true", help="keep the test database (and its data) for reruns"
    )
    args = parser.parse_args()
    if args.units < 38:
        parser.error("--units: at least the district's 38")
    if args.test_templates:
        setup_test_environment()
    # Otherwise templates render as in production: the test settings already allow any host and
    # keep e-mail in memory; the test client needs nothing more.
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, serialize=False, keepdb=args.keepdb)
    try:
        from programs.core.models import CreatingUnit
        from programs.setup import reference_data_load

        if not (args.keepdb and is_built(args.units, args.years, args.records)):
            if args.keepdb and CreatingUnit.objects.exists():  # kept data of other sizes
                connection.creation.destroy_test_db(old_name, verbosity=0)
                connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            t0 = time.perf_counter()
            reference_data_load()
            build(args.units, args.years, args.records)
            print(f"built everything in {time.perf_counter() - t0:.0f} s", flush=True)
        run(args)
    finally:
        if not args.keepdb:
            connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
