"""Settings for the NTM monitor, read from environment variables.

Defaults give the embedded mode: SQLite under ./data, no other service needed, DEBUG off.

Three modes, by DJANGO_DEBUG:
- unset: the embedded mode (`make run` on a laptop or a province intranet): DEBUG off, a secret
  key generated once into the data folder, plain HTTP allowed (no HTTPS redirect, no secure-only
  cookies, no HSTS; each can still be turned on with its variable);
- 1: development: DEBUG on (technical error pages), otherwise like the embedded mode;
- 0: production: DJANGO_SECRET_KEY required, HTTPS enforced (what `check --deploy` asks).
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("NTM_DATA_DIR", BASE_DIR / "data"))

DEBUG = env_bool("DJANGO_DEBUG", False)
# Production is declared with DJANGO_DEBUG=0 (see the module docstring).
PRODUCTION = "DJANGO_DEBUG" in os.environ and not DEBUG
SECRET_KEY = secret_key(DATA_DIR, generate=not PRODUCTION)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_htmx",
    "ninja",
    "accounts",
    "audit",
    "units",
    "criteria",
    "assessments",
    "planning",
    "dashboard",
    "reporting",
    "finance",
    "portal",
    "api",
    "recognition",
    "notifications",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the messages middleware: it leaves a message when it ends a session.
    "accounts.security.OTPRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "accounts.security.PermissionsPolicyMiddleware",
    "accounts.security.PrivateCacheMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "dashboard.context_processors.site",
            ],
            "builtins": ["dashboard.templatetags.ntm"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'ntm.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if "DATABASE_CONN_MAX_AGE" not in os.environ and "postgresql" in DATABASES["default"]["ENGINE"]:
    # A worker keeps its PostgreSQL connection a minute between requests: a new connection per
    # request costs the server a process (~4 ms of CPU, more than a page served from the page
    # caches). The health check (one round trip when a request first uses the connection)
    # replaces a connection the server dropped instead of failing the request.
    DATABASES["default"]["CONN_MAX_AGE"] = 60
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded mode: WAL lets pages read while an import writes, and with it
    # synchronous=NORMAL is still safe against corruption (a power cut may lose the last
    # commits, not the file); IMMEDIATE takes the write lock at BEGIN, so two writers queue
    # instead of failing with "database is locked" halfway through a transaction.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The model backend behind the login throttle (accounts.security): every login path, the admin
# site's included, counts failures and refuses locked accounts and addresses.
AUTHENTICATION_BACKENDS = ["accounts.security.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# The cache holds the login throttle counters. The embedded mode keeps them in process memory;
# a production install running several worker processes must share them, through Redis
# (CACHE_URL or REDIS_URL, e.g. redis://127.0.0.1:6379/1; needs the `redis` package there).
CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL") or ""
if CACHE_URL:
    if not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(f"CACHE_URL must be a redis://, rediss:// or unix:// URL, got {CACHE_URL!r}")
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured("CACHE_URL/REDIS_URL is set but the `redis` package is not installed")
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    # Sessions are read from the shared cache and written to both it and the database: one query
    # less per signed-in request. Never with the per-process cache below: a logout in one worker
    # would leave the session alive in the others' memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ntm"}}
    # Django's database sessions, read with a plain SELECT (accounts/sessions.py).
    SESSION_ENGINE = "accounts.sessions"

# Failed passwords (the login's, and the current password on the password-change page): after
# this many failures for one username (any case) or from one client address, each further
# failure makes it wait 2, 4, 8, ... seconds before the next attempt is checked, at most
# NTM_LOGIN_LOCK_SECONDS. Counters are forgotten NTM_LOGIN_WINDOW_SECONDS after the last failure.
NTM_LOGIN_MAX_FAILURES_ACCOUNT = env_int("NTM_LOGIN_MAX_FAILURES_ACCOUNT", 5)
NTM_LOGIN_MAX_FAILURES_ADDRESS = env_int("NTM_LOGIN_MAX_FAILURES_ADDRESS", 20)
NTM_LOGIN_WINDOW_SECONDS = env_int("NTM_LOGIN_WINDOW_SECONDS", 15 * 60)
NTM_LOGIN_LOCK_SECONDS = env_int("NTM_LOGIN_LOCK_SECONDS", 15 * 60)
# Behind reverse proxies every request comes from the last proxy's address. Set
# NTM_TRUSTED_PROXY_COUNT to the number of proxies in front of the application (0: none, the
# client address is REMOTE_ADDR and every forwarding header is ignored); the client address is
# then read from the right of NTM_CLIENT_IP_HEADER (default X-Forwarded-For; X-Real-IP with a
# count of 1). Only count proxies that overwrite or append to that header on every request.
NTM_TRUSTED_PROXY_COUNT = env_int("NTM_TRUSTED_PROXY_COUNT", 0)
NTM_CLIENT_IP_HEADER = os.environ.get("NTM_CLIENT_IP_HEADER", "")

# Two-factor authentication (TOTP, optional, for administrators): the name authenticator apps show.
OTP_TOTP_ISSUER = os.environ.get("NTM_OTP_ISSUER", "NTM monitor")
# The Django admin never shows a device's secret key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Absolute expiry, not sliding: a session ends SESSION_COOKIE_AGE after login however active it
# is (a working day), so a stolen cookie cannot be kept alive; it also saves a write per request.
SESSION_SAVE_EVERY_REQUEST = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Every script, style and image comes from this site: no inline script or style attribute, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0)
if PRODUCTION:
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # security.W021 asks for HSTS preloading. Preloading binds the whole registrable domain
        # (the province's gov.vn domain, not only this host) in browsers for months and is the
        # domain owner's decision; the installation leaves it off unless SECURE_HSTS_PRELOAD=1.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# The province this installation serves: the pre-reform province codes to load (old Lào Cai 10
# and old Yên Bái 15 together make new Lào Cai), and the refs of the province units whose
# communes the pages show (old Lào Cai until 30/6/2025, new Lào Cai from 1/7/2025).
NTM_LOAD_PROVINCES = env_list("NTM_LOAD_PROVINCES", ["10", "15"])
NTM_PROVINCE_REFS = os.environ.get("NTM_PROVINCE_REFS", "10,15-20250701")
# True while the installation shows generated demo data (the banner on every page).
NTM_DEMO = env_bool("NTM_DEMO", True)
# The dashboard keeps its figures between requests, keyed by a data version (dashboard/summary.py).
NTM_DASHBOARD_CACHE = env_bool("NTM_DASHBOARD_CACHE", True)
# Folder of criteria set files.
NTM_CRITERIA_DIR = BASE_DIR / "criteria" / "sets"

# Errors go to the console (the service's log): Django's request logger writes one line per
# refused or failed request with its path ("Internal Server Error: /xa/...") and, for a 500, the
# traceback; never the request's body, cookies or settings.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Reporting cycle (reporting app) --------------------------------------------------------------
# Reminder emails: console in the embedded mode; set EMAIL_BACKEND (and EMAIL_HOST, ...) in production.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "ntm-monitor@localhost")
# Days before a report's due date when the first reminder goes out (the second: the day after it).
NTM_REMINDER_DAYS_BEFORE = env_int("NTM_REMINDER_DAYS_BEFORE", 3)
NTM_API_IDEMPOTENCY_HOURS = env_int("NTM_API_IDEMPOTENCY_HOURS", 24)  # API Idempotency-Key lifetime
# Celery (production only; config/celery.py): the broker, e.g. redis://127.0.0.1:6379/0.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_IGNORE_RESULT = True
# Background work (Excel imports): inline in the embedded mode; set NTM_BACKGROUND_INLINE=0 in
# production so a Celery worker runs imports off the request, within NTM_IMPORT_TIME_LIMIT seconds.
NTM_BACKGROUND_INLINE = os.environ.get("NTM_BACKGROUND_INLINE", "1") != "0"
NTM_IMPORT_TIME_LIMIT = int(os.environ.get("NTM_IMPORT_TIME_LIMIT", "600"))
# --- end of reporting cycle settings ----------------------------------------------------------------

# --- Production mode, backup and restore (issue 11; the `ops` app) -------------------------------
# Kept in one block at the end so that it extends, and never reorders, the settings above.
INSTALLED_APPS += ["ops"]  # backup/restore commands, health and readiness checks
# Uploaded files (roadmap evidence): under the data folder; `manage.py backup` includes them.
MEDIA_ROOT = DATA_DIR / "media"

# Liveness and readiness (/healthz, /readyz) answer first, before host checks and the HTTPS
# redirect; WhiteNoise serves the static files from the app itself (no CDN, no proxy rule).
MIDDLEWARE.insert(0, "ops.health.HealthCheckMiddleware")
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
# Where `collectstatic` puts them (NTM_STATIC_ROOT, e.g. /var/lib/ntm/static).
STATIC_ROOT = Path(os.environ.get("NTM_STATIC_ROOT", STATIC_ROOT))
# NTM_STATIC_HASHED=1 (production): file names with a content hash, compressed copies, cached by
# browsers for a year; needs `collectstatic` before the server starts. Off: plain names.
NTM_STATIC_HASHED = env_bool("NTM_STATIC_HASHED", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if NTM_STATIC_HASHED else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if not NTM_STATIC_HASHED:
    # The embedded mode and tests run without `collectstatic` (runserver serves the files):
    # WhiteNoise's warning that STATIC_ROOT does not exist is expected there, not in production.
    import warnings

    warnings.filterwarnings("ignore", message="No directory at: ", category=UserWarning)
# NTM_HTTPS_PROXY=1: the reverse proxy terminates HTTPS and sets X-Forwarded-Proto (and strips
# it from clients), so requests it forwards count as secure (no redirect loop, secure cookies).
if env_bool("NTM_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# A Redis cache that stops answering fails fast (login throttle, readiness) instead of hanging.
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["default"].setdefault("OPTIONS", {}).update(socket_connect_timeout=2, socket_timeout=2)
# NTM_LOG_FORMAT=json: every log line a JSON object (config/logging.py); extends LOGGING above.
NTM_LOG_FORMAT = os.environ.get("NTM_LOG_FORMAT", "text")
if NTM_LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"NTM_LOG_FORMAT must be text or json, got {NTM_LOG_FORMAT!r}")
if NTM_LOG_FORMAT == "json":
    LOGGING.setdefault("formatters", {})["json"] = {"()": "config.logging.JsonFormatter"}
    for _handler in LOGGING.setdefault("handlers", {}).values():
        if _handler.get("class") == "logging.StreamHandler":
            _handler["formatter"] = "json"
# --- end of production settings ---------------------------------------------------------------------
INSTALLED_APPS += ["surveys"]  # residents' satisfaction surveys (issue 13, item 3)
# Residents' feedback on the public portal: at most NTM_FEEDBACK_LIMIT messages per address (counted under a keyed hash, never the address) per window.
NTM_FEEDBACK_LIMIT = env_int("NTM_FEEDBACK_LIMIT", 5)
NTM_FEEDBACK_WINDOW_SECONDS = env_int("NTM_FEEDBACK_WINDOW_SECONDS", 3600)
# Public portal pages kept in the cache (portal/cache.py) for their max-age, at most this many seconds (0: off).
NTM_PORTAL_CACHE_SECONDS = env_int("NTM_PORTAL_CACHE_SECONDS", 300)
MIDDLEWARE.insert(MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1, "portal.cache.PublicPageCacheMiddleware")
