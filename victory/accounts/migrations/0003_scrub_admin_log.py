"""Clear the e-mail addresses Django's admin log kept in clear (issue 7, item 6).

Before the admin stopped writing it, every admin change stored ``str(obj)`` in
``django_admin_log.object_repr`` (a person's e-mail address, for users and memberships)
and the reprs of inline objects in ``change_message``. This keeps each row's who, when,
which object and which fields (useful to trace changes made before the services audited
the admin), and removes every object representation."""

from __future__ import annotations

import json
from typing import Any

from django.db import migrations

BATCH = 500


def _without_objects(change_message: str) -> str:
    """The structured message without the "object" reprs; free text is dropped whole."""
    try:
        parts = json.loads(change_message)
    except ValueError:
        return ""
    if not isinstance(parts, list):
        return ""
    kept = []
    for part in parts:
        if not isinstance(part, dict):
            continue
        kept.append(
            {
                verb: {key: value for key, value in details.items() if key in {"name", "fields"}}
                for verb, details in part.items()
                if verb in {"added", "changed", "deleted"} and isinstance(details, dict)
            }
        )
    return json.dumps(kept) if kept else ""


def scrub_admin_log(apps: Any, schema_editor: Any) -> None:
    LogEntry = apps.get_model("admin", "LogEntry")
    entries = LogEntry.objects.db_manager(schema_editor.connection.alias)
    last_pk = 0
    # Batches by primary key: no cursor stays open over rows being updated.
    while batch := list(entries.filter(pk__gt=last_pk).order_by("pk")[:BATCH]):
        for entry in batch:
            entry.object_repr = ""
            entry.change_message = _without_objects(entry.change_message)
        entries.bulk_update(batch, ["object_repr", "change_message"])
        last_pk = batch[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_rolegrant"),
        ("admin", "0003_logentry_add_action_flag_choices"),
    ]

    operations = [
        # Not reversible in substance: the removed text is gone (which is the point).
        migrations.RunPython(scrub_admin_log, migrations.RunPython.noop, elidable=True),
    ]
