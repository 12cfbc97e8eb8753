"""WSGI entry point for gunicorn (see docs/deployment.md)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "victory.settings")

application = get_wsgi_application()

# Refuse to serve when encrypted data exists under a key the keyring lacks.
from victory.core.keyring import assert_keyring_matches_database  # noqa: E402

assert_keyring_matches_database()
