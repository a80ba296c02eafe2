"""Data migrations under test: the database moved back to a migration, then forward again."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets`; the apps as they were there, for the test's rows."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def migrated_back(targets):
    """For a fixture: the apps at `targets`, and the database at the newest migrations after."""
    apps = migrate(targets)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
