"""Settings shared by every environment; values that vary come from the environment."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from .env import (
    BASE_DIR,
    VAR_DIR,
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    secret_from_env_or_file,
)

# Lets the generic classes django-stubs describes (FormView[F], ModelAdmin[M], Field[S, G])
# be subscripted at run time too, so mypy --strict can check what they hold.
django_stubs_ext.monkeypatch()

VICTORY_ENV = env_str("VICTORY_ENV", "development")
if VICTORY_ENV not in {"development", "production", "test"}:
    raise ConfigError("VICTORY_ENV", f"must be development, test or production, not {VICTORY_ENV!r}.")
IS_PRODUCTION = VICTORY_ENV == "production"

DEBUG = env_bool("VICTORY_DEBUG", default=False)
# Production refuses secrets shorter than 32 bytes (victory.settings.env.SECRET_MIN_BYTES).
SECRET_KEY = secret_from_env_or_file(
    "VICTORY_SECRET_KEY", "secret_key", generate=not IS_PRODUCTION, strong=IS_PRODUCTION
)
# A stable secret outside the database for keyed lookups (login e-mails) and receipt
# hashes. Unlike SECRET_KEY it must never change: stored digests depend on it.
VICTORY_PEPPER = secret_from_env_or_file("VICTORY_PEPPER", "pepper", generate=not IS_PRODUCTION, strong=IS_PRODUCTION)
# The field-encryption keyring is read by victory.core.keyring from VICTORY_KEYS or
# var/keys (see docs/security.md); settings only say where the file lives.
VICTORY_KEYS_FILE = VAR_DIR / "keys"
VICTORY_KEYS_GENERATE = not IS_PRODUCTION

ALLOWED_HOSTS = env_list("VICTORY_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Only django-otp's core: its TOTP and static-token plugins store seeds and backup
    # codes in clear, so the devices are victory.accounts' own (encrypted seed, hashed
    # codes). Migration accounts/0004_second_factor_at_rest moved the plugins' rows over
    # and dropped their tables.
    "django_otp",
    "django_tasks_db",
    "ninja",
    "victory.core",
    "victory.accounts",
    "victory.reports",
    "victory.support",
    "victory.cases",
    "victory.restorative",
]

MIDDLEWARE = [
    "victory.core.middleware.ClientAddressMiddleware",
    # Answers a cached public page for an anonymous visitor from here on, with the
    # headers every middleware below set on it the first time (victory/core/cache.py).
    "victory.core.cache.PublicPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "victory.core.middleware.SecurityHeadersMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "victory.core.middleware.NullOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "victory.accounts.middleware.ProfessionalSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "victory.urls"
WSGI_APPLICATION = "victory.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "victory" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "victory.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------


def _sqlite_private(path: Path) -> None:
    """The SQLite database and its -wal and -shm files readable by this user only, like
    the keys (issue 7, item 4). SQLite gives -wal and -shm the database file's rights,
    so the file is created first, empty (SQLite takes an empty file as a new database),
    with 0600; an existing one left readable by others is tightened."""
    with contextlib.suppress(FileExistsError, FileNotFoundError):  # a missing folder: SQLite says so
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for part in (path, path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        # Not ours to change (another user's file): SQLite will refuse or allow as it must.
        with contextlib.suppress(FileNotFoundError, PermissionError):
            if stat.S_IMODE(part.stat().st_mode) & 0o077:
                part.chmod(0o600)


# WAL lets readers carry on while one writer writes. secure_delete overwrites what is
# deleted (an erased report, a used backup code, an ended session) instead of leaving it
# in the file's free pages for a copy of the file to show.
VICTORY_SQLITE_INIT_COMMAND = (
    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
)
_DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'victory.sqlite3'}"
try:
    _database = dj_database_url.parse(
        env_str("DATABASE_URL", _DEFAULT_SQLITE), conn_max_age=env_int("VICTORY_DB_CONN_MAX_AGE", 60)
    )
except (ValueError, KeyError) as error:  # dj-database-url raises these on an unknown scheme
    raise ConfigError("DATABASE_URL", f"cannot be understood ({error}).") from None
if _database["ENGINE"] == "django.db.backends.sqlite3":
    _database.setdefault("OPTIONS", {})
    # IMMEDIATE avoids "database is locked" upgrades inside transactions.
    _database["OPTIONS"].update(
        {
            "init_command": VICTORY_SQLITE_INIT_COMMAND,
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    if _database["NAME"] != ":memory:":
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        _sqlite_private(Path(_database["NAME"]))
elif _database["ENGINE"] not in {"django.db.backends.postgresql"}:
    raise ConfigError("DATABASE_URL", "must point at SQLite (sqlite:///path) or PostgreSQL (postgres://…).")
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, rate limits and tasks: Redis when REDIS_URL is set -------------
# Pages culled past this many entries (the page store only, never the counters).
VICTORY_PAGE_CACHE_ENTRIES = 2000


def cache_stores(redis_url: str) -> dict[str, dict[str, object]]:
    """Three stores that cannot crowd each other out (tests build the production ones
    from here). "counters" holds rate limits and the public content version and never
    evicts; "pages" holds whole public pages and culls only pages; "default" is for
    anything else. With Redis, "counters" and "default" are key prefixes of one server,
    whose maxmemory-policy must be noeviction (see docs/deployment.md).

    Pages stay in their database table even with Redis: anyone can make new pages (one
    per address), and in a Redis that may not evict they would fill its memory until
    every write failed, logins and reports included; the table culls its oldest pages."""
    database = "django.core.cache.backends.db.DatabaseCache"
    pages: dict[str, object] = {
        "BACKEND": database,
        "LOCATION": "victory_page_cache",
        "OPTIONS": {"MAX_ENTRIES": VICTORY_PAGE_CACHE_ENTRIES},
    }
    if redis_url:
        return {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": redis_url,
                "KEY_PREFIX": "victory-default",
            },
            "pages": pages,
            "counters": {
                "BACKEND": "victory.core.counters.RedisCounterStore",
                "LOCATION": redis_url,
                "KEY_PREFIX": "victory-counters",
            },
        }
    return {
        "default": {"BACKEND": database, "LOCATION": "victory_cache"},
        "pages": pages,
        # Rows of core.Counter: never culled, pruned by the scheduled job once expired.
        "counters": {"BACKEND": "victory.core.counters.CounterStore"},
    }


REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ConfigError("REDIS_URL", "must start with redis://, rediss:// or unix://.")
CACHES = cache_stores(REDIS_URL)
if REDIS_URL:
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Accounts and sessions ------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "core:home"
# A professional's session ends after this many seconds without a request.
VICTORY_IDLE_TIMEOUT = env_int("VICTORY_IDLE_TIMEOUT", 15 * 60, minimum=60)
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "victory.core.sessions"  # encrypted at rest
# Messages name people ("… now has the role …" with an e-mail address): kept in the
# encrypted session, never in the signed but readable cookie Django uses by default.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = True
# Gone when the browser closes: a year-long cookie would be a lasting trace, on a
# shared device, that someone visited this site.
CSRF_COOKIE_AGE = None
CSRF_COOKIE_SAMESITE = "Lax"
OTP_TOTP_ISSUER = "VicTory"
# django-otp's own throttle would silently refuse a right code typed soon after a wrong
# one; victory.core.ratelimit slows down instead and tells the person how long to wait.
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
# Failed logins: slow down after SLOWDOWN failures, lock for LOCK_SECONDS after LOCK.
VICTORY_LOGIN_SLOWDOWN_AFTER = 3
VICTORY_LOGIN_LOCK_AFTER = env_int("VICTORY_LOGIN_LOCK_AFTER", 5, minimum=2)
VICTORY_LOGIN_LOCK_SECONDS = env_int("VICTORY_LOGIN_LOCK_SECONDS", 15 * 60, minimum=60)
VICTORY_API_TOKEN_HOURS = env_int("VICTORY_API_TOKEN_HOURS", 8, minimum=1)
VICTORY_BACKUP_CODE_COUNT = 10
# An e-mailed link to choose a password (reset or welcome) works for this many hours, and
# only until the password is set (Django's default is three days). Within hours: a link
# left in a mailbox or a log is a way into an account.
VICTORY_PASSWORD_LINK_HOURS = env_int("VICTORY_PASSWORD_LINK_HOURS", 2, minimum=1)
if VICTORY_PASSWORD_LINK_HOURS > 24:
    raise ConfigError("VICTORY_PASSWORD_LINK_HOURS", f"must be at most 24, not {VICTORY_PASSWORD_LINK_HOURS}.")
PASSWORD_RESET_TIMEOUT = VICTORY_PASSWORD_LINK_HOURS * 60 * 60

# The address people use to reach this site, for links in e-mails.
VICTORY_SITE_URL = env_str("VICTORY_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Development prints e-mails to the console; production sends them by SMTP.
_EMAIL_BACKEND = env_str(
    "VICTORY_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
_EMAIL_OPTIONS: dict[str, object] = {}
if _EMAIL_BACKEND.endswith("smtp.EmailBackend"):
    _EMAIL_OPTIONS = {
        "host": env_str("VICTORY_EMAIL_HOST", "localhost"),
        "port": env_int("VICTORY_EMAIL_PORT", 25),
        "username": env_str("VICTORY_EMAIL_USER", ""),
        "password": env_str("VICTORY_EMAIL_PASSWORD", ""),
        "use_tls": env_bool("VICTORY_EMAIL_TLS", default=False),
    }
MAILERS = {"default": {"BACKEND": _EMAIL_BACKEND, "OPTIONS": _EMAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("VICTORY_FROM_EMAIL", "VicTory <no-reply@victory.example>")

# --- Reports (victory.reports) ------------------------------------------------
# Argon2id cost of a receipt hash: ~0.16 s on one core here (docs/performance.md).
VICTORY_RECEIPT_HASH = {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1}
VICTORY_REPORT_RETENTION_DAYS = env_int("VICTORY_REPORT_RETENTION_DAYS", 365, minimum=1)
VICTORY_EVIDENCE_MAX_BYTES = env_int("VICTORY_EVIDENCE_MAX_MB", 20, minimum=1) * 1024 * 1024
VICTORY_EVIDENCE_MAX_FILES = env_int("VICTORY_EVIDENCE_MAX_FILES", 10, minimum=1)
# A photo is decoded to strip its metadata: 50 megapixels (the largest mode of most
# phones, 8160 × 6120) take ~1.6 s and ~230 MB; a picture with more pixels is refused
# from its header, before decoding, so a small file cannot make the server decode
# hundreds of millions of pixels (issue 7, item 3).
VICTORY_EVIDENCE_MAX_PIXELS = env_int("VICTORY_EVIDENCE_MAX_MEGAPIXELS", 50, minimum=1) * 1_000_000
# Files one client (its daily-rotating fingerprint) may add per hour, through the form
# and the inbox together: a report takes at most VICTORY_EVIDENCE_MAX_FILES.
VICTORY_EVIDENCE_FILES_PER_HOUR = env_int("VICTORY_EVIDENCE_FILES_PER_HOUR", 50, minimum=1)
VICTORY_NARRATIVE_MAX_CHARS = 20000
# A reporter's inbox session ends after this many seconds without a request.
VICTORY_REPORTER_IDLE_TIMEOUT = env_int("VICTORY_REPORTER_IDLE_TIMEOUT", 15 * 60, minimum=60)
# Evidence stays in memory while it is checked and encrypted, never in a temporary file
# where it would lie in clear (issue 7, item 4): the only upload handler keeps every
# file in memory, up to a whole request of VICTORY_UPLOAD_MAX_BYTES (three files at
# their largest, plus the form: one anonymous request may not hold the memory of every
# file a report may have); the files of a larger request are refused, unread, and the
# person is told to add them a few at a time. The proxy's client_max_body_size should be a little above it
# (docs/deployment.md). FILE_UPLOAD_MAX_MEMORY_SIZE only matters under ASGI, whose
# request body is spooled to disk above it: run under WSGI (gunicorn).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
VICTORY_UPLOAD_MAX_BYTES = min(3, VICTORY_EVIDENCE_MAX_FILES) * VICTORY_EVIDENCE_MAX_BYTES + 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = ["victory.core.uploads.MemoryOnlyUploadHandler"]
FILE_UPLOAD_MAX_MEMORY_SIZE = VICTORY_UPLOAD_MAX_BYTES
# Stored files (encrypted) and their folders belong to the platform's user alone.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# --- Cases (victory.cases) -----------------------------------------------------
# Days after closing before a case is reduced to its statistical fields (unless under a
# legal hold). Two years by default: a person harmed often comes back after a repeat
# incident or when proceedings move (a trial a year or more later), and the case's
# history is then what spares them telling it again; after that, only counts are kept.
# At least 30, so that a case closed by mistake can still be reopened whole.
VICTORY_CASE_RETENTION_DAYS = env_int("VICTORY_CASE_RETENTION_DAYS", 730, minimum=30)

# --- Restorative programme (victory.restorative) ------------------------------
# Each open process is reviewed by a supervisor of the restorative service at least this
# often (Restorative Justice Council: case supervision every 12 weeks).
RESTORATIVE_REVIEW_WEEKS = env_int("VICTORY_RESTORATIVE_REVIEW_WEEKS", 12, minimum=1)

# --- Languages --------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("it", _("Italian")),
    ("fi", _("Finnish")),
    ("hu", _("Hungarian")),
    ("eu", _("Basque")),
    # Many people targeted by hate in Europe read Arabic first; laid out right to left.
    ("ar", _("Arabic")),
]
LANGUAGES_BIDI = ["ar", "fa", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "victory" / "locale"]
USE_I18N = True
# Our own date formats first (victory/formats/<lang>/formats.py), where Django's differ
# from the language's usual written form (CLDR); Django's fill in the rest.
FORMAT_MODULE_PATH = ["victory.formats"]
USE_TZ = True
TIME_ZONE = "Europe/Brussels"

# --- Static files ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "victory" / "static"]


def s3_storage(bucket: str) -> dict[str, object]:
    """Uploaded files in an S3-compatible bucket (django-storages), for several app
    servers. What lands there is already encrypted by the platform (victory.core.fields)
    and is read back through the storage API only, never by a local path. Keys come from
    the variables or, when those are empty, from boto3's own chain (an instance role)."""
    options: dict[str, object] = {
        "bucket_name": bucket,
        "endpoint_url": env_str("VICTORY_S3_ENDPOINT_URL", "") or None,
        "region_name": env_str("VICTORY_S3_REGION", "") or None,
        "access_key": env_str("VICTORY_S3_ACCESS_KEY_ID", "") or None,
        "secret_key": env_str("VICTORY_S3_SECRET_ACCESS_KEY", "") or None,
        "location": env_str("VICTORY_S3_PREFIX", ""),
        # Evidence is never public: no ACL beyond the bucket's own (private), and any
        # address handed out would be signed and short-lived.
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        # Two files given one name must both be kept, as on disk: never overwrite.
        "file_overwrite": False,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


VICTORY_S3_BUCKET = env_str("VICTORY_S3_BUCKET", "")
STORAGES = {
    "default": s3_storage(VICTORY_S3_BUCKET)
    if VICTORY_S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_URL = "/media-not-served/"
# The storage creates its folders with FILE_UPLOAD_DIRECTORY_PERMISSIONS (0700); one
# left readable by others by an older version is closed here, which closes the files
# in it too.
with contextlib.suppress(FileNotFoundError, PermissionError):
    if stat.S_IMODE((VAR_DIR / "media").stat().st_mode) & 0o077:
        (VAR_DIR / "media").chmod(0o700)

# --- Security headers -------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No nonce: every script and stylesheet is a static file from 'self' (no inline script,
# style or style attribute anywhere), and a nonce in a cached page would be handed to
# every later reader. Django's admin marks its tags with {% csp_nonce_attr %}, which
# renders nothing without the csp context processor.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "manifest-src": [CSP.SELF],
}
VICTORY_PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
# Set when a reverse proxy in front appends the client address to X-Forwarded-For.
VICTORY_BEHIND_PROXY = env_bool("VICTORY_BEHIND_PROXY", default=False)
# Where "Exit this page" sends a person: a neutral, widely used site.
VICTORY_EXIT_URL = env_str("VICTORY_EXIT_URL", "https://www.bbc.com/weather")

# --- Logging: no client address ever reaches a log line --------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Libraries speak at WARNING, the platform's own loggers (victory.*) at INFO: a
    # library's INFO is noise in every command's output (WeasyPrint alone wrote three
    # lines on every manage.py call). Django's runserver log and the task worker's
    # (set by its --verbosity) keep their own handlers.
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "victory": {"level": "INFO"},
        "django.security.DisallowedHost": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

ADMINS: list[tuple[str, str]] = []

# --- Field encryption keyring (victory.core.keyring) -------------------------
# VICTORY_KEYS: comma-separated "key_id:base64url-32-byte-key" entries, oldest first;
# the last one encrypts, every one decrypts. Without it, var/keys holds the same
# format one per line, created with 0600 rights on a first development run.
VICTORY_KEYS = env_str("VICTORY_KEYS", "")
