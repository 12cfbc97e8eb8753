"""The floor of ``benchmarks/bench_public_pages.py``: Django itself, no middleware at all,
one view that answers two bytes (``benchmarks/urls_bare.py``), under the same gunicorn."""

from benchmarks.settings_bench import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "benchmarks.urls_bare"
