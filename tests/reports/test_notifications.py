"""Who is e-mailed about a report, and what the e-mail may say: never a detail, and a
reporter only when they gave an address, agreed to be contacted and asked for it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone
from pytest_django import DjangoCaptureOnCommitCallbacks

from tests.factories import MembershipFactory
from tests.reports.conftest import make_draft
from victory.accounts.models import Membership, Organisation, Role
from victory.core.models import Counter
from victory.reports import services
from victory.reports.models import Report
from victory.reports.services import SubmittedReport

pytestmark = pytest.mark.django_db


def _reply(report_caseworker: Membership, report: Report, capture: DjangoCaptureOnCommitCallbacks) -> None:
    with capture(execute=True):
        services.organisation_message_send(actor=report_caseworker.user, report=report, body="We read your report.")


@pytest.mark.parametrize(
    ("email", "email_updates", "contact_consent", "expected"),
    [
        ("me@example.org", True, True, 1),  # asked for it
        ("", True, True, 0),  # no address: anonymous
        ("me@example.org", False, True, 0),  # did not ask for e-mail updates
        ("me@example.org", True, False, 0),  # did not agree to be contacted
    ],
)
def test_a_reporter_is_emailed_only_when_they_asked(
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    email: str,
    email_updates: bool,
    contact_consent: bool,
    expected: int,
) -> None:
    report = services.report_submit(
        draft=make_draft(contact_email=email, email_updates=email_updates, consents={"contact": contact_consent})
    ).report
    mailoutbox.clear()
    _reply(report_caseworker, report, django_capture_on_commit_callbacks)
    to_reporter = [mail for mail in mailoutbox if mail.to == ["me@example.org"]]
    assert len(to_reporter) == expected
    for mail in to_reporter:
        assert "We read your report" not in mail.body
        assert report.reference not in mail.body
        assert "/inbox/" in mail.body


def test_withdrawing_contact_consent_stops_the_emails_at_once(
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    report = services.report_submit(
        draft=make_draft(contact_email="me@example.org", email_updates=True, consents={"contact": True})
    ).report
    services.consent_set(report=report, purpose="contact", granted=False)
    mailoutbox.clear()
    _reply(report_caseworker, report, django_capture_on_commit_callbacks)
    assert not [mail for mail in mailoutbox if mail.to == ["me@example.org"]]


def test_no_email_reaches_a_reporter_who_asked_for_deletion(
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    """A caseworker's answer in the hour before erasure must not write to the mailbox of
    someone who asked to be forgotten (it may be read by the person they fear)."""
    report = services.report_submit(
        draft=make_draft(contact_email="me@example.org", email_updates=True, consents={"contact": True})
    ).report
    services.report_deletion_request(report=report)
    mailoutbox.clear()
    _reply(report_caseworker, report, django_capture_on_commit_callbacks)
    assert not [mail for mail in mailoutbox if mail.to == ["me@example.org"]]


def test_caseworkers_are_told_without_any_detail(
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        report = services.report_submit(draft=make_draft(narrative="They burnt my car outside the mosque")).report
    mails = [mail for mail in mailoutbox if mail.to == [report_caseworker.user.email]]
    assert len(mails) == 1
    for text in (mails[0].subject, mails[0].body):
        assert "car" not in text
        assert report.reference not in text
        assert "Portugal" not in text


# --- Coalesced: one e-mail per report in ten minutes, however many messages -------------


def _staff(receiving_organisation: Organisation, report_caseworker: Membership) -> list[str]:
    others = [MembershipFactory(organisation=receiving_organisation, role=Role.CASEWORKER) for _ in range(2)]
    return sorted(membership.user.email for membership in [report_caseworker, *others])


def _messages_from_reporter(client: Client, receipt: str, count: int, capture: DjangoCaptureOnCommitCallbacks) -> None:
    response = client.post("/api/v1/reports/session", json.dumps({"receipt": receipt}), content_type="application/json")
    authorization = f"Bearer {response.json()['token']}"
    with capture(execute=True):
        for n in range(count):
            response = client.post(
                "/api/v1/reports/mine/messages",
                json.dumps({"body": f"Something else I remembered, {n}."}),
                content_type="application/json",
                HTTP_AUTHORIZATION=authorization,
            )
            assert response.status_code == 201, response.content


def _told_of_messages(mailoutbox: list[EmailMessage]) -> list[str]:
    return sorted(mail.to[0] for mail in mailoutbox if mail.subject == "New message in VicTory")


def test_twenty_messages_tell_each_caseworker_once(
    client: Client,
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    submitted: SubmittedReport,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    staff = _staff(receiving_organisation, report_caseworker)
    mailoutbox.clear()
    _messages_from_reporter(client, submitted.receipt, 20, django_capture_on_commit_callbacks)
    assert _told_of_messages(mailoutbox) == staff


def test_a_message_after_the_ten_minutes_tells_them_again(
    client: Client,
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    submitted: SubmittedReport,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    staff = _staff(receiving_organisation, report_caseworker)
    mailoutbox.clear()
    _messages_from_reporter(client, submitted.receipt, 2, django_capture_on_commit_callbacks)
    # The ten minutes pass: the notice's counter expires.
    Counter.objects.filter(key__contains="reporter-message-notice").update(expires_at=timezone.now() - timedelta(1))
    _messages_from_reporter(client, submitted.receipt, 2, django_capture_on_commit_callbacks)
    assert _told_of_messages(mailoutbox) == sorted(staff * 2)


def test_messages_of_another_report_are_told_of_on_their_own(
    client: Client,
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    first, second = (services.report_submit(draft=make_draft()) for _ in range(2))
    mailoutbox.clear()
    for sent in (first, second):
        _messages_from_reporter(client, sent.receipt, 3, django_capture_on_commit_callbacks)
    assert _told_of_messages(mailoutbox) == [report_caseworker.user.email] * 2


def test_every_new_report_is_told_of(
    receiving_organisation: Organisation,
    report_caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.report_submit(draft=make_draft())
    assert len([mail for mail in mailoutbox if mail.subject == "New report in VicTory"]) == 3
