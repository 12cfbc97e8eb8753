"""The receiving organisation's side: its reports only, opening is audited, replies and
status reach the reporter, files download safely, e-mails say nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.conftest import login
from tests.factories import MembershipFactory
from tests.reports.conftest import make_draft
from tests.reports.test_inbox_views import inbox_login
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role
from victory.core.models import AuditEvent
from victory.reports import services
from victory.reports.models import ReportStatus
from victory.reports.services import SubmittedReport

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def staff(client: Client, report_caseworker: Membership) -> Client:
    return login(client, report_caseworker)


@pytest.fixture
def outsider(other_organisation: Organisation) -> Client:
    """A caseworker of another organisation."""
    membership = MembershipFactory(organisation=other_organisation, role=Role.CASEWORKER)
    account_services.totp_device_create_confirmed(user=membership.user)
    return login(Client(), membership)


def detail_url(submitted: SubmittedReport) -> str:
    return f"/en/staff/reports/{submitted.report.reference}/"


def test_caseworker_list_shows_the_report(staff: Client, submitted: SubmittedReport) -> None:
    services.reporter_message_send(report=submitted.report, body="Are you there?")
    response = staff.get("/en/staff/reports/")
    html = response.content.decode()
    assert response.status_code == 200
    assert submitted.report.reference in html
    assert "Portugal" in html
    assert "Received" in html
    assert "<strong>1</strong>" in html  # one unread message
    assert "Two men shouted" not in html  # the list shows no narrative


def test_status_filter_and_empty_state(staff: Client, submitted: SubmittedReport) -> None:
    assert submitted.report.reference in staff.get("/en/staff/reports/?status=received").content.decode()
    closed = staff.get("/en/staff/reports/?status=closed").content.decode()
    assert submitted.report.reference not in closed
    assert "No report has this status." in closed


def test_caseworker_of_another_organisation_sees_nothing(outsider: Client, submitted: SubmittedReport) -> None:
    assert outsider.get(detail_url(submitted)).status_code == 404
    listing = outsider.get("/en/staff/reports/").content.decode()
    assert submitted.report.reference not in listing
    assert "No reports yet." in listing
    assert outsider.post(detail_url(submitted) + "reply/", {"body": "Hello"}).status_code == 404
    assert outsider.post(detail_url(submitted) + "status/", {"status": "closed"}).status_code == 404
    assert not AuditEvent.objects.filter(action="report.opened").exists()


def test_staff_pages_need_a_professional_login(client: Client, submitted: SubmittedReport) -> None:
    for url in ("/en/staff/reports/", detail_url(submitted)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/en/staff/login/")


def test_opening_a_report_is_audited_and_shows_every_answer(
    staff: Client, report_caseworker: Membership, receiving_organisation: Organisation
) -> None:
    sent = services.report_submit(
        draft=make_draft(
            narrative="They wrote <script>alert(1)</script> on my door.\nThen they left.",
            location="Porto",
            place_kind="home",
            impact="I do not sleep well.",
            police_aware="no",
            wants_police_told=False,
            support_needs=["talk", "legal"],
            support_language="Arabic",
            contact_phone="+351 000 000 000",
        )
    )
    response = staff.get(detail_url(sent))
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(action="report.opened", actor=report_caseworker.user).count() == 1
    assert "They wrote &lt;script&gt;alert(1)&lt;/script&gt; on my door.<br>Then they left." in html
    assert "<script>alert(1)</script>" not in html
    for expected in (
        "Portugal — Porto",
        "At or near home",
        "Anti-Muslim, Gender-based",
        "Violent attack against people",
        "I do not sleep well.",
        "Someone to talk to (emotional support), Legal advice",
        "Arabic",
        "+351 000 000 000",  # the contact consent was given
    ):
        assert expected in html, expected


def test_contact_details_are_hidden_without_the_contact_consent(
    staff: Client, receiving_organisation: Organisation
) -> None:
    sent = services.report_submit(
        draft=make_draft(contact_email="hidden@test.victory.example", consents={"statistics": True})
    )
    html = staff.get(detail_url(sent)).content.decode()
    assert "hidden@test.victory.example" not in html
    assert "The person did not agree to be contacted outside the inbox" in html


def test_reply_reaches_the_reporter_and_moves_the_status(staff: Client, submitted: SubmittedReport) -> None:
    response = staff.post(detail_url(submitted) + "reply/", {"body": "Thank you for telling us.\nWe are here."})
    assert response["Location"] == detail_url(submitted)
    submitted.report.refresh_from_db()
    assert submitted.report.status == ReportStatus.IN_REVIEW
    assert "Being looked at" in staff.get(detail_url(submitted)).content.decode()

    reporter = inbox_login(Client(), submitted.receipt)
    html = reporter.get("/en/inbox/report/").content.decode()
    assert "Thank you for telling us.<br>We are here." in html
    assert "Someone is looking at your report" in html
    assert submitted.report.organisation.name in html


def test_empty_reply_is_refused(staff: Client, submitted: SubmittedReport) -> None:
    response = staff.post(detail_url(submitted) + "reply/", {"body": "   "})
    assert response.status_code == 200
    assert "Write your reply." in response.content.decode()
    assert not submitted.report.messages.exists()


def test_referral_requires_the_organisation_name(staff: Client, submitted: SubmittedReport) -> None:
    url = detail_url(submitted) + "status/"
    response = staff.post(url, {"status": "referred", "referred_to": "  "})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say which organisation the report was referred to." in html
    assert '<option value="referred" selected>' in html  # the choice is kept
    submitted.report.refresh_from_db()
    assert submitted.report.status == ReportStatus.RECEIVED

    response = staff.post(url, {"status": "referred", "referred_to": "Legal aid clinic (fictional)"})
    assert response.status_code == 302
    submitted.report.refresh_from_db()
    assert submitted.report.status == ReportStatus.REFERRED
    reporter = inbox_login(Client(), submitted.receipt)
    assert (
        "Your report was referred to Legal aid clinic (fictional)" in reporter.get("/en/inbox/report/").content.decode()
    )


def test_evidence_download_is_audited_and_decrypted(
    staff: Client, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    evidence = services.evidence_add(
        upload=SimpleUploadedFile("police letter.pdf", PDF, content_type="application/pdf"), report=submitted.report
    )
    assert "police letter.pdf" in staff.get(detail_url(submitted)).content.decode()
    response = staff.get(f"{detail_url(submitted)}files/{evidence.pk}/")
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="evidence-{evidence.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert AuditEvent.objects.filter(
        action="report.evidence_opened", actor=report_caseworker.user, object_id=str(submitted.report.pk)
    ).exists()


def test_evidence_of_another_organisation_is_404(outsider: Client, submitted: SubmittedReport) -> None:
    evidence = services.evidence_add(
        upload=SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf"), report=submitted.report
    )
    assert outsider.get(f"{detail_url(submitted)}files/{evidence.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(action="report.evidence_opened").exists()


def test_new_report_email_says_nothing_about_the_report(
    report_caseworker: Membership,
    mailoutbox: list[Any],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.report_submit(draft=make_draft())
    assert [mail.to for mail in mailoutbox] == [[report_caseworker.user.email]]
    mail = mailoutbox[0]
    text = f"{mail.subject}\n{mail.body}"
    assert "/en/staff/reports/" in text
    assert sent.report.reference not in text
    assert "Two men shouted" not in text
    assert "headscarf" not in text
    assert "Portugal" not in text
    assert sent.report.country not in text.split()
    assert sent.receipt not in text
