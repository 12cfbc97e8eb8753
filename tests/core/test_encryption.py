"""Encrypted fields: what reaches the database is ciphertext bound to its column."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.exceptions import FieldError
from django.core.files.base import ContentFile
from django.db import connection

from victory.accounts.models import User
from victory.core.audit import audit_record
from victory.core.fields import (
    EncryptedFieldFile,
    EncryptedFileField,
    EncryptedJSONField,
    EncryptedTextField,
)
from victory.core.keyring import DecryptionError, decrypt_text, encrypt_text
from victory.core.models import AuditEvent, EncryptionKeyUse

pytestmark = pytest.mark.django_db

NAME = "Amira Haddad"


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        value: str = cursor.fetchone()[0]
        return value


def set_raw_column(table: str, column: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])  # noqa: S608


@pytest.fixture
def user() -> User:
    return User.objects.create_user(email="amira@example.org", password="pw", full_name=NAME)


def test_a_name_is_stored_as_ciphertext_under_the_newest_key(user: User) -> None:
    raw = raw_column("accounts_user", "full_name", user.pk)
    assert raw.startswith(f"v2:t2:{user.pk}:")
    assert "Amira" not in raw and "Haddad" not in raw
    assert User.objects.get(pk=user.pk).full_name == NAME
    assert User.objects.values_list("full_name", flat=True).get(pk=user.pk) == NAME


def test_the_same_text_encrypts_differently_each_time() -> None:
    first = encrypt_text(NAME, context="accounts.user.full_name")
    second = encrypt_text(NAME, context="accounts.user.full_name")
    assert first != second
    assert decrypt_text(first, context="accounts.user.full_name") == NAME


def test_an_empty_text_stays_empty_and_reveals_nothing() -> None:
    user = User.objects.create_user(email="blank@example.org", password="pw")
    assert raw_column("accounts_user", "full_name", user.pk) == ""
    assert User.objects.get(pk=user.pk).full_name == ""


def test_encrypting_records_the_key_id(user: User) -> None:
    assert list(EncryptionKeyUse.objects.values_list("key_id", flat=True)) == ["t2"]


def test_audit_reason_is_encrypted_and_the_chain_still_verifies() -> None:
    event = audit_record(action="case.read", reason=f"{NAME} asked for a call-back")
    raw = raw_column("core_auditevent", "reason", event.pk)
    assert raw.startswith(f"v2:t2:{event.pk}:") and "Amira" not in raw
    assert AuditEvent.objects.get(pk=event.pk).reason == f"{NAME} asked for a call-back"


def test_ciphertext_copied_to_another_column_does_not_decrypt(user: User) -> None:
    event = audit_record(action="case.read", reason="routine check")
    set_raw_column("core_auditevent", "reason", event.pk, raw_column("accounts_user", "full_name", user.pk))
    with pytest.raises(DecryptionError, match="core.auditevent.reason"):
        AuditEvent.objects.get(pk=event.pk)


@pytest.mark.parametrize("position", [8, -3])
def test_tampered_ciphertext_does_not_decrypt(user: User, position: int) -> None:
    raw = raw_column("accounts_user", "full_name", user.pk)
    flipped = "B" if raw[position] != "B" else "C"
    set_raw_column("accounts_user", "full_name", user.pk, raw[:position] + flipped + raw[position + 1 :])
    with pytest.raises(DecryptionError):
        User.objects.get(pk=user.pk)


def test_a_plaintext_value_in_the_column_is_refused_not_returned(user: User) -> None:
    set_raw_column("accounts_user", "full_name", user.pk, NAME)
    with pytest.raises(DecryptionError, match="not an encrypted value"):
        User.objects.get(pk=user.pk)


@pytest.mark.parametrize("lookup", ["contains", "icontains", "startswith", "in", "gt"])
def test_searching_an_encrypted_field_is_refused_with_an_explanation(lookup: str) -> None:
    value = ["x"] if lookup == "in" else "x"
    with pytest.raises(FieldError, match="encrypted"):
        User.objects.filter(**{f"full_name__{lookup}": value})


def test_exact_match_only_works_against_empty(user: User) -> None:
    with pytest.raises(FieldError, match="encrypted"):
        User.objects.filter(full_name=NAME)
    assert not User.objects.filter(full_name="").exists()
    assert User.objects.exclude(full_name="").get() == user
    assert not User.objects.filter(full_name__isnull=True).exists()


def test_field_deconstructs_as_a_plain_text_field() -> None:
    name, path, args, kwargs = EncryptedTextField("reason", blank=True).deconstruct()
    assert path == "victory.core.fields.EncryptedTextField"
    assert kwargs == {"verbose_name": "reason", "blank": True}
    *_, kwargs = EncryptedTextField(encryption_context="core.old.reason").deconstruct()
    assert kwargs == {"encryption_context": "core.old.reason"}


def test_json_round_trip() -> None:
    field = EncryptedJSONField(encryption_context="tests.assessment.answers")
    value = {"safety": ["home", "école"], "score": 3, "notes": None}
    stored = field.get_prep_value(value)
    assert stored.startswith("v1:t2:")
    assert "école" not in stored and "safety" not in stored
    assert field.from_db_value(stored, None, connection) == value
    assert json.loads(decrypt_text(stored, context="tests.assessment.answers")) == value
    assert field.get_prep_value(None) is None
    assert field.from_db_value(None, None, connection) is None
    assert field.from_db_value(field.get_prep_value(""), None, connection) == ""


def test_json_bound_to_its_context() -> None:
    stored = EncryptedJSONField(encryption_context="tests.a.answers").get_prep_value([1, 2])
    with pytest.raises(DecryptionError):
        EncryptedJSONField(encryption_context="tests.b.answers").from_db_value(stored, None, connection)


def _file_field() -> EncryptedFileField:
    field = EncryptedFileField(upload_to="evidence/", encryption_context="tests.report.evidence")
    field.set_attributes_from_name("evidence")
    return field


def test_file_contents_are_encrypted_under_a_random_name(media_root: Path) -> None:
    field = _file_field()
    plaintext = b"%PDF-1.7 statement of Amira Haddad"
    attached = EncryptedFieldFile(SimpleNamespace(), field, None)
    attached.save("Amira-Haddad-statement.pdf", ContentFile(plaintext), save=False)
    assert attached.name is not None

    assert re.fullmatch(r"evidence/[0-9a-f]{32}\.enc", attached.name)
    on_disk = (media_root / attached.name).read_bytes()
    assert on_disk.startswith(b"v1:t2:")
    assert b"Amira" not in on_disk and b"PDF" not in on_disk
    assert not any("Amira" in p.name for p in media_root.rglob("*"))

    reopened = EncryptedFieldFile(SimpleNamespace(), field, attached.name)
    assert reopened.size == len(plaintext)
    with reopened.open() as handle:
        assert handle.read() == plaintext
    assert attached.open().read() == plaintext


def test_tampered_file_does_not_decrypt(media_root: Path) -> None:
    field = _file_field()
    attached = EncryptedFieldFile(SimpleNamespace(), field, None)
    attached.save("x.txt", ContentFile(b"evidence"), save=False)
    assert attached.name is not None
    path = media_root / attached.name
    data = bytearray(path.read_bytes())
    data[-1] ^= 1
    path.write_bytes(bytes(data))
    with pytest.raises(DecryptionError):
        EncryptedFieldFile(SimpleNamespace(), field, attached.name).read()


def test_file_cannot_be_opened_for_writing(media_root: Path) -> None:
    attached = EncryptedFieldFile(SimpleNamespace(), _file_field(), None)
    attached.save("x.txt", ContentFile(b"evidence"), save=False)
    with pytest.raises(ValueError, match="save"):
        attached.open("wb")
