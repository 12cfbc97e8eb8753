"""Test settings: fast hashing, in-memory mail, tasks run at once."""

import os

os.environ.setdefault("VICTORY_ENV", "test")
os.environ.setdefault("VICTORY_SECRET_KEY", "test-secret-key-not-for-production-" + "x" * 20)
os.environ.setdefault("VICTORY_PEPPER", "test-pepper-not-for-production-" + "p" * 20)

from .base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Pages in memory (each store its own LOCATION, or they would share one), counters in
# the real store: a test's counts roll back with its transaction, and a count made
# inside a transaction that rolls back is lost here just as in production.
# tests/core/test_counters_survive_floods.py runs the production stores themselves.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "default"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "counters": cache_stores("")["counters"],  # noqa: F405
}
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Two fixed test keys: "t1" old, "t2" newest (encrypts).
VICTORY_KEYS = "t1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8,t2:ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8"
VICTORY_KEYS_GENERATE = False

# A cheap receipt hash keeps the suite fast; the real cost is measured by `make bench`.
VICTORY_RECEIPT_HASH = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}
