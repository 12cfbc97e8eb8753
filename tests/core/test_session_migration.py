"""Sessions written before their keys were digested are cookies in any copy of the
database: the migration (core 0005) deletes them."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from victory.core.models import EncryptedSession
from victory.core.sessions import SessionStore, stored_session_key

# The schema editor a migration runs with cannot be opened inside the per-test transaction.
pytestmark = pytest.mark.django_db(transaction=True)

migration = importlib.import_module("victory.core.migrations.0005_sessions_under_digest")


def test_sessions_stored_under_their_cookie_are_deleted() -> None:
    # A row as the old engine wrote it: the cookie value itself as the key.
    cookie = "oldcookievalue0123456789abcdefgh"
    store = SessionStore()
    EncryptedSession.objects.create(
        session_key=cookie,
        session_data=store.encode({"_auth_user_id": "1"}),
        expire_date=timezone.now() + timedelta(hours=1),
    )
    current = SessionStore()
    current["draft"] = "kept until the migration"
    current.save()

    with connection.schema_editor(atomic=False) as editor:
        migration.delete_sessions_stored_under_their_cookie(apps, editor)

    assert not EncryptedSession.objects.exists()
    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = cookie
    assert thief.get("/en/staff/").status_code == 302
    assert stored_session_key(cookie) != cookie
