"""Production: HTTPS only, explicit hosts, no generated secrets (see docs/deployment.md)."""

from .base import *  # noqa: F403
from .env import env_bool, env_int, env_list

ALLOWED_HOSTS = env_list("VICTORY_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
DEBUG = False

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
