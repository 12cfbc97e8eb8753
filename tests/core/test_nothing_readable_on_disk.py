"""A copy of the SQLite file reveals no encrypted field: the issue's "done when" check."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import manage
from victory.core.fields import EncryptedJSONField, EncryptedTextField


def _encrypted_columns() -> list[tuple[str, str]]:
    from django.apps import apps

    return [
        (model._meta.db_table, field.column)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField | EncryptedJSONField) and field.column is not None
    ]


def test_sqlite_file_of_a_seeded_platform_holds_no_plaintext(tmp_path: Path) -> None:
    env = {"VICTORY_VAR_DIR": str(tmp_path)}
    for command in (
        ["migrate", "--no-input"],
        ["createcachetable"],
        ["seed_demo", "--credentials", str(tmp_path / "creds.json")],
    ):
        result = manage(*command, env=env, timeout=300)
        assert result.returncode == 0, result.stderr
    database = (tmp_path / "victory.sqlite3").read_bytes()
    wal = tmp_path / "victory.sqlite3-wal"
    raw = database + (wal.read_bytes() if wal.exists() else b"")
    # The demo people's names and the audit reasons are encrypted fields.
    assert b"Demo person (fictional)" not in raw
    assert b"v2:" in raw  # ciphertext is there instead
    # Every value of every encrypted column is ciphertext (or empty).
    import sqlite3

    connection = sqlite3.connect(tmp_path / "victory.sqlite3")
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    checked = 0
    for table, column in _encrypted_columns():
        if table not in tables:
            continue
        for (value,) in connection.execute(f'SELECT "{column}" FROM "{table}"'):  # noqa: S608
            assert value in (None, "") or value.startswith("v2:"), (table, column)
            checked += 1
    connection.close()
    assert checked > 10
    keys = (tmp_path / "keys").read_text()
    assert keys.split(":", 1)[1].strip().encode() not in raw  # the key lives outside the database


def test_session_data_is_encrypted_in_the_database(db: None, client: object) -> None:
    """Sessions hold half-typed forms and half-done logins: their stored data is ciphertext."""
    from django.db import connection

    from victory.core.sessions import SessionStore, stored_session_key

    store = SessionStore()
    store["draft"] = "what happened to me last night"
    store.save()
    assert store.session_key is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT session_data FROM core_encryptedsession WHERE session_key = %s",
            [stored_session_key(store.session_key)],
        )
        (raw,) = cursor.fetchone()
    assert raw.startswith("v2:")
    assert "last night" not in raw
    assert SessionStore(store.session_key)["draft"] == "what happened to me last night"
