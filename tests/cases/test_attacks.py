"""Attacks found by the review of the cases app (issue 10), each reproduced as it was
made, and each failing on the code before its fix."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.cases.sharing_helpers import api_token, give_consent, make_case, professional
from tests.conftest import login
from tests.factories import OrganisationFactory, make_report
from tests.openapi_check import OpenAPIClient
from tests.reports.test_staff_views import PDF
from victory.accounts.models import Membership, Role
from victory.cases.models import Case, CasePerson, CaseTask, Referral
from victory.cases.services.case import case_open_from_report
from victory.cases.services.referral import referral_send
from victory.core.models import AuditEvent
from victory.reports import services_evidence
from victory.reports.models import Report, ReportMessage, ReportStatus
from victory.reports.services_reporter import consent_set

pytestmark = pytest.mark.django_db


def _colleagues_case() -> tuple[Membership, Membership, Report, Case]:
    """A report that became a case assigned to caseworker B; A is B's colleague."""
    organisation = OrganisationFactory()
    colleague, assignee = professional(organisation), professional(organisation)
    report = make_report(organisation=organisation).report
    case = case_open_from_report(actor=assignee.user, report=report)
    Case.objects.filter(pk=case.pk).update(assigned_to=assignee.user)
    return colleague, assignee, report, case


def test_a_colleague_cannot_answer_or_close_an_assigned_case_through_its_report(client: Client) -> None:
    colleague, _assignee, report, case = _colleagues_case()
    login(client, colleague)
    assert client.get(f"/en/staff/cases/{case.reference}/").status_code == 404
    reply = client.post(f"/en/staff/reports/{report.reference}/reply/", {"body": "Hello from a colleague"})
    status = client.post(f"/en/staff/reports/{report.reference}/status/", {"status": "closed", "referred_to": ""})
    empty = client.post(f"/en/staff/reports/{report.reference}/reply/", {"body": ""})
    assert (reply.status_code, status.status_code, empty.status_code) == (404, 404, 404)
    assert not ReportMessage.objects.filter(report=report).exists()
    assert Report.objects.get(pk=report.pk).status != ReportStatus.CLOSED


def test_a_colleague_cannot_download_the_files_of_an_assigned_case(client: Client) -> None:
    colleague, assignee, report, case = _colleagues_case()
    upload = SimpleUploadedFile("p.pdf", PDF, content_type="application/pdf")
    evidence = services_evidence.evidence_add(upload=upload, report=report)
    login(client, colleague)
    assert client.get(f"/en/staff/reports/{report.reference}/files/{evidence.pk}/").status_code == 404
    assert client.get(f"/en/staff/cases/{case.reference}/files/{evidence.pk}/").status_code == 404
    # The case's own worker downloads it from the case page.
    login(client, assignee)
    download = client.get(f"/en/staff/cases/{case.reference}/files/{evidence.pk}/")
    assert download.status_code == 200 and download.content == PDF


def test_switching_off_police_sharing_on_the_report_ends_the_police_referral(client: Client) -> None:
    organisation, police = OrganisationFactory(), OrganisationFactory()
    supervisor, liaison = professional(organisation, Role.SUPERVISOR), professional(police, Role.JUSTICE_LIAISON)
    report = make_report(organisation=organisation, consents={"contact": True, "share_police": True}).report
    case = case_open_from_report(actor=supervisor.user, report=report)
    give_consent(case, supervisor, police, ["incident"], purpose="police")
    referral = referral_send(
        actor=supervisor.user, case=case, recipient=police, purpose="police", sections=["incident"]
    )
    consent_set(report=report, purpose="share_police", granted=False)
    assert not Referral.objects.filter(pk=referral.pk).in_force().exists()
    login(client, liaison)
    page = client.get(f"/en/staff/referrals/{referral.reference}/")
    assert page.status_code == 200 and report.narrative.encode() not in page.content


def test_a_recipient_no_longer_sees_the_reports_contact_once_contact_is_withdrawn(client: Client) -> None:
    organisation, recipient = OrganisationFactory(), OrganisationFactory()
    supervisor, liaison = professional(organisation, Role.SUPERVISOR), professional(recipient, Role.JUSTICE_LIAISON)
    report = make_report(organisation=organisation, contact_email="victim.secret@example.org").report
    case = case_open_from_report(actor=supervisor.user, report=report)
    give_consent(case, supervisor, recipient, ["incident", "contact"])
    referral = referral_send(
        actor=supervisor.user, case=case, recipient=recipient, purpose="support", sections=["incident", "contact"]
    )
    login(client, liaison)
    assert b"victim.secret@example.org" in client.get(f"/en/staff/referrals/{referral.reference}/").content
    consent_set(report=report, purpose="contact", granted=False)
    assert b"victim.secret@example.org" not in client.get(f"/en/staff/referrals/{referral.reference}/").content


def test_an_intake_caseworker_cannot_send_out_the_assessment_they_may_not_read(client: Client) -> None:
    organisation, recipient = OrganisationFactory(), OrganisationFactory()
    caseworker = professional(organisation)
    case = make_case(organisation)  # unassigned: they work it, but may not read its assessment
    login(client, caseworker)
    assert client.get(f"/en/staff/cases/{case.reference}/assessments/").status_code == 404
    give_consent(case, caseworker, recipient, ["assessment"])
    with pytest.raises(ValidationError) as refused:
        referral_send(actor=caseworker.user, case=case, recipient=recipient, purpose="support", sections=["assessment"])
    assert "sections" in refused.value.message_dict
    assert not Referral.objects.filter(case=case).exists()


def test_who_looked_at_the_case_includes_the_recipients_reads(client: Client) -> None:
    organisation, recipient = OrganisationFactory(), OrganisationFactory()
    supervisor, liaison = professional(organisation, Role.SUPERVISOR), professional(recipient, Role.JUSTICE_LIAISON)
    case = make_case(organisation)
    give_consent(case, supervisor, recipient, ["incident"])
    referral = referral_send(
        actor=supervisor.user, case=case, recipient=recipient, purpose="support", sections=["incident"]
    )
    assert login(OpenAPIClient(), liaison).get(f"/en/staff/referrals/{referral.reference}/").status_code == 200
    login(client, supervisor)
    rows = client.get(f"/en/staff/cases/{case.reference}/access-log/").context["rows"]
    read = [row for row in rows if row["action"] == "referral.read"]
    assert read and read[0]["who"] in (liaison.user.full_name, liaison.user.email)
    assert read[0]["organisation"] == recipient.name


def test_lists_of_case_content_are_audited_on_the_page_and_in_the_api(client: Client) -> None:
    organisation = OrganisationFactory()
    caseworker = professional(organisation)
    case = make_case(organisation)
    CaseTask.objects.create(case=case, title="Call Ana at her sister's flat", due_on=timezone.localdate())
    login(client, caseworker)
    assert b"sister" in client.get("/en/staff/tasks/").content
    assert AuditEvent.objects.filter(action="case.tasks_due_viewed", actor=caseworker.user).exists()
    api = OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {api_token(caseworker)}")
    assert case.reference in api.get("/api/v1/cases").content.decode()
    listed = AuditEvent.objects.filter(action="case.list_viewed", actor=caseworker.user).latest("sequence")
    assert listed.reason == "api:1"


def test_a_witness_export_carries_nothing_of_the_victims_account(client: Client) -> None:
    organisation = OrganisationFactory()
    supervisor = professional(organisation, Role.SUPERVISOR)
    case = make_case(organisation)
    offender = CasePerson.objects.create(case=case, role="person_caused_harm", full_name="Offender Example")
    login(client, supervisor)
    body = client.get(f"/en/staff/cases/{case.reference}/people/{offender.pk}/export.json").content.decode()
    assert "Offender Example" in body
    assert case.summary not in body and case.location not in body
