"""Production: HTTPS only, explicit hosts, no generated secrets (see docs/deployment.md)."""

from .base import *  # noqa: F403
from .env import ConfigError, env_bool, env_int, env_list

if not IS_PRODUCTION:  # noqa: F405
    # Loaded directly (DJANGO_SETTINGS_MODULE=victory.settings.production) without
    # VICTORY_ENV=production, base.py would have let weak or generated secrets through.
    raise ConfigError("VICTORY_ENV", "must be production when these production settings are used.")
if VICTORY_PEPPER == SECRET_KEY:  # noqa: F405
    # Two secrets in one: whoever learns the session-signing key would also hold the
    # pepper that protects receipts, login e-mails and backup codes in a stolen database.
    raise ConfigError("VICTORY_PEPPER", "must differ from VICTORY_SECRET_KEY; make a separate random value.")

ALLOWED_HOSTS = env_list("VICTORY_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
DEBUG = False
if not VICTORY_KEYS and not VICTORY_KEYS_FILE.exists():  # noqa: F405
    # Production never makes its own key: a new key beside old data would hide the loss.
    raise ConfigError("VICTORY_KEYS", f"is required in production (or the key file {VICTORY_KEYS_FILE}).")  # noqa: F405

SECURE_SSL_REDIRECT = env_bool("VICTORY_SSL_REDIRECT", default=True)
# The reverse proxy terminates TLS and says so in this header (docs/deployment.md).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("VICTORY_HSTS_SECONDS", 63072000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
}
