"""The shape of the code: imports point one way, and no production module outgrows a reader.

`core ← progress ← titles, reports, evaluations ← overview` inside `programs/`; `workgroups/` and
`injuries/` lean on what they must; `safecommunity/` (what every app shares) leans on none of them.
Every import counts — at the top of a module or inside a function — except those under
`if TYPE_CHECKING:`, which exist only for type hints and never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("safecommunity", "programs", "workgroups", "injuries")
MAX_LINES = 500

# What each part may import, besides itself and third-party code. A domain of `programs/` is
# named `programs.<domain>`; the gatherers (`programs.models`, `programs.admin`, `programs.urls`,
# `programs.setup`, `programs.demo`, …) belong to no domain and may import every one.
ALLOWED: dict[str, set[str]] = {
    "safecommunity": set(),
    "programs.core": {"safecommunity"},
    # Background jobs write their end to the event log; every domain may start jobs.
    "programs.jobs": {"safecommunity", "programs.core"},
    "programs.progress": {"safecommunity", "programs.core", "programs.jobs"},
    "programs.titles": {"safecommunity", "programs.core", "programs.jobs", "programs.progress"},
    "programs.evaluations": {
        "safecommunity",
        "programs.core",
        "programs.jobs",
        "programs.progress",
    },
    # The monthly report is pre-filled from the activity log and the injury records.
    "programs.reports": {
        "safecommunity",
        "programs.core",
        "programs.jobs",
        "programs.progress",
        "workgroups",
        "injuries",
    },
    "programs.overview": {
        "safecommunity",
        "programs.core",
        "programs.jobs",
        "programs.progress",
        "programs.titles",
        "programs.reports",
        "programs.evaluations",
        "programs.funds",
        "workgroups",
        "injuries",
    },
    # Notifications read every domain's events (the rule table, the reminders); nothing but the
    # gatherers (models, admin, urls, schedule, demo, apps) imports them.
    "programs.notifications": {
        "safecommunity",
        "programs.core",
        "programs.jobs",
        "programs.progress",
        "programs.titles",
        "programs.reports",
        "programs.evaluations",
        "programs.funds",
        "workgroups",
        "injuries",
    },
    # Spending is recorded against a unit's promotion projects and activities.
    "programs.funds": {"safecommunity", "programs.core", "programs.jobs", "workgroups"},
    # Activities keep their attachments as the unit's evidence.
    "workgroups": {"safecommunity", "programs.core", "programs.jobs", "programs.progress"},
    "injuries": {"safecommunity", "programs.core", "programs.jobs"},
}
# The project's own URLconf and settings put the apps together; they import whatever they join.
ASSEMBLERS = {
    "safecommunity.urls",
    "safecommunity.api.urls",
    "safecommunity.settings",
    "safecommunity.settings_test",
}
DOMAINS = [name.removeprefix("programs.") for name in ALLOWED if name.startswith("programs.")]


def part_of(module: str) -> str | None:
    """The part a dotted module name belongs to: a domain, an app, or None (third party, or a
    gatherer of `programs/`)."""
    top, _, rest = module.partition(".")
    if top == "programs":
        domain = rest.split(".")[0]
        return f"programs.{domain}" if domain in DOMAINS else "programs"
    return top if top in APPS else None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def production_files() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def imports_of(path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports, with its line; relative imports resolved, type-only skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(child) for stmt in node.body for child in ast.walk(stmt)}
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            if node.module is None:  # `from . import views`: each name may be a module
                found += [(node.lineno, f"{module}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, module))
    return sorted(found)


def violations() -> list[str]:
    found = []
    for path in production_files():
        if module_name(path) in ASSEMBLERS:
            continue
        source = part_of(module_name(path))
        if source not in ALLOWED:  # a gatherer of programs/ may import every domain
            continue
        for line, module in imports_of(path):
            target = part_of(module)
            if target in (None, source) or target in ALLOWED[source]:
                continue
            found.append(f"{path.relative_to(ROOT)}:{line} ({source}) imports {module}")
    return found


def test_imports_point_one_way():
    assert violations() == []


def test_the_direction_check_sees_function_local_and_relative_imports(tmp_path, monkeypatch):
    """The check itself: a function-local import against the direction is caught, and so is a
    relative one; a type-only import is not."""
    domain = tmp_path / "programs" / "core"
    domain.mkdir(parents=True)
    (domain / "__init__.py").write_text("")
    (domain / "bad.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from programs.overview.selectors import dashboard\n"
        "def f():\n"
        "    from programs.evaluations.models import Evaluation\n"
        "from ..titles import models\n"
    )
    monkeypatch.setattr(__import__(__name__), "ROOT", tmp_path, raising=False)
    monkeypatch.setitem(globals(), "ROOT", tmp_path)

    assert violations() == [
        "programs/core/bad.py:5 (programs.core) imports programs.evaluations.models",
        "programs/core/bad.py:6 (programs.core) imports programs.titles",
    ]


@pytest.mark.parametrize("path", production_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_production_module_passes_500_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it"


def test_no_domain_imports_notifications():
    """Notifications read every domain; only the gatherers (which belong to no domain) import
    them, so no domain's work depends on who is told of it."""
    leaning = [part for part, allowed in ALLOWED.items() if "programs.notifications" in allowed]
    assert leaning == []
