"""Organisation administrators manage their own members, and nobody else's."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.conftest import login
from tests.factories import MembershipFactory
from victory.accounts import services
from victory.accounts.models import Membership, Organisation, Role, User
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _members_url(organisation: Organisation) -> str:
    return f"/en/staff/organisations/{organisation.pk}/members/"


def test_admin_adds_a_new_member_who_gets_a_set_password_email(
    org_admin_client: Client,
    org_admin: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    url = _members_url(org_admin.organisation)
    with django_capture_on_commit_callbacks(execute=True):
        # A role that does not read reports is given at once (caseworkers: test_role_grants.py).
        response = org_admin_client.post(
            url, {"email": "new.colleague@test.victory.example", "full_name": "New Colleague", "role": "trainer"}
        )
    assert response.status_code == 302
    user = User.objects.filter_email("New.Colleague@test.victory.example ").get()
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, organisation=org_admin.organisation, role=Role.TRAINER).exists()
    assert len(mailoutbox) == 1
    assert "/password-reset/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="membership.created", actor=org_admin.user).exists()
    assert "new.colleague@test.victory.example" in org_admin_client.get(url).content.decode()


def test_invalid_member_form_keeps_what_was_typed(org_admin_client: Client, org_admin: Membership) -> None:
    response = org_admin_client.post(
        _members_url(org_admin.organisation), {"email": "not-an-address", "full_name": "Kept Name", "role": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'value="not-an-address"' in html
    assert 'value="Kept Name"' in html
    assert 'aria-invalid="true"' in html


def test_admin_changes_a_role_and_removes_a_member(org_admin_client: Client, org_admin: Membership) -> None:
    member = MembershipFactory(organisation=org_admin.organisation, role=Role.CASEWORKER)
    url = f"{_members_url(org_admin.organisation)}{member.pk}/"
    org_admin_client.post(url, {f"m{member.pk}-role": "analyst"})
    member.refresh_from_db()
    assert member.role == Role.ANALYST
    org_admin_client.post(url, {"remove": "1"})
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_admin_of_another_organisation_gets_404(client: Client, org_admin: Membership) -> None:
    stranger_org = MembershipFactory(role=Role.ORG_ADMIN)
    services.totp_device_create_confirmed(user=stranger_org.user)
    login(client, stranger_org)
    assert client.get(_members_url(org_admin.organisation)).status_code == 404
    response = client.post(f"{_members_url(org_admin.organisation)}{org_admin.pk}/", {"remove": "1"})
    assert response.status_code == 404
    assert Membership.objects.filter(pk=org_admin.pk).exists()


def test_caseworker_cannot_manage_members(caseworker_client: Client, caseworker: Membership) -> None:
    assert caseworker_client.get(_members_url(caseworker.organisation)).status_code == 404
    with pytest.raises(PermissionDenied):
        services.member_add(
            actor=caseworker.user,
            organisation=caseworker.organisation,
            email="x@test.victory.example",
            role="org_admin",
        )


def test_the_last_administrator_cannot_be_removed(org_admin: Membership) -> None:
    with pytest.raises(ValidationError):
        services.member_remove(actor=org_admin.user, membership=org_admin)


def test_platform_admin_creates_an_organisation_and_others_cannot(org_admin: Membership) -> None:
    platform_admin = services.user_create(email="root@test.victory.example", password="x" * 20, is_platform_admin=True)
    with pytest.raises(PermissionDenied):
        services.organisation_create(actor=org_admin.user, name="Nope", kind="other", countries=["PT"])
    organisation = services.organisation_create(
        actor=platform_admin, name="Nueva (fictional)", kind="court", countries=["es", " fi "]
    )
    assert organisation.countries == ["ES", "FI"]
    with pytest.raises(ValidationError):
        services.organisation_create(actor=platform_admin, name="Bad", kind="court", countries=["Spain"])


def test_create_platform_admin_command(monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import call_command

    monkeypatch.setattr("getpass.getpass", lambda prompt: "a long enough passphrase 99")
    call_command("create_platform_admin", email="Chief@Test.Victory.Example", stdout=__import__("io").StringIO())
    user = User.objects.filter_email("chief@test.victory.example").get()
    assert user.is_platform_admin
    assert user.check_password("a long enough passphrase 99")
