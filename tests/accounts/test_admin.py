"""Passwords in the Django admin (issue 7, item 8): a password changed there ends the
account's API tokens and is audited; no admin page sets another person's password."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from tests.conftest import login
from tests.factories import PASSWORD
from victory.accounts import services
from victory.accounts.models import User
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a different horse, still stapled"


@pytest.fixture
def platform_admin(db: None) -> User:
    user = services.user_create(email="password.admin@test.victory.example", password=PASSWORD, is_platform_admin=True)
    services.totp_device_create_confirmed(user=user)
    return user


def _api_token(user: User) -> str:
    # A backup code, so the authenticator's current code stays free for the login.
    code = services.backup_codes_regenerate(user=user, password=PASSWORD, client="test")[0]
    token, _expires = services.api_token_issue(email=user.email, password=PASSWORD, otp=code, client="test")
    assert services.api_token_user(token=token) == user
    return token


def test_a_password_changed_in_the_admin_ends_every_api_token_and_is_audited(
    client: Client, platform_admin: User
) -> None:
    token = _api_token(platform_admin)
    login(client, platform_admin)
    response = client.post(
        "/en/admin/password_change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    platform_admin.refresh_from_db()
    assert platform_admin.check_password(NEW_PASSWORD)
    assert services.api_token_user(token=token) is None  # a stolen token dies with the old password
    assert AuditEvent.objects.filter(action="user.password_set", actor=platform_admin, object_id=str(platform_admin.pk))
    assert not LogEntry.objects.exists()
    assert client.get("/en/admin/").status_code == 200  # the person changing it stays logged in


def test_a_wrong_current_password_changes_nothing(client: Client, platform_admin: User) -> None:
    token = _api_token(platform_admin)
    login(client, platform_admin)
    response = client.post(
        "/en/admin/password_change/",
        {"old_password": "not it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    platform_admin.refresh_from_db()
    assert platform_admin.check_password(PASSWORD)
    assert services.api_token_user(token=token) == platform_admin
    assert not AuditEvent.objects.filter(action="user.password_set").exists()


def test_no_admin_page_sets_another_persons_password(client: Client, platform_admin: User) -> None:
    other = services.user_create(email="someone.else@test.victory.example", password=PASSWORD)
    login(client, platform_admin)
    # Django's own user admin has this page; here the address is no page at all.
    page = client.get(f"/en/admin/accounts/user/{other.pk}/password/", follow=True).content.decode()
    assert "password1" not in page and "doesn’t exist" in page
    change = f"/en/admin/accounts/user/{other.pk}/change/"
    client.post(change, {"full_name": "Someone", "is_active": "on", "password": "pbkdf2_sha256$1$x$y"})
    other.refresh_from_db()
    assert other.check_password(PASSWORD)


def test_setting_a_password_ends_the_accounts_api_tokens() -> None:
    user = services.user_create(email="api.user@test.victory.example", password=PASSWORD)
    services.totp_device_create_confirmed(user=user)
    token = _api_token(user)
    services.user_set_password(actor=None, user=user, password=NEW_PASSWORD)
    assert services.api_token_user(token=token) is None
    assert AuditEvent.objects.filter(action="user.password_set", object_id=str(user.pk)).exists()
