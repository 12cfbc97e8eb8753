"""The open cases of an organisation newest first, and what PostgreSQL's planner must know
to walk them (issue 10, docs/performance.md).

A caseworker's list is "the intake or mine": ``assigned_to IS NULL OR assigned_to = me``.
PostgreSQL estimates ``organisation = X AND assigned_to = me`` by multiplying the two
columns' selectivities, as if any caseworker worked in any organisation, and took a
caseworker with 1,680 open cases for one with about 100. Expecting few rows, it fetched
every match (2,737) and sorted them: 13 ms. Extended statistics on the two columns
(functional dependency and their most common pairs) give it the real numbers, and it walks
``case_open_org_opened`` in order instead, stopping after the first page: 0.5 ms.
Django has no operation for extended statistics, hence the SQL; SQLite has no such thing
and needs none (its planner already walks the index).
"""

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

STATISTICS = "case_org_assignee_stats"


def create_statistics(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (dependencies, mcv) "
            "ON organisation_id, assigned_to_id FROM cases_case"
        )


def drop_statistics(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_open_case_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                condition=models.Q(("status", "closed"), _negated=True),
                fields=["organisation", "opened_at", "id"],
                name="case_open_org_opened",
            ),
        ),
        migrations.RunPython(create_statistics, drop_statistics),
    ]
