"""On PostgreSQL, reject UPDATE and DELETE of audit events in the database itself.

Two updates stay allowed, matching ``AuditEventQuerySet.update()``: changing only
``reason`` (``rotate_keys`` re-encrypts it; the hash covers the plaintext) and
setting ``actor_id`` to NULL (``on_delete=SET_NULL`` when a user is deleted;
``actor_ref`` keeps who it was). Every other column is compared as a whole row,
so a column added later is protected without editing this trigger.
TRUNCATE is not blocked: the test runner flushes tables with it.
SQLite has no equivalent here; the model guard and ``verify_audit`` cover it.
"""

from django.db import migrations

FORWARD_SQL = """
CREATE OR REPLACE FUNCTION core_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'core_auditevent is append-only: events cannot be deleted'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (to_jsonb(NEW) - 'reason' - 'actor_id') IS DISTINCT FROM (to_jsonb(OLD) - 'reason' - 'actor_id')
       OR (NEW.actor_id IS DISTINCT FROM OLD.actor_id AND NEW.actor_id IS NOT NULL) THEN
        RAISE EXCEPTION 'core_auditevent is append-only: only reason may be re-encrypted'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER core_auditevent_append_only
    BEFORE UPDATE OR DELETE ON core_auditevent
    FOR EACH ROW EXECUTE FUNCTION core_auditevent_append_only();
"""

REVERSE_SQL = """
DROP TRIGGER IF EXISTS core_auditevent_append_only ON core_auditevent;
DROP FUNCTION IF EXISTS core_auditevent_append_only();
"""


def _run_on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(_run_on_postgresql(FORWARD_SQL), _run_on_postgresql(REVERSE_SQL)),
    ]
