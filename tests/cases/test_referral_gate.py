"""The consent gate, vital interest, the recipient's answers and the sender's revocation."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tests.cases.sharing_helpers import give_consent, make_case, professional, two_organisations
from tests.factories import OrganisationFactory, make_report
from victory.accounts.models import Role
from victory.cases.concurrency import StaleEdit
from victory.cases.errors import MissingConsents
from victory.cases.models import Case, CaseEvent, CaseStatus, ConsentPurpose, Referral, ReferralStatus
from victory.cases.services import referral as referral_services
from victory.core.models import AuditEvent
from victory.reports.models import ReportMessage, Sender

pytestmark = pytest.mark.django_db


def test_no_consent_refuses_and_writes_nothing() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    audits = AuditEvent.objects.count()
    with pytest.raises(MissingConsents) as refused:
        referral_services.referral_send(
            actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident", "risk"]
        )
    assert [(m.purpose, m.recipient_id, m.section) for m in refused.value.missing] == [
        (ConsentPurpose.SHARE_ORGANISATION, other.pk, "incident"),
        (ConsentPurpose.SHARE_ORGANISATION, other.pk, "risk"),
    ]
    assert other.name in refused.value.messages[0] and "Risk flags" in refused.value.messages[0]
    assert not Referral.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_a_consent_for_another_recipient_or_missing_a_section_is_refused_naming_it() -> None:
    home, other = two_organisations()
    third = OrganisationFactory()
    worker = professional(home)
    case = make_case(home)
    give_consent(case, worker, third, ["incident", "notes"])
    give_consent(case, worker, other, ["incident"])
    with pytest.raises(MissingConsents) as refused:
        referral_services.referral_send(
            actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident", "notes"]
        )
    assert [m.section for m in refused.value.missing] == ["notes"]
    assert "does not cover" in refused.value.messages[0]
    # Police needs its own consent, whatever the support consent covers.
    with pytest.raises(MissingConsents):
        referral_services.referral_send(
            actor=worker.user, case=case, recipient=other, purpose="police", sections=["incident"]
        )
    assert not Referral.objects.exists()


def test_a_covered_referral_is_sent_with_only_the_chosen_sections() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    consent = give_consent(case, worker, other, ["incident", "notes", "contact"])
    referral = referral_services.referral_send(
        actor=worker.user, case=case, recipient=other, purpose="support", sections=["notes", "incident"]
    )
    assert referral.consent_id == consent.pk and referral.status == ReferralStatus.SENT
    assert referral.sections == ["incident", "notes"]
    snapshot = Referral.objects.get(pk=referral.pk).snapshot
    assert set(snapshot) == {"sections", "incident", "notes"}
    assert [note["body"] for note in snapshot["notes"]] == ["Open note: she prefers mornings."]
    assert "Secret assessment answer." not in str(snapshot) and "Ana Example" not in str(snapshot)
    assert CaseEvent.objects.filter(case=case, kind="referral.sent", organisation=other).exists()


@pytest.mark.parametrize("what", ["own", "inactive", "closed", "empty"])
def test_bad_requests_are_refused_before_the_gate(what: str) -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    recipient = home if what == "own" else other
    if what == "inactive":
        other.is_active = False
        other.save()
    if what == "closed":
        case.status = CaseStatus.CLOSED
        case.save()
    sections = [] if what == "empty" else ["incident"]
    with pytest.raises(ValidationError) as refused:
        referral_services.referral_send(
            actor=worker.user, case=case, recipient=recipient, purpose="support", sections=sections
        )
    assert not isinstance(refused.value, MissingConsents)
    assert not Referral.objects.exists()


def test_another_organisations_caseworker_cannot_send_from_the_case() -> None:
    home, other = two_organisations()
    case = make_case(home)
    with pytest.raises(Http404):
        referral_services.referral_send(
            actor=professional(other).user, case=case, recipient=other, purpose="support", sections=["incident"]
        )


def test_vital_interest_needs_a_supervisor_and_a_reason_and_tells_the_reporter() -> None:
    home, other = two_organisations()
    sent = make_report(organisation=home)
    case = make_case(home, report=sent.report)
    worker, supervisor = professional(home), professional(home, Role.SUPERVISOR)
    with pytest.raises(PermissionDenied):
        referral_services.referral_send_vital_interest(
            actor=worker.user, case=case, recipient=other, sections=["contact"], reason="He said he will kill her."
        )
    with pytest.raises(ValidationError) as no_reason:
        referral_services.referral_send_vital_interest(
            actor=supervisor.user, case=case, recipient=other, sections=["contact"], reason="  "
        )
    assert "reason" in no_reason.value.message_dict
    assert not Referral.objects.exists()
    referral = referral_services.referral_send_vital_interest(
        actor=supervisor.user, case=case, recipient=other, sections=["contact"], reason="He said he will kill her."
    )
    assert referral.vital_interest and referral.review_needed and referral.consent_id is None
    told = ReportMessage.objects.filter(report=sent.report, sender=Sender.ORGANISATION).get()
    assert other.name in told.body
    # Reviewed by another supervisor, not the one who shared.
    with pytest.raises(PermissionDenied):
        referral_services.referral_review(actor=supervisor.user, referral=referral)
    reviewed = referral_services.referral_review(actor=professional(home, Role.SUPERVISOR).user, referral=referral)
    assert not reviewed.review_needed


def test_the_recipient_answers_along_the_lifecycle_and_the_sender_sees_it() -> None:
    home, other = two_organisations()
    worker, receiver = professional(home), professional(other, Role.JUSTICE_LIAISON)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    referral = referral_services.referral_send(
        actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"]
    )
    with pytest.raises(ValidationError):
        referral_services.referral_complete(actor=receiver.user, referral=referral, expected_version=referral.version)
    with pytest.raises(StaleEdit):
        referral_services.referral_accept(actor=receiver.user, referral=referral, expected_version=referral.version + 5)
    accepted = referral_services.referral_accept(
        actor=receiver.user, referral=referral, expected_version=referral.version
    )
    assert accepted.status == ReferralStatus.ACCEPTED
    done = referral_services.referral_complete(
        actor=receiver.user, referral=accepted, note="Support given.", expected_version=accepted.version
    )
    assert done.status == ReferralStatus.COMPLETED
    kinds = set(CaseEvent.objects.filter(case=case, organisation=other).values_list("kind", flat=True))
    assert {"referral.accepted", "referral.completed"} <= kinds
    with pytest.raises(Http404):
        referral_services.referral_accept(actor=worker.user, referral=referral, expected_version=None)


def test_declining_needs_a_reason() -> None:
    home, other = two_organisations()
    worker, receiver = professional(home), professional(other)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    referral = referral_services.referral_send(
        actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"]
    )
    with pytest.raises(ValidationError) as refused:
        referral_services.referral_decline(actor=receiver.user, referral=referral, reason="", expected_version=None)
    assert "reason" in refused.value.message_dict
    declined = referral_services.referral_decline(
        actor=receiver.user, referral=referral, reason="We do not work in Porto.", expected_version=None
    )
    assert declined.status == ReferralStatus.DECLINED and declined.answer_note == "We do not work in Porto."


def test_the_assessment_is_shared_only_when_chosen_and_consented() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    Case.objects.filter(pk=case.pk).update(assigned_to=worker.user)  # who may read the assessment
    case.refresh_from_db()
    give_consent(case, worker, other, ["incident"])
    with pytest.raises(MissingConsents) as refused:
        referral_services.referral_send(
            actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident", "assessment"]
        )
    assert [m.section for m in refused.value.missing] == ["assessment"]
    give_consent(case, worker, other, ["incident", "assessment"])
    referral = referral_services.referral_send(
        actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident", "assessment"]
    )
    snapshot = Referral.objects.get(pk=referral.pk).snapshot
    assert snapshot["assessment"]["answers"] == {"screening_notes": "Secret assessment answer."}


def test_the_reports_contact_details_go_only_while_the_reporter_agrees_to_contact() -> None:
    from victory.reports import services as report_services

    home, other = two_organisations()
    sent = make_report(organisation=home, contact_email="reach.me@test.victory.example", consents={"contact": True})
    case = make_case(home, report=sent.report)
    worker = professional(home)
    give_consent(case, worker, other, ["contact", "incident"])
    first = referral_services.referral_send(
        actor=worker.user, case=case, recipient=other, purpose="support", sections=["contact"]
    )
    assert "reach.me@test.victory.example" in str(Referral.objects.get(pk=first.pk).snapshot)
    assert "Ana Example" in str(Referral.objects.get(pk=first.pk).snapshot)
    report_services.consent_set(report=sent.report, purpose="contact", granted=False)
    sent.report.refresh_from_db()
    second = referral_services.referral_send(
        actor=worker.user, case=case, recipient=other, purpose="support", sections=["contact", "incident"]
    )
    snapshot = Referral.objects.get(pk=second.pk).snapshot
    assert "reach.me@test.victory.example" not in str(snapshot) and snapshot["contact"]["report_contact"] is None
    assert snapshot["incident"]["report_answers"]  # the report's answers travel with the incident


def test_the_received_list_pages_by_keyset() -> None:
    from victory.cases.selectors.sharing import referral_list_received

    home, other = two_organisations()
    worker, receiver = professional(home), professional(other)
    sent = []
    for _ in range(3):
        case = make_case(home)
        give_consent(case, worker, other, ["incident"])
        sent.append(
            referral_services.referral_send(
                actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"]
            )
        )
    first = referral_list_received(user=receiver.user, limit=2)
    rest = referral_list_received(user=receiver.user, limit=2, before=(first[-1].sent_at, first[-1].pk))
    assert [r.pk for r in first + rest] == [r.pk for r in reversed(sent)]
    assert referral_list_received(user=worker.user) == []
