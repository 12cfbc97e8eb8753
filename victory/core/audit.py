"""The audit chain: append an event in one line, verify the whole chain, read an object's events.

Every service that reads or writes a case record calls ``audit_record(...)``. Events are
hash-chained: each ``event_hash`` is a SHA-256 over the event's content (with ``reason`` as
plaintext, so re-encrypting it under a new key keeps the chain valid) and the previous
event's hash. ``audit_verify()`` walks the chain and names the first altered, missing or
unlinked event; ``manage.py verify_audit`` wraps it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connections, models, router, transaction
from django.utils import timezone

from victory.core.models import AuditChainHead, AuditEvent
from victory.core.models.audit import AppendOnlyError

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser
    from django.db.backends.base.base import BaseDatabaseWrapper

# Core knows no app: the actor is any user model and the organisation any model (the
# accounts app's User and Organisation in practice); only their keys are recorded.

__all__ = [
    "GENESIS_HASH",
    "AppendOnlyError",
    "AuditVerification",
    "audit_events_for",
    "audit_record",
    "audit_verify",
]

GENESIS_HASH = "0" * 64
HEAD_PK = 1
# The fields the hash covers, in the order they are written to the canonical JSON.
HASHED_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_ref",
    "organisation_ref",
    "action",
    "object_type",
    "object_id",
    "reason",
    "previous_hash",
)
VERIFY_CHUNK_SIZE = 2000


def _canonical_time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def audit_hash(values: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of an event's hashed fields."""
    payload = {
        "sequence": int(values["sequence"]),
        "occurred_at": _canonical_time(values["occurred_at"]),
        "actor_ref": values["actor_ref"],
        "organisation_ref": values["organisation_ref"],
        "action": values["action"],
        "object_type": values["object_type"],
        "object_id": values["object_id"],
        "reason": values["reason"] or "",
        "previous_hash": values["previous_hash"],
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _actor_ref(actor: AbstractBaseUser | AnonymousUser | None) -> str:
    if actor is None:
        return "system"
    if not actor.is_authenticated:
        return "anonymous"
    return f"user:{actor.pk}"


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    organisation: models.Model | None = None,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain and return it.

    ``actor=None`` records the system (a scheduled job, a management command); an
    unauthenticated ``request.user`` records "anonymous". Pass either ``obj`` or an
    explicit ``object_type``/``object_id`` (e.g. for an object that no longer exists).
    """
    if not action:
        raise ValueError("An audit event needs an action.")
    if obj is not None:
        if object_type or object_id:
            raise ValueError("Pass either obj or object_type/object_id, not both.")
        if obj.pk is None:
            raise ValueError("Audit an object after it is saved, so its id is known.")
        object_type, object_id = obj._meta.label_lower, str(obj.pk)
    what = {
        "actor_id": actor.pk if actor is not None and actor.is_authenticated else None,
        "actor_ref": _actor_ref(actor),
        "organisation_ref": f"organisation:{organisation.pk}" if organisation is not None else "",
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "reason": reason,
    }
    connection = connections[router.db_for_write(AuditEvent)]
    if connection.vendor == "postgresql":
        event = _append_unlocked(connection, what)
        if event is not None:
            return event
    return _append_locked(what)


def _event(what: Mapping[str, Any], *, sequence: int, previous_hash: str) -> AuditEvent:
    """The next event, hashed and checked, not yet written."""
    event = AuditEvent(sequence=sequence, previous_hash=previous_hash, occurred_at=timezone.now(), **what)
    event.event_hash = audit_hash({name: getattr(event, name) for name in HASHED_FIELDS})
    # Uniqueness is the chain's job (the head); skip the two extra look-ups.
    event.full_clean(exclude=["actor"], validate_unique=False, validate_constraints=False)
    return event


@transaction.atomic
def _append_locked(what: Mapping[str, Any]) -> AuditEvent:
    """Append under the head's row lock: the lock serialises appenders on PostgreSQL
    (SQLite serialises all writers anyway), so sequence numbers have no gaps and each
    event links to the one before. Six statements: BEGIN, the head, the event's key,
    INSERT, UPDATE of the head, COMMIT."""
    head, _created = AuditChainHead.objects.select_for_update().get_or_create(
        pk=HEAD_PK, defaults={"last_sequence": 0, "last_hash": GENESIS_HASH}
    )
    event = _event(what, sequence=head.last_sequence + 1, previous_hash=head.last_hash)
    event.save()
    head.last_sequence = event.sequence
    head.last_hash = event.event_hash
    head.save(update_fields=["last_sequence", "last_hash"])
    return event


def _append_unlocked(connection: BaseDatabaseWrapper, what: Mapping[str, Any]) -> AuditEvent | None:
    """Append on PostgreSQL in two statements and no transaction of its own, or return
    None if another event was appended in between (then the caller appends under the lock).

    The first statement reads the head and takes the event's key (its ciphertext is bound
    to it); the second moves the head on only if it still names the event read, and writes
    the event only if the head moved: one statement, so both or neither. A concurrent
    appender's UPDATE waits for this one's row lock, then finds the head moved and writes
    nothing. The sequence keeps no gaps and every event links to the one before, as under
    the lock; a list view's audit costs 2 round trips instead of 6 (issue 10)."""
    meta = AuditEvent._meta
    quote = connection.ops.quote_name
    head_table = quote(AuditChainHead._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT last_sequence, last_hash, nextval(pg_get_serial_sequence(%s, %s)) "  # noqa: S608
            f"FROM {head_table} WHERE id = %s",
            [meta.db_table, meta.pk.column, HEAD_PK],
        )
        row = cursor.fetchone()
        if row is None:  # no chain yet: the locked path makes its head
            return None
        last_sequence, last_hash, key = row
        event = _event(what, sequence=last_sequence + 1, previous_hash=last_hash)
        event.pk = key
        fields = meta.concrete_fields
        columns = ", ".join(quote(str(field.column)) for field in fields)  # concrete: each has one
        # Typed, since the values come through a SELECT rather than VALUES.
        values = ", ".join(f"CAST(%s AS {field.cast_db_type(connection)})" for field in fields)
        cursor.execute(
            f"WITH moved AS (UPDATE {head_table} SET last_sequence = %s, last_hash = %s "  # noqa: S608
            f"WHERE id = %s AND last_sequence = %s AND last_hash = %s RETURNING id) "
            f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {values} FROM moved",
            [
                event.sequence,
                event.event_hash,
                HEAD_PK,
                last_sequence,
                last_hash,
                *(field.get_db_prep_save(field.pre_save(event, True), connection) for field in fields),
            ],
        )
        if cursor.rowcount != 1:
            return None
    event._state.adding = False
    event._state.db = connection.alias
    return event


@dataclass(frozen=True)
class AuditVerification:
    ok: bool
    checked: int
    first_problem_sequence: int | None = None
    problem: str = ""


def _link_problem(row: dict[str, Any], *, expected_sequence: int, previous_hash: str) -> tuple[int, str] | None:
    """Why this event does not continue the chain (the sequence to name, the problem), or None."""
    sequence = row["sequence"]
    if sequence != expected_sequence:
        return expected_sequence, f"event {expected_sequence} is missing"
    if row["previous_hash"] != previous_hash:
        if sequence == 1:
            return 1, "event 1 does not start the chain"
        return sequence, f"event {sequence} does not link to event {sequence - 1}"
    if audit_hash(row) != row["event_hash"]:
        return sequence, f"event {sequence} was altered"
    return None


def _head_problem(
    head: AuditChainHead | None, *, last_sequence: int, hash_at_head: str | None
) -> tuple[int | None, str] | None:
    """Why the chain's end does not match its head (newest events removed or slipped in), or None."""
    if head is None:
        if last_sequence:
            return None, "the chain head is missing, so removed newest events would go unseen"
        return None
    if head.last_sequence > last_sequence:
        return (
            last_sequence + 1,
            f"events {last_sequence + 1} to {head.last_sequence} were removed "
            f"(the chain head names event {head.last_sequence})",
        )
    if head.last_sequence and hash_at_head != head.last_hash:
        return head.last_sequence, f"the chain head does not match event {head.last_sequence}"
    if last_sequence > head.last_sequence:
        # Newer than the head we read: appended meanwhile, or inserted behind the chain's back.
        current = AuditChainHead.objects.filter(pk=HEAD_PK).first()
        current_sequence = current.last_sequence if current is not None else 0
        if current_sequence < last_sequence:
            return current_sequence + 1, f"event {current_sequence + 1} is not recorded in the chain head"
    return None


def audit_verify(*, on_progress: Callable[[int], None] | None = None) -> AuditVerification:
    """Walk the chain in sequence order and report the first broken or missing link.

    ``on_progress(n)`` is called now and then with the number of events checked since
    the last call (for a progress bar).
    """
    # Read the head first: an event appended while we stream is then simply newer than
    # the head we hold, never mistaken for a truncation.
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first()
    previous_hash = GENESIS_HASH
    hash_at_head: str | None = None
    checked = 0
    pending_progress = 0

    def flush_progress() -> None:
        if on_progress is not None and pending_progress:
            on_progress(pending_progress)

    rows = AuditEvent.objects.order_by("sequence").values(*HASHED_FIELDS, "event_hash")
    for row in rows.iterator(chunk_size=VERIFY_CHUNK_SIZE):
        problem = _link_problem(row, expected_sequence=checked + 1, previous_hash=previous_hash)
        if problem is not None:
            flush_progress()
            return AuditVerification(False, checked, *problem)
        previous_hash = row["event_hash"]
        if head is not None and row["sequence"] == head.last_sequence:
            hash_at_head = previous_hash
        checked += 1
        pending_progress += 1
        if pending_progress >= VERIFY_CHUNK_SIZE:
            flush_progress()
            pending_progress = 0

    flush_progress()
    end_problem = _head_problem(head, last_sequence=checked, hash_at_head=hash_at_head)
    if end_problem is not None:
        return AuditVerification(False, checked, *end_problem)
    return AuditVerification(True, checked)


def audit_events_for(obj: models.Model) -> models.QuerySet[AuditEvent]:
    """Every audit event about ``obj``, oldest first."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("sequence")
