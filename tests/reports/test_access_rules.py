"""Each access rule is written once, as a queryset (victory.accounts.models), and the
yes/no check, the list a selector shows and the people an e-mail goes to all ask it.
Before, "who handles an organisation's reports" was written three times and the e-mail
copy forgot deactivated organisations: their former caseworkers kept being told that a
victim had written, although they could no longer read it."""

from __future__ import annotations

import itertools

import pytest
from django.core.mail import EmailMessage
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.reports.conftest import make_draft
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role, User
from victory.accounts.permissions import administers_platform, can_handle_reports, can_manage_members
from victory.reports import selectors as report_selectors
from victory.reports import services
from victory.reports.services import SubmittedReport

pytestmark = pytest.mark.django_db


def test_a_deactivated_organisation_is_not_emailed_about_a_reporter_message(
    submitted: SubmittedReport,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    account_services.organisation_update(actor=None, organisation=submitted.report.organisation, is_active=False)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_message_send(report=submitted.report, body="Is anyone there?")
    assert [mail.to for mail in mailoutbox] == []


def test_an_active_organisation_is_emailed_about_a_reporter_message(
    submitted: SubmittedReport,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    # The same journey as above with the organisation active: the e-mail is sent, so the
    # test above fails for the right reason.
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.reporter_message_send(report=submitted.report, body="Is anyone there?")
    assert [mail.to for mail in mailoutbox] == [[report_caseworker.user.email]]


@pytest.mark.parametrize(
    ("role", "person_active", "organisation_active"),
    list(
        itertools.product(
            [Role.CASEWORKER, Role.SUPERVISOR, Role.ANALYST, Role.ORG_ADMIN], [True, False], [True, False]
        )
    ),
)
def test_the_check_the_list_and_the_recipients_agree_on_who_handles_reports(
    role: Role, person_active: bool, organisation_active: bool
) -> None:
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation, role=role).user
    report = services.report_submit(draft=make_draft(organisation_id=organisation.pk)).report
    account_services.user_update(actor=None, user=user, is_active=person_active)
    account_services.organisation_update(actor=None, organisation=organisation, is_active=organisation_active)
    user = User.objects.get(pk=user.pk)
    organisation = Organisation.objects.get(pk=organisation.pk)

    expected = role in (Role.CASEWORKER, Role.SUPERVISOR) and person_active and organisation_active
    assert can_handle_reports(user, organisation) is expected
    assert (organisation in Organisation.objects.handled_by(user)) is expected
    assert (user in User.objects.handling_reports_of(organisation)) is expected
    assert (report in report_selectors.report_list_for_staff(user=user)) is expected


@pytest.mark.parametrize(("person_active", "organisation_active"), list(itertools.product([True, False], repeat=2)))
def test_the_check_and_the_list_agree_on_who_manages_members(person_active: bool, organisation_active: bool) -> None:
    organisation = OrganisationFactory()
    user = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN).user
    account_services.user_update(actor=None, user=user, is_active=person_active)
    account_services.organisation_update(actor=None, organisation=organisation, is_active=organisation_active)
    user = User.objects.get(pk=user.pk)
    organisation = Organisation.objects.get(pk=organisation.pk)

    expected = person_active and organisation_active
    assert can_manage_members(user, organisation) is expected
    assert (organisation in Organisation.objects.administered_by(user)) is expected


def test_platform_administration_is_its_own_rule() -> None:
    """Running the platform gives no organisation's reports, and a caseworker role gives no
    platform administration."""
    admin = UserFactory(is_platform_admin=True)
    caseworker = MembershipFactory(role=Role.CASEWORKER)
    assert administers_platform(admin)
    assert admin in User.objects.platform_admins()
    assert not Organisation.objects.handled_by(admin).exists()
    assert not can_handle_reports(admin, caseworker.organisation)
    assert not administers_platform(caseworker.user)
    assert caseworker.user not in User.objects.platform_admins()
    account_services.user_update(actor=None, user=admin, is_active=False)
    assert admin not in User.objects.platform_admins()
