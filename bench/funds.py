"""Benchmark: the creation funds at the city's scale — 400 units × 10 years, 200 expenditures a
unit-year (800,000), a budget line per unit, year, category and source, ~10 disbursements a
unit-year — `/funds/` and a unit's ledger beside their floor, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_funds .venv/bin/python bench/funds.py \
        [--rounds 11] [--build-only] [--explain]

The database DATABASE_URL names (its name must start with "bench") is created when missing,
migrated, built once and kept (`bench_city_steps` remembers each finished step, as
`bench/city.py` does; a rerun only measures):

- the districts and units: `bench/city.py`'s builder — 顺义区 from the reference data, the other
  15 of Beijing's districts by `district_add`, economic zones up to **400 units** — and the fund
  sources and categories of the reference data;
- users: district staff and finance staff of the district whose unit count is nearest 25, and
  the city office;
- the funds of ten years, the last ones closed: for each unit and year a budget line per
  category and source (the city transfer's lines funded 5:5, 4:6 or 8:2), ~10 disbursements
  (most paid with their voucher, date and payee; some requested, approved, returned, one in
  twenty beyond the budget with an override), 200 expenditures spread over the year (this
  year's up to today), each unit ahead of or behind the straight line by a pace of its own.
  Budget lines and disbursements by `bulk_create` in batches of 5,000; the expenditures
  streamed into one COPY (the table's triggers — its foreign keys' checks — off; the rows are
  made valid); history rows are not written (a bulk load, as `bench/dashboard.py`'s);
  VACUUM ANALYZE after.

Then each page for district staff (a 25-unit district) and for the city office (every district's
400 units) through Django's test client in this process — server time, production settings
(`DEBUG=0`, templates as in production, the connection kept as production's `CONN_MAX_AGE`,
the process settled as a server's worker: `safecommunity.wsgi.settle`) — beside its floor: the
page's exact SQL, every statement one request sends as psycopg2 sent it, replayed on a
connection of its own with every row fetched; page and floor alternate, `--rounds` of each,
medians (`bench/city_measure.py`'s `alternate`). Target: ≤ 2 × floor + 30 ms. The pages:
`/funds/?year=…` (last year, a whole year) and the ledger of one unit-year (200 expenditures,
its disbursements). The load average before and after tells how busy the machine was.
Figures: bench/README.md ("Creation funds").
"""

from __future__ import annotations

import argparse
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safecommunity.settings_test")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.city import build_districts, database_create, database_name, step, steps_done  # noqa: E402

YEARS = 10
SPENDING = 200  # expenditures a unit-year
DISBURSEMENTS = 10  # about, a unit-year
BATCH = 5000
EXPENDITURES = "programs_expenditure"
DISTRICT_USER, FINANCE_USER, CITY_USER = "bench-district", "bench-finance", "bench-city"
RATIOS = ((5, 5), (4, 6), (8, 2))
DESCRIPTIONS = (
    "宣传折页印制",
    "安全培训讲师劳务费",
    "消防器材采购",
    "防跌倒扶手安装",
    "伤害监测数据录入服务",
    "评估认证专家费",
    "应急演练物资",
    "志愿者保险",
)


def first_year() -> int:
    return timezone.localdate().year - YEARS + 1


def measured_district():
    """The district whose unit count is nearest 25 (its code breaks a tie)."""
    from django.db.models import Count

    from programs.core.models import District

    districts = District.objects.annotate(n_units=Count("units")).order_by("code")
    return min(districts, key=lambda district: (abs(district.n_units - 25), district.code))


def build_users() -> None:
    from programs.core.models import User

    district = measured_district()
    for username, role in ((DISTRICT_USER, "district"), (FINANCE_USER, "finance")):
        User.objects.create(
            username=username, role=role, district=district, last_name="王", first_name="芳"
        )
    User.objects.create(username=CITY_USER, role="city", last_name="李", first_name="明")


def pace_of(rng: random.Random) -> float:
    """A unit's pace: each day drawn as the year's span × u ** pace (u uniform), so its
    cumulative spending is t ** (1 / pace) of the year's — under 1 behind the straight line,
    over 1 ahead of it."""
    return rng.choice((0.7, 0.85, 1.0, 1.0, 1.2, 1.5))


def spending_days(rng: random.Random, year: int, pace: float, today: date, n: int) -> list[date]:
    """`n` days of `year` drawn along the unit's pace (this year's up to today)."""
    start = date(year, 1, 1)
    last = min(date(year, 12, 31), today)
    span = (last - start).days
    return sorted(start + timedelta(days=int(span * rng.random() ** pace)) for _ in range(n))


def build_budgets(rng: random.Random) -> None:
    """A line per unit, year, category and source; the city transfer's lines funded by two
    levels at a ratio of the seed's."""
    from programs.core.models import CreatingUnit
    from programs.funds.models import BudgetLine, FundCategory, FundSource

    categories = list(FundCategory.objects.order_by("order"))
    sources = list(FundSource.objects.order_by("order"))
    lines = []
    for unit in CreatingUnit.objects.order_by("code"):
        for year in range(first_year(), first_year() + YEARS):
            for category in categories:
                for source in sources:
                    two_levels = source.code == "city_transfer"
                    city, district = rng.choice(RATIOS) if two_levels else (None, None)
                    lines.append(
                        BudgetLine(
                            unit=unit,
                            year=year,
                            category=category,
                            source=source,
                            amount_fen=rng.randrange(20_000, 400_000) * 100,
                            city_ratio=city,
                            district_ratio=district,
                        )
                    )
        if len(lines) >= BATCH:
            BudgetLine.objects.bulk_create(lines, batch_size=BATCH)
            lines = []
    BudgetLine.objects.bulk_create(lines, batch_size=BATCH)


def build_disbursements(rng: random.Random) -> None:
    """~10 a unit-year: most paid (voucher, date, payee), some requested, approved or returned,
    one in twenty beyond the budget with its override; vouchers unique in the district's year."""
    from programs.core.models import CreatingUnit
    from programs.funds.models import Disbursement, FundCategory, FundSource

    categories = list(FundCategory.objects.order_by("order"))
    sources = list(FundSource.objects.order_by("order"))
    today = timezone.localdate()
    now = timezone.now()
    rows = []
    for unit in CreatingUnit.objects.order_by("code"):
        for year in range(first_year(), first_year() + YEARS):
            for n in range(rng.randint(DISBURSEMENTS - 2, DISBURSEMENTS + 2)):
                day = min(date(year, 1, 1) + timedelta(days=rng.randrange(365)), today)
                open_year = year == today.year
                status = rng.choice(
                    ("paid",) * 6 + (("requested", "approved") if open_year else ()) + ("returned",)
                )
                override = rng.random() < 0.05
                paid = status == "paid"
                rows.append(
                    Disbursement(
                        unit=unit,
                        district_id=unit.district_id,
                        year=year,
                        category=rng.choice(categories),
                        source=rng.choice(sources),
                        amount_fen=rng.randrange(10_000, 300_000) * 100,
                        purpose="创建工作经费拨付",
                        status=status,
                        voucher_number=f"BF{year}-{unit.pk:04d}-{n:02d}" if paid else "",
                        paid_on=day if paid else None,
                        payee=unit.name if paid else "",
                        override=override,
                        override_reason="上级专项追加，经区安委办同意" if override else "",
                        return_reason="用途与预算科目不符" if status == "returned" else "",
                        requested_at=now,
                        status_changed_at=None if status == "requested" else now,
                    )
                )
        if len(rows) >= BATCH:
            Disbursement.objects.bulk_create(rows, batch_size=BATCH)
            rows = []
    Disbursement.objects.bulk_create(rows, batch_size=BATCH)


class SpendingStream(io.TextIOBase):
    """The expenditures as COPY text, made as PostgreSQL reads them: for each unit and year
    `SPENDING` rows along the unit's pace, a category and source each, unique vouchers."""

    COLUMNS = (
        "unit_id", "district_id", "year", "category_id", "source_id", "amount_fen",
        "voucher_number", "spent_on", "description", "updated_at",
    )  # fmt: skip

    def __init__(self, units, categories, sources, rng: random.Random) -> None:
        self.rng, self.buffer = rng, ""
        self.units, self.categories, self.sources = units, categories, sources
        self.today = timezone.localdate()
        self.now = timezone.now().isoformat()
        self.work = iter(
            (unit, district, year)
            for unit, district in units
            for year in range(first_year(), first_year() + YEARS)
        )
        self.pace = {unit: pace_of(rng) for unit, _district in units}
        self.done = 0

    def readable(self) -> bool:
        return True

    def _rows(self) -> str | None:
        item = next(self.work, None)
        if item is None:
            return None
        unit, district, year = item
        rng, out = self.rng, []
        for n, day in enumerate(spending_days(rng, year, self.pace[unit], self.today, SPENDING)):
            out.append(
                f"{unit}\t{district}\t{year}\t{rng.choice(self.categories)}\t"
                f"{rng.choice(self.sources)}\t{rng.randrange(500, 80_000) * 10}\t"
                f"ZC{year}-{unit:04d}-{n:03d}\t{day.isoformat()}\t"
                f"{DESCRIPTIONS[n % len(DESCRIPTIONS)]}\t{self.now}\n"
            )
        self.done += 1
        if self.done % 400 == 0:
            print(f"  … {self.done * SPENDING:,} expenditures streamed", flush=True)
        return "".join(out)

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self.buffer) < size:
            rows = self._rows()
            if rows is None:
                break
            self.buffer += rows
        if size < 0:
            size = len(self.buffer)
        chunk, self.buffer = self.buffer[:size], self.buffer[size:]
        return chunk


def copy_spending(rng: random.Random) -> None:
    from programs.core.models import CreatingUnit
    from programs.funds.models import FundCategory, FundSource

    units = list(CreatingUnit.objects.order_by("code").values_list("pk", "district_id"))
    categories = list(FundCategory.objects.values_list("pk", flat=True))
    sources = list(FundSource.objects.values_list("pk", flat=True))
    stream = SpendingStream(units, categories, sources, rng)
    columns = ", ".join(SpendingStream.COLUMNS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(f"ALTER TABLE {EXPENDITURES} DISABLE TRIGGER ALL")
        cursor.copy_expert(f"COPY {EXPENDITURES} ({columns}) FROM STDIN", stream, size=1 << 20)
        cursor.execute(f"ALTER TABLE {EXPENDITURES} ENABLE TRIGGER ALL")


def build_years() -> None:
    """Every district's fiscal years, all but this one closed by the finance bureau."""
    from programs.core.models import District
    from programs.funds.models import FiscalYear

    this_year = timezone.localdate().year
    FiscalYear.objects.bulk_create(
        FiscalYear(
            district=district,
            year=year,
            status="open" if year == this_year else "closed",
        )
        for district in District.objects.all()
        for year in range(first_year(), this_year + 1)
    )


def vacuum() -> None:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def build() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    done = steps_done()
    rng = random.Random(2026)
    step("districts and units", done, build_districts)
    step("funds users", done, build_users)
    step("budget lines", done, lambda: build_budgets(rng))
    step("disbursements", done, lambda: build_disbursements(rng))
    step("expenditures", done, lambda: copy_spending(rng))
    step("fiscal years", done, build_years)
    step("funds vacuum analyze", done, vacuum)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=11, help="rounds of page and floor")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each statement")
    parser.add_argument("--pages", nargs="+", metavar="NAME", help="only these pages")
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
    build()
    print(f"build: {time.perf_counter() - t0:.0f} s", flush=True)
    if args.build_only:
        return
    run(args)


def run(args: argparse.Namespace) -> None:
    from django.db import connections
    from django.test import Client

    from bench.city_measure import Page, chosen, measure_pages, statements_of, table
    from bench.dashboard import explain
    from programs.core.models import CreatingUnit, District, User
    from programs.funds.models import BudgetLine, Disbursement, Expenditure

    for alias in connections:  # production keeps a connection for 60 s
        connections[alias].settings_dict["CONN_MAX_AGE"] = 60
        connections[alias].close()
    from safecommunity.wsgi import settle

    settle()
    sizes = {
        "districts": District.objects.count(),
        "units": CreatingUnit.objects.count(),
        "budget lines": BudgetLine.objects.count(),
        "disbursements": Disbursement.objects.count(),
        "expenditures": Expenditure.objects.count(),
    }
    print("data: " + ", ".join(f"{label} {n:,}" for label, n in sizes.items()))
    load = os.getloadavg()
    print(
        f"measuring: {args.rounds} rounds of page and floor, alternating; load average"
        f" {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        f" at {time.strftime('%H:%M UTC', time.gmtime())}",
        flush=True,
    )
    users = {
        who: User.objects.get(username=name)
        for who, name in (("district", DISTRICT_USER), ("city", CITY_USER))
    }
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    district = users["district"].district
    units = CreatingUnit.objects.filter(district=district).count()
    year = timezone.localdate().year - 1
    unit = CreatingUnit.objects.filter(district=district).order_by("code").first()
    entries = Expenditure.objects.filter(unit=unit, year=year).count()
    entries += Disbursement.objects.filter(unit=unit, year=year).count()
    page_list = [
        Page(f"/funds/ {year} ({district.name}, {units} units; city: 400)", f"/funds/?year={year}",
             "2xfloor"),
        Page(f"ledger {unit.code} {year} ({entries} entries)",
             f"/funds/units/{unit.code}/{year}/", "2xfloor"),
    ]  # fmt: skip
    results = measure_pages(clients, chosen(page_list, args.pages), args.rounds)
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("\n" + table(results))
    print("\nslowest statement of each page (its replay's time):")
    for r in results:
        if r.note or not r.slowest[1]:
            continue
        ms, sql = r.slowest
        print(f"- {r.page.label} / {r.who}: {ms:.1f} ms  {' '.join(sql.split())[:300]}")
    if args.explain:
        for page in chosen(page_list, args.pages):
            for who, client in clients.items():
                _status, statements, _size = statements_of(client, page.url, {})
                for sql in statements:
                    if sql.lstrip().upper().startswith("SELECT"):
                        print(f"\n--- {page.label} / {who}: {' '.join(sql.split())[:200]}")
                        print(explain(sql))


if __name__ == "__main__":
    main()
