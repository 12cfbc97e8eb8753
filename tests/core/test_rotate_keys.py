"""manage.py rotate_keys: moves data to the newest key, safely interruptible."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from victory.accounts.models import User
from victory.core.audit import audit_record, audit_verify
from victory.core.keyring import decrypt_bytes, encrypt_bytes, key_id_of
from victory.core.management.commands import rotate_keys
from victory.core.models import AuditEvent, EncryptionKeyUse

pytestmark = pytest.mark.django_db


def raw_names() -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, full_name FROM accounts_user ORDER BY id")
        return dict(cursor.fetchall())


def raw_reason(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM core_auditevent WHERE id = %s", [pk])
        value: str = cursor.fetchone()[0]
        return value


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def old_data(only_old_key: override_settings) -> tuple[list[User], AuditEvent]:
    with only_old_key:
        users = [
            User.objects.create_user(email=f"u{n}@example.org", password="pw", full_name=f"Person {n}")
            for n in range(5)
        ]
        event = audit_record(action="case.read", reason="Person 0 asked for a call-back")
    return users, event


def test_values_under_an_older_key_still_decrypt(old_data: tuple[list[User], AuditEvent]) -> None:
    users, event = old_data
    assert all(raw.startswith("v2:t1:") for raw in raw_names().values())
    assert User.objects.get(pk=users[3].pk).full_name == "Person 3"
    assert AuditEvent.objects.get(pk=event.pk).reason == "Person 0 asked for a call-back"


def test_rotation_moves_every_value_to_the_newest_key(
    old_data: tuple[list[User], AuditEvent],
) -> None:
    users, event = old_data
    output = rotate()

    assert "accounts.User.full_name: re-encrypted 5" in output
    assert "core.AuditEvent.reason: re-encrypted 1" in output
    assert all(raw.startswith("v2:t2:") for raw in raw_names().values())
    assert raw_reason(event.pk).startswith("v2:t2:")
    assert [u.full_name for u in User.objects.order_by("pk")] == [f"Person {n}" for n in range(5)]
    assert AuditEvent.objects.get(pk=event.pk).reason == "Person 0 asked for a call-back"
    assert audit_verify().ok
    # Nothing is left under t1, so the start-up guard no longer needs it.
    assert list(EncryptionKeyUse.objects.values_list("key_id", flat=True)) == ["t2"]


def test_rerunning_changes_nothing(old_data: tuple[list[User], AuditEvent]) -> None:
    rotate()
    before = raw_names()
    output = rotate()
    assert "re-encrypted 0 value(s) in all" in output
    assert raw_names() == before


def test_dry_run_counts_and_changes_nothing(old_data: tuple[list[User], AuditEvent]) -> None:
    before = raw_names()
    output = rotate("--dry-run")
    assert "accounts.User.full_name: would re-encrypt 5" in output
    assert raw_names() == before
    assert set(EncryptionKeyUse.objects.values_list("key_id", flat=True)) == {"t1"}


def test_an_interrupted_rotation_leaves_everything_readable_and_can_resume(
    old_data: tuple[list[User], AuditEvent], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = rotate_keys.reencrypt_text
    calls = 0

    def interrupted(token: str, *, context: str, row: str) -> str:
        nonlocal calls
        calls += context.endswith(".full_name")
        if calls == 4:  # in the middle of the second batch of two names
            raise KeyboardInterrupt
        return real(token, context=context, row=row)

    monkeypatch.setattr(rotate_keys, "reencrypt_text", interrupted)
    with pytest.raises(KeyboardInterrupt):
        rotate("--batch-size", "2")

    keys = [key_id_of(raw) for raw in raw_names().values()]
    # The first batch committed; the half-done second batch rolled back.
    assert keys == ["t2", "t2", "t1", "t1", "t1"]
    assert [u.full_name for u in User.objects.order_by("pk")] == [f"Person {n}" for n in range(5)]
    assert set(EncryptionKeyUse.objects.values_list("key_id", flat=True)) == {"t1", "t2"}

    monkeypatch.setattr(rotate_keys, "reencrypt_text", real)
    output = rotate("--batch-size", "2")
    assert "accounts.User.full_name: re-encrypted 3" in output
    assert all(raw.startswith("v2:t2:") for raw in raw_names().values())
    assert [u.full_name for u in User.objects.order_by("pk")] == [f"Person {n}" for n in range(5)]


def test_file_contents_are_re_encrypted(only_old_key: override_settings) -> None:
    with only_old_key:
        blob = encrypt_bytes(b"evidence", context="tests.report.evidence")
    assert key_id_of(blob) == "t1"
    rotated = rotate_keys.reencrypt_bytes(blob, context="tests.report.evidence", row="7")
    assert key_id_of(rotated) == "t2"
    assert decrypt_bytes(rotated, context="tests.report.evidence", row="7") == b"evidence"
