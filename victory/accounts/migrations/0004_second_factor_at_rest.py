"""The second factor, stored so that a copy of the database cannot use it.

Creates the platform's own devices (``AuthenticatorDevice``: TOTP seed encrypted under
the keyring; ``BackupCodeDevice``/``BackupCode``: backup codes as keyed digests), moves
every device of django-otp's TOTP and static plugins into them, and drops the plugins'
tables, which held the seeds and codes in clear. The plugins are no longer installed;
their rows in ``django_migrations`` are removed too, so that installing them again one
day would create their tables afresh instead of assuming they exist.

Nobody has to enrol again: the seeds and unused codes are the same, only stored
differently. Backups taken before this migration still hold them in clear (see
docs/security.md).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import victory.accounts.models
import victory.core.fields

# Children before parents: the token table refers to the static device table.
LEGACY_TABLES = ("otp_static_statictoken", "otp_static_staticdevice", "otp_totp_totpdevice")


def move_legacy_devices(apps, schema_editor):
    from victory.accounts.models import backup_code_digest

    connection = schema_editor.connection
    existing = set(connection.introspection.table_names())
    AuthenticatorDevice = apps.get_model("accounts", "AuthenticatorDevice")
    BackupCodeDevice = apps.get_model("accounts", "BackupCodeDevice")
    BackupCode = apps.get_model("accounts", "BackupCode")
    with connection.cursor() as cursor:
        if "otp_totp_totpdevice" in existing:
            cursor.execute(
                "SELECT user_id, name, confirmed, key, step, t0, digits, tolerance, drift, last_t "
                "FROM otp_totp_totpdevice ORDER BY id"
            )
            for user_id, name, confirmed, key, step, t0, digits, tolerance, drift, last_t in cursor.fetchall():
                # One by one (not bulk_create): each seed is encrypted as its row is saved.
                AuthenticatorDevice.objects.create(
                    user_id=user_id,
                    name=name,
                    confirmed=bool(confirmed),
                    key=key.lower(),
                    step=step,
                    t0=t0,
                    digits=digits,
                    tolerance=tolerance,
                    drift=drift,
                    last_t=last_t,
                )
        if {"otp_static_staticdevice", "otp_static_statictoken"} <= existing:
            cursor.execute("SELECT id, user_id, name, confirmed FROM otp_static_staticdevice ORDER BY id")
            devices = cursor.fetchall()
            cursor.execute("SELECT device_id, token FROM otp_static_statictoken")
            tokens: dict[int, list[str]] = {}
            for device_id, token in cursor.fetchall():
                tokens.setdefault(device_id, []).append(token)
            for legacy_id, user_id, name, confirmed in devices:
                device = BackupCodeDevice.objects.create(user_id=user_id, name=name, confirmed=bool(confirmed))
                BackupCode.objects.bulk_create(
                    BackupCode(device=device, digest=backup_code_digest(user_id=user_id, code=token))
                    for token in tokens.get(legacy_id, [])
                )
        for table in LEGACY_TABLES:
            if table in existing:
                schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")
        cursor.execute("DELETE FROM django_migrations WHERE app IN (%s, %s)", ["otp_totp", "otp_static"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_scrub_admin_log"),
        # Encrypting a seed records its key id in core.EncryptionKeyUse.
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuthenticatorDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="The human-readable name of this device.", max_length=64)),
                ("confirmed", models.BooleanField(default=True, help_text="Is this device ready for use?")),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(default=0, help_text="Number of successive failed attempts."),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, help_text="The most recent date and time this device was used.", null=True
                    ),
                ),
                (
                    "key",
                    victory.core.fields.EncryptedTextField(
                        default=victory.accounts.models.new_totp_seed, verbose_name="secret"
                    ),
                ),
                ("step", models.PositiveSmallIntegerField(default=30)),
                ("t0", models.BigIntegerField(default=0)),
                ("digits", models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ("tolerance", models.PositiveSmallIntegerField(default=1)),
                ("drift", models.SmallIntegerField(default=0)),
                ("last_t", models.BigIntegerField(default=-1)),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "authenticator app",
                "verbose_name_plural": "authenticator apps",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="BackupCodeDevice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="The human-readable name of this device.", max_length=64)),
                ("confirmed", models.BooleanField(default=True, help_text="Is this device ready for use?")),
                (
                    "throttling_failure_timestamp",
                    models.DateTimeField(
                        blank=True,
                        default=None,
                        help_text="A timestamp of the last failed verification attempt. Null if last attempt succeeded.",
                        null=True,
                    ),
                ),
                (
                    "throttling_failure_count",
                    models.PositiveIntegerField(default=0, help_text="Number of successive failed attempts."),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        auto_now_add=True,
                        help_text="The date and time when this device was initially created in the system.",
                        null=True,
                    ),
                ),
                (
                    "last_used_at",
                    models.DateTimeField(
                        blank=True, help_text="The most recent date and time this device was used.", null=True
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        help_text="The user that this device belongs to.",
                        on_delete=django.db.models.deletion.CASCADE,
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "backup codes",
                "verbose_name_plural": "backup codes",
                "abstract": False,
            },
        ),
        migrations.CreateModel(
            name="BackupCode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("digest", models.CharField(db_index=True, max_length=64)),
                (
                    "device",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="codes",
                        to="accounts.backupcodedevice",
                    ),
                ),
            ],
            options={
                "verbose_name": "backup code",
                "verbose_name_plural": "backup codes",
            },
        ),
        # Nothing to undo: the plugins' tables are gone, and the seeds are not put back in clear.
        migrations.RunPython(move_legacy_devices, migrations.RunPython.noop),
    ]
