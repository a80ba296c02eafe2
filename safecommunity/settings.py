"""Settings for the safe-community portal.

One module, fed by the environment through django-environ (see `.env.example`). A fresh clone
runs with no configuration: SQLite in the project folder, Chinese by default. Production is
switched on by environment (`DEBUG=0`, `SECRET_KEY`, `ALLOWED_HOSTS`, `HTTPS=1`), never by
editing this file.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

# With no configuration at all (a fresh clone) the portal runs for local development. A
# SECRET_KEY — which every deployment must set — turns development mode off unless DEBUG says
# otherwise; DEBUG=0 without a SECRET_KEY refuses to start.
# Read literally: django-environ would take a secret starting with "$" (Django's own generator
# makes such keys) for a reference to another variable and quietly return nothing.
SECRET_KEY: str = os.environ.get("SECRET_KEY", "")
DEBUG: bool = env.bool("DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("Set SECRET_KEY (DEBUG=0 needs a real secret).")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "programs",
    "workgroups",
    "injuries",
    # After programs, whose `db_worker` (with heartbeats) overrides django-tasks-db's own.
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "safecommunity.middleware.RequestLogMiddleware",  # first: times and logs every request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "safecommunity.middleware.CacheControlMiddleware",  # after WhiteNoise: static files keep theirs
    "django.contrib.sessions.middleware.SessionMiddleware",
    "safecommunity.middleware.CookieLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "safecommunity.middleware.SessionIdleMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "safecommunity.urls"
FORM_RENDERER = "safecommunity.forms.PortalFormRenderer"
WSGI_APPLICATION = "safecommunity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "programs.notifications.views.bell",
                "programs.overview.context_processors.review_counts",
                "programs.overview.context_processors.city_districts",
            ],
        },
    },
    {
        # Only for templates printing many rows fast (an app's `jinja2/` folder); see
        # `safecommunity/jinja2.py`.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "APP_DIRS": True,
        "OPTIONS": {"environment": "safecommunity.jinja2.environment"},
    },
]

# --- Database: SQLite in the project by default, PostgreSQL through DATABASE_URL ---
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # The dashboard's per-unit subqueries are estimated dear enough to trigger PostgreSQL's JIT,
    # whose compilation (~80 ms) costs more than the query it speeds up; pages never gain by it.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The worker and the web server write to one file: WAL lets readers go on while one writes,
    # IMMEDIATE takes the write lock at BEGIN (no upgrade deadlock), and a clerk saving during an
    # import waits for it (up to the timeout) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env.int("SQLITE_TIMEOUT", default=30),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A second connection to the same database for what must be seen at once by other processes
    # while a long transaction runs: the shared cache, and with it a job's progress.
    DATABASES["side"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["safecommunity.routers.SideConnectionRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Users, login and lock-out ---
AUTH_USER_MODEL = "programs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "programs.core.auth.PortalBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Repeated wrong passwords for one username from one address lock that login for a while.
AXES_FAILURE_LIMIT: int = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "safecommunity.views.locked_out"
AXES_VERBOSE = False
# --- Idle sessions: a signed-in user idle this long is signed out. The session ends this long
# after it was last saved; SessionIdleMiddleware saves it at most once a minute while in use. ---
SESSION_IDLE_MINUTES: int = env.int("SESSION_IDLE_MINUTES", default=120)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Language and time: Chinese by default, English on request ---
LANGUAGE_CODE: str = env.str("LANGUAGE_CODE", default="zh-hans")
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE: str = env.str("TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Files: static assets are vendored (no CDN); uploads are private, outside any URL ---
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
# Evidence uploads: PDF, images, Word, Excel and PowerPoint, checked by content, at most this size.
EVIDENCE_MAX_BYTES: int = env.int("EVIDENCE_MAX_MB", default=20) * 1024 * 1024
# Injury record imports: files above either limit are refused whole.
INJURY_IMPORT_MAX_BYTES: int = env.int("INJURY_IMPORT_MAX_MB", default=20) * 1024 * 1024
INJURY_IMPORT_MAX_ROWS: int = env.int("INJURY_IMPORT_MAX_ROWS", default=200_000)
#: Days a checked file waits to be imported before the daily housekeeping gives it up (its kept
#: file and its staged rows deleted).
INJURY_CHECK_KEEP_DAYS: int = env.int("INJURY_CHECK_KEEP_DAYS", default=7)
#: The most injury cards one JSON batch may hold (`injuries.services.cards_import`).
API_CARDS_MAX: int = env.int("API_CARDS_MAX", default=10_000)
#: Creation funds: in October, November and December the district is told of each unit whose
#: spending to the last month's end lags the straight line of its year's budget by more than
#: this many percentage points (`programs.notifications.selectors`).
FUNDS_EXECUTION_MARGIN: int = env.int("FUNDS_EXECUTION_MARGIN", default=10)

# --- One request-size policy. A view accepting files names its limit (`upload_limit =
# "evidence"`); safecommunity.uploads stops keeping a file's bytes once it passes that limit and
# the form refuses it at the field. nginx's client_max_body_size must be REQUEST_MAX_BYTES. ---
UPLOAD_LIMITS: dict[str, int] = {
    "evidence": EVIDENCE_MAX_BYTES,
    "injury_import": INJURY_IMPORT_MAX_BYTES,
    "api_batch": env.int("API_BATCH_MAX_MB", default=8) * 1024 * 1024,
    # a district's units' boundaries (GeoJSON), uploaded in the admin
    "boundaries": env.int("BOUNDARIES_MAX_MB", default=5) * 1024 * 1024,
    # the treasury's file of paid disbursements (xlsx or CSV), checked in the request
    "treasury": env.int("TREASURY_IMPORT_MAX_MB", default=5) * 1024 * 1024,
}
REQUEST_MAX_BYTES: int = max(UPLOAD_LIMITS.values()) + 1024 * 1024  # the form fields' margin
FILE_UPLOAD_HANDLERS = [
    "safecommunity.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

FILE_UPLOAD_PERMISSIONS = 0o640
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
# --- Collected static files are public and served by nginx, another user: readable by all,
# unlike the uploads above (FILE_UPLOAD_PERMISSIONS, which collectstatic would otherwise use). ---
STORAGES["staticfiles"]["OPTIONS"] = {
    "file_permissions_mode": 0o644,
    "directory_permissions_mode": 0o755,
}

# --- E-mail (report reminders): printed to the console in development, SMTP in production ---
EMAIL_BACKEND: str = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST: str = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT: int = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER: str = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD: str = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS: bool = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL: str = env.str("DEFAULT_FROM_EMAIL", default="webmaster@localhost")

# --- Security headers; HTTPS=1 turns on everything `check --deploy` asks for ---
HTTPS: bool = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS: int = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD: bool = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The admin (and django-import-export's preview) put a few inline styles on elements.
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Imports, exports and history ---
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# --- Backups (issue 12): `manage.py backup` writes one archive of the database and every
# private file; without a PATH, and in the daily job, into BACKUP_DIR, where archives older than
# BACKUP_KEEP_DAYS days are then removed (never the newest). Keep BACKUP_DIR outside
# PRIVATE_MEDIA_ROOT, and copy it to another machine. ---
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
BACKUP_KEEP_DAYS: int = env.int("BACKUP_KEEP_DAYS", default=14)

# --- A cache shared by every process (rate limits, a job's progress): PostgreSQL's own table
# (through the side connection) or, on SQLite, a folder on this machine; Redis by CACHE_URL. ---
CACHE_URL: str = env.str("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "safecommunity_cache",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": env.str("CACHE_DIR", default=str(BASE_DIR / "var" / "cache")),
        }
    }

# --- The API (/api/v1/): personal tokens or the session, signed in always, cursor pages, a rate
# per token through the shared cache. Its machinery lives in safecommunity/api/. ---
API_RATE: str = env.str("API_RATE", default="1200/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "programs.core.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["safecommunity.api.permissions.ReadOnlySignedIn"],
    "DEFAULT_PAGINATION_CLASS": "safecommunity.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": ["safecommunity.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_RATE},
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "EXCEPTION_HANDLER": "safecommunity.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "safecommunity.api.schema.PortalAutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "安全社区创建管理平台 API",
    "DESCRIPTION": (
        "Read the programme's units, milestones, titles, targets, monthly reports, activities, "
        "evaluations, injury records, import batches and event log within your scope; send "
        "injury cards in batches (all or nothing) and withdraw an import batch, where the "
        "portal lets you do the same. Authenticate with a personal token (`Authorization: "
        "Bearer <key>`, created on the profile page) or the portal's session (with CSRF)."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    # A choice set by one name: several models have a `status`; an evaluation's result and
    # running result share one.
    "ENUM_NAME_OVERRIDES": {
        "MonthlyReportStatusEnum": "programs.reports.models.monthly.ReportStatus",
        "EvaluationResultEnum": "programs.evaluations.models.evaluations.EvaluationResult",
    },
}

# --- Background jobs: Django's task API on the database (django-tasks-db) ---
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A worker writes a heartbeat this often; a job running on a worker silent for JOB_WORKER_LOST
# seconds is retried (at most JOB_MAX_ATTEMPTS tries in all, waiting longer each time) or failed.
JOB_HEARTBEAT_SECONDS: float = env.float("JOB_HEARTBEAT_SECONDS", default=30)
JOB_WORKER_LOST_SECONDS: float = env.float("JOB_WORKER_LOST_SECONDS", default=300)
JOB_MAX_ATTEMPTS: int = env.int("JOB_MAX_ATTEMPTS", default=3)
JOB_RETRY_BACKOFF_SECONDS: float = env.float("JOB_RETRY_BACKOFF_SECONDS", default=30)
# Result files of jobs (exports) are kept this many days, then removed.
JOB_RESULT_DAYS: int = env.int("JOB_RESULT_DAYS", default=7)
# A job that ran longer than this also tells its user by e-mail when it is done.
JOB_MAIL_AFTER_SECONDS: float = env.float("JOB_MAIL_AFTER_SECONDS", default=60)
# /healthz fails below this much free space where the private files are kept.
HEALTH_MIN_FREE_BYTES: int = env.int("HEALTH_MIN_FREE_MB", default=1024) * 1024 * 1024
# The portal's address as its users reach it, for links in e-mails.
SITE_URL: str = env.str("SITE_URL", default="http://127.0.0.1:8000")

# --- Monthly reports ---
# A month's report may be submitted from its last day on (Asia/Shanghai), or this many days
# earlier (e.g. 3: from the 28th of a 31-day month).
REPORT_SUBMIT_FROM_DAYS_BEFORE_END: int = env.int("REPORT_SUBMIT_FROM_DAYS_BEFORE_END", default=0)
if not 0 <= REPORT_SUBMIT_FROM_DAYS_BEFORE_END <= 27:
    raise ImproperlyConfigured("REPORT_SUBMIT_FROM_DAYS_BEFORE_END must be between 0 and 27.")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# --- One line per request on stdout, with a timestamp (RequestLogMiddleware; gunicorn's own
# access log is off). Not passed on to the root logger, which stays as above. ---
LOGGING.setdefault("formatters", {})["request"] = {"format": "%(asctime)s %(message)s"}
LOGGING["handlers"]["requests"] = {
    "class": "logging.StreamHandler",
    "stream": "ext://sys.stdout",
    "formatter": "request",
}
LOGGING.setdefault("loggers", {})["safecommunity.requests"] = {
    "handlers": ["requests"],
    "level": "INFO",
    "propagate": False,
}
