"""Settings of the gonghui platform, read from the environment.

Every value an operator may change comes from an environment variable (docs/operations.md lists
them). The embedded default — SQLite in ``var/`` with debug on — needs none: its secret keys are
generated once into ``var/keys.json``. With debug off, a missing or malformed key stops start-up.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.keys import load_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("GONGHUI_DEBUG", False)

_keys = load_keys(VAR_DIR, generate=DEBUG)
SECRET_KEY = _keys.secret_key
GONGHUI_PII_KEY = _keys.pii_key
GONGHUI_PII_HASH_KEY = _keys.pii_hash_key

ALLOWED_HOSTS = env_list("GONGHUI_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("GONGHUI_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.stations",
    "gonghui.members",
    "gonghui.memberimport",
    "gonghui.appeals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gonghui.core.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gonghui.core.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "gonghui.core.middleware.ApiErrorShapeMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.core.middleware.LoginRequiredMiddleware",
    "gonghui.core.middleware.MessageMiddleware",
    "gonghui.core.middleware.BusinessErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gonghui.core.context_processors.navigation",
            ],
        },
    },
]

# --- database -----------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}",
        conn_max_age=int(os.environ.get("GONGHUI_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work while one writer writes; IMMEDIATE transactions take the write lock
    # up front so that two writers queue instead of failing half-way with "database is locked".
    # Connections persist like PostgreSQL's (GONGHUI_DB_CONN_MAX_AGE): opening one and running
    # these pragmas costs ~1.4 ms, a quarter of an appeal's intake.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000; PRAGMA cache_size=-64000;"
        ),
    }
elif os.environ.get("GONGHUI_PG_PREPARED_STATEMENTS", "1") == "1":
    # Parameters travel apart from the SQL, and psycopg prepares a statement the fifth time a
    # connection runs it: the server then skips parsing and planning the hot inserts and
    # lookups (an appeal's intake: 1.8 → 1.0 ms of server CPU). Set 0 behind a connection pooler
    # in transaction mode, which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- accounts, passwords, login throttling -------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gonghui.accounts.passwords.CharacterClassValidator"},
]
AXES_FAILURE_LIMIT = int(os.environ.get("GONGHUI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("GONGHUI_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lock-outs per client, not per proxy: behind nginx every login would otherwise share one address.
AXES_CLIENT_IP_CALLABLE = "gonghui.core.clientip.client_ip"
SESSION_COOKIE_AGE = int(os.environ.get("GONGHUI_SESSION_SECONDS", str(8 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- security headers ---------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("GONGHUI_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("GONGHUI_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("GONGHUI_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
# Behind nginx: HTTPS is read from X-Forwarded-Proto, the client's address from X-Forwarded-For,
# believing only what the proxies listed here wrote (gonghui.core.clientip).
GONGHUI_BEHIND_PROXY = env_bool("GONGHUI_BEHIND_PROXY", False)
GONGHUI_TRUSTED_PROXIES = env_list("GONGHUI_TRUSTED_PROXIES", "127.0.0.1/32,::1")
for _network in GONGHUI_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as _error:  # stop at start-up, not at the first request
        raise ImproperlyConfigured(f"GONGHUI_TRUSTED_PROXIES: {_error}") from None
if GONGHUI_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# Map tiles are the only third-party origin a page may load (configurable, see docs).
MAP_TILE_URL = os.environ.get(
    "GONGHUI_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
)
_TILE_ORIGINS = env_list("GONGHUI_MAP_TILE_ORIGINS", "https://tile.openstreetmap.org")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_TILE_ORIGINS],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- language and time ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gonghui" / "locale"]
TIME_ZONE = os.environ.get("GONGHUI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- static and uploaded files -------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Front-end libraries come from package.json (installed by `make install`); only their
# distribution folders are served.
_NODE = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    (f"vendor/{name}", _NODE / folder)
    for name, folder in {
        "bootstrap": "bootstrap/dist",
        "bootstrap-icons": "bootstrap-icons/font",
        "htmx": "htmx.org/dist",
        "leaflet": "leaflet/dist",
        "echarts": "echarts/dist",
    }.items()
    if (_NODE / folder).is_dir()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG and env_bool("GONGHUI_MANIFEST_STATIC", True)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("GONGHUI_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- background tasks ----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "GONGHUI_TASKS_BACKEND", "django_tasks_db.backend.DatabaseBackend"
        )
    }
}

# --- cache (Redis in production for rate limits across app servers) ------------------------------
_REDIS_URL = os.environ.get("GONGHUI_REDIS_URL")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_URL}
        if _REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- the platform --------------------------------------------------------------------------------
GONGHUI_REGION_CODE = os.environ.get("GONGHUI_REGION_CODE", "640000")
GONGHUI_AUDIT_RETENTION_DAYS = int(os.environ.get("GONGHUI_AUDIT_RETENTION_DAYS", "3650"))
GONGHUI_MEMBER_TRANSFER_AUTO_DAYS = int(os.environ.get("GONGHUI_MEMBER_TRANSFER_AUTO_DAYS", "10"))
GONGHUI_SITE_NAME = _("Trade Union Work and Service Platform")
# manage.py periodic: idempotent commands and the seconds between their runs.
GONGHUI_PERIODIC_JOBS = {
    "appeals_check_sla": 600,
    "members_complete_transfers": 3600,
    "members_import_purge": 86400,
    "audit_prune": 86400,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GONGHUI_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
