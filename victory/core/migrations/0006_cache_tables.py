"""The database cache tables named in settings.CACHES, made by ``migrate`` itself.

Before this migration they came from a separate ``createcachetable``: a deployment
that ran ``migrate`` alone answered 500 to every visitor (issue 9, item 9). The stores
are chosen by settings (victory.settings.base.cache_stores), so the tables are the
ones those settings name when ``migrate`` runs; ``createcachetable`` skips a table that
exists, so running this again, or the command after it, changes nothing.
``check`` (victory.E003) names the command should the settings later name another.
"""

from django.core.management import call_command
from django.db import migrations


def cache_tables_create(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def cache_tables_drop(apps, schema_editor):
    from victory.core.checks import database_cache_tables

    existing = set(schema_editor.connection.introspection.table_names())
    for table in database_cache_tables(schema_editor.connection.alias):
        if table in existing:
            schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_sessions_under_digest"),
    ]

    operations = [migrations.RunPython(cache_tables_create, cache_tables_drop, elidable=False)]
