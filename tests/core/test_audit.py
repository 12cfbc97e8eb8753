"""The audit chain: appending, tamper detection, append-only guards, verify_audit."""

from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from victory.accounts.models import Organisation, User
from victory.core.audit import (
    GENESIS_HASH,
    AppendOnlyError,
    audit_events_for,
    audit_record,
    audit_verify,
)
from victory.core.models import AuditChainHead, AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseworker() -> User:
    return User.objects.create_user(email="caseworker@example.org", password="pw-for-tests")


@pytest.fixture
def organisation() -> Organisation:
    return Organisation.objects.create(name="Fictional Police Unit", kind="police")


@pytest.fixture
def chain(caseworker: User, organisation: Organisation) -> list[AuditEvent]:
    """Five events by one caseworker, as a case would collect them."""
    return [
        audit_record(
            action=f"case.step{n}",
            actor=caseworker,
            organisation=organisation,
            object_type="cases.case",
            object_id="42",
            reason=f"Reason {n}: the victim asked for a call-back",
        )
        for n in range(1, 6)
    ]


@contextmanager
def _tampering() -> Iterator[None]:
    """Let raw SQL change the table, as an attacker with database access could.

    On PostgreSQL the append-only trigger has to be switched off first (and the deferred
    foreign-key checks run, since ALTER TABLE refuses while they are pending).
    """
    postgres = connection.vendor == "postgresql"
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only")
    try:
        yield
    finally:
        if postgres:
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER core_auditevent_append_only")


def _raw(sql: str, params: list[Any]) -> None:
    with _tampering(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_appended_events_form_a_chain_that_verifies(chain, caseworker, organisation):
    assert [event.sequence for event in chain] == [1, 2, 3, 4, 5]
    assert chain[0].previous_hash == GENESIS_HASH
    assert all(later.previous_hash == earlier.event_hash for earlier, later in pairwise(chain))
    assert chain[0].actor_ref == f"user:{caseworker.pk}"
    assert chain[0].organisation_ref == f"organisation:{organisation.pk}"
    head = AuditChainHead.objects.get()
    assert (head.last_sequence, head.last_hash) == (5, chain[-1].event_hash)

    assert audit_verify().ok
    assert audit_verify().checked == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers: no two read one head")
def test_an_event_appended_by_someone_else_meanwhile_is_followed_not_overwritten(chain, monkeypatch):
    """Two appenders read the same head; the one that writes second finds the head moved
    and appends after the first (under the head's lock), so no sequence is taken twice."""
    from victory.core import audit

    build = audit._event
    meanwhile: list[AuditEvent] = []

    def racing(*args: Any, **kwargs: Any) -> AuditEvent:
        if not meanwhile:  # between this appender's read of the head and its write
            meanwhile.append(chain[0])
            meanwhile[0] = audit_record(action="case.meanwhile")
        return build(*args, **kwargs)

    monkeypatch.setattr(audit, "_event", racing)
    event = audit_record(action="case.second")

    assert (meanwhile[0].sequence, event.sequence) == (6, 7)
    assert event.previous_hash == meanwhile[0].event_hash
    assert list(AuditEvent.objects.values_list("action", flat=True))[-2:] == ["case.meanwhile", "case.second"]
    assert audit_verify().ok


def test_an_empty_chain_verifies():
    result = audit_verify()
    assert result.ok
    assert result.checked == 0


def test_system_and_anonymous_actors_and_an_object_are_recorded(organisation):
    from django.contrib.auth.models import AnonymousUser

    by_system = audit_record(action="retention.run", reason="nightly job")
    by_public = audit_record(action="report.submit", actor=AnonymousUser(), obj=organisation)

    assert by_system.actor_ref == "system"
    assert by_public.actor_ref == "anonymous"
    assert by_public.actor is None
    assert (by_public.object_type, by_public.object_id) == (
        "accounts.organisation",
        str(organisation.pk),
    )
    assert list(audit_events_for(organisation)) == [by_public]
    assert audit_verify().ok


def test_the_reason_is_stored_and_read_back_as_plaintext(chain):
    assert AuditEvent.objects.get(sequence=3).reason == "Reason 3: the victim asked for a call-back"


def test_an_event_altered_in_the_database_is_named(chain):
    _raw("UPDATE core_auditevent SET action=%s WHERE sequence=%s", ["case.nothing_to_see", 3])

    result = audit_verify()

    assert not result.ok
    assert result.first_problem_sequence == 3
    assert result.problem == "event 3 was altered"
    assert result.checked == 2


def test_a_deleted_middle_event_is_named_as_missing(chain):
    _raw("DELETE FROM core_auditevent WHERE sequence=%s", [3])

    result = audit_verify()

    assert not result.ok
    assert result.first_problem_sequence == 3
    assert result.problem == "event 3 is missing"


def test_a_deleted_newest_event_is_detected_through_the_head(chain):
    _raw("DELETE FROM core_auditevent WHERE sequence>=%s", [4])

    result = audit_verify()

    assert not result.ok
    assert result.first_problem_sequence == 4
    assert "events 4 to 5 were removed" in result.problem


def test_a_changed_previous_hash_is_named_as_a_broken_link(chain):
    _raw("UPDATE core_auditevent SET previous_hash=%s WHERE sequence=%s", ["f" * 64, 4])

    result = audit_verify()

    assert not result.ok
    assert result.first_problem_sequence == 4
    assert result.problem == "event 4 does not link to event 3"


def test_an_event_inserted_behind_the_chains_back_is_named(chain):
    event = chain[-1]
    _raw(
        "INSERT INTO core_auditevent (sequence, occurred_at, actor_ref, organisation_ref, action,"
        " object_type, object_id, reason, previous_hash, event_hash)"
        " VALUES (%s, %s, '', '', 'forged', '', '', '', %s, %s)",
        [6, event.occurred_at, event.event_hash, "e" * 64],
    )

    result = audit_verify()

    assert not result.ok
    assert result.first_problem_sequence == 6


def test_saving_an_existing_event_again_is_refused(chain):
    event = AuditEvent.objects.get(sequence=2)
    event.action = "case.rewritten"

    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(sequence=2).action == "case.step2"


def test_queryset_delete_and_update_are_refused(chain):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(sequence=2).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="case.rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.bulk_create([AuditEvent(sequence=99)])
    assert AuditEvent.objects.count() == 5
    assert audit_verify().ok


def test_the_database_refuses_a_raw_update_or_the_model_does(chain):
    if connection.vendor == "postgresql":
        # The trigger stops even code that goes around the model.
        for sql in (
            "UPDATE core_auditevent SET action='case.rewritten' WHERE sequence=2",
            "DELETE FROM core_auditevent WHERE sequence=2",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
    else:
        # SQLite has no trigger here; the model's manager is the guard.
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(sequence=2).update(action="case.rewritten")
        with pytest.raises(AppendOnlyError):
            AuditEvent.objects.filter(sequence=2).delete()
    assert AuditEvent.objects.get(sequence=2).action == "case.step2"
    assert audit_verify().ok


def test_re_encrypting_the_reason_keeps_the_chain_valid(chain):
    # What rotate_keys does: write the same plaintext again (under the newest key).
    from victory.core.fields import Ciphertext
    from victory.core.keyring import encrypt_text

    for event in AuditEvent.objects.all():
        again = encrypt_text(event.reason, context="core.auditevent.reason", row=str(event.pk))
        AuditEvent.objects.filter(pk=event.pk).update(reason=Ciphertext(again))

    assert audit_verify().ok


def test_deleting_a_user_keeps_their_events_and_the_chain_valid(chain, caseworker):
    user_pk = caseworker.pk
    caseworker.delete()

    event = AuditEvent.objects.get(sequence=1)
    assert event.actor is None
    assert event.actor_ref == f"user:{user_pk}"
    assert audit_verify().ok


def test_verify_audit_reports_an_intact_chain(chain):
    out = StringIO()

    call_command("verify_audit", stdout=out)

    assert "Audit chain intact: 5 events." in out.getvalue()


def test_verify_audit_fails_naming_the_altered_event(chain):
    _raw("UPDATE core_auditevent SET object_id=%s WHERE sequence=%s", ["43", 2])

    with pytest.raises(CommandError, match="Broken link at event 2: event 2 was altered"):
        call_command("verify_audit", stdout=StringIO(), stderr=StringIO())
