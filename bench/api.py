"""Benchmark: the injury records' API over HTTP on PostgreSQL — cards posted in batches, and
every record read in cursor pages — each beside a floor measured in the same run.

    DATABASE_URL=postgres://…/bench_api .venv/bin/python bench/api.py [--cards 100000]
        [--batch 5000] [--records 1000000] [--page-size 1000] [--part cards|records|both]
        [--rounds 3] [--seed-cards 100000]
    quick: --cards 10000 --records 50000 --seed-cards 10000 --rounds 1   (figures: README.md)

The database DATABASE_URL names (its name must start with "bench": its injury tables are
emptied) is migrated, given the district's reference data, and used as it is, by this process
and by one gunicorn server (one sync worker, production settings, DEBUG=0) started on a free
loopback port. The client is `http.client` on one connection, reopened when the server closes
it (gunicorn's sync worker closes it after each response).

- cards: `--cards` plausible cards (the generator of `bench/injuries.py`, as JSON the way
  `bench/api_cards.py` makes them) posted to `POST /api/v1/injury-records/batches/` in bodies
  of `--batch` (`{"records": [...]}`, each answered 201 with every card added, every check of
  the file import made); the same bodies through `cards_import` in this process (no HTTP);
  the same cards as one CSV file through the file import's services, the check
  (`batch_preview`) and the import (`batch_commit`, which moves the rows the check staged); and the
  floor, PostgreSQL's COPY of the same rows as they are stored. Cards per second, each rate as
  a share of COPY's, and the API's as a share of the file import's. Every path runs once on
  200 cards first (imports, caches); then `--rounds` rounds, the API and the file taking turns
  to go first, and the best time of each is shown (the share per round too).
- records: `--records` records (cards imported through `cards_import`, then copied in SQL with
  new card numbers, VACUUM ANALYZE), read through `GET /api/v1/injury-records/?page_size=`
  following `next` with a `rate_exempt` token of a district user (every record in scope).
  Records per second; each page's time as the client saw it and as the server logged it, at
  the start, the middle and the end (p50 of the first, middle and last 50 pages); beside the
  floor, the keyset query of the same pages run raw (`WHERE id > %s ORDER BY id LIMIT n`
  joined to the unit for its code, every row fetched), and the page's time as a multiple of it.
  Then the same start, middle and end pages again, interleaved, so a change of the machine's
  load falls on all three alike.

On a small machine the client, the server and PostgreSQL share the cores: read the figures with
the load average printed at the top.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from django.db import connection  # noqa: E402

from bench.api_cards import as_json, file_import  # noqa: E402  (sets Django up, as bench/injuries.py does)
from bench.injuries import card_rows, copy_floor, timing_line, unit_codes  # noqa: E402

HOST = "127.0.0.1"
TIMEOUT = 600
#: Pages in each of the start, middle and end windows of the page times.
WINDOW = 50
SERVER_MS = re.compile(r"method=(\w+) path=(\S+) status=(\d+) ms=([\d.]+)")
RECORDS_PATH = "/api/v1/injury-records/"
BATCHES_PATH = "/api/v1/injury-records/batches/"


# --- The database -------------------------------------------------------------------------------


def database_name() -> str:
    url = urllib.parse.urlsplit(os.environ.get("DATABASE_URL", ""))
    name = url.path.lstrip("/")
    if not url.scheme.startswith("postgres") or not name.startswith("bench"):
        raise SystemExit("DATABASE_URL must name a PostgreSQL database whose name starts 'bench'")
    return name


def prepare() -> None:
    """Migrate, the cache's table, the reference data once."""
    from django.core.management import call_command

    from programs.models import CreatingUnit
    from programs.setup import reference_data_load

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not CreatingUnit.objects.exists():
        reference_data_load()


def clear() -> None:
    from injuries.models import ImportBatch, ImportBatchChange, InjuryRecord

    tables = ", ".join(
        connection.ops.quote_name(model._meta.db_table)
        for model in (ImportBatchChange, InjuryRecord, ImportBatch)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {tables}")


def bench_user():
    from programs.models import User

    user, _new = User.objects.get_or_create(username="bench-api", defaults={"role": "district"})
    assert user.edits_all_units, "the bench's user must see and enter every unit's records"
    return user


# --- The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Server:
    """One gunicorn (one sync worker) on a free loopback port, production settings, this
    database; stopped with its process group on the way out. Its request log (one line per
    request with the server's own time) is kept in a temporary file."""

    def __init__(self, folder: Path) -> None:
        from django.conf import settings

        self.port = free_port()
        self.log_path = folder / "server.log"
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("CACHE_URL", "TEST_CACHE", "JOB_BACKEND", "DJANGO_SETTINGS_MODULE")
        }
        env.update(
            DJANGO_SETTINGS_MODULE="safecommunity.settings",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS=HOST,
            PRIVATE_MEDIA_ROOT=str(folder / "private"),
            STATIC_ROOT=str(folder / "static"),
            API_CARDS_MAX=str(max(settings.API_CARDS_MAX, 10_000)),
            PYTHONUNBUFFERED="1",
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn),
            "safecommunity.wsgi:application",
            f"--bind={HOST}:{self.port}",
            "--workers=1",
            f"--timeout={TIMEOUT}",
            "--error-logfile=-",
        ]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped: see {self.log_path}")
            with contextlib.suppress(OSError):
                probe = http.client.HTTPConnection(HOST, self.port, timeout=5)
                probe.request("GET", RECORDS_PATH)
                if probe.getresponse().status in (401, 403):
                    probe.close()
                    return
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within 60 s: see {self.log_path}")

    def server_ms(self, method: str, path: str) -> list[float]:
        """The server's own time of each logged request of `method` to `path`, in order."""
        return [
            float(ms)
            for m, p, _status, ms in SERVER_MS.findall(self.log_path.read_text(errors="replace"))
            if m == method and p == path
        ]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class Client:
    """One HTTP connection to the server with a token; reopened when the server closed it."""

    def __init__(self, port: int, key: str) -> None:
        self.connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
        self.headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}

    def call(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        headers = dict(self.headers)
        if body is not None:
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.will_close:
            self.connection.close()  # the next request opens a new connection
        return response.status, data


def api_token(user) -> str:
    from programs.core.services import token_create

    token, key = token_create(user=user, name="bench/api.py")
    token.rate_exempt = True
    token.save(update_fields=["rate_exempt"])
    return key


# --- Cards --------------------------------------------------------------------------------------


def cards_round(
    bodies: list[bytes], rows: list, client: Client, server: Server, user, *, file_first: bool
) -> dict:
    """One round: the bodies over HTTP, the same through `cards_import` in this process, the
    cards as one CSV file (check, import) and COPY of its rows; the seconds of each. The file
    goes first when `file_first` (rounds alternate, so neither side always meets the same
    moment of a shared machine's load)."""
    seconds = {}
    parts = [api_part, file_part]
    for part in reversed(parts) if file_first else parts:
        seconds.update(part(bodies, rows, client, server, user))
    return seconds


def api_part(bodies: list[bytes], rows: list, client: Client, server: Server, user) -> dict:
    from injuries.models import InjuryRecord
    from injuries.services import cards_import

    count = len(rows)
    seconds = {}
    clear()
    added = 0
    t0 = time.perf_counter()
    for body in bodies:
        status, data = client.call("POST", BATCHES_PATH, body)
        assert status == 201, (status, data[:500])
        answer = json.loads(data)
        assert answer["added"] == answer["cards"] and not answer["dry_run"], answer
        added += answer["added"]
    seconds["http"] = time.perf_counter() - t0
    assert added == count == InjuryRecord.objects.count(), (added, count)
    seconds["server"] = sum(server.server_ms("POST", BATCHES_PATH)[-len(bodies) :]) / 1000

    clear()
    t0 = time.perf_counter()
    for body in bodies:
        outcome = cards_import(records=json.loads(body)["records"], user=user, body=body)
        assert outcome.added == outcome.cards
    seconds["service"] = time.perf_counter() - t0
    assert InjuryRecord.objects.count() == count
    clear()
    return seconds


def file_part(bodies: list[bytes], rows: list, client: Client, server: Server, user) -> dict:
    from injuries.models import InjuryRecord

    clear()
    batch, check, commit = file_import(rows, user)
    seconds = {"check": check, "commit": commit, "file": check + commit}
    seconds["copy"] = copy_floor(batch.pk)
    assert InjuryRecord.objects.count() == len(rows)
    clear()
    return seconds


CARD_LINES = (
    ("http", "API over HTTP: POST batches (client)"),
    ("server", "API over HTTP: the server's own time"),
    ("service", "cards_import in-process (parse, check, write)"),
    ("check", "CSV file: check"),
    ("commit", "CSV file: import (moves the staged rows)"),
    ("file", "CSV file: check + import"),
)


def bench_cards(count: int, size: int, rounds: int, client: Client, server: Server, user) -> None:
    rows = list(card_rows(count, unit_codes(), labels=False))
    cards = [as_json(row) for row in rows]
    bodies = [
        json.dumps({"records": cards[i : i + size]}, ensure_ascii=False).encode()
        for i in range(0, count, size)
    ]
    mb = sum(map(len, bodies)) / 1e6
    print(f"\n# cards: {count:,} in {len(bodies)} JSON bodies of {size:,} ({mb:.1f} MB in all)")
    warm = json.dumps({"records": cards[:200]}, ensure_ascii=False).encode()
    cards_round([warm], rows[:200], client, server, user, file_first=False)  # each path once
    results = []
    for number in range(rounds):
        results.append(cards_round(bodies, rows, client, server, user, file_first=number % 2 == 1))
        done = results[-1]
        print(
            f"round {number + 1}: API {count / done['http']:,.0f} cards/s, file import "
            f"{count / done['file']:,.0f} (import step {count / done['commit']:,.0f}), "
            f"COPY {count / done['copy']:,.0f}",
            flush=True,
        )
    best = {key: min(result[key] for result in results) for key in results[0]}
    floor = best["copy"]
    print(f"best of {rounds} round(s):")
    print(f"{'run':<52} {'seconds':>8} {'cards/s':>8} {'of COPY':>8}")
    label = "floor: PostgreSQL COPY of the same rows"
    print(f"{label:<52} {floor:>8.1f} {count / floor:>8,.0f} {1:>8.0%}")
    for key, label in CARD_LINES:
        timing_line(f"{label:<52}", best[key], count, floor)
    print(
        f"API over HTTP as a share of the file import's rate (best of each): "
        f"{best['file'] / best['http']:.0%} of check + import, "
        f"{best['commit'] / best['http']:.0%} of the import step alone (target: 80 %); "
        "per round: "
        + ", ".join(
            f"{result['file'] / result['http']:.0%}/{result['commit'] / result['http']:.0%}"
            for result in results
        )
    )


# --- Records ------------------------------------------------------------------------------------


def fill_records(count: int, seed_cards: int, user) -> None:
    """`count` records: up to `seed_cards` cards imported through `cards_import` (batches of
    5,000), then copied in SQL with new card numbers until there are `count`."""
    from injuries.models import InjuryRecord
    from injuries.services import cards_import

    t0 = time.perf_counter()
    clear()
    seed = min(count, seed_cards)
    cards = [as_json(row) for row in card_rows(seed, unit_codes(), labels=False, seed=5)]
    for i in range(0, seed, 5000):
        body = json.dumps({"records": cards[i : i + 5000]}, ensure_ascii=False).encode()
        cards_import(records=cards[i : i + 5000], user=user, body=body)
    fields = [f.column for f in InjuryRecord._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    table = quote(InjuryRecord._meta.db_table)
    columns = ", ".join(map(quote, fields))
    chosen = ", ".join(
        f"{quote(name)} || '-' || copy" if name == "record_number" else quote(name)
        for name in fields
    )
    copies = -(-count // seed) - 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {chosen} FROM {table}"
            f" CROSS JOIN generate_series(1, %s) AS copy ORDER BY copy, id LIMIT %s",
            [copies, count - seed],
        )
        cursor.execute(f"VACUUM ANALYZE {table}")
    assert InjuryRecord.objects.count() == count
    print(
        f"made {count:,} records ({seed:,} imported, the rest copied) in "
        f"{time.perf_counter() - t0:.0f} s"
    )


def keyset_sql(page_size: int) -> str:
    """The page's query run raw: the records after an id, by id, with their unit's code."""
    from injuries.models import InjuryRecord
    from programs.models import CreatingUnit

    quote = connection.ops.quote_name
    table = quote(InjuryRecord._meta.db_table)
    units = quote(CreatingUnit._meta.db_table)
    columns = ", ".join(f"r.{quote(f.column)}" for f in InjuryRecord._meta.concrete_fields)
    return (
        f"SELECT {columns}, u.{quote('code')} FROM {table} r"
        f" JOIN {units} u ON u.{quote('id')} = r.{quote('unit_id')}"
        f" WHERE r.{quote('id')} > %s ORDER BY r.{quote('id')} LIMIT {int(page_size)}"
    )


def floor_pages(starts: list[int], page_size: int) -> list[float]:
    """Milliseconds of the raw keyset query after each id in `starts`, every row fetched."""
    sql = keyset_sql(page_size)
    times = []
    with connection.cursor() as cursor:
        for after in starts:
            t0 = time.perf_counter()
            cursor.execute(sql, [after])
            cursor.fetchall()
            times.append((time.perf_counter() - t0) * 1000)
    return times


def windows(values: list[float]) -> tuple[float, float, float]:
    """p50 of the first, the middle and the last WINDOW values (a third of them when fewer)."""
    n = max(1, min(WINDOW, len(values) // 3))
    middle = max(0, len(values) // 2 - n // 2)
    return (
        statistics.median(values[:n]),
        statistics.median(values[middle : middle + n]),
        statistics.median(values[-n:]),
    )


def bench_records(count: int, page_size: int, client: Client, server: Server) -> None:
    from injuries.models import InjuryRecord

    print(f"\n# records: {count:,}, read in pages of {page_size:,}")
    first_id = InjuryRecord.objects.order_by("pk").values_list("pk", flat=True).first()
    url = f"{RECORDS_PATH}?page_size={page_size}"
    floor_pages(list(range(first_id - 1, first_id + count, page_size)), page_size)  # warm-up
    page_ms, starts, paths, seen, last = [], [], [], 0, 0
    t0 = time.perf_counter()
    while url:
        path = urllib.parse.urlsplit(url)
        path = f"{path.path}?{path.query}" if path.query else path.path
        paths.append(path)
        started = time.perf_counter()
        status, data = client.call("GET", path)
        page_ms.append((time.perf_counter() - started) * 1000)
        assert status == 200, (status, data[:500])
        page = json.loads(data)
        results = page["results"]
        assert results and results[0]["id"] > last, (last, results[:1])
        starts.append(last if seen else first_id - 1)
        last = results[-1]["id"]
        seen += len(results)
        url = page["next"]
    seconds = time.perf_counter() - t0
    assert seen == count == InjuryRecord.objects.count(), (seen, count)
    served = server.server_ms("GET", RECORDS_PATH)[-len(page_ms) :]
    floor = floor_pages(starts, page_size)
    ratio = [ms / raw for ms, raw in zip(page_ms, floor, strict=True)]

    print(
        f"{len(page_ms):,} pages in {seconds:.1f} s: {count / seconds:,.0f} records/s "
        f"(client: request, answer, json.loads; floor alone: {sum(floor) / 1000:.1f} s, "
        f"{count / (sum(floor) / 1000):,.0f} records/s)"
    )
    window = max(1, min(WINDOW, len(page_ms) // 3))
    print(
        f"{'ms per page, p50 of ' + str(window) + ' pages':<40} "
        f"{'start':>8} {'middle':>8} {'end':>8}"
    )
    for label, values in (
        ("client (request to last byte)", page_ms),
        ("server (its request log)", served),
        ("floor: the keyset SQL raw", floor),
        ("client as a multiple of the floor", ratio),
    ):
        start, middle, end = windows(values)
        print(f"{label:<40} {start:>8.1f} {middle:>8.1f} {end:>8.1f}")
    spread = windows(page_ms)
    p95 = sorted(page_ms)[max(0, int(len(page_ms) * 0.95) - 1)]
    print(
        f"end/start of the client's page time: {spread[2] / spread[0]:.2f}; "
        f"max page {max(page_ms):.0f} ms; p95 {p95:.1f} ms"
    )
    retime(paths, starts, page_size, client)


def retime(paths: list[str], starts: list[int], page_size: int, client: Client) -> None:
    """The same pages of the three windows again, interleaved (start, middle, end, start …),
    so that a change of the machine's load falls on all three alike."""
    window = max(1, min(WINDOW, len(paths) // 3))
    middle = max(0, len(paths) // 2 - window // 2)
    picks = {"start": 0, "middle": middle, "end": len(paths) - window}
    times: dict[str, list[float]] = {name: [] for name in picks}
    floors: dict[str, list[float]] = {name: [] for name in picks}
    for i in range(window):
        for name, first in picks.items():
            started = time.perf_counter()
            status, data = client.call("GET", paths[first + i])
            times[name].append((time.perf_counter() - started) * 1000)
            assert status == 200, (status, data[:300])
            floors[name] += floor_pages([starts[first + i]], page_size)
    p50 = {name: statistics.median(values) for name, values in times.items()}
    raw = {name: statistics.median(values) for name, values in floors.items()}
    print(f"the same pages again, interleaved (p50 of {window} each):")
    print(f"{'  client ms':<40} " + " ".join(f"{p50[name]:>8.1f}" for name in picks))
    print(f"{'  floor ms':<40} " + " ".join(f"{raw[name]:>8.1f}" for name in picks))
    print(
        f"{'  client as a multiple of the floor':<40} "
        + " ".join(f"{p50[name] / raw[name]:>8.1f}" for name in picks)
    )
    print(f"  end/start of the client's page time: {p50['end'] / p50['start']:.2f}")


# --- Run ----------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument(
        "--seed-cards",
        type=int,
        default=100_000,
        help="records imported through the service before the rest are copied",
    )
    parser.add_argument("--page-size", type=int, default=1_000)
    parser.add_argument("--part", choices=("cards", "records", "both"), default="both")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the cards' runs (the best is shown)"
    )
    args = parser.parse_args()
    name = database_name()
    from django.conf import settings

    settings.INJURY_IMPORT_MAX_ROWS = max(settings.INJURY_IMPORT_MAX_ROWS, args.cards)
    settings.INJURY_IMPORT_MAX_BYTES = 1 << 30
    settings.API_CARDS_MAX = max(settings.API_CARDS_MAX, args.batch)
    prepare()
    user = bench_user()
    load = os.getloadavg()
    print(
        f"database: {connection.vendor} {name}; {os.cpu_count()} cores; "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    with tempfile.TemporaryDirectory(prefix="bench-api-") as folder:
        server = Server(Path(folder))
        try:
            client = Client(server.port, api_token(user))
            if args.part in ("cards", "both"):
                bench_cards(args.cards, args.batch, args.rounds, client, server, user)
            if args.part in ("records", "both"):
                fill_records(args.records, args.seed_cards, user)
                bench_records(args.records, args.page_size, client, server)
        finally:
            server.stop()
    load = os.getloadavg()
    print(f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
