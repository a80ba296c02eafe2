"""Backup and restore: one archive of the database and every private file, restored whole or not
at all.

The round trips run `manage.py backup` and `manage.py restore` as subprocesses under the real
settings against scratch sites (tests/scratch.py): a database of their own — PostgreSQL when the
suite runs on PostgreSQL (pg_dump), a SQLite file otherwise (the online backup API) — and a file
folder of their own. The source is the demo data plus a few private files of our own; each
comparison reads both databases and both folders directly.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import tarfile
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import translation

from safecommunity.backup import (
    BackupError,
    make_backup,
    prune_backups,
    scheduled_backup,
    write_backup,
)
from safecommunity.backup import errors as backup_errors
from safecommunity.backup.archive import unpack
from safecommunity.backup.database import run_tool
from safecommunity.backup.operations import archive_path
from tests.scratch import ROOT, Site, on_postgresql

ENGINE = "postgresql" if on_postgresql() else "sqlite"
LABELS = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
# Private files besides the demo's evidence: a name in Chinese with a space, one large enough to
# be streamed in many chunks, and an empty one.
OUR_FILES = """
import os
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage as storage
storage.save("exports/2026/报告 一月.xlsx", ContentFile(os.urandom(50_000)))
storage.save("jobs/large.bin", ContentFile(os.urandom(3 * 1024 * 1024 + 7)))
storage.save("notes/empty.txt", ContentFile(b""))
"""
FILL_CACHE = "from django.core.cache import cache; cache.set('greeting', 'not worth a backup')"
VERIFIED = "Every table's row count and every file's SHA-256 match the manifest."


# --- Sites ---------------------------------------------------------------------------------------
# Built once per test process (session scope: xdist may hand this module's tests out in several
# batches), the demo source alone takes half a minute; each test's target is removed after it.


@pytest.fixture(scope="session")
def shared(tmp_path_factory):
    """`shared(template=None, engine=ENGINE)` — a site kept for the whole session."""
    folder = tmp_path_factory.mktemp("shared-sites")
    made: list[Site] = []

    def make(template: Site | None = None, engine: str = ENGINE) -> Site:
        site = Site(f"shared{len(made)}", engine, folder)
        made.append(site)
        return site.create(template)

    yield make
    for site in made:
        site.drop()


@pytest.fixture
def sites(tmp_path):
    """`sites(template=None, engine=ENGINE)` — a new site for this test, removed after it."""
    made: list[Site] = []

    def make(template: Site | None = None, engine: str = ENGINE) -> Site:
        site = Site(f"t{len(made)}", engine, tmp_path)
        made.append(site)
        return site.create(template)

    yield make
    for site in made:
        site.drop()


@pytest.fixture(scope="session")
def migrated(shared):
    """A freshly migrated site: what `make migrate` leaves (the cache table too, on PostgreSQL)."""
    site = shared()
    site.manage("migrate", "--noinput", "-v0")
    if ENGINE == "postgresql":
        site.manage("createcachetable")
    return site


@pytest.fixture(scope="session")
def used(shared, migrated):
    """A site in use with data other than the source's: what a careless restore would replace."""
    site = shared(template=migrated)
    site.manage("load_reference_data")
    (site.files / "evidence" / "T01").mkdir(parents=True)
    (site.files / "evidence" / "T01" / "plan.pdf").write_bytes(b"%PDF-1.4 the site's own")
    return site


@pytest.fixture(scope="session")
def source(shared, migrated):
    """The demo data, its evidence files and a few private files of our own."""
    site = shared(template=migrated)
    site.manage("load_reference_data")
    site.manage("load_demo_data")
    site.manage("shell", "-c", OUR_FILES)
    if ENGINE == "postgresql":
        site.manage("shell", "-c", FILL_CACHE)
    return site


@pytest.fixture(scope="session")
def source_state(source):
    """The source's tables (row counts and content digests) and file hashes."""
    return source.state()


@pytest.fixture(scope="session")
def archive(source, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("backups")
    source.manage("backup", str(folder))
    (path,) = folder.iterdir()
    return path


def manifest_of(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


# --- What a backup holds -------------------------------------------------------------------------


def test_backup_writes_one_archive_with_a_manifest_of_every_table_and_file(source_state, archive):
    tables, files = source_state
    manifest = manifest_of(archive)

    assert archive.name.startswith("safecommunity-") and archive.name.endswith(".tar.gz")
    assert list(archive.parent.iterdir()) == [archive]  # nothing half-written left beside it
    assert archive.stat().st_mode & 0o777 == 0o600  # password hashes and private evidence
    assert manifest["format"] == 1
    assert manifest["engine"] == ENGINE
    latest = max(p.stem for p in (ROOT / "programs" / "migrations").glob("0*.py"))
    assert manifest["migrations"]["programs"] == latest
    assert manifest["tables"] == {name: int(rows.split()[0]) for name, rows in tables.items()}
    assert "programs_evaluationround_evaluators" in manifest["tables"]  # many-to-many too
    assert manifest["tables"]["django_migrations"] > 0
    assert manifest["tables"]["injuries_injuryrecord"] > 1000
    assert "safecommunity_cache" not in manifest["tables"]
    assert {entry["name"]: entry["sha256"] for entry in manifest["files"]} == files
    assert {"notes/empty.txt", "exports/2026/报告 一月.xlsx", "jobs/large.bin"} <= {
        entry["name"] for entry in manifest["files"]
    }
    assert sum(name.startswith("evidence/") for name in files) > 100


# --- Round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target_kind", ["bare", "migrated"])
def test_a_backup_restored_into_a_fresh_site_equals_its_source(
    target_kind, source_state, archive, migrated, sites
):
    """Into a database without tables, and into one `migrate` has set up; every table's rows
    (counted and compared whole) and every file are the source's."""
    target = sites(template=migrated if target_kind == "migrated" else None)

    result = target.manage("restore", str(archive))

    assert VERIFIED in result.stdout
    assert target.state() == source_state


def test_a_target_with_data_is_refused_without_force_and_replaced_with_it(
    source_state, archive, used, sites
):
    target = sites(template=used)
    before = target.state()

    refused = target.manage("restore", str(archive), check=False)

    assert refused.returncode == 1
    assert "The target is not empty" in refused.stderr
    assert "--force" in refused.stderr
    assert target.state() == before

    forced = target.manage("restore", str(archive), "--force")

    assert VERIFIED in forced.stdout
    assert target.state() == source_state  # the site's own rows and file are gone


def test_a_file_alone_makes_the_target_not_empty(archive, migrated, sites):
    target = sites(template=migrated)
    (target.files / "evidence").mkdir()
    (target.files / "evidence" / "left.pdf").write_bytes(b"%PDF-1.4")
    before = target.state()

    refused = target.manage("restore", str(archive), check=False)

    assert refused.returncode == 1
    assert "files in the storage, e.g. “evidence/left.pdf”" in refused.stderr
    assert target.state() == before


# --- Damaged archives: refused, and nothing changed ----------------------------------------------


def _random_bytes(archive: Path, folder: Path) -> Path:
    path = folder / "random.tar.gz"
    path.write_bytes(os.urandom(archive.stat().st_size))
    return path


def _cut_in_half(archive: Path, folder: Path) -> Path:
    data = archive.read_bytes()
    path = folder / "half.tar.gz"
    path.write_bytes(data[: len(data) // 2])
    return path


def _plain_tar_cut_in_half(archive: Path, folder: Path) -> Path:
    data = gzip.decompress(archive.read_bytes())
    path = folder / "half.tar"
    path.write_bytes(data[: len(data) // 2 + 100])  # inside an entry, not at its edge
    return path


def _rebuilt(archive: Path, folder: Path, change) -> Path:
    """The archive written anew, each entry passed through `change(name, data)` (None drops
    it); the manifest is kept as it was."""
    path = folder / "rebuilt.tar.gz"
    with tarfile.open(archive) as old, tarfile.open(path, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read()
            data = data if info.name == "manifest.json" else change(info.name, data)
            if data is not None:
                info.size = len(data)
                new.addfile(info, io.BytesIO(data))
    return path


def _a_file_altered(archive: Path, folder: Path) -> Path:
    def change(name, data):
        return data[:-1] + b"!" if name.startswith("files/evidence/") and data else data

    return _rebuilt(archive, folder, change)


def _the_dump_altered(archive: Path, folder: Path) -> Path:
    def change(name, data):
        return data[:100] + bytes([data[100] ^ 1]) + data[101:] if "database" in name else data

    return _rebuilt(archive, folder, change)


def _a_file_missing(archive: Path, folder: Path) -> Path:
    return _rebuilt(archive, folder, lambda name, data: None if name.endswith(".bin") else data)


def _with_manifest(archive: Path, folder: Path, **changes) -> Path:
    """The archive with its manifest changed (its entries still match it)."""
    manifest = {**manifest_of(archive), **changes}
    path = folder / "forged.tar.gz"
    with tarfile.open(archive) as old, tarfile.open(path, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read()
            if info.name == "manifest.json":
                data = json.dumps(manifest).encode()
                info.size = len(data)
            new.addfile(info, io.BytesIO(data))
    return path


DAMAGE = {
    "random bytes": (_random_bytes, "is not a backup archive: it is not a .tar or .tar.gz file."),
    "cut in half": (_cut_in_half, "is truncated: it ends before its last entry"),
    "plain tar cut in half": (_plain_tar_cut_in_half, "is truncated: it ends before its last"),
    "a file altered": (_a_file_altered, "does not match its SHA-256 in the manifest"),
    "the dump altered": (_the_dump_altered, "does not match its SHA-256 in the manifest"),
    "a file missing": (
        _a_file_missing,
        "“files/jobs/large.bin” is listed in the manifest but missing from the archive.",
    ),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_archive_is_refused_and_changes_nothing(damage, archive, used, sites, tmp_path):
    """Even with --force, onto a site in use: one clear line, and every row and file as it
    was."""
    make, message = DAMAGE[damage]
    damaged = make(archive, tmp_path)
    target = sites(template=used)
    before = target.state()

    result = target.manage("restore", str(damaged), "--force", check=False)

    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert target.state() == before


def test_a_backup_made_by_a_newer_portal_is_refused(archive, used, sites, tmp_path):
    migrations = {**manifest_of(archive)["migrations"], "programs": "9999_from_the_future"}
    forged = _with_manifest(archive, tmp_path, migrations=migrations)
    target = sites(template=used)
    before = target.state()

    result = target.manage("restore", str(forged), "--force", check=False)

    assert result.returncode == 1
    assert "migration programs.9999_from_the_future is unknown here" in result.stderr
    assert target.state() == before


def test_a_backup_of_another_engine_is_refused(archive, used, sites, tmp_path):
    other = "sqlite" if ENGINE == "postgresql" else "postgresql"
    forged = _with_manifest(archive, tmp_path, engine=other)
    target = sites(template=used)
    before = target.state()

    result = target.manage("restore", str(forged), "--force", check=False)

    assert result.returncode == 1
    assert (
        f"This is a backup of a {LABELS[other]} database; it cannot be restored into this "
        f"{LABELS[ENGINE]} database." in result.stderr
    )
    assert target.state() == before


@pytest.mark.skipif(ENGINE != "postgresql", reason="PostgreSQL is the target")
def test_a_sqlite_backup_cannot_be_restored_into_postgresql(used, sites, tmp_path):
    lite = sites(engine="sqlite")
    lite.manage("backup", str(tmp_path / "lite.tar"))
    target = sites(template=used)
    before = target.state()

    result = target.manage("restore", str(tmp_path / "lite.tar"), "--force", check=False)

    assert result.returncode == 1
    assert (
        "This is a backup of a SQLite database; it cannot be restored into this PostgreSQL "
        "database." in result.stderr
    )
    assert target.state() == before


@pytest.mark.skipif(ENGINE != "postgresql", reason="PostgreSQL tells who is connected")
def test_a_database_still_in_use_is_refused(archive, used, sites):
    import psycopg2

    target = sites(template=used)
    before = target.state()
    db = settings.DATABASES["default"]
    web_server = psycopg2.connect(
        dbname=target.database,
        user=db["USER"],
        password=db["PASSWORD"],
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        application_name="gunicorn",
    )
    try:
        result = target.manage("restore", str(archive), "--force", check=False)
    finally:
        web_server.close()

    assert result.returncode == 1
    assert "1 other connections to the database are open (gunicorn)" in result.stderr
    assert target.state() == before


def test_refusals_speak_chinese_by_default(migrated, tmp_path):
    damaged = _random_bytes(Path(__file__), tmp_path)

    result = migrated.manage("restore", str(damaged), check=False, language="zh-hans")

    assert result.returncode == 1
    assert "不是备份归档" in result.stderr


# --- The module's parts, in this process ---------------------------------------------------------


def test_prune_keeps_recent_archives_and_the_newest_and_touches_nothing_else(tmp_path):
    names = [
        "safecommunity-20260101-020000.tar.gz",
        "safecommunity-20260110-020000.tar.gz",
        "safecommunity-20260120-020000.tar.gz",
        "safecommunity-20260120-020000-2.tar",
        "notes.txt",
        "other-20260101-020000.tar.gz",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"x")
    leftover = tmp_path / ".safecommunity-20260101-020000.tar.gz.partial"
    leftover.write_bytes(b"x")
    os.utime(leftover, (0, 0))
    now = datetime(2026, 1, 25, tzinfo=UTC)

    removed = prune_backups(tmp_path, 14, now=now)

    assert {path.name for path in removed} == {names[0], names[1], leftover.name}
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(names[2:])
    # Long after the last backup, the newest one is still kept.
    assert [p.name for p in prune_backups(tmp_path, 14, now=datetime(2027, 1, 1, tzinfo=UTC))] == [
        "safecommunity-20260120-020000.tar.gz"
    ]
    assert (tmp_path / "safecommunity-20260120-020000-2.tar").exists()


def test_a_folder_gets_a_timestamped_archive_and_a_file_is_never_overwritten(tmp_path):
    first = archive_path(tmp_path / "new-folder")
    first.write_bytes(b"x")
    second = archive_path(tmp_path / "new-folder")

    assert first.parent == (tmp_path / "new-folder").resolve()
    assert first.name.startswith("safecommunity-") and first.name.endswith(".tar.gz")
    assert second != first
    with pytest.raises(BackupError) as taken:
        archive_path(first)
    assert taken.value.message == backup_errors.TARGET_EXISTS
    (tmp_path / "plain").write_bytes(b"x")
    with pytest.raises(BackupError) as suffix:
        archive_path(tmp_path / "plain")
    assert suffix.value.message == backup_errors.TARGET_SUFFIX


def test_a_backup_is_never_written_inside_the_storage_it_copies():
    inside = Path(settings.PRIVATE_MEDIA_ROOT) / "backups"

    with pytest.raises(BackupError) as refused:
        make_backup(inside)

    assert refused.value.message == backup_errors.TARGET_INSIDE_STORAGE
    assert not inside.exists()


@pytest.mark.parametrize("name", ["files/../../etc/passwd", "/etc/passwd", "files/a/../../b"])
def test_an_entry_reaching_out_of_the_storage_is_refused(name, tmp_path):
    archive = tmp_path / "evil.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(name)
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    (tmp_path / "out").mkdir()

    with pytest.raises(BackupError) as refused:
        unpack(archive, tmp_path / "out")

    assert refused.value.message == backup_errors.MEMBER_UNSAFE
    assert list((tmp_path / "out").iterdir()) == []


def test_a_manifest_of_an_unknown_format_is_refused(tmp_path):
    archive = tmp_path / "future.tar"
    with tarfile.open(archive, "w") as tar:
        data = json.dumps({"format": 99}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    with pytest.raises(BackupError) as refused:
        unpack(archive, tmp_path)

    assert refused.value.message == backup_errors.FORMAT_UNSUPPORTED


def test_postgresql_tools_get_the_password_only_through_the_environment(monkeypatch):
    seen = {}

    def run(command, env, **kwargs):
        seen.update(command=command, env=env)
        return SimpleNamespace(returncode=0, stderr="")

    monkeypatch.setattr("safecommunity.backup.database.subprocess.run", run)
    monkeypatch.setattr("safecommunity.backup.database.shutil.which", lambda name: f"/bin/{name}")
    for key in [key for key in os.environ if key.startswith("PG")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("PGPASSWORD", "someone-else's")  # the settings' password wins
    monkeypatch.setenv("PGCONNECT_TIMEOUT", "5")  # libpq's own environment is kept
    connection = SimpleNamespace(
        settings_dict={
            "NAME": "portal",
            "USER": "portal_user",
            "PASSWORD": "s3cret $word",
            "HOST": "db.internal",
            "PORT": "5433",
            "OPTIONS": {"sslmode": "require", "options": "-c jit=off"},
        }
    )

    run_tool(connection, "pg_dump", "--format=custom", "--file=/tmp/x.dump")

    assert seen["command"] == ["/bin/pg_dump", "--format=custom", "--file=/tmp/x.dump"]
    assert not any("s3cret" in part or "portal" in part for part in seen["command"])
    assert {key: seen["env"][key] for key in seen["env"] if key.startswith("PG")} == {
        "PGHOST": "db.internal",
        "PGPORT": "5433",
        "PGDATABASE": "portal",
        "PGUSER": "portal_user",
        "PGPASSWORD": "s3cret $word",
        "PGSSLMODE": "require",
        "PGOPTIONS": "-c jit=off",
        "PGCONNECT_TIMEOUT": "5",
    }


@pytest.mark.django_db(transaction=True)
def test_a_backup_reports_progress_and_leaves_nothing_behind_when_it_fails(tmp_path, monkeypatch):
    for name in ("evidence/T01/a.pdf", "evidence/T01/b.pdf", "evidence/T02/c.pdf"):
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(b"%PDF-1.4 " + name.encode()))
    calls = []

    path = make_backup(tmp_path / "ok", progress=lambda done, total: calls.append((done, total)))

    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1][0] == calls[-1][1] > 0
    assert len({total for _, total in calls}) == 1
    with tarfile.open(path) as tar:
        assert tar.getnames()[-1] == "manifest.json"

    opened = default_storage.open

    def failing_open(name, mode="rb"):
        if name == "evidence/T01/b.pdf":
            raise OSError("the network share went away")
        return opened(name, mode)

    monkeypatch.setattr(default_storage, "open", failing_open)
    with pytest.raises(OSError, match="network share"):
        write_backup(tmp_path / "failed")

    assert list((tmp_path / "failed").iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_the_daily_backup_writes_into_backup_dir_and_removes_what_is_too_old(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "daily"
    settings.BACKUP_KEEP_DAYS = 14
    settings.BACKUP_DIR.mkdir()
    old = settings.BACKUP_DIR / "safecommunity-20200101-020000.tar.gz"
    old.write_bytes(b"x")

    path = scheduled_backup()

    assert path.parent == settings.BACKUP_DIR.resolve()
    assert sorted(settings.BACKUP_DIR.iterdir()) == [path]


@pytest.mark.django_db(transaction=True)
def test_the_backup_command_writes_into_backup_dir_and_prunes_on_request(tmp_path, settings):
    settings.BACKUP_DIR = tmp_path / "daily"
    out = io.StringIO()
    settings.BACKUP_DIR.mkdir()
    (settings.BACKUP_DIR / "safecommunity-20200101-020000.tar").write_bytes(b"x")

    with translation.override("en"):
        call_command("backup", "--prune", stdout=out)

    (path,) = settings.BACKUP_DIR.iterdir()
    assert f"Backup written: {path.resolve()}" in out.getvalue()
    assert "1 old archive(s) removed (kept: 14 days)." in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_file_removed_while_the_backup_runs_is_left_out(tmp_path, monkeypatch):
    """An upload that fails removes its file again; the backup goes on without it."""
    for name in ("evidence/T03/kept.pdf", "evidence/T03/gone.pdf"):
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(b"%PDF-1.4 " + name.encode()))
    opened = default_storage.open

    def open_after_removal(name, mode="rb"):
        if name == "evidence/T03/gone.pdf":
            raise FileNotFoundError(name)
        return opened(name, mode)

    monkeypatch.setattr(default_storage, "open", open_after_removal)

    path = make_backup(tmp_path)

    names = {entry["name"] for entry in manifest_of(path)["files"]}
    assert "evidence/T03/kept.pdf" in names
    assert "evidence/T03/gone.pdf" not in names
