"""The deployment files agree with the portal: every variable it reads is documented, nginx
takes requests exactly as large as the portal allows, gunicorn's settings are real ones, every
service runs the same way, and collected static files are readable by nginx."""

from __future__ import annotations

import configparser
import os
import re
import runpy
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management.utils import get_random_secret_key
from gunicorn.config import Config

ROOT = settings.BASE_DIR
DEPLOY = ROOT / "deploy"
MB = 1024 * 1024
SERVICES = [
    "safecommunity-web.service",
    "safecommunity-worker@.service",
    "safecommunity-schedule.service",
]


def variables_read(path) -> set[str]:
    text = path.read_text(encoding="utf-8")
    return set(re.findall(r'(?:env\.\w+|environ\.get)\(\s*"([A-Z][A-Z0-9_]+)"', text))


def variables_documented(path) -> set[str]:
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", path.read_text(encoding="utf-8"), re.M))


READ = variables_read(ROOT / "safecommunity" / "settings.py") | variables_read(
    DEPLOY / "gunicorn.conf.py"
)


def test_every_variable_the_portal_reads_is_in_the_development_example():
    assert READ - variables_documented(ROOT / ".env.example") == set()


def test_every_production_variable_is_in_the_servers_example():
    for_development = {"SQLITE_TIMEOUT", "CACHE_DIR", "EMAIL_BACKEND"}

    assert READ - for_development - variables_documented(DEPLOY / "env.example") == set()


def test_nginx_takes_requests_exactly_as_large_as_the_portal_allows():
    site = (DEPLOY / "nginx" / "safecommunity.conf").read_text(encoding="utf-8")

    (size,) = re.findall(r"^\s*client_max_body_size (\d+)m;", site, re.M)
    assert int(size) * MB == settings.REQUEST_MAX_BYTES
    assert f"（{size} MB）" in site and f"({size} MB)" in site  # its 413 page says so


# --- gunicorn ---------------------------------------------------------------------------------


@pytest.fixture
def gunicorn_conf(monkeypatch):
    """deploy/gunicorn.conf.py as gunicorn reads it, under the given environment and cores."""

    def read(cores: int = 2, **environment: str) -> dict:
        for name in [v for v in os.environ if v.startswith("GUNICORN_")]:
            monkeypatch.delenv(name)
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr(os, "cpu_count", lambda: cores)
        values = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
        return {k: v for k, v in values.items() if not k.startswith("_") and k != "os"}

    return read


def test_gunicorn_knows_every_setting_in_its_file(gunicorn_conf):
    # gunicorn skips a name it does not know: a misspelt setting would be silently ignored.
    assert set(gunicorn_conf()) <= set(Config().settings)


def test_gunicorn_listens_on_loopback_and_leaves_the_request_log_to_the_portal(gunicorn_conf):
    conf = gunicorn_conf()

    assert conf["bind"] == ["127.0.0.1:8000"]
    assert conf["forwarded_allow_ips"] == "127.0.0.1"
    assert (conf["accesslog"], conf["errorlog"]) == (None, "-")
    assert (conf["timeout"], conf["graceful_timeout"]) == (60, 30)


def test_a_second_web_machine_sets_its_address_and_trusted_proxy(gunicorn_conf):
    conf = gunicorn_conf(GUNICORN_BIND="10.0.0.12:8000", GUNICORN_FORWARDED_ALLOW_IPS="10.0.0.11")

    assert (conf["bind"], conf["forwarded_allow_ips"]) == (["10.0.0.12:8000"], "10.0.0.11")


@pytest.mark.parametrize(
    ("cores", "environment", "workers"),
    [
        (1, {}, 3),
        (2, {}, 5),
        (16, {}, 9),
        (16, {"GUNICORN_MAX_WORKERS": "12"}, 12),
        (16, {"GUNICORN_WORKERS": "4"}, 4),
    ],
)
def test_gunicorn_runs_two_workers_per_core_and_one_up_to_a_cap(
    gunicorn_conf, cores, environment, workers
):
    assert gunicorn_conf(cores, **environment)["workers"] == workers


# --- systemd ----------------------------------------------------------------------------------


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_runs_as_the_portal_with_its_environment_and_hardening(name):
    service = unit(name)["Service"]

    assert (service["User"], service["WorkingDirectory"]) == ("safecommunity", "/srv/safecommunity")
    assert service["EnvironmentFile"] == "/etc/safecommunity/env"
    assert service["ExecStart"].startswith("/srv/safecommunity/.venv/bin/")
    assert (service["NoNewPrivileges"], service["ProtectSystem"]) == ("yes", "strict")
    assert service["PrivateTmp"] == "yes"
    assert "/srv/safecommunity/var" in service["ReadWritePaths"].split()


def test_a_stopping_worker_finishes_its_job_first():
    service = unit("safecommunity-worker@.service")["Service"]

    assert service["ExecStart"].endswith("manage.py db_worker --no-reload --worker-id %H-%i")
    assert (service["KillSignal"], service["KillMode"]) == ("SIGTERM", "mixed")
    assert service["TimeoutStopSec"] == "10min"
    assert service["Restart"] == "on-failure"
    assert "/var/backups/safecommunity" in service["ReadWritePaths"].split()


def test_the_schedule_runs_every_five_minutes_and_catches_up_after_downtime():
    timer = unit("safecommunity-schedule.timer")["Timer"]
    service = unit("safecommunity-schedule.service")["Service"]

    assert (timer["OnCalendar"], timer["Persistent"]) == ("*:0/5", "true")
    assert service["ExecStart"].endswith("manage.py run_schedule")


# --- the worker process -------------------------------------------------------------------------


def test_a_worker_settles_with_the_views_loaded_and_its_objects_frozen():
    """Loading `safecommunity.wsgi` (what gunicorn does in each worker) imports the views and
    freezes every object then alive, so the garbage collector's full collections walk only
    what requests create."""
    script = (
        "import gc, sys; import safecommunity.wsgi;"
        " print(gc.get_freeze_count(), 'programs.reports.views.grid' in sys.modules)"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "ALLOWED_HOSTS"}},
        "DJANGO_SETTINGS_MODULE": "safecommunity.settings",
        "DEBUG": "0",
        "SECRET_KEY": get_random_secret_key(),
    }

    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000
    assert views_loaded == "True"


# --- static files -----------------------------------------------------------------------------


def test_collected_static_files_are_readable_by_nginx(tmp_path):
    environment = {
        **{k: v for k, v in os.environ.items() if k not in {"DEBUG", "ALLOWED_HOSTS"}},
        "DJANGO_SETTINGS_MODULE": "safecommunity.settings",
        "DEBUG": "0",
        "SECRET_KEY": get_random_secret_key(),
        "STATIC_ROOT": str(tmp_path / "static"),
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stderr
    collected = list((tmp_path / "static").rglob("*"))
    assert len(collected) > 50
    unreadable = [p for p in collected if not p.stat().st_mode & stat.S_IROTH]
    assert unreadable == []
