"""Django's admin log as installations hold it (issue 7, item 6): rows the admin wrote
before it stopped writing them carry ``str(obj)``, a person's e-mail address in clear;
the migration ``accounts/0003_scrub_admin_log`` removes every such text and keeps who
changed which object when."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from tests.factories import PASSWORD
from victory.accounts import services
from victory.accounts.models import Membership, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def platform_admin(db: None) -> User:
    return services.user_create(email="log.admin@test.victory.example", password=PASSWORD, is_platform_admin=True)


def test_the_admin_log_written_before_the_fix_keeps_no_email_address(platform_admin: User) -> None:
    """Installations already hold rows that Django's admin wrote with str(user): the e-mail."""
    person = services.user_create(email="logged.person@test.victory.example")
    organisation = services.organisation_create(actor=None, name="Logged (fictional)", kind="police", countries=["PT"])
    membership = Membership.objects.create(user=person, organisation=organisation, role=Role.CASEWORKER)
    LogEntry.objects.log_actions(user_id=platform_admin.pk, queryset=[person], action_flag=ADDITION)
    LogEntry.objects.log_actions(
        user_id=platform_admin.pk,
        queryset=[membership],
        action_flag=CHANGE,
        change_message=[
            {"changed": {"fields": ["Role"]}},
            {"added": {"name": "membership", "object": str(membership)}},
        ],
    )
    LogEntry.objects.log_actions(
        user_id=platform_admin.pk, queryset=[organisation], action_flag=CHANGE, change_message="Changed logged.person@"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM django_admin_log")
        assert "logged.person@" in repr(cursor.fetchall())  # what the old admin left behind

    migration = importlib.import_module("victory.accounts.migrations.0003_scrub_admin_log")
    migration.scrub_admin_log(apps, connection.schema_editor())

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM django_admin_log")
        rows = cursor.fetchall()
    assert len(rows) == 3 and "logged.person@" not in repr(rows)
    # Who changed which object, when, and which fields, is kept.
    entry = LogEntry.objects.get(content_type=ContentType.objects.get_for_model(Membership))
    assert (entry.user_id, entry.object_id, entry.action_flag) == (platform_admin.pk, str(membership.pk), CHANGE)
    assert json.loads(entry.change_message) == [{"changed": {"fields": ["Role"]}}, {"added": {"name": "membership"}}]
