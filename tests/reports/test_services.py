"""The reports services: submission, receipts, consents, the organisation's answers, retention."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import MembershipFactory, OrganisationFactory
from tests.reports.conftest import make_draft
from victory.accounts.models import Membership, Organisation, Role
from victory.core.models import AuditEvent
from victory.core.ratelimit import Throttled
from victory.reports import services
from victory.reports.models import ConsentPurpose, Report, ReportStatus
from victory.reports.receipts import RECEIPT_DIGITS, receipt_format

pytestmark = pytest.mark.django_db


def test_submission_routes_to_the_country_and_gives_a_receipt(submitted: services.SubmittedReport) -> None:
    report = submitted.report
    assert len(submitted.receipt) == RECEIPT_DIGITS >= 16
    assert submitted.receipt.isdigit()
    assert report.organisation.name == "Receiving support (fictional)"
    assert report.status == ReportStatus.RECEIVED
    assert report.reference.startswith("VT-")
    assert submitted.receipt not in report.reference
    assert report.receipt_digest != submitted.receipt
    assert report.consent_granted(ConsentPurpose.CONTACT)
    assert not report.consent_granted(ConsentPurpose.SHARE_POLICE)
    assert AuditEvent.objects.filter(action="report.submitted", object_id=str(report.pk)).exists()


def test_only_the_narrative_is_required(receiving_organisation: Organisation) -> None:
    with pytest.raises(ValidationError) as error:
        services.report_submit(draft=make_draft(narrative="   "))
    assert set(error.value.message_dict) == {"narrative"}
    services.country_intake_set(actor=None, country="*", organisation=receiving_organisation)
    minimal = services.report_submit(draft=services.ReportDraft(narrative="They followed me home."))
    assert minimal.report.organisation == receiving_organisation
    assert minimal.report.reporter_role == ""


def test_every_wrong_answer_is_named(receiving_organisation: Organisation) -> None:
    draft = make_draft(
        narrative="x" * 20001,
        country="ZZ",
        reporter_role="boss",
        bias_motivations=["anti_martian"],
        incident_types=["meteor"],
        contact_email="not-an-address",
        occurred_on=timezone.localdate() + timedelta(days=3),
    )
    with pytest.raises(ValidationError) as error:
        services.report_submit(draft=draft)
    assert set(error.value.message_dict) == {
        "narrative",
        "country",
        "reporter_role",
        "bias_motivations",
        "incident_types",
        "contact_email",
        "occurred_on",
    }


def test_scripts_are_stored_exactly_as_typed(receiving_organisation: Organisation) -> None:
    text = "<script>alert('x')</script> & <b>bold</b>"
    report = services.report_submit(draft=make_draft(narrative=text, location=text)).report
    report.refresh_from_db()
    assert report.narrative == text
    assert report.location == text


def test_receipt_login_with_spaces_and_the_wrong_receipt(submitted: services.SubmittedReport) -> None:
    assert services.receipt_login(receipt=receipt_format(submitted.receipt), client="c1") == submitted.report
    wrong = ("1" if submitted.receipt[0] != "1" else "2") + submitted.receipt[1:]
    with pytest.raises(services.AuthenticationFailed):
        services.receipt_login(receipt=wrong, client="c1")
    with pytest.raises(services.InvalidReceipt):
        services.receipt_login(receipt="12345", client="c1")


def test_receipt_guessing_is_slowed_then_locked(submitted: services.SubmittedReport) -> None:
    outcomes = []
    for n in range(8):
        try:
            services.receipt_login(receipt=f"{n:024d}", client="guesser")
            outcomes.append("in")
        except services.AuthenticationFailed:
            outcomes.append("wrong")
        except Throttled:
            outcomes.append("throttled")
    assert outcomes[:5] == ["wrong"] * 5
    assert "throttled" in outcomes
    # Even the right receipt waits: the client is slowed, not told which was right.
    with pytest.raises(Throttled):
        services.receipt_login(receipt=submitted.receipt, client="guesser")
    # Another client is not affected.
    assert services.receipt_login(receipt=submitted.receipt, client="someone-else") == submitted.report


def test_withdrawing_a_consent_is_immediate_and_audited(submitted: services.SubmittedReport) -> None:
    services.consent_set(report=submitted.report, purpose=ConsentPurpose.CONTACT, granted=False)
    fresh = Report.objects.get(pk=submitted.report.pk)
    assert not fresh.consent_granted(ConsentPurpose.CONTACT)
    assert [e.reason for e in AuditEvent.objects.filter(action="report.consent_withdrawn")] == ["contact"]


def test_only_the_receiving_organisation_answers(
    submitted: services.SubmittedReport, report_caseworker: Membership
) -> None:
    stranger = MembershipFactory(organisation=OrganisationFactory(), role=Role.CASEWORKER)
    with pytest.raises(PermissionDenied):
        services.report_open(actor=stranger.user, report=submitted.report)
    services.report_open(actor=report_caseworker.user, report=submitted.report)
    services.organisation_message_send(actor=report_caseworker.user, report=submitted.report, body="We are here.")
    submitted.report.refresh_from_db()
    assert submitted.report.status == ReportStatus.IN_REVIEW
    assert AuditEvent.objects.filter(action="report.opened", actor=report_caseworker.user).exists()


def test_referral_needs_the_organisation_named(
    submitted: services.SubmittedReport, report_caseworker: Membership
) -> None:
    with pytest.raises(ValidationError):
        services.report_status_set(actor=report_caseworker.user, report=submitted.report, status="referred")
    services.report_status_set(
        actor=report_caseworker.user, report=submitted.report, status="referred", referred_to="Police (fictional)"
    )
    assert list(submitted.report.status_changes.values_list("status", flat=True)) == ["received", "referred"]


def test_retention_erases_old_reports_and_honours_deletion_requests(receiving_organisation: Organisation) -> None:
    old = services.report_submit(draft=make_draft()).report
    asked = services.report_submit(draft=make_draft()).report
    kept = services.report_submit(draft=make_draft()).report
    Report.objects.filter(pk=old.pk).update(erase_after=timezone.now() - timedelta(days=1))
    services.report_deletion_request(report=asked)
    assert services.reports_erase_expired() == 2
    assert list(Report.objects.values_list("pk", flat=True)) == [kept.pk]
    assert AuditEvent.objects.filter(action="report.erased").count() == 2


def test_erased_report_receipt_no_longer_opens_anything(receiving_organisation: Organisation) -> None:
    sent = services.report_submit(draft=make_draft())
    services.report_deletion_request(report=sent.report)
    services.reports_erase_expired()
    with pytest.raises(services.AuthenticationFailed):
        services.receipt_login(receipt=sent.receipt, client="c2")


def test_a_deletion_request_ends_the_receipt_and_every_token_at_once(submitted: services.SubmittedReport) -> None:
    from victory.reports.models import ReporterToken

    first, _expires = services.reporter_token_issue(report=submitted.report)
    second, _expires = services.reporter_token_issue(report=submitted.report)
    services.report_deletion_request(report=submitted.report)
    assert not ReporterToken.objects.exists()
    assert services.reporter_token_report(token=first) is None
    assert services.reporter_token_report(token=second) is None
    with pytest.raises(services.AuthenticationFailed):
        services.receipt_login(receipt=submitted.receipt, client="c3")
    # A token issued in a race with the request (a login a moment earlier) is refused too.
    late, _expires = services.reporter_token_issue(report=submitted.report)
    assert services.reporter_token_report(token=late) is None
    assert submitted.report.deletion_requested_at is not None


def test_a_flood_of_wrong_receipts_does_not_lock_out_a_reporter(submitted: services.SubmittedReport) -> None:
    from django.core.cache import cache

    for _ in range(services.RECEIPT_PLATFORM_CAP.limit):
        services.RECEIPT_PLATFORM_CAP.hit("platform")
    assert services.RECEIPT_PLATFORM_CAP.reached()
    # A client that already failed is refused while the flood lasts …
    with pytest.raises(services.AuthenticationFailed):
        services.receipt_login(receipt="0" * RECEIPT_DIGITS, client="flooder")
    with pytest.raises(Throttled):
        services.receipt_login(receipt=submitted.receipt, client="flooder")
    # … but a reporter typing their receipt right still gets in.
    assert services.receipt_login(receipt=submitted.receipt, client="reporter") == submitted.report
    cache.clear()


def test_reporter_tokens_end_after_twelve_hours_however_used(submitted: services.SubmittedReport) -> None:
    from victory.reports.models import ReporterToken

    token, _expires = services.reporter_token_issue(report=submitted.report)
    assert services.reporter_token_report(token=token) == submitted.report
    ReporterToken.objects.update(issued_at=timezone.now() - timedelta(hours=12, minutes=1))
    assert services.reporter_token_report(token=token) is None


def test_a_report_without_a_country_goes_to_the_general_intake(receiving_organisation: Organisation) -> None:
    general = OrganisationFactory(name="General intake (fictional)", countries=["ES"], accepts_public_reports=True)
    services.country_intake_set(actor=None, country="*", organisation=general)
    report = services.report_submit(draft=ReportDraftOnlyNarrative()).report
    assert report.organisation == general
    assert report.country == ""


def ReportDraftOnlyNarrative() -> services.ReportDraft:  # noqa: N802  (reads like the class)
    return services.ReportDraft(narrative="Someone wrote threats on my door.")
