"""Settings for serving the platform under gunicorn in ``benchmarks/bench_public_pages.py``.

The base settings as a visitor meets them (DEBUG off, the database cache, the cached
template loader), on a throwaway SQLite database in the temporary ``VICTORY_VAR_DIR``
the benchmark makes, answering on 127.0.0.1 only, with one extra bare view to compare
against (``benchmarks/urls_bench.py``).
"""

from victory.settings.base import *  # noqa: F403
from victory.settings.base import BASE_DIR, VAR_DIR
from victory.settings.env import ConfigError

if VAR_DIR.resolve() == (BASE_DIR / "var").resolve():
    raise ConfigError("VICTORY_VAR_DIR", "must point at a throwaway directory for the benchmark, never var/.")

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "benchmarks.urls_bench"
