"""The measuring half of `bench/city.py`: each page against its floor, alternately, for the
district user and the city user, and the API's cursor pages at the start, middle and end.

Imported by `bench/city.py` after Django is set up; see its docstring for what is measured.
"""

from __future__ import annotations

import base64
import os
import re
import statistics
import time
import urllib.parse
from dataclasses import dataclass
from datetime import timedelta

from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from bench.dashboard import DECLARE, explain, raw_connection

# Statements a request sends that are not its queries: a replay on an autocommit connection
# runs none of them (a request's savepoints around a write are no part of a read's floor).
NOT_QUERIES = re.compile(r"^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b")
API_PATH = "/api/v1/injury-records/"


@dataclass(frozen=True)
class Page:
    label: str
    url: str
    target: str  # "1s", "300ms" or "2xfloor"


@dataclass
class Result:
    page: Page
    who: str
    server_ms: float = 0.0
    floor_ms: float = 0.0
    queries: int = 0
    size_kb: int = 0
    slowest: tuple[float, str] = (0.0, "")
    note: str = ""

    @property
    def target_ms(self) -> float:
        if self.page.target == "2xfloor":
            return min(1000.0, 2 * self.floor_ms + 30)
        return 300.0 if self.page.target == "300ms" else 1000.0

    @property
    def target_text(self) -> str:
        if self.page.target == "2xfloor":
            return f"≤ 2 × floor + 30 = {2 * self.floor_ms + 30:.0f} ms (and ≤ 1 s)"
        return "≤ 300 ms" if self.page.target == "300ms" else "≤ 1 s"

    @property
    def met(self) -> bool:
        return self.server_ms <= self.target_ms


def pages(unit, district_code: str) -> list[Page]:
    today = timezone.localdate()
    ten_years = today - timedelta(days=3650)
    partial_from = (today.replace(day=1) - timedelta(days=380)).replace(day=15)
    stats = "/injuries/statistics/"
    return [
        Page("dashboard", "/dashboard/", "2xfloor"),
        Page("city dashboard", "/city/", "2xfloor"),
        Page("map", "/map/", "1s"),
        Page("district page", f"/districts/{district_code}/", "1s"),
        Page(f"unit page {unit.code}", f"/units/{unit.code}/", "1s"),
        Page("report grid, 12 months", "/reports/", "1s"),
        Page(
            "statistics, 10 years",
            f"{stats}?date_from={ten_years}&date_to={today}",
            "300ms",
        ),
        Page(
            f"statistics, {partial_from:%Y-%m-%d} to today (partial months)",
            f"{stats}?date_from={partial_from}&date_to={today}",
            "300ms",
        ),
        Page(
            "statistics, 10 days (partial month only)",
            f"{stats}?date_from={today - timedelta(days=10)}&date_to={today}",
            "300ms",
        ),
        Page("record list", "/injuries/", "1s"),
        Page(f"record list, unit {unit.code}", f"/injuries/?unit={unit.pk}", "1s"),
    ]


def chosen(page_list: list[Page], names: list[str] | None) -> list[Page]:
    """The pages whose label holds one of `names` (every page without names)."""
    if names is None:
        return page_list
    return [page for page in page_list if any(name in page.label for name in names)]


def statements_of(client: Client, url: str, headers: dict) -> tuple[int, list[str], int]:
    """(status, every statement one request sends as the driver sent it, size in bytes)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    statements = [
        DECLARE.sub("", query["sql"])
        for query in captured.captured_queries
        if not NOT_QUERIES.match(query["sql"])
    ]
    return response.status_code, statements, len(response.content)


def replay(raw, statements: list[str], times: list[float] | None = None) -> float:
    """Run `statements` on `raw`, fetching every row; milliseconds (each one's into `times`)."""
    t0 = time.perf_counter()
    with raw.cursor() as cursor:
        for sql in statements:
            s0 = time.perf_counter()
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
            if times is not None:
                times.append((time.perf_counter() - s0) * 1000)
    return (time.perf_counter() - t0) * 1000


def alternate(
    client: Client, url: str, rounds: int, headers: dict | None = None
) -> tuple[list[float], list[float], list[str], int, tuple[float, str]]:
    """The page and its floor, `rounds` of each, which goes first swapping every round."""
    headers = headers or {}
    client.get(url, headers=headers)  # warm-up: what a process looks up once is not the page's
    status, statements, size = statements_of(client, url, headers)
    if status != 200:
        raise StatusError(status)
    raw = raw_connection()
    try:
        each: list[float] = []
        replay(raw, statements, each)  # warm-up, and each statement's time
        slowest = max(zip(each, statements, strict=True), default=(0.0, ""))
        page_ms, floor_ms = [], []
        for n in range(rounds):
            for side in ("page", "floor") if n % 2 == 0 else ("floor", "page"):
                if side == "floor":
                    floor_ms.append(replay(raw, statements))
                else:
                    t0 = time.perf_counter()
                    response = client.get(url, headers=headers)
                    page_ms.append((time.perf_counter() - t0) * 1000)
                    if response.status_code != 200:
                        raise StatusError(response.status_code)
    finally:
        raw.close()
    return page_ms, floor_ms, statements, size, slowest


class StatusError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


def resolves(url: str) -> bool:
    try:
        resolve(urllib.parse.urlsplit(url).path)
    except Resolver404:
        return False
    return True


def measure_pages(clients: dict, page_list: list[Page], rounds: int) -> list[Result]:
    results = []
    for page in page_list:
        if not resolves(page.url):
            print(f"{page.label:<46} {page.url}: skipped (the URL does not resolve)", flush=True)
            continue
        for who, client in clients.items():
            result = Result(page, who)
            try:
                pages_ms, floors_ms, statements, size, slowest = alternate(client, page.url, rounds)
            except StatusError as error:
                result.note = f"HTTP {error.status}"
                print(f"{page.label:<46} {who:<8} HTTP {error.status}: not measured", flush=True)
                results.append(result)
                continue
            result.server_ms = statistics.median(pages_ms)
            result.floor_ms = statistics.median(floors_ms)
            result.queries, result.size_kb, result.slowest = len(statements), size // 1024, slowest
            results.append(result)
            print(
                f"{page.label:<46} {who:<8} {result.server_ms:>7.0f} ms (min {min(pages_ms):.0f})"
                f"  floor {result.floor_ms:>6.0f} ms  x{result.server_ms / result.floor_ms:>5.2f}"
                f"  {result.queries:>3} queries  {result.size_kb:>5} KB"
                f"  target {result.target_text}:"
                f" {'met' if result.met else 'NOT met'}",
                flush=True,
            )
    return results


def cursor_of(after_id: int) -> str:
    """DRF's cursor for the page after `after_id` (position only)."""
    return base64.b64encode(urllib.parse.urlencode({"p": str(after_id)}).encode()).decode()


def measure_api(user, rounds: int) -> list[tuple[str, float, float, int]]:
    """The API's cursor pages of 1,000 at the start, middle and end of the records `user`
    sees, interleaved (start, middle, end, start …), each beside its SQL replayed."""
    from bench.api import api_token
    from injuries.models import InjuryRecord

    key = api_token(user)
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    client = Client()
    ids = InjuryRecord.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)
    count = ids.count()
    first = ids.first()
    positions = {
        "start": None,
        "middle": ids[count // 2],
        "end": ids[max(0, count - 1000)],
    }
    del first
    urls = {
        name: f"{API_PATH}?page_size=1000"
        + ("" if after is None else f"&cursor={urllib.parse.quote(cursor_of(after))}")
        for name, after in positions.items()
    }
    raw = raw_connection()
    times: dict[str, list[float]] = {name: [] for name in urls}
    floors: dict[str, list[float]] = {name: [] for name in urls}
    plans = {}
    try:
        for name, url in urls.items():
            status, statements, _size = statements_of(client, url, headers)
            assert status == 200, (url, status)
            plans[name] = statements
            replay(raw, statements)
        for n in range(rounds):
            for name, url in urls.items():
                for side in ("page", "floor") if n % 2 == 0 else ("floor", "page"):
                    if side == "floor":
                        floors[name].append(replay(raw, plans[name]))
                    else:
                        t0 = time.perf_counter()
                        response = client.get(url, headers=headers)
                        times[name].append((time.perf_counter() - t0) * 1000)
                        assert response.status_code == 200
    finally:
        raw.close()
    return [
        (name, statistics.median(times[name]), statistics.median(floors[name]), len(plans[name]))
        for name in urls
    ]


def api_pages(users: dict, rounds: int) -> list[tuple[str, str, float, float, int]]:
    """(user, position, server ms, floor ms, queries) of the cursor pages, for each user."""
    api_rows = []
    for who, user in users.items():
        try:
            rows = measure_api(user, rounds)
        except AssertionError as error:
            print(f"  {who}: not measured ({error})", flush=True)
            continue
        for name, page_ms, floor_ms, queries in rows:
            api_rows.append((who, name, page_ms, floor_ms, queries))
            print(
                f"  {who:<8} {name:<7} {page_ms:>6.0f} ms  floor {floor_ms:>5.1f} ms"
                f"  x{page_ms / floor_ms:.1f}  {queries} queries",
                flush=True,
            )
        start = next(r[2] for r in api_rows if r[0] == who and r[1] == "start")
        end = next(r[2] for r in api_rows if r[0] == who and r[1] == "end")
        print(f"  {who:<8} end/start {end / start:.2f}", flush=True)
    return api_rows


def table(results: list[Result]) -> str:
    lines = [
        "| page | user | server ms | floor ms | ratio | queries | target | met? |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for r in results:
        if r.note:
            lines.append(f"| {r.page.label} | {r.who} | {r.note} | | | | {r.target_text} | — |")
            continue
        lines.append(
            f"| {r.page.label} | {r.who} | {r.server_ms:,.0f} | {r.floor_ms:,.0f} |"
            f" {r.server_ms / r.floor_ms:.2f} | {r.queries} | {r.target_text} |"
            f" {'yes' if r.met else '**no**'} |"
        )
    return "\n".join(lines)


def run(args) -> None:
    from bench.city import CITY_USER, DISTRICT_USER
    from injuries.models import InjuryRecord, InjuryRollup
    from programs.core.models import CreatingUnit, District, User

    # Production keeps a connection for 60 s (the test settings close it after each request,
    # which would add a connect to every page): as production.
    for alias in connections:
        connections[alias].settings_dict["CONN_MAX_AGE"] = 60
        connections[alias].close()
    # A server's worker settles its process once the application is loaded (the URLconf
    # imported, every object then alive frozen out of the garbage collector's walks): as
    # production.
    from safecommunity.wsgi import settle

    settle()
    load = os.getloadavg()
    sizes = {
        "districts": District.objects.count(),
        "units": CreatingUnit.objects.count(),
        "injury records": InjuryRecord.objects.count(),
        "rollup rows": InjuryRollup.objects.count(),
    }
    print("data: " + ", ".join(f"{label} {n:,}" for label, n in sizes.items()))
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
    unit = (
        CreatingUnit.objects.filter(district=district, current_phase__order=4)
        .order_by("code")
        .first()
    )
    results = measure_pages(clients, chosen(pages(unit, district.code), args.pages), args.rounds)
    api_rows = []
    if args.pages is None or "api" in args.pages:
        print("\nAPI cursor pages (GET /api/v1/injury-records/?page_size=1000, a token):")
        api_rows = api_pages(users, args.rounds)
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    print("\n" + table(results))
    if api_rows:
        print("\n| API page (1,000 records) | user | server ms | floor ms | ratio |")
        print("|---|---|---:|---:|---:|")
        for who, name, page_ms, floor_ms, _queries in api_rows:
            print(f"| {name} | {who} | {page_ms:.0f} | {floor_ms:.1f} | {page_ms / floor_ms:.1f} |")
    print("\nslowest statement of each page (its replay's time):")
    for r in results:
        if r.note or not r.slowest[1]:
            continue
        ms, sql = r.slowest
        print(f"- {r.page.label} / {r.who}: {ms:.0f} ms  {' '.join(sql.split())[:400]}")
        if args.explain and ms >= 50:
            print(explain(sql))
