"""Logging in as a professional: password, then a code; lock-out; idle timeout."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.conftest import login
from tests.factories import PASSWORD, MembershipFactory, current_code
from victory.accounts.models import AuthenticatorDevice, BackupCode, Membership
from victory.core.models import AuditEvent
from victory.core.session_keys import STAFF_LAST_SEEN_KEY as SESSION_LAST_SEEN

pytestmark = pytest.mark.django_db


def test_password_alone_does_not_open_professional_pages(client: Client, caseworker: Membership) -> None:
    response = client.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    assert response["Location"] == "/en/staff/login/code/"
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/staff/login/")


def test_password_and_current_code_log_in(client: Client, caseworker: Membership) -> None:
    login(client, caseworker)
    response = client.get("/en/staff/")
    assert response.status_code == 200
    assert caseworker.organisation.name in response.content.decode()
    assert AuditEvent.objects.filter(action="login.succeeded", actor=caseworker.user).exists()


def test_wrong_code_is_refused_and_keeps_the_person_on_the_code_page(client: Client, caseworker: Membership) -> None:
    client.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    response = client.post("/en/staff/login/code/", {"code": "000000"})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert client.get("/en/staff/").status_code == 302


def test_wrong_password_gives_no_hint_whether_the_account_exists(client: Client, caseworker: Membership) -> None:
    wrong_password = client.post("/en/staff/login/", {"email": caseworker.user.email, "password": "nope"})
    unknown_user = client.post("/en/staff/login/", {"email": "nobody@test.victory.example", "password": "nope"})
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = "The e-mail address or password is not right"
    assert message in wrong_password.content.decode()
    assert message in unknown_user.content.decode()
    # What the person typed stays in the form.
    assert caseworker.user.email in wrong_password.content.decode()


def test_error_is_shown_in_the_persons_language(client: Client, caseworker: Membership) -> None:
    response = client.post("/es/staff/login/", {"email": caseworker.user.email, "password": "nope"})
    html = response.content.decode()
    assert 'lang="es"' in html
    assert "The e-mail address or password is not right" not in html


def test_repeated_failures_lock_the_account_even_with_the_right_password(
    client: Client, caseworker: Membership, settings: object
) -> None:
    email = caseworker.user.email
    for _ in range(4):
        client.post("/en/staff/login/", {"email": email, "password": "wrong"})
    # Spaces and capitals do not make it another account.
    slowed = client.post("/en/staff/login/", {"email": f"  {email.upper()} ", "password": PASSWORD})
    assert "Too many failed attempts" in slowed.content.decode()
    assert "login/code" not in slowed.get("Location", "")


def test_lock_lasts_and_names_minutes(client: Client, caseworker: Membership, monkeypatch: pytest.MonkeyPatch) -> None:
    email = caseworker.user.email
    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    for _ in range(5):
        clock[0] += 120  # past every slow-down wait, so each attempt is tried
        response = client.post("/en/staff/login/", {"email": email, "password": "wrong"})
        assert "is not right" in response.content.decode()
    clock[0] += 120
    response = client.post("/en/staff/login/", {"email": email, "password": PASSWORD})
    assert "This account is locked for" in response.content.decode()
    clock[0] += 15 * 60 + 1
    response = client.post("/en/staff/login/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302


def test_backup_code_works_once(client: Client, caseworker: Membership) -> None:
    from victory.accounts import services

    codes = services.backup_codes_regenerate(user=caseworker.user, password=PASSWORD, client="test")
    client.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    assert client.post("/en/staff/login/code/", {"code": codes[0]}).status_code == 302
    client.post("/en/staff/logout/")
    client.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    response = client.post("/en/staff/login/code/", {"code": codes[0]})
    assert response.status_code == 200
    assert BackupCode.objects.filter(device__user=caseworker.user).count() == len(codes) - 1


def test_first_login_requires_enrolling_an_authenticator(client: Client) -> None:
    membership = MembershipFactory()
    response = client.post("/en/staff/login/", {"email": membership.user.email, "password": PASSWORD})
    assert response["Location"] == "/en/staff/login/set-up-app/"
    page = client.get("/en/staff/login/set-up-app/")
    assert "<svg" in page.content.decode()  # the QR code, inline: no request to any other host
    device = AuthenticatorDevice.objects.get(user=membership.user, confirmed=False)
    assert (
        client.post(
            "/en/staff/login/set-up-app/", {"code": "123456" if current_code(device) != "123456" else "654321"}
        ).status_code
        == 200
    )
    response = client.post("/en/staff/login/set-up-app/", {"code": current_code(device)})
    assert response["Location"] == "/en/staff/security/backup-codes/"
    codes_page = client.get("/en/staff/security/backup-codes/").content.decode()
    assert codes_page.count("<li>") >= 10
    # Shown once only.
    assert "You will not see them again" not in client.get("/en/staff/security/backup-codes/").content.decode()


def test_idle_session_ends(client: Client, caseworker: Membership, settings: object) -> None:
    login(client, caseworker)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 16 * 60
    session.save()
    response = client.get("/en/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/staff/login/")
    assert client.get("/en/staff/").status_code == 302  # really logged out, not just redirected once


def test_logout_ends_the_session(caseworker_client: Client) -> None:
    caseworker_client.post("/en/staff/logout/")
    assert caseworker_client.get("/en/staff/").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client: Client,
    caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/staff/password-reset/", {"email": caseworker.user.email})
    assert response["Location"] == "/en/staff/password-reset/sent/"
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    new_password = "a brand new long passphrase 42"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    assert response.status_code == 302
    caseworker.user.refresh_from_db()
    assert caseworker.user.check_password(new_password)


def test_knowing_the_password_does_not_allow_replacing_the_authenticator(
    client: Client, caseworker: Membership
) -> None:
    device = AuthenticatorDevice.objects.get(user=caseworker.user, confirmed=True)
    client.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    response = client.get("/en/staff/login/set-up-app/")
    assert response["Location"] == "/en/staff/login/code/"
    response = client.post("/en/staff/login/set-up-app/", {"code": "123456"})
    assert response["Location"] == "/en/staff/login/code/"
    assert list(AuthenticatorDevice.objects.filter(user=caseworker.user)) == [device]
    assert client.get("/en/staff/").status_code == 302


def test_admin_login_goes_through_the_platform_login(client: Client) -> None:
    response = client.get("/en/admin/login/?next=/en/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/staff/login/")
    assert client.get("/en/admin/")["Location"].startswith("/en/admin/login/")


def test_platform_admin_reaches_the_admin_after_the_second_factor(client: Client) -> None:
    from victory.accounts import services

    admin = services.user_create(email="root@test.victory.example", password=PASSWORD, is_platform_admin=True)
    device = services.totp_device_create_confirmed(user=admin)
    client.post("/en/staff/login/", {"email": admin.email, "password": PASSWORD, "next": "/en/admin/"})
    response = client.post("/en/staff/login/code/", {"code": current_code(device)})
    assert response["Location"] == "/en/admin/"
    assert client.get("/en/admin/").status_code == 200
    assert client.get("/en/admin/accounts/organisation/").status_code == 200


def test_caseworker_is_kept_out_of_the_admin(caseworker_client: Client) -> None:
    assert caseworker_client.get("/en/admin/").status_code == 302


def test_unknown_address_gets_the_same_answer_and_no_mail(
    client: Client, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/staff/password-reset/", {"email": "nobody@test.victory.example"})
    assert response["Location"] == "/en/staff/password-reset/sent/"
    assert mailoutbox == []


def test_password_reset_requests_are_limited(client: Client, caseworker: Membership) -> None:
    responses = [client.post("/en/staff/password-reset/", {"email": caseworker.user.email}) for _ in range(5)]
    assert responses[0].status_code == 302
    assert "Too many requests for a new password" in responses[-1].content.decode()


def test_a_password_reset_ends_the_api_tokens(caseworker: Membership) -> None:
    from django.utils import timezone

    from victory.accounts import services
    from victory.accounts.models import ApiToken

    ApiToken.objects.create(user=caseworker.user, digest="c" * 64, expires_at=timezone.now() + timedelta(hours=1))
    services.user_password_reset(user=caseworker.user, password="another long passphrase 7")
    assert not ApiToken.objects.filter(user=caseworker.user).exists()
