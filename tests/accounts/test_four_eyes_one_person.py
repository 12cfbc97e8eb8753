"""Four eyes are two people, not one person with two accounts (review of issue 7, item 7).

The review defeated the rule alone: an organisation administrator made two accounts of
their own administrators, demoted the real administrator and the supervisor without
anyone being told, and had one account request a caseworker role for them and the other
approve it; the only platform administrator did the same with a second platform
administrator and deactivated accounts. Each attack is replayed here: the approval is
refused with the reason, and every step that silenced someone is now told to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage
from django.test import Client, override_settings

from tests.conftest import login
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from victory.accounts import services
from victory.accounts.models import Membership, Organisation, Role, RoleGrant, RoleGrantStatus, User
from victory.accounts.permissions import can_decide_role_grant, can_handle_reports, role_grant_deciders

pytestmark = pytest.mark.django_db

REASON = "Cover for the helpline while the team is away."
STANDING_REFUSAL = "you were made an administrator by the person who asked"
Capture = Callable[..., Any]


def _mail_to(mailoutbox: list[EmailMessage], user: User) -> list[EmailMessage]:
    return [message for message in mailoutbox if message.to == [user.email]]


def _assert_names_nobody(mailoutbox: list[EmailMessage], *people: User) -> None:
    for message in mailoutbox:
        for person in people:
            assert person.email not in message.body
        assert REASON not in message.body


def _member(organisation: Organisation, role: str, language: str = "en") -> Membership:
    membership = MembershipFactory(organisation=organisation, role=role)
    membership.user.preferred_language = language
    membership.user.save(update_fields=["preferred_language"])
    return membership


def _request(actor: User, organisation: Organisation, grantee: User, capture: Capture) -> RoleGrant:
    with capture(execute=True):
        grant = services.member_add(
            actor=actor, organisation=organisation, email=grantee.email, role=Role.CASEWORKER, reason=REASON
        )
    assert isinstance(grant, RoleGrant)
    return grant


# --- An organisation administrator and accounts of their own -------------------------


def test_two_accounts_of_one_administrator_cannot_give_them_caseworker(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    organisation = OrganisationFactory()
    attacker = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    real_admin = _member(organisation, Role.ORG_ADMIN)
    supervisor = _member(organisation, Role.SUPERVISOR, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        sock_b = services.member_add(
            actor=attacker, organisation=organisation, email="b@sock.example", role="org_admin"
        )
        sock_c = services.member_add(
            actor=attacker, organisation=organisation, email="c@sock.example", role="org_admin"
        )
    assert isinstance(sock_b, Membership) and isinstance(sock_c, Membership)

    # Silencing the real administrator and the supervisor is no longer silent.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_change_role(actor=attacker, membership=real_admin, role=Role.ANALYST)
        services.member_change_role(actor=attacker, membership=supervisor, role=Role.ANALYST)
    own_notice = _mail_to(mailoutbox, real_admin.user)
    assert any(
        "You no longer have the role “Organisation administrator”" in m.body and organisation.name in m.body
        for m in own_notice
    )
    # In the supervisor's language (the role's name is translated).
    assert any("Supervisor/a" in m.body and organisation.name in m.body for m in _mail_to(mailoutbox, supervisor.user))
    # The remaining administrators are told too, with the members page.
    for sock in (sock_b.user, sock_c.user):
        assert any(
            "A person no longer has the role" in m.body and f"/organisations/{organisation.pk}/members/" in m.body
            for m in _mail_to(mailoutbox, sock)
        )
    assert not _mail_to(mailoutbox, attacker)  # never the one who acted
    _assert_names_nobody(mailoutbox, attacker, real_admin.user, supervisor.user, sock_b.user, sock_c.user)

    grant = _request(sock_b.user, organisation, attacker, django_capture_on_commit_callbacks)
    assert not can_decide_role_grant(sock_c.user, grant)
    with pytest.raises(PermissionDenied) as refusal:
        services.role_grant_approve(actor=sock_c.user, grant=grant)
    assert STANDING_REFUSAL in str(refusal.value)
    assert not can_handle_reports(attacker, organisation)
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING


def test_the_refusal_says_why_on_the_members_page(django_capture_on_commit_callbacks: Capture) -> None:
    organisation = OrganisationFactory()
    attacker = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    with django_capture_on_commit_callbacks(execute=True):
        sock_b = services.member_add(
            actor=attacker, organisation=organisation, email="b@sock.example", role="org_admin"
        )
        sock_c = services.member_add(
            actor=attacker, organisation=organisation, email="c@sock.example", role="org_admin"
        )
    assert isinstance(sock_b, Membership) and isinstance(sock_c, Membership)
    services.user_set_password(actor=None, user=sock_c.user, password=PASSWORD)
    services.totp_device_create_confirmed(user=sock_c.user)
    grant = _request(sock_b.user, organisation, attacker, django_capture_on_commit_callbacks)
    client = login(Client(), sock_c)
    response = client.post(
        f"/en/staff/organisations/{organisation.pk}/role-requests/{grant.pk}/", {"decision": "approve"}, follow=True
    )
    assert STANDING_REFUSAL in response.content.decode()
    assert not Membership.objects.filter(user=attacker, role=Role.CASEWORKER).exists()


def test_a_sole_administrators_accounts_leave_the_decision_to_the_platform(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    """Where the attacker was the only administrator and there are no supervisors, the
    request goes to a platform administrator, who is told; the accounts cannot decide it,
    approve or refuse."""
    organisation = OrganisationFactory()
    attacker = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    platform_admin = UserFactory(is_platform_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        sock_b = services.member_add(
            actor=attacker, organisation=organisation, email="b@sock.example", role="org_admin"
        )
        sock_c = services.member_add(
            actor=attacker, organisation=organisation, email="c@sock.example", role="org_admin"
        )
    assert isinstance(sock_b, Membership) and isinstance(sock_c, Membership)
    mailoutbox.clear()
    grant = _request(sock_b.user, organisation, attacker, django_capture_on_commit_callbacks)
    assert list(role_grant_deciders(grant)) == [platform_admin]
    assert any("Log in to approve or refuse it" in m.body for m in _mail_to(mailoutbox, platform_admin))
    with pytest.raises(PermissionDenied):
        services.role_grant_refuse(actor=sock_c.user, grant=grant)


def test_removing_a_link_of_the_chain_does_not_wash_it(django_capture_on_commit_callbacks: Capture) -> None:
    """A makes B administrator, B makes C and D; A removes B. D's standing still comes from
    A, so D does not approve C's request for A."""
    organisation = OrganisationFactory()
    attacker = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    with django_capture_on_commit_callbacks(execute=True):
        sock_b = services.member_add(
            actor=attacker, organisation=organisation, email="b@sock.example", role="org_admin"
        )
        assert isinstance(sock_b, Membership)
        sock_c = services.member_add(
            actor=sock_b.user, organisation=organisation, email="c@sock.example", role="org_admin"
        )
        sock_d = services.member_add(
            actor=sock_b.user, organisation=organisation, email="d@sock.example", role="org_admin"
        )
        services.member_remove(actor=attacker, membership=sock_b)
    assert isinstance(sock_c, Membership) and isinstance(sock_d, Membership)
    grant = _request(sock_c.user, organisation, attacker, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=sock_d.user, grant=grant)
    assert not can_handle_reports(attacker, organisation)


def test_a_role_changed_into_administrator_carries_its_standing(django_capture_on_commit_callbacks: Capture) -> None:
    organisation = OrganisationFactory()
    attacker = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    analyst = MembershipFactory(organisation=organisation, role=Role.ANALYST)
    sock_b = MembershipFactory(organisation=organisation, role=Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        services.member_change_role(actor=attacker, membership=analyst, role=Role.ORG_ADMIN)
        services.member_change_role(actor=attacker, membership=sock_b, role=Role.ORG_ADMIN)
    grant = _request(sock_b.user, organisation, attacker, django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=analyst.user, grant=grant)


def test_removing_a_supervisor_is_told_to_them_and_to_the_others(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    other_admin = _member(organisation, Role.ORG_ADMIN)
    supervisor = _member(organisation, Role.SUPERVISOR)
    caseworker = _member(organisation, Role.CASEWORKER)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_remove(actor=admin, membership=supervisor)
    assert {m.to[0] for m in mailoutbox} == {supervisor.user.email, other_admin.user.email}
    assert "You no longer have the role “Supervisor”" in _mail_to(mailoutbox, supervisor.user)[0].body
    assert "A person no longer has the role “Supervisor”" in _mail_to(mailoutbox, other_admin.user)[0].body
    # Losing a role that watches nobody tells nobody.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_remove(actor=admin, membership=caseworker)
    assert mailoutbox == []


def test_an_address_that_bounces_does_not_silence_the_others(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    """An account of the attacker's with an address that is refused comes first among the
    people to tell: the others are told all the same (the task fails after)."""
    organisation = OrganisationFactory()
    attacker = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    with django_capture_on_commit_callbacks(execute=True):
        services.member_add(actor=attacker, organisation=organisation, email="b@refused.example", role="org_admin")
    real_admin = _member(organisation, Role.ORG_ADMIN)
    supervisor = _member(organisation, Role.SUPERVISOR)
    mailoutbox.clear()
    with (
        override_settings(MAILERS={"default": {"BACKEND": "tests.core.test_mail.RefusingBackend"}}),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.member_remove(actor=attacker, membership=supervisor)
    assert {m.to[0] for m in mailoutbox} == {real_admin.user.email, supervisor.user.email}


def test_a_supervisor_approved_into_caseworker_loses_supervisor_and_is_told(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    other_admin = _member(organisation, Role.ORG_ADMIN)
    supervisor = _member(organisation, Role.SUPERVISOR)
    grant = services.member_change_role(actor=admin, membership=supervisor, role=Role.CASEWORKER, reason=REASON)
    assert isinstance(grant, RoleGrant)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.role_grant_approve(actor=other_admin.user, grant=grant)
    assert any("You no longer have the role “Supervisor”" in m.body for m in _mail_to(mailoutbox, supervisor.user))


# --- The only platform administrator and a second one of their own --------------------


def test_a_platform_admin_and_one_they_made_cannot_give_them_caseworker(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    organisation = OrganisationFactory()
    real_admin = _member(organisation, Role.ORG_ADMIN, language="es")
    supervisor = _member(organisation, Role.SUPERVISOR)
    attacker = UserFactory(is_platform_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.user_create(actor=attacker, email="r@sock.example", is_platform_admin=True)
        sock_q = services.member_add(
            actor=attacker, organisation=organisation, email="q@sock.example", role="org_admin"
        )
    assert isinstance(sock_q, Membership)
    # The one who made it is told (a session taken over is noticed by its owner).
    assert any("A person was made a platform administrator" in m.body for m in _mail_to(mailoutbox, attacker))

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(actor=attacker, user=real_admin.user, is_active=False)
        services.user_update(actor=attacker, user=supervisor.user, is_active=False)
    # Deactivated, and told so: they are the ones who would notice.
    assert any(
        "Administrador/a de la organización" in m.body and organisation.name in m.body
        for m in _mail_to(mailoutbox, real_admin.user)
    )
    assert any("You no longer have the role “Supervisor”" in m.body for m in _mail_to(mailoutbox, supervisor.user))
    assert any("A person no longer has the role" in m.body for m in _mail_to(mailoutbox, sock_q.user))
    _assert_names_nobody(mailoutbox, attacker, real_admin.user, supervisor.user, sock_q.user)

    grant = _request(sock_q.user, organisation, attacker, django_capture_on_commit_callbacks)
    assert second not in role_grant_deciders(grant)
    with pytest.raises(PermissionDenied) as refusal:
        services.role_grant_approve(actor=second, grant=grant)
    assert STANDING_REFUSAL in str(refusal.value)
    assert not can_handle_reports(attacker, organisation)


def test_an_independent_platform_admin_is_told_of_a_new_one_and_of_decisions(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    supervisor = _member(organisation, Role.SUPERVISOR)
    founder = UserFactory(is_platform_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        made = services.user_create(actor=founder, email="new.root@test.victory.example", is_platform_admin=True)
    assert {m.to[0] for m in mailoutbox} == {founder.email}
    independent = UserFactory(is_platform_admin=True)  # made by the platform itself
    candidate = UserFactory()

    # The organisation's only administrator asks; a platform administrator decides.
    grant = _request(admin, organisation, candidate, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.role_grant_approve(actor=independent, grant=grant)
    told = {m.to[0] for m in mailoutbox}
    assert {founder.email, made.email, admin.email, supervisor.user.email} <= told
    assert independent.email not in told and candidate.email not in told
    assert all("approved by a platform administrator" in m.body for m in mailoutbox)

    other = UserFactory()
    refused = _request(admin, organisation, other, django_capture_on_commit_callbacks)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.role_grant_refuse(actor=independent, grant=refused)
    by_recipient = {m.to[0]: m.body for m in mailoutbox}
    assert set(by_recipient) == {founder.email, made.email, admin.email}
    assert "A platform administrator refused" in by_recipient[founder.email]
    assert "Your request to give a person the role" in by_recipient[admin.email]
    _assert_names_nobody(mailoutbox, admin, candidate, other, independent)


def test_an_administrator_account_activated_again_is_announced(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Capture
) -> None:
    organisation = OrganisationFactory()
    admin = _member(organisation, Role.ORG_ADMIN)
    other_admin = _member(organisation, Role.ORG_ADMIN)
    platform_admin = UserFactory(is_platform_admin=True)
    services.user_update(actor=platform_admin, user=admin.user, is_active=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.user_update(actor=platform_admin, user=admin.user, is_active=True)
    assert [m.to[0] for m in mailoutbox] == [other_admin.user.email]
    assert "A person was made an administrator" in mailoutbox[0].body


def test_who_gave_each_administrator_standing_is_recorded(django_capture_on_commit_callbacks: Capture) -> None:
    organisation = OrganisationFactory()
    root = UserFactory(is_platform_admin=True)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.user_create(actor=root, email="second.root@test.victory.example", is_platform_admin=True)
        first_admin = services.member_add(
            actor=second, organisation=organisation, email="first@test.victory.example", role="org_admin"
        )
        assert isinstance(first_admin, Membership)
        analyst = services.member_add(
            actor=first_admin.user, organisation=organisation, email="analyst@test.victory.example", role="analyst"
        )
        assert isinstance(analyst, Membership)
        services.member_change_role(actor=first_admin.user, membership=analyst, role=Role.ORG_ADMIN)
    assert root.platform_admin_granted_by is None and second.platform_admin_granted_by == root
    assert first_admin.added_by == second and set(first_admin.standing_from.all()) == {second, root}
    analyst.refresh_from_db()
    assert analyst.added_by == first_admin.user
    assert set(analyst.standing_from.all()) == {first_admin.user, second, root}


# --- What still works ---------------------------------------------------------------


def test_an_administrator_decides_the_requests_of_one_they_made(django_capture_on_commit_callbacks: Capture) -> None:
    """The rule looks one way: the one another's standing comes from may still approve
    that one's requests. Looking both ways would leave every organisation whose
    administrators were all made by its first one with nobody inside to decide
    (docs/security.md says what this leaves possible)."""
    organisation = OrganisationFactory()
    founder = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    with django_capture_on_commit_callbacks(execute=True):
        appointed = services.member_add(
            actor=founder, organisation=organisation, email="colleague@test.victory.example", role="org_admin"
        )
    assert isinstance(appointed, Membership)
    newcomer = UserFactory()
    grant = _request(appointed.user, organisation, newcomer, django_capture_on_commit_callbacks)
    services.role_grant_approve(actor=founder, grant=grant)
    assert can_handle_reports(newcomer, organisation)
