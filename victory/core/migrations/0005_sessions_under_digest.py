"""Sessions are now stored under a keyed digest of the cookie value
(``victory.core.sessions.stored_session_key``). Rows written before were stored under
the cookie value itself: in any copy of the database each of them is a cookie that logs
in as its owner. They are deleted, so everyone logs in again once."""

from django.db import migrations


def delete_sessions_stored_under_their_cookie(apps, schema_editor):
    apps.get_model("core", "EncryptedSession").objects.using(schema_editor.connection.alias).all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_counter"),
    ]

    operations = [
        # Nothing to undo: a deleted session is a logout, and old code reads no digest.
        migrations.RunPython(delete_sessions_stored_under_their_cookie, migrations.RunPython.noop),
    ]
