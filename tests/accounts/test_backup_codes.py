"""New backup codes (issue 7, item 11): the password is asked again, and the person is
told by e-mail, so an open or taken-over session alone cannot make codes that outlive it."""

from __future__ import annotations

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.conftest import login
from tests.factories import PASSWORD
from victory.accounts.models import BackupCode, Membership
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "/en/staff/security/backup-codes/"


def _codes_shown(client: Client) -> list[str]:
    html = client.get(PAGE).content.decode()
    if 'class="backup-codes"' not in html:
        return []
    block = html.split('class="backup-codes"', 1)[1].split("</ul>", 1)[0]
    return [item.split("</li>", 1)[0].strip() for item in block.split("<li>")[1:]]


def test_new_codes_need_the_password_and_a_wrong_one_is_refused_clearly(
    caseworker_client: Client, caseworker: Membership, mailoutbox: list[EmailMessage]
) -> None:
    response = caseworker_client.post(PAGE, {"password": "not my password at all"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "That password is not right. Enter the password you log in with, then try again." in html
    assert 'aria-invalid="true"' in html  # tied to the field for screen readers
    assert not BackupCode.objects.filter(device__user=caseworker.user).exists()
    assert _codes_shown(caseworker_client) == []
    assert mailoutbox == []
    assert AuditEvent.objects.filter(action="two_factor.backup_codes_refused", actor=caseworker.user).exists()

    empty = caseworker_client.post(PAGE, {"password": ""})
    assert "Enter your password to make new backup codes" in empty.content.decode()


def test_wrong_passwords_here_count_towards_the_login_lock(caseworker_client: Client) -> None:
    for _ in range(4):
        caseworker_client.post(PAGE, {"password": "guess"})
    response = caseworker_client.post(PAGE, {"password": PASSWORD})
    assert "Too many failed attempts" in response.content.decode()
    assert _codes_shown(caseworker_client) == []


def test_new_codes_replace_the_old_ones_and_the_person_is_emailed(
    caseworker_client: Client,
    caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = caseworker_client.post(PAGE, {"password": PASSWORD})
    assert response["Location"] == PAGE
    first = _codes_shown(caseworker_client)
    assert len(first) == 10
    assert _codes_shown(caseworker_client) == []  # shown once only

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [caseworker.user.email]
    assert mail.subject == "New backup codes for your VicTory account"
    assert "If it was not you" in mail.body
    assert "/en/staff/password-reset/" in mail.body
    assert not any(code in mail.body for code in first)  # the e-mail never carries a code
    assert AuditEvent.objects.filter(action="two_factor.backup_codes_regenerated", actor=caseworker.user).exists()

    with django_capture_on_commit_callbacks(execute=True):
        caseworker_client.post(PAGE, {"password": PASSWORD})
    second = _codes_shown(caseworker_client)
    assert set(first).isdisjoint(second)
    assert len(mailoutbox) == 2
    # The first set stopped working.
    caseworker_client.post("/en/staff/logout/")
    caseworker_client.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    response = caseworker_client.post("/en/staff/login/code/", {"code": first[0]})
    assert "That code is not right" in response.content.decode()
    assert caseworker_client.post("/en/staff/login/code/", {"code": second[0]}).status_code == 302


def test_the_notice_is_sent_in_the_persons_language(
    caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    user = caseworker.user
    user.preferred_language = "pt"
    user.save(update_fields=["preferred_language"])
    client = login(Client(), caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(PAGE, {"password": PASSWORD})
    # The link in it leads to the password page in Portuguese, whatever page was used.
    assert "/pt/staff/password-reset/" in mailoutbox[0].body


def test_the_page_without_the_second_factor_is_closed(client: Client, caseworker: Membership) -> None:
    client.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    response = client.post(PAGE, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/staff/login/")
    assert not BackupCode.objects.filter(device__user=caseworker.user).exists()
