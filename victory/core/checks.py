"""Start-up checks (registered from CoreConfig.ready).

``victory.E001``: encrypted data exists under a key the keyring does not hold.
``victory.E002``: the keyring itself is misconfigured (a malformed ``VICTORY_KEYS``
entry or key file), whether or not anything is encrypted yet.
``victory.W001``: the database could not be asked which keys hold data.
``victory.E003``: a database cache table named in ``settings.CACHES`` is missing although
``migrate`` has run (core 0006 makes them; settings changed since): every anonymous
page would answer 500. The message names ``createcachetable``.
``victory.W002`` (``check --deploy``): the Redis holding the rate-limit counters may
evict them, which would lift lock-outs.

Registered without tags, so ``runserver``, ``check`` (with or without ``--deploy``),
``migrate`` and most management commands refuse to run on E001/E002. A missing
table (before the first ``migrate``) is not an error. ``CoreConfig.ready`` refuses a
malformed keyring even earlier, for what runs no checks (gunicorn, ``shell``); this
check says the same when the keyring changed after start-up (tests, settings
overrides).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.db import DatabaseCache
from django.core.cache.backends.redis import RedisCache
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.checks import Warning as CheckWarning
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.db.migrations.recorder import MigrationRecorder

from victory.core.keyring import keyring_validate, missing_key_ids, missing_keys_error
from victory.settings.env import ConfigError


@register()
def check_keyring_matches_database(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    try:
        keyring_validate()
    except ConfigError as error:
        return [Error(str(error), id="victory.E002")]
    messages: list[CheckMessage] = []
    for alias in databases or [DEFAULT_DB_ALIAS]:
        try:
            missing = missing_key_ids(alias)
        except ConfigError as error:
            messages.append(Error(str(error), id="victory.E002"))
            continue
        except DatabaseError as error:
            messages.append(
                CheckWarning(
                    f"Could not check which encryption keys hold data in database {alias!r}: {type(error).__name__}.",
                    hint="The WSGI start-up check will run once the database is reachable.",
                    id="victory.W001",
                )
            )
            continue
        if missing:
            messages.append(
                Error(
                    str(missing_keys_error(missing)),
                    hint="Put the missing key(s) back in VICTORY_KEYS or var/keys (oldest "
                    "first), then run the command again.",
                    id="victory.E001",
                )
            )
    return messages


@register(Tags.caches, deploy=True)
def check_counters_are_never_evicted(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    store = caches["counters"]
    if not isinstance(store, RedisCache):
        return []  # the database store never evicts
    try:
        policy = store._cache.get_client(write=True).config_get("maxmemory-policy").get("maxmemory-policy")
    except Exception:  # noqa: BLE001  (CONFIG disabled, as on some hosted Redis, or Redis down)
        return []
    if policy in (None, "noeviction"):
        return []
    return [
        CheckWarning(
            f"The Redis of REDIS_URL evicts keys (maxmemory-policy {policy}): when it is full it "
            "can drop rate-limit counters, which lifts lock-outs.",
            hint="Set maxmemory-policy noeviction on that Redis (see docs/deployment.md).",
            id="victory.W002",
        )
    ]


# The migration that creates the cache tables: before it has run, a missing table is
# what ``migrate`` is about to make, not an error (``migrate`` runs these checks first).
_CACHE_TABLES_MIGRATION = ("core", "0006_cache_tables")


def database_cache_tables(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """The tables of the database cache stores in ``settings.CACHES`` kept in database
    ``alias``, each with the alias of its store."""
    tables: dict[str, str] = {}
    for name in settings.CACHES:
        store = caches[name]
        if isinstance(store, DatabaseCache) and router.allow_migrate_model(alias, store.cache_model_class):
            tables[str(settings.CACHES[name]["LOCATION"])] = name
    return tables


@register(Tags.caches)
def check_cache_tables_exist(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for alias in databases or [DEFAULT_DB_ALIAS]:
        connection = connections[alias]
        try:
            if _CACHE_TABLES_MIGRATION not in MigrationRecorder(connection).applied_migrations():
                continue
            existing = set(connection.introspection.table_names())
        except DatabaseError:
            continue  # unreachable: victory.W001 says so
        for table, store in database_cache_tables(alias).items():
            if table not in existing:
                messages.append(
                    Error(
                        f"The cache table {table!r} of settings.CACHES[{store!r}] is missing from database "
                        f"{alias!r}: every page would fail.",
                        hint=f"Run: python manage.py createcachetable --database {alias}",
                        id="victory.E003",
                    )
                )
    return messages
