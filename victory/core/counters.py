"""The counter store: integers that no other traffic can evict.

Rate-limit counts, locks and gates, and the public content version, are kept apart
from every cache: a full page cache culls only pages, so no visitor can erase a
lock-out by requesting many distinct addresses. The store is a Django cache backend,
so ``settings.CACHES["counters"]`` chooses it: this one (the ``core.Counter`` table)
without Redis, Redis with ``REDIS_URL``.

It holds integers only (nothing is pickled) and never culls; an expired row is
ignored at once and deleted by the scheduled job ``counters_prune_expired``.

``incr`` and ``add`` are atomic across processes and servers: one UPDATE of the row
(PostgreSQL locks it until commit; SQLite takes its single write lock, the project
opens transactions IMMEDIATE), and an INSERT that the primary key lets only one
writer win. Writes join the caller's transaction, so a content version bumped in the
transaction of an edit commits with it; the throttles are called outside any
transaction, so their counts commit at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.redis import RedisCache
from django.db import IntegrityError, connections, router, transaction
from django.db.models import F, Q, QuerySet
from django.tasks import task

from victory.core.models import Counter

COUNTERS = "counters"  # the alias in settings.CACHES


def _now() -> datetime:
    # time.time(), like every Django cache backend, so expiry and the throttles'
    # own clock agree.
    return datetime.fromtimestamp(time.time(), tz=UTC)


def _integer(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("The counter store holds integers only.")
    return value


class CounterStore(BaseCache):
    """A cache backend on the ``core.Counter`` table that never culls."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._select_live: dict[str, str] = {}  # per database alias

    @property
    def _db(self) -> str:
        return router.db_for_write(Counter)

    def _rows(self) -> QuerySet[Counter]:
        return Counter.objects.using(self._db)

    def _live(self) -> QuerySet[Counter]:
        return self._rows().filter(Q(expires_at__isnull=True) | Q(expires_at__gt=_now()))

    def _expiry(self, timeout: float | None | object) -> datetime | None:
        at = self.get_backend_timeout(timeout)  # type: ignore[arg-type]
        return None if at is None else datetime.fromtimestamp(at, tz=UTC)

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        # Every cached public page reads the content version through here: one plain
        # query, since building an ORM query for each read cost cached pages about a
        # third of their rate in `make bench`.
        key = self.make_and_validate_key(key, version=version)
        connection = connections[self._db]
        if connection.alias not in self._select_live:
            table, name, value, expires_at = map(
                connection.ops.quote_name, (Counter._meta.db_table, "key", "value", "expires_at")
            )
            self._select_live[connection.alias] = (
                f"SELECT {value} FROM {table} WHERE {name} = %s AND ({expires_at} IS NULL OR {expires_at} > %s)"  # noqa: S608
            )
        with connection.cursor() as cursor:
            cursor.execute(self._select_live[connection.alias], [key, connection.ops.adapt_datetimefield_value(_now())])
            row = cursor.fetchone()
        return default if row is None else int(row[0])

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        row = Counter(key=key, value=_integer(value), expires_at=self._expiry(timeout))
        # One upsert statement: atomic on both databases.
        self._rows().bulk_create(
            [row], update_conflicts=True, unique_fields=["key"], update_fields=["value", "expires_at"]
        )

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        value, expires_at = _integer(value), self._expiry(timeout)
        with transaction.atomic(using=self._db):
            # An expired row is as good as none; of two writers reviving it, the
            # second finds it live again (PostgreSQL re-checks the row it waited for).
            if self._rows().filter(key=key, expires_at__lte=_now()).update(value=value, expires_at=expires_at):
                return True
            try:
                with transaction.atomic(using=self._db):
                    self._rows().create(key=key, value=value, expires_at=expires_at)
            except IntegrityError:
                return False  # a live row: another writer was first
        return True

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        with transaction.atomic(using=self._db):
            # The UPDATE holds the row until commit, so the value read back is ours.
            if not self._live().filter(key=key).update(value=F("value") + _integer(delta)):
                raise ValueError(f"Key '{key}' not found")
            return int(self._rows().filter(key=key).values_list("value", flat=True).get())

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self._live().filter(key=key).update(expires_at=self._expiry(timeout)))

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        deleted, _ = self._rows().filter(key=key).delete()
        return bool(deleted)

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        self._rows().filter(key__in=names).delete()

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return self._live().filter(key=key).exists()

    def clear(self) -> None:
        self._rows().all().delete()

    def prune_expired(self) -> int:
        """Delete the rows past their expiry; returns how many."""
        deleted, _ = self._rows().filter(expires_at__lte=_now()).delete()
        return deleted


# EXISTS then INCRBY in one step. Django's RedisCache sends them as two commands: a key
# that expires between them is created again by INCRBY with no expiry, and a count (or
# the platform-wide receipt cap) would then never end.
_INCR_IF_PRESENT = """
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
return redis.call('INCRBY', KEYS[1], ARGV[1])
"""


class RedisCounterStore(RedisCache):
    """The counter store on Redis: Django's backend with an ``incr`` that cannot
    recreate an expired key without its expiry."""

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        client = self._cache.get_client(key, write=True)
        value = client.eval(_INCR_IF_PRESENT, 1, key, _integer(delta))
        if value is None:
            raise ValueError(f"Key '{key}' not found")
        return int(value)


@task
def counters_prune_expired() -> None:
    """Delete expired counters from the database store (Redis drops its own)."""
    from django.core.cache import caches

    store = caches[COUNTERS]
    if isinstance(store, CounterStore):
        store.prune_expired()
