"""accounts 0004 moves django-otp's devices, whose seeds and backup codes were stored in
clear, into the platform's own (seed encrypted, codes as digests), and drops the old
tables: nobody enrols again, and no copy made afterwards holds a usable second factor."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django_otp.oath import TOTP

from tests.factories import PASSWORD, MembershipFactory
from victory.accounts.models import AuthenticatorDevice, BackupCode, BackupCodeDevice, Membership

# The schema editor a migration runs with cannot be opened inside the per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

migration = importlib.import_module("victory.accounts.migrations.0004_second_factor_at_rest")

SEED = "3132333435363738393031323334353637383930"  # RFC 6238's test key, hex
TOKENS = ["abcdefgh", "ijklmnop"]

LEGACY_DDL = (
    "CREATE TABLE otp_totp_totpdevice (id integer PRIMARY KEY, user_id bigint NOT NULL, name varchar(64) NOT NULL, "
    'confirmed boolean NOT NULL, "key" varchar(80) NOT NULL, step smallint NOT NULL, t0 bigint NOT NULL, '
    "digits smallint NOT NULL, tolerance smallint NOT NULL, drift smallint NOT NULL, last_t bigint NOT NULL)",
    "CREATE TABLE otp_static_staticdevice (id integer PRIMARY KEY, user_id bigint NOT NULL, "
    "name varchar(64) NOT NULL, confirmed boolean NOT NULL)",
    "CREATE TABLE otp_static_statictoken (id integer PRIMARY KEY, device_id integer NOT NULL "
    "REFERENCES otp_static_staticdevice (id), token varchar(16) NOT NULL)",
)


def _legacy_devices(membership: Membership) -> None:
    """What django-otp's plugins left in a database made before this change."""
    user_id = membership.user.pk
    with connection.cursor() as cursor:
        for statement in LEGACY_DDL:
            cursor.execute(statement)
        cursor.execute(
            "INSERT INTO otp_totp_totpdevice VALUES (7, %s, 'Authenticator app', %s, %s, 30, 0, 6, 1, 0, -1)",
            [user_id, True, SEED],
        )
        cursor.execute("INSERT INTO otp_static_staticdevice VALUES (3, %s, 'backup codes', %s)", [user_id, True])
        for number, token in enumerate(TOKENS, start=1):
            cursor.execute("INSERT INTO otp_static_statictoken VALUES (%s, 3, %s)", [number, token])
        cursor.execute(
            "INSERT INTO django_migrations (app, name, applied) VALUES ('otp_totp', '0001_initial', %s)",
            ["2026-01-01 00:00:00+00:00"],
        )


def _migrate() -> None:
    with connection.schema_editor() as editor:
        migration.move_legacy_devices(apps, editor)


def test_legacy_devices_keep_working_and_their_clear_tables_are_gone() -> None:
    membership = MembershipFactory()
    _legacy_devices(membership)
    _migrate()

    tables = set(connection.introspection.table_names())
    assert not tables & set(migration.LEGACY_TABLES)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM django_migrations WHERE app IN ('otp_totp', 'otp_static')")
        assert cursor.fetchone() == (0,)
        cursor.execute(f'SELECT "key" FROM {AuthenticatorDevice._meta.db_table}')  # noqa: S608
        (stored_seed,) = cursor.fetchone()
        cursor.execute(f"SELECT digest FROM {BackupCode._meta.db_table}")  # noqa: S608
        stored_codes = [row[0] for row in cursor.fetchall()]
    assert SEED not in stored_seed
    assert len(stored_codes) == 2 and not set(TOKENS) & set(stored_codes)
    device = AuthenticatorDevice.objects.get(user=membership.user)
    assert device.confirmed and device.key == SEED
    assert BackupCodeDevice.objects.get(user=membership.user).name == "backup codes"

    # The person's app and their unused backup code still log them in.
    app = Client()
    app.post("/en/staff/login/", {"email": membership.user.email, "password": PASSWORD})
    code = f"{TOTP(bytes.fromhex(SEED)).token():06d}"
    assert app.post("/en/staff/login/code/", {"code": code}).status_code == 302
    backup = Client()
    backup.post("/en/staff/login/", {"email": membership.user.email, "password": PASSWORD})
    assert backup.post("/en/staff/login/code/", {"code": TOKENS[1]}).status_code == 302


def test_a_database_without_the_old_plugins_migrates_as_is() -> None:
    membership = MembershipFactory()
    _migrate()
    assert not AuthenticatorDevice.objects.filter(user=membership.user).exists()
