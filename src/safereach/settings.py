"""Settings for SafeReach.

Everything that differs between a laptop demo and production comes from the environment:
DATABASE_URL (SQLite by default), SAFEREACH_SECRET_KEY (else a random key kept in a file),
SAFEREACH_DEBUG (off by default), SAFEREACH_ALLOWED_HOSTS,
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


# Off unless asked for: debug pages show tracebacks and settings to anyone who can reach the site.
DEBUG = env_bool("SAFEREACH_DEBUG", False)
# The key that signs sessions and schools' manage links. Production sets SAFEREACH_SECRET_KEY
# (the same in every web process); without it, this machine makes a random key of its own
# once and keeps it in a file beside the project, so no site runs on a key anyone can read.
SECRET_KEY_FILE = Path(os.environ.get("SAFEREACH_SECRET_KEY_FILE", PROJECT_DIR / ".safereach-secret-key"))


def _secret_key() -> str:
    given = os.environ.get("SAFEREACH_SECRET_KEY", "").strip()
    if given:
        return given
    try:
        return SECRET_KEY_FILE.read_text().strip()
    except FileNotFoundError:
        import secrets

        key = secrets.token_urlsafe(50)
        SECRET_KEY_FILE.touch(mode=0o600)
        SECRET_KEY_FILE.write_text(key)
        return key


SECRET_KEY = _secret_key()
SECRET_KEY_FROM_ENVIRONMENT = bool(os.environ.get("SAFEREACH_SECRET_KEY", "").strip())

ALLOWED_HOSTS = env_list("SAFEREACH_ALLOWED_HOSTS", "127.0.0.1,localhost")
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
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "safereach.core",
    "safereach.accounts",
    "safereach.areas",
    "safereach.schools",
    "safereach.evidence",
    "safereach.governance",
    "safereach.workforce",
    "safereach.matrix",
    "safereach.catalogue",
    "safereach.routing",
    "safereach.bookings",
    "safereach.planning",
    "safereach.delivery",
    "safereach.maps",
    "safereach.register",
    "safereach.schoolpage",
    "safereach.home",
    "safereach.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer; no-store on signed-in and signed-link pages.
    "safereach.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-step sign-in (accounts.two_step): django-otp marks a user verified by a code, and those
    # who may see OFFICIAL-SENSITIVE data (accounts.roles) go nowhere else until they are.
    "django_otp.middleware.OTPMiddleware",
    "safereach.accounts.two_step.TwoStepRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
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
                "safereach.home.navigation.navigation",
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
# django-axes first: it refuses a sign-in from a locked-out account and address before the
# password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account
# from one address, that pair is locked out for an hour, or until an administrator deletes the
# attempt under Sign-in attempts in the admin (or runs `safereach axes_reset_username EMAIL`).
AXES_FAILURE_LIMIT = int(os.environ.get("SAFEREACH_SIGN_IN_FAILURES", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ADMIN = False  # accounts/admin.py shows attempts to holders of the administrator role
# The client's address as the public forms' limits see it (SAFEREACH_CLIENT_ADDRESS_HEADER).
AXES_CLIENT_IP_CALLABLE = "safereach.core.rate_limit.client_ip"

# Two-step sign-in (TOTP) for the roles that may see OFFICIAL-SENSITIVE data (accounts.roles).
# Only a test of something else turns it off.
SAFEREACH_TWO_STEP = True
OTP_TOTP_ISSUER = "SafeReach"

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
# Collected (`safereach collectstatic`, as production does): compressed files with hashed
# names. Not collected (a fresh clone, the demo, the tests): WhiteNoise serves the files where
# they are, so pages look the same with DEBUG off.
STATIC_COLLECTED = (STATIC_ROOT / "staticfiles.json").is_file()
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_COLLECTED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED

# HTTPS only: production sets it (the deploy check fails without it); the demo on a laptop is
# plain http.
SECURE = env_bool("SAFEREACH_SECURE", False)
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
}
# One cache every web process shares, so limits (core.rate_limit) hold across processes: a
# table in the database (`safereach migrate` makes it).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "safereach_cache"}
}
# Public form submissions one client address may make per window (core.rate_limit).
SAFEREACH_RATE_LIMIT = {
    "SUBMISSIONS": int(os.environ.get("SAFEREACH_PUBLIC_FORM_LIMIT", "30")),
    "SECONDS": 600,
    # Behind a load balancer, the header it puts the client's address in (e.g. HTTP_X_FORWARDED_FOR).
    "CLIENT_ADDRESS_HEADER": os.environ.get("SAFEREACH_CLIENT_ADDRESS_HEADER") or None,
    # Forms that email someone other than the person typing (a school's link, a concern to its
    # recipients) cost more to abuse, so they have a lower limit of their own.
    "EMAILING_SUBMISSIONS": int(os.environ.get("SAFEREACH_EMAILING_FORM_LIMIT", "5")),
}
# The schools' side (schoolpage): how long signed links last, how long concerns are kept, and
# the number a school calls when a child is at immediate risk. 01632 960… numbers are set
# aside for fiction, so the demo's cannot reach anyone: set the real one in production.
# Where this service is reached, for links in emails sent outside a request (after an outcome
# is recorded, from commands): e.g. https://safereach.example.org
SAFEREACH_SITE_URL = os.environ.get("SAFEREACH_SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
SAFEREACH_SCHOOLS = {
    "SCHOOL_LINK_DAYS": int(os.environ.get("SAFEREACH_SCHOOL_LINK_DAYS", "30")),
    "FEEDBACK_LINK_DAYS": int(os.environ.get("SAFEREACH_FEEDBACK_LINK_DAYS", "120")),
    "KNOWLEDGE_CHECK_REPEAT_DAYS": 42,
    "CONCERN_RETENTION_DAYS": int(os.environ.get("SAFEREACH_CONCERN_RETENTION_DAYS", "365")),
    "FRONT_DOOR_NAME": os.environ.get(
        "SAFEREACH_SAFEGUARDING_FRONT_DOOR_NAME",
        "the children's safeguarding front door (Marshwold, fictional)" if DEBUG else
        "your local children's safeguarding front door"),
    "FRONT_DOOR_PHONE": os.environ.get("SAFEREACH_SAFEGUARDING_FRONT_DOOR_PHONE",
                                       "01632 960 123" if DEBUG else ""),
}
# Who people write to about accessibility or their information (the accessibility statement
# and the privacy notice), and how long schools' contact details are kept after a booking ends.
SAFEREACH_CONTACT = os.environ.get(
    "SAFEREACH_CONTACT", "the booking coordinator of the partner you booked with"
)
SAFEREACH_CONTACT_RETENTION_DAYS = int(os.environ.get("SAFEREACH_CONTACT_RETENTION_DAYS", "730"))
# Audit entries are deleted this many days after the action (governance.retention).
SAFEREACH_AUDIT_RETENTION_DAYS = int(os.environ.get("SAFEREACH_AUDIT_RETENTION_DAYS", str(6 * 365)))
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
        "BACKEND": "safereach.core.background.ThreadBackend",
        "OPTIONS": {"MAX_THREADS": int(os.environ.get("SAFEREACH_TASK_THREADS", "2"))},
    },
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
_tasks = os.environ.get("SAFEREACH_TASKS", "thread").strip().lower()
if _tasks not in TASK_BACKENDS:
    raise ImproperlyConfigured(f"SAFEREACH_TASKS must be one of {', '.join(TASK_BACKENDS)}, not {_tasks!r}")
TASKS = {"default": TASK_BACKENDS[_tasks]}

# --- The public register of fire-safety notices (register) -----------------------------------
# SAFEREACH_REGISTER_KEEP_YEARS: how long an entry stays on the register from the day the notice
# was served. The law asks for at least 3 years, the default; many services keep 5.
# SAFEREACH_REGISTER_TODAY: hold the register at a fixed day (YYYY-MM-DD) for a demonstration or
# an acceptance check; `safereach check --deploy` refuses it (register/checks.py).
def _register_settings() -> dict:
    from datetime import date

    keep = os.environ.get("SAFEREACH_REGISTER_KEEP_YEARS", "3").strip()
    if not keep.isdigit() or int(keep) < 3:
        raise ImproperlyConfigured(
            f"SAFEREACH_REGISTER_KEEP_YEARS must be a whole number of years, 3 or more, not {keep!r}")
    fixed = os.environ.get("SAFEREACH_REGISTER_TODAY", "").strip()
    today = None
    if fixed:
        try:
            today = date.fromisoformat(fixed)
        except ValueError:
            raise ImproperlyConfigured(
                f"SAFEREACH_REGISTER_TODAY must be a date, YYYY-MM-DD, not {fixed!r}") from None
    # Within this distance of a school, notices are shown on the school's page.
    return {"KEEP_YEARS": int(keep), "TODAY": today, "NEAR_SCHOOL_METRES": 800}


SAFEREACH_REGISTER = _register_settings()
# --- Periodic tasks (core.periodic) ----------------------------------------------------------
# Releasing holds past their time and sending visit changes to case systems run every so often.
# Each web process starts a ticker thread on its first request that enqueues them when due
# (one process per turn, through the database); SAFEREACH_PERIODIC_TICKER=0 leaves that to a
# `safereach periodic` process instead.
SAFEREACH_PERIODIC = {"TICKER": env_bool("SAFEREACH_PERIODIC_TICKER", True), "TICK_SECONDS": 5}
# The site's address, for links in emails sent by background tasks (no request to ask).
SAFEREACH_SITE_URL = (
    os.environ.get("SAFEREACH_SITE_URL")
    or (CSRF_TRUSTED_ORIGINS[0] if CSRF_TRUSTED_ORIGINS else "")
    or ("https://" + ALLOWED_HOSTS[0] if ALLOWED_HOSTS and not DEBUG else "http://127.0.0.1:8000")
).rstrip("/")
# --- Background tiles under every map (areas/basemap.py) --------------------------------------
# Every map draws district and ward boundaries, their names and a scale from the loaded data, and
# needs no tile server. A site with its own may give its URL template (for example
# https://tiles.example/{z}/{x}/{y}.png) and the attribution its licence asks for.
SAFEREACH_TILES = {
    "URL": os.environ.get("SAFEREACH_TILE_URL", ""),
    "ATTRIBUTION": os.environ.get("SAFEREACH_TILE_ATTRIBUTION", ""),
}
# --- The multi-agency map (maps) ----------------------------------------------------------------
# The county's name heads the county view and map packs.
SAFEREACH_MAPS = {"COUNTY_NAME": os.environ.get("SAFEREACH_COUNTY_NAME", "")}
