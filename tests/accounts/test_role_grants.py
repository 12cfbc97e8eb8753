"""Nobody quietly gives themselves access to victims' reports (issue 7, item 7).

A role that reads reports (victory.accounts.permissions.REPORT_HANDLER_ROLES) is given only
when a second person approves the request: never the person who asked, never the
person who would get it. The others are told at once, and every step is audited with
the reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import connection
from django.tasks.signals import task_enqueued
from django.test import Client

from tests.conftest import login
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.reports.conftest import make_draft
from victory.accounts import services
from victory.accounts.models import Membership, Organisation, Role, RoleGrant, RoleGrantStatus, User
from victory.accounts.permissions import REPORT_HANDLER_ROLES
from victory.core.models import AuditEvent
from victory.reports import services as report_services
from victory.reports.models import Report

pytestmark = pytest.mark.django_db

REASON = "Joins the Lisbon helpline team on Monday; will triage incoming reports."


def _members_url(organisation: Organisation) -> str:
    return f"/en/staff/organisations/{organisation.pk}/members/"


def _decide_url(grant: RoleGrant) -> str:
    return f"/en/staff/organisations/{grant.organisation_id}/role-requests/{grant.pk}/"


def _login_user(user: User) -> Client:
    services.totp_device_create_confirmed(user=user)
    return login(Client(), user)


def _with_totp(membership: Membership) -> Membership:
    services.totp_device_create_confirmed(user=membership.user)
    return membership


@pytest.fixture
def report(organisation: Organisation) -> Report:
    report_services.country_intake_set(actor=None, country="PT", organisation=organisation)
    return report_services.report_submit(draft=make_draft()).report


def _report_url(report: Report) -> str:
    return f"/en/staff/reports/{report.reference}/"


@pytest.fixture
def platform_admin(db: None) -> User:
    return services.user_create(email="root@test.victory.example", password=PASSWORD, is_platform_admin=True)


@pytest.fixture
def second_admin(organisation: Organisation) -> Membership:
    return _with_totp(MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN))


@pytest.fixture
def colleague(db: None) -> User:
    """Someone with an account but no role in the organisation yet."""
    user = UserFactory()
    services.totp_device_create_confirmed(user=user)
    return user


@pytest.fixture
def enqueued() -> Iterator[list[str]]:
    """Names of the tasks put on the queue (the real signal of Django's task framework)."""
    names: list[str] = []

    def record(sender: Any, task_result: Any, **kwargs: Any) -> None:
        names.append(task_result.task.module_path)

    task_enqueued.connect(record)
    yield names
    task_enqueued.disconnect(record)


# --- The attack as found -------------------------------------------------------------


def test_platform_admin_cannot_make_themselves_caseworker(
    platform_admin: User, organisation: Organisation, report: Report
) -> None:
    client = _login_user(platform_admin)
    response = client.post(
        _members_url(organisation),
        {"email": platform_admin.email, "full_name": "", "role": "caseworker", "reason": "Checking the inbox"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "You cannot give yourself a role that reads victims" in html
    assert f'value="{platform_admin.email}"' in html  # what was typed stays
    assert "Checking the inbox" in html
    assert not Membership.objects.filter(user=platform_admin).exists()
    assert not RoleGrant.objects.exists()
    assert client.get(_report_url(report)).status_code == 404


def test_platform_admin_cannot_make_themselves_supervisor_through_the_service(
    platform_admin: User, organisation: Organisation
) -> None:
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=platform_admin, organisation=organisation, email=platform_admin.email, role="supervisor", reason="x"
        )
    assert "email" in error.value.message_dict


def test_org_admin_cannot_make_themselves_caseworker(
    org_admin_client: Client, org_admin: Membership, second_admin: Membership, report: Report
) -> None:
    organisation = org_admin.organisation
    response = org_admin_client.post(
        _members_url(organisation), {"email": org_admin.user.email, "role": "caseworker", "reason": REASON}
    )
    assert response.status_code == 200
    assert "You cannot give yourself a role that reads victims" in response.content.decode()
    # Nor by changing their own administrator role into one that reads reports.
    response = org_admin_client.post(
        f"{_members_url(organisation)}{org_admin.pk}/",
        {f"m{org_admin.pk}-role": "supervisor", f"m{org_admin.pk}-reason": REASON},
    )
    assert response.status_code == 200
    assert "You cannot give yourself a role that reads victims" in response.content.decode()
    org_admin.refresh_from_db()
    assert org_admin.role == Role.ORG_ADMIN
    assert not RoleGrant.objects.exists()
    assert org_admin_client.get(_report_url(report)).status_code == 404


def test_a_colleague_added_as_caseworker_reads_nothing_until_a_second_admin_approves(
    org_admin_client: Client,
    org_admin: Membership,
    second_admin: Membership,
    colleague: User,
    report: Report,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    organisation = org_admin.organisation
    with django_capture_on_commit_callbacks(execute=True):
        response = org_admin_client.post(
            _members_url(organisation),
            {"email": colleague.email, "full_name": "", "role": "caseworker", "reason": REASON},
        )
    assert response.status_code == 302
    page = org_admin_client.get(_members_url(organisation)).content.decode()
    assert "waits for another administrator" in page or "once another administrator approves it" in page
    colleague_client = login(Client(), colleague)
    assert colleague_client.get(_report_url(report)).status_code == 404
    assert not Membership.objects.filter(user=colleague, organisation=organisation).exists()

    grant = RoleGrant.objects.get(user=colleague)
    assert grant.status == RoleGrantStatus.PENDING
    # The requester sees the request but no button to approve it.
    assert 'value="approve"' not in page

    second_client = login(Client(), second_admin)
    second_page = second_client.get(_members_url(organisation)).content.decode()
    assert REASON in second_page
    assert 'value="approve"' in second_page
    response = second_client.post(_decide_url(grant), {"decision": "approve"})
    assert response.status_code == 302
    assert colleague_client.get(_report_url(report)).status_code == 200
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.APPROVED
    assert grant.decided_by == second_admin.user

    requested = AuditEvent.objects.get(action="role_grant.requested")
    approved = AuditEvent.objects.get(action="role_grant.approved")
    assert requested.actor == org_admin.user and REASON in requested.reason and "caseworker" in requested.reason
    assert approved.actor == second_admin.user and REASON in approved.reason
    assert AuditEvent.objects.filter(action="membership.created", actor=second_admin.user).exists()


def test_the_requester_cannot_approve_their_own_request(
    org_admin_client: Client, org_admin: Membership, second_admin: Membership, colleague: User
) -> None:
    grant = services.member_add(
        actor=org_admin.user,
        organisation=org_admin.organisation,
        email=colleague.email,
        role="caseworker",
        reason=REASON,
    )
    assert isinstance(grant, RoleGrant)
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=org_admin.user, grant=grant)
    response = org_admin_client.post(_decide_url(grant), {"decision": "approve"}, follow=True)
    assert "Only another administrator may approve or refuse this request" in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.PENDING
    assert not Membership.objects.filter(user=colleague).exists()


def test_the_person_it_is_for_cannot_approve_it(
    org_admin: Membership, second_admin: Membership, platform_admin: User
) -> None:
    """An administrator who would become supervisor does not approve their own access; with
    no third administrator in the organisation, a platform administrator decides."""
    grant = services.member_add(
        actor=org_admin.user,
        organisation=org_admin.organisation,
        email=second_admin.user.email,
        role="supervisor",
        reason=REASON,
    )
    assert isinstance(grant, RoleGrant)
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=second_admin.user, grant=grant)
    membership = services.role_grant_approve(actor=platform_admin, grant=grant)
    assert membership.user == second_admin.user and membership.role == Role.SUPERVISOR


def test_a_platform_admin_decides_only_where_the_organisation_has_no_other_admin(
    org_admin: Membership, platform_admin: User, colleague: User
) -> None:
    organisation = org_admin.organisation
    grant = services.member_add(
        actor=org_admin.user, organisation=organisation, email=colleague.email, role="caseworker", reason=REASON
    )
    assert isinstance(grant, RoleGrant)
    third = _with_totp(MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN))
    # The organisation now has another administrator: it decides who reads its reports.
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=platform_admin, grant=grant)
    services.role_grant_approve(actor=third.user, grant=grant)
    assert Membership.objects.filter(user=colleague, role=Role.CASEWORKER).exists()


def test_a_platform_admins_request_needs_the_organisations_admin(
    org_admin: Membership, platform_admin: User, colleague: User
) -> None:
    grant = services.member_add(
        actor=platform_admin,
        organisation=org_admin.organisation,
        email=colleague.email,
        role="caseworker",
        reason=REASON,
    )
    assert isinstance(grant, RoleGrant)
    with pytest.raises(PermissionDenied):
        services.role_grant_approve(actor=platform_admin, grant=grant)
    services.role_grant_approve(actor=org_admin.user, grant=grant)
    assert Membership.objects.filter(user=colleague, role=Role.CASEWORKER).exists()


def test_refusing_a_request_gives_no_role_and_is_audited(
    org_admin: Membership, second_admin: Membership, colleague: User, report: Report
) -> None:
    grant = services.member_add(
        actor=org_admin.user,
        organisation=org_admin.organisation,
        email=colleague.email,
        role="caseworker",
        reason=REASON,
    )
    assert isinstance(grant, RoleGrant)
    second_client = login(Client(), second_admin)
    response = second_client.post(_decide_url(grant), {"decision": "refuse"}, follow=True)
    assert "The request was refused." in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.REFUSED
    assert not Membership.objects.filter(user=colleague).exists()
    refused = AuditEvent.objects.get(action="role_grant.refused")
    assert refused.actor == second_admin.user and REASON in refused.reason
    # A decided request cannot be approved afterwards.
    with pytest.raises(ValidationError):
        services.role_grant_approve(actor=second_admin.user, grant=grant)


def test_the_requester_may_withdraw_a_request(
    org_admin_client: Client, org_admin: Membership, second_admin: Membership, colleague: User
) -> None:
    grant = services.member_add(
        actor=org_admin.user,
        organisation=org_admin.organisation,
        email=colleague.email,
        role="supervisor",
        reason=REASON,
    )
    assert isinstance(grant, RoleGrant)
    response = org_admin_client.post(_decide_url(grant), {"decision": "withdraw"}, follow=True)
    assert "The request was withdrawn." in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == RoleGrantStatus.WITHDRAWN
    assert AuditEvent.objects.filter(action="role_grant.withdrawn", actor=org_admin.user).exists()


def test_a_reason_is_required_and_what_was_typed_stays(org_admin_client: Client, org_admin: Membership) -> None:
    response = org_admin_client.post(
        _members_url(org_admin.organisation),
        {"email": "new.person@test.victory.example", "full_name": "Kept Name", "role": "caseworker", "reason": " "},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Say why this person needs to read victims" in html
    assert 'value="new.person@test.victory.example"' in html
    assert 'value="Kept Name"' in html
    # Nothing was made: no account, no request.
    assert not User.objects.filter_email("new.person@test.victory.example").exists()
    assert not RoleGrant.objects.exists()


def test_the_reason_is_encrypted_at_rest(org_admin: Membership, second_admin: Membership, colleague: User) -> None:
    services.member_add(
        actor=org_admin.user,
        organisation=org_admin.organisation,
        email=colleague.email,
        role="caseworker",
        reason=REASON,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM accounts_rolegrant")
        (stored,) = cursor.fetchone()
    assert stored
    assert "Lisbon" not in stored


def test_roles_that_do_not_read_reports_work_at_once(
    org_admin_client: Client, org_admin: Membership, colleague: User
) -> None:
    response = org_admin_client.post(
        _members_url(org_admin.organisation), {"email": colleague.email, "role": "analyst"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=colleague, role=Role.ANALYST).exists()
    assert not RoleGrant.objects.exists()


def test_the_platform_itself_still_seeds_report_roles_directly(organisation: Organisation) -> None:
    membership = services.member_add(
        actor=None, organisation=organisation, email="seed@test.victory.example", role="caseworker"
    )
    assert isinstance(membership, Membership)
    assert membership.role == Role.CASEWORKER


def test_report_reading_roles_are_one_list() -> None:
    assert set(REPORT_HANDLER_ROLES) == {Role.CASEWORKER, Role.SUPERVISOR}


# --- Role changes ------------------------------------------------------------------


def test_a_role_change_into_caseworker_waits_for_approval(
    org_admin_client: Client, org_admin: Membership, second_admin: Membership, report: Report
) -> None:
    analyst = _with_totp(MembershipFactory(organisation=org_admin.organisation, role=Role.ANALYST))
    url = f"{_members_url(org_admin.organisation)}{analyst.pk}/"
    response = org_admin_client.post(url, {f"m{analyst.pk}-role": "caseworker", f"m{analyst.pk}-reason": REASON})
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST
    analyst_client = login(Client(), analyst)
    assert analyst_client.get(_report_url(report)).status_code == 404

    grant = RoleGrant.objects.get(user=analyst.user)
    services.role_grant_approve(actor=second_admin.user, grant=grant)
    analyst.refresh_from_db()
    assert analyst.role == Role.CASEWORKER
    assert analyst_client.get(_report_url(report)).status_code == 200
    assert AuditEvent.objects.filter(action="membership.role_changed", actor=second_admin.user).exists()


def test_a_role_change_without_a_reason_keeps_the_choice_on_the_page(
    org_admin_client: Client, org_admin: Membership
) -> None:
    analyst = MembershipFactory(organisation=org_admin.organisation, role=Role.ANALYST)
    url = f"{_members_url(org_admin.organisation)}{analyst.pk}/"
    response = org_admin_client.post(url, {f"m{analyst.pk}-role": "supervisor", f"m{analyst.pk}-reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say why this person needs to read victims" in html
    assert '<option value="supervisor" selected>' in html


def test_a_role_change_out_of_report_reading_is_at_once(org_admin_client: Client, org_admin: Membership) -> None:
    member = MembershipFactory(organisation=org_admin.organisation, role=Role.CASEWORKER)
    org_admin_client.post(f"{_members_url(org_admin.organisation)}{member.pk}/", {f"m{member.pk}-role": "trainer"})
    member.refresh_from_db()
    assert member.role == Role.TRAINER


def test_approval_after_the_role_changed_meanwhile_is_refused_clearly(
    org_admin: Membership, second_admin: Membership
) -> None:
    analyst = MembershipFactory(organisation=org_admin.organisation, role=Role.ANALYST)
    grant = services.member_change_role(actor=org_admin.user, membership=analyst, role="caseworker", reason=REASON)
    assert isinstance(grant, RoleGrant)
    services.member_change_role(actor=org_admin.user, membership=analyst, role="trainer")
    with pytest.raises(ValidationError) as error:
        services.role_grant_approve(actor=second_admin.user, grant=grant)
    assert "role changed after the request was made" in error.value.messages[0]


# --- Notifications ---------------------------------------------------------------------


def test_other_admins_and_supervisors_are_told_at_once_in_their_language(
    org_admin: Membership,
    second_admin: Membership,
    colleague: User,
    report: Report,
    mailoutbox: list[EmailMessage],
    enqueued: list[str],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    organisation = org_admin.organisation
    supervisor = MembershipFactory(organisation=organisation, role=Role.SUPERVISOR)
    supervisor.user.preferred_language = "es"
    supervisor.user.save(update_fields=["preferred_language"])
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.member_add(
            actor=org_admin.user, organisation=organisation, email=colleague.email, role="caseworker", reason=REASON
        )
    assert mailoutbox == []  # nothing is sent inside the request's transaction
    for callback in callbacks:
        callback()
    assert "victory.accounts.tasks.role_grant_notify_task" in enqueued
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {second_admin.user.email, supervisor.user.email}
    assert "Gestor/a de casos" in by_recipient[supervisor.user.email].body  # the role in Spanish
    admin_mail = by_recipient[second_admin.user.email].body
    assert f"/staff/organisations/{organisation.pk}/members/" in admin_mail
    for message in mailoutbox:
        # No detail of a report, and no one's name or address.
        assert report.reference not in message.body and "headscarf" not in message.body
        assert colleague.email not in message.body and org_admin.user.email not in message.body
        assert "Lisbon" not in message.body


def test_where_the_organisation_has_no_other_admin_the_platform_admins_are_asked(
    org_admin: Membership,
    platform_admin: User,
    colleague: User,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_add(
            actor=org_admin.user,
            organisation=org_admin.organisation,
            email=colleague.email,
            role="caseworker",
            reason=REASON,
        )
    assert [message.to[0] for message in mailoutbox] == [platform_admin.email]
    assert "Log in to approve or refuse it" in mailoutbox[0].body


def test_approval_is_told_to_the_others_too(
    org_admin: Membership,
    second_admin: Membership,
    colleague: User,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    grant = services.member_add(
        actor=org_admin.user,
        organisation=org_admin.organisation,
        email=colleague.email,
        role="caseworker",
        reason=REASON,
    )
    assert isinstance(grant, RoleGrant)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.role_grant_approve(actor=second_admin.user, grant=grant)
    assert [message.to[0] for message in mailoutbox] == [org_admin.user.email]


def test_a_new_person_gets_the_set_password_email_when_the_role_takes_effect(
    org_admin: Membership,
    second_admin: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        grant = services.member_add(
            actor=org_admin.user,
            organisation=org_admin.organisation,
            email="fresh@test.victory.example",
            role="caseworker",
            reason=REASON,
        )
    assert "fresh@test.victory.example" not in [message.to[0] for message in mailoutbox]
    assert isinstance(grant, RoleGrant)
    with django_capture_on_commit_callbacks(execute=True):
        services.role_grant_approve(actor=second_admin.user, grant=grant)
    welcome = [message for message in mailoutbox if message.to == ["fresh@test.victory.example"]]
    assert len(welcome) == 1
    assert "/password-reset/" in welcome[0].body


def test_a_new_administrator_is_told_to_the_other_admins(
    org_admin: Membership,
    second_admin: Membership,
    colleague: User,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    """Administrators approve who reads reports, so a new one never arrives unnoticed."""
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_add(
            actor=org_admin.user, organisation=org_admin.organisation, email=colleague.email, role="org_admin"
        )
    assert Membership.objects.filter(user=colleague, role=Role.ORG_ADMIN).exists()
    assert [message.to[0] for message in mailoutbox] == [second_admin.user.email]


# --- The Django admin uses the same services --------------------------------------------


def test_django_admin_refuses_a_platform_admin_making_themselves_caseworker(
    platform_admin: User, organisation: Organisation
) -> None:
    client = _login_user(platform_admin)
    response = client.post(
        "/en/admin/accounts/membership/add/",
        {"user": platform_admin.pk, "organisation": organisation.pk, "role": "caseworker", "reason": "x"},
    )
    assert response.status_code == 200
    assert "You cannot give yourself a role that reads victims" in response.content.decode()
    assert not Membership.objects.filter(user=platform_admin).exists()


def test_django_admin_turns_a_caseworker_role_into_a_request(
    platform_admin: User, org_admin: Membership, colleague: User
) -> None:
    organisation = org_admin.organisation
    client = _login_user(platform_admin)
    response = client.post(
        "/en/admin/accounts/membership/add/",
        {"user": colleague.pk, "organisation": organisation.pk, "role": "caseworker", "reason": REASON},
        follow=True,
    )
    assert response.status_code == 200
    assert "once another administrator approves it" in response.content.decode()
    assert not Membership.objects.filter(user=colleague).exists()
    grant = RoleGrant.objects.get(user=colleague, requested_by=platform_admin)

    analyst = MembershipFactory(organisation=organisation, role=Role.ANALYST)
    response = client.post(f"/en/admin/accounts/membership/{analyst.pk}/change/", {"role": "supervisor", "reason": ""})
    assert response.status_code == 200
    assert "Say why this person needs to read victims" in response.content.decode()
    response = client.post(
        f"/en/admin/accounts/membership/{analyst.pk}/change/", {"role": "supervisor", "reason": REASON}, follow=True
    )
    assert response.status_code == 200
    analyst.refresh_from_db()
    assert analyst.role == Role.ANALYST
    assert RoleGrant.objects.filter(user=analyst.user, role=Role.SUPERVISOR, status=RoleGrantStatus.PENDING).exists()
    services.role_grant_approve(actor=org_admin.user, grant=grant)
    assert Membership.objects.filter(user=colleague, role=Role.CASEWORKER).exists()
