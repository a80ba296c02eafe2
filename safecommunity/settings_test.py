"""Settings for the test suite: the real settings with a fast hasher and plain static files.

The database is whatever `DATABASE_URL` names (SQLite by default), so the same suite runs on
SQLite and on PostgreSQL.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # sync Playwright with live_server

from .settings import *  # noqa: F403
from .settings import STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["*"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Serve static files from the app folders, as runserver does (no collectstatic before tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Close connections after each request so no live-server thread keeps the test database open.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# Uploaded evidence goes to a throw-away folder, never into the project's var/.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

# (Worker processes started by a test share the test's folder through the environment.)
PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("TEST_PRIVATE_MEDIA_ROOT")
    or tempfile.mkdtemp(prefix="safecommunity-test-files-")
)
STORAGES["default"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
}
# Each test process keeps its own cache (progress, rate limits); multi-process tests set theirs:
# TEST_CACHE=database gives their worker processes PostgreSQL's table, as in production.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("TEST_CACHE") == "database":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "safecommunity_cache",
        }
    }
# Jobs run at once, in the request that starts them; tests with real worker processes start
# them with JOB_BACKEND=database (and queue into the database themselves).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if os.environ.get("JOB_BACKEND") == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
# Backups written by tests (the nightly job included) go to a throw-away folder.
BACKUP_DIR = Path(tempfile.mkdtemp(prefix="safecommunity-backups-"))
