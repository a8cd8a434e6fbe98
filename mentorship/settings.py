"""Settings for the mentorship platform: one module, every knob from the environment.

Local defaults are safe and need nothing installed: SQLite, the database cache, the
console mail backend and Celery on kombu's filesystem transport. Production is
switched on by environment variables (see `.env.example`), never by another
settings module.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets typed generics such as ModelAdmin[Model] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


class StrictEnv(environ.Env):
    """django-environ, except that a yes/no variable must say yes or no.

    django-environ reads any unknown word ("ture", "enabled") as False, which
    would silently switch off e.g. secure cookies. Empty means unset.
    """

    TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
    FALSE_WORDS = frozenset({"0", "false", "no", "off"})

    def bool(self, var: str, default: Any = environ.Env.NOTSET) -> bool:
        raw = os.environ.get(var, "").strip()
        if not raw:
            if default is environ.Env.NOTSET:
                raise ImproperlyConfigured(f"Set the environment variable {var}.")
            return bool(default)
        if raw.lower() in self.TRUE_WORDS:
            return True
        if raw.lower() in self.FALSE_WORDS:
            return False
        raise ImproperlyConfigured(f"{var}={raw!r} is not a yes/no value; use true or false.")


env = StrictEnv()
# A local `.env` may hold developer overrides; real environment variables win.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "django-insecure-local-development-only-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it in the environment (DEBUG is off, so "
            "no development key is used)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Absolute address of the site, used in emails (links must work outside a request).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env.str("SITE_NAME", default="Mentorship")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "csp",
    "import_export",
    "mentorship",
    "mentorship.notifications",
    "profiles",
    "matching",
    "sessions_app",
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
    "csp.middleware.CSPMiddleware",
    "mentorship.middleware.PrivacyHeadersMiddleware",
    "mentorship.middleware.StaffSecondFactorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "profiles.middleware.TimeZoneMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"

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
                "mentorship.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share the file: wait for locks instead of failing,
    # and let readers work while one process writes. Connections are kept like
    # any other database's: opening one (and its PRAGMAs) costs more than most
    # pages' queries, and autocommit holds no lock or snapshot between requests.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file too: an in-memory shared-cache database fails at once with
    # "table is locked" when a worker thread writes, instead of waiting its turn.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"mentorship-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ---------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")

# The cache is shared by every process (allauth's rate limits live here). By
# default it is a table in the database, so a Redis outage delays background
# work but never fails a page; CACHE_URL=redis://... moves it to Redis.
CACHES = {"default": env.cache_url("CACHE_URL", default="dbcache://django_cache")}
# A stalled Redis must fail fast, not hang the request that asked it.
REDIS_TIMEOUTS = {"socket_connect_timeout": 2, "socket_timeout": 5}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES["default"].setdefault("OPTIONS", {}).update(REDIS_TIMEOUTS)

# Without Redis, Celery runs on kombu's filesystem transport: no server, no extra
# dependency, and the same worker/beat code path as production (see README).
BROKER_DIR = Path(env.str("CELERY_BROKER_DIR", default=str(VAR_DIR / "broker")))
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://localhost//")
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {}
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    # Above the longest task plus the longest retry countdown, so a slow task is
    # not handed to a second worker while the first still runs it (acks_late).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 4 * 60 * 60, **REDIS_TIMEOUTS}
# Tests use their own queue so they never feed a real worker sharing the broker.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# Worker processes; unset means one per CPU.
CELERY_WORKER_CONCURRENCY = env.int("CELERY_WORKER_CONCURRENCY", default=None)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- Authentication (django-allauth) -----------------------------------------
AUTH_USER_MODEL = "profiles.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# Mandatory in production: people prove their address, and sign-up cannot be
# used to find out who has an account. Optional while developing.
ACCOUNT_EMAIL_VERIFICATION = env.str(
    "ACCOUNT_EMAIL_VERIFICATION", default="optional" if DEBUG else "mandatory"
)
if ACCOUNT_EMAIL_VERIFICATION not in {"none", "optional", "mandatory"}:
    raise ImproperlyConfigured(
        "ACCOUNT_EMAIL_VERIFICATION must be one of none, optional, mandatory."
    )
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
ACCOUNT_ADAPTER = "profiles.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "profiles.forms.SignupForm"}
ACCOUNT_RATE_LIMITS = {
    # allauth's own limits, counted in the shared cache: failed logins per
    # account, and per IP; password resets and signups per IP.
    "login_failed": env.str("RATE_LIMIT_LOGIN_FAILED", default="10/m/ip,5/5m/key"),
    "signup": env.str("RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "reset_password": env.str("RATE_LIMIT_RESET_PASSWORD", default="20/m/ip,5/m/key"),
}

# Second factor (allauth MFA): an authenticator app (TOTP) with recovery codes,
# which anyone may enrol from their account page. With MFA_REQUIRED_FOR_STAFF on,
# staff reach the admin and the staff pages only once they have enrolled one.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=not DEBUG)

# --- Email ---------------------------------------------------------------------
# EMAIL_URL: consolemail:// (default), filemail:////absolute/path, smtp://user:pass@host:port,
# smtp+tls://..., or set ANYMAIL_ESP (e.g. "mailgun", "postmark") with its key.
ANYMAIL_ESP = env.str("ANYMAIL_ESP", default="")
if ANYMAIL_ESP:
    EMAIL_BACKEND = f"anymail.backends.{ANYMAIL_ESP}.EmailBackend"
    # Each ANYMAIL_<SETTING> variable becomes anymail's <SETTING>, so every
    # provider's own names work: ANYMAIL_MAILGUN_API_KEY, ANYMAIL_POSTMARK_SERVER_TOKEN...
    ANYMAIL = {
        name.removeprefix("ANYMAIL_"): value
        for name, value in os.environ.items()
        if name.startswith("ANYMAIL_") and name != "ANYMAIL_ESP" and value
    }
else:
    vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default=f"{SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# Outbox delivery: attempts before a notification is marked failed, and the
# wait before each retry (seconds; the last value repeats).
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BACKOFF = env.list(
    "NOTIFICATION_RETRY_BACKOFF", cast=int, default=[60, 300, 1800, 7200]
)
# How often beat runs the outbox sweep (seconds).
NOTIFICATION_SWEEP_SECONDS = env.int("NOTIFICATION_SWEEP_SECONDS", default=30)
# A row left in "sending" this long (a worker died mid-send) is picked up again.
NOTIFICATION_STUCK_AFTER = env.int("NOTIFICATION_STUCK_AFTER", default=600)
# How often beat looks for unanswered requests to remind about or expire (seconds).
REQUEST_SWEEP_SECONDS = env.int("REQUEST_SWEEP_SECONDS", default=900)
# Requests a mentor may let expire in a row before they are paused.
REQUEST_EXPIRIES_BEFORE_PAUSE = env.int("REQUEST_EXPIRIES_BEFORE_PAUSE", default=3)
# Days the one-click "resume mentoring" link in the pause email stays valid.
RESUME_LINK_DAYS = env.int("RESUME_LINK_DAYS", default=30)

# --- Keeping mentorships alive (sessions_app) ------------------------------------
# How often beat looks for sessions, check-ins and quiet pairs to remind about (seconds).
PAIR_SWEEP_SECONDS = env.int("PAIR_SWEEP_SECONDS", default=900)
# Hours before a confirmed session that both people are reminded, with the invite.
SESSION_REMINDER_HOURS = env.int("SESSION_REMINDER_HOURS", default=24)
# Days after acceptance by which a pair should have booked its first session.
FIRST_SESSION_DAYS = env.int("FIRST_SESSION_DAYS", default=10)
# Days without a session or a check-in after which a pair has gone quiet.
QUIET_DAYS = env.int("QUIET_DAYS", default=14)
# Local hour (in each person's time zone) at which the daily digest goes out.
DIGEST_HOUR = env.int("DIGEST_HOUR", default=8)

# --- Programmes: CSV import/export and bulk matching -------------------------------
# A spreadsheet would run a cell starting with = + - @ as a formula: exports escape them.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
# An import runs in one transaction: a file with a bad row imports nothing.
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
# Importing people needs the right to add enrolments; exporting, to view them
# (otherwise any staff member who reaches the admin could).
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

# --- REST API ------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an anonymous call then gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "mentorship.pagination.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "mentorship.api.AutoSchema",
    "EXCEPTION_HANDLER": "mentorship.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
        "rest_framework.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "auth": env.str("API_THROTTLE_AUTH", default="10/min"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mentorship platform API",
    "DESCRIPTION": (
        "Find, request and work with mentors. Authenticate with "
        "`POST /api/v1/auth/token/` and send `Authorization: Token <token>`."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set used by several fields.
    "ENUM_NAME_OVERRIDES": {"FrequencyEnum": "profiles.models.Frequency"},
}

# --- Internationalisation -------------------------------------------------------
LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed names in production; plain storage locally and in tests,
# where no manifest has been collected.
STATIC_MANIFEST = env.bool("STATIC_MANIFEST", default=not DEBUG)
_STATIC_BACKEND = (
    "whitenoise.storage.CompressedManifestStaticFilesStorage"
    if STATIC_MANIFEST
    else "django.contrib.staticfiles.storage.StaticFilesStorage"
)
# Without collected files, whitenoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": _STATIC_BACKEND},
}

# --- Security ---------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (django-csp): scripts and styles come from this site's
# own files only. No page has inline script or style attributes, so an injected
# <script> or onerror= would not run even if escaping failed somewhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
# /healthz is probed over plain HTTP by load balancers and compose.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ---------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}
