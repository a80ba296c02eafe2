"""Send the shared cache through the side connection, so what it holds is seen at once.

On PostgreSQL the settings open a second connection (`side`) to the same database. A job's
progress goes through the cache while the job's own transaction is still open (an all-or-nothing
import); written on the job's connection it would stay invisible until the end.
"""

from typing import Any


class SideConnectionRouter:
    def _side(self, model: Any) -> str | None:
        return "side" if model._meta.app_label == "django_cache" else None

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return self._side(model)

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return self._side(model)

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # Both aliases name one database: tables are made once, through `default`.
        return db == "default"
