"""Settings for SafeReach.

Everything that differs between a laptop demo and production comes from the environment:
DATABASE_URL (SQLite by default), SAFEREACH_SECRET_KEY, SAFEREACH_DEBUG, SAFEREACH_ALLOWED_HOSTS,
SAFEREACH_CSRF_TRUSTED_ORIGINS, SAFEREACH_SECURE (HTTPS-only cookies and redirects),
SAFEREACH_TASKS (where background tasks run).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("SAFEREACH_DEBUG", True)
# A fixed key is only acceptable for the local demo; production must set its own.
SECRET_KEY = os.environ.get("SAFEREACH_SECRET_KEY") or (
    "demo-only-insecure-key-set-SAFEREACH_SECRET_KEY-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    # Refuse to start rather than sign sessions with a guessable key.
    raise ImproperlyConfigured(
        "SAFEREACH_SECRET_KEY must be set when SAFEREACH_DEBUG is off. Generate one with: "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )

ALLOWED_HOSTS = env_list("SAFEREACH_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("SAFEREACH_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "safereach.accounts",
    "safereach.areas",
    "safereach.schools",
    "safereach.evidence",
    "safereach.workforce",
    "safereach.matrix",
    "safereach.catalogue",
    "safereach.routing",
    "safereach.bookings",
    "safereach.delivery",
    "safereach.maps",
    "safereach.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "safereach.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safereach.accounts.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "safereach.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{PROJECT_DIR / 'safereach.sqlite3'}",
        conn_max_age=int(os.environ.get("SAFEREACH_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while an import writes; a generous timeout avoids
    # "database is locked" when two requests write at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
# Front-end packages come from npm (package.json + package-lock.json); only their built
# assets are exposed, under stable prefixes.
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("govuk-frontend", NODE_MODULES / "govuk-frontend" / "dist" / "govuk"),
    ("leaflet", NODE_MODULES / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SECURE = env_bool("SAFEREACH_SECURE", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SECURE_SSL_REDIRECT = SECURE and env_bool("SAFEREACH_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SAFEREACH_HSTS_SECONDS", "31536000" if SECURE else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
SECURE_HSTS_PRELOAD = SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get(
    "SAFEREACH_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
# Seconds to wait for a mail server: without a limit, one that never answers holds up applying
# a term plan until the run is given up on.
EMAIL_TIMEOUT = 30

# Where the real open data lives beside the project; tests and docs refer to it.
SHARED_DATA_DIR = Path(os.environ.get("SAFEREACH_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAFEREACH_LOG_LEVEL", "WARNING")},
}

# --- Bookings and travel times (catalogue, bookings, routing.travel) -------------------------
# Travel times: "estimate" (great-circle distance × detour factor over speed bands) or "osrm"
# (an OSRM server's table service). See routing/travel.py for what each figure means.
SAFEREACH_TRAVEL = {
    "PROVIDER": os.environ.get("SAFEREACH_TRAVEL_PROVIDER", "estimate"),
    "DETOUR_FACTOR": float(os.environ.get("SAFEREACH_TRAVEL_DETOUR_FACTOR", "1.3")),
    "SPEED_BANDS": [(2.0, 20.0), (10.0, 40.0), (None, 65.0)],  # (up to km, km/h)
    "FIXED_MINUTES": 5.0,  # parking and signing in
    "OSRM_URL": os.environ.get("SAFEREACH_OSRM_URL", "http://127.0.0.1:5000"),
    "OSRM_PROFILE": "driving",
    "OSRM_TIMEOUT_SECONDS": 10.0,
    "OSRM_MAX_TABLE_SIZE": int(os.environ.get("SAFEREACH_OSRM_MAX_TABLE_SIZE", "100")),
}
SAFEREACH_BOOKINGS = {
    "HOLD_MINUTES": 60,
    "APPROVAL_HOLD_HOURS": 72,
    "MANAGE_LINK_DAYS": 200,
    "OFFERS_SHOWN": 5,
    "ARRIVE_BEFORE_MINUTES": 10,
    "HELD_SHARE_FOR_TARGETS": float(os.environ.get("SAFEREACH_HELD_SHARE_FOR_TARGETS", "0.25")),
    "HOLD_FOR_TARGETS_DAYS": int(os.environ.get("SAFEREACH_HOLD_FOR_TARGETS_DAYS", "21")),
    "RATE_LIMIT": (int(os.environ.get("SAFEREACH_PUBLIC_FORM_LIMIT", "30")), 600),
    # Behind a load balancer, the header it puts the client's address in (e.g. HTTP_X_FORWARDED_FOR).
    "CLIENT_ADDRESS_HEADER": os.environ.get("SAFEREACH_CLIENT_ADDRESS_HEADER") or None,
}
DEFAULT_FROM_EMAIL = os.environ.get("SAFEREACH_FROM_EMAIL", "SafeReach <bookings@safereach.invalid>")

# --- Term planner (routing.planner) -----------------------------------------------------------
# The planner solves weeks of a term side by side in this many processes: one per core this
# process may use (at most 4) unless SAFEREACH_PLANNER_WORKERS says otherwise; 1 solves in
# the process that asks.
def _planner_workers() -> int:
    given = os.environ.get("SAFEREACH_PLANNER_WORKERS", "").strip()
    if not given:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return max(1, min(4, cores))
    if not given.isdigit() or int(given) < 1:
        raise ImproperlyConfigured(f"SAFEREACH_PLANNER_WORKERS must be a whole number from 1, not {given!r}")
    return int(given)


SAFEREACH_PLANNER = {"WORKERS": _planner_workers()}

# --- Background tasks (django-tasks) ---------------------------------------------------------
# Long work started from a page (a term plan) runs as a task. SAFEREACH_TASKS picks where:
#   thread    (default) in a thread of the web process: nothing else to run, for the demo;
#   database  queued in the database (django-tasks-db) for `safereach db_worker` processes to
#             run: for production, where web processes come and go and several workers share;
#   immediate inside the request that asks, which waits for it (tests).
# SAFEREACH_TASK_THREADS: how many tasks one web process runs at once with "thread".
TASK_BACKENDS = {
    "thread": {
        "BACKEND": "safereach.background.ThreadBackend",
        "OPTIONS": {"MAX_THREADS": int(os.environ.get("SAFEREACH_TASK_THREADS", "2"))},
    },
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
_tasks = os.environ.get("SAFEREACH_TASKS", "thread").strip().lower()
if _tasks not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"SAFEREACH_TASKS must be one of {', '.join(TASK_BACKENDS)}, not {_tasks!r}")
TASKS = {"default": TASK_BACKENDS[_tasks]}

# --- The multi-agency map (maps) ----------------------------------------------------------------
# Maps draw boundaries, labels and a scale from the loaded data and need no tile server. A site
# with its own tile server may give its URL template (e.g. https://tiles.example/{z}/{x}/{y}.png)
# and attribution; the county's name heads the county view and map packs.
SAFEREACH_MAPS = {
    "TILE_URL": os.environ.get("SAFEREACH_MAP_TILE_URL", ""),
    "TILE_ATTRIBUTION": os.environ.get("SAFEREACH_MAP_TILE_ATTRIBUTION", ""),
    "COUNTY_NAME": os.environ.get("SAFEREACH_COUNTY_NAME", ""),
}
