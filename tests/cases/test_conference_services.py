"""Case conferences: who may be invited, the plan, who marks an action done, telling the person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.cases.test_conference_support import accepted_referral, convened, make_case, member, two_organisations
from tests.factories import OrganisationFactory
from victory.accounts.models import Role
from victory.cases.concurrency import StaleEdit
from victory.cases.models import CaseEvent, ConferenceStatus, ProtectionLevel, ReferralStatus, RiskLevel
from victory.cases.services.conference import (
    ActionDraft,
    conference_action_done,
    conference_cancel,
    conference_convene,
    conference_record_minutes,
    conference_tell_person,
)
from victory.core.models import AuditEvent
from victory.reports.models import ReportMessage, Sender

pytestmark = pytest.mark.django_db


def test_an_organisation_without_an_accepted_referral_is_refused_by_name() -> None:
    own, partner = two_organisations()
    stranger = OrganisationFactory(name="Stranger support (fictional)")
    pending = OrganisationFactory(name="Pending support (fictional)")
    case = make_case(own)
    accepted_referral(case, partner)
    accepted_referral(case, pending, status=ReferralStatus.SENT)
    supervisor = member(own, Role.SUPERVISOR)
    with pytest.raises(ValidationError) as refused:
        convened(case, supervisor, [partner, stranger, pending])
    messages = refused.value.message_dict["organisations"]
    assert any("Stranger support (fictional)" in m for m in messages)
    assert any("Pending support (fictional)" in m for m in messages)
    assert not any(partner.name in m for m in messages)
    assert not case.conferences.exists()


def test_a_withdrawn_consent_ends_the_invitation_right() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    referral = accepted_referral(case, partner)
    consent = referral.consent
    assert consent is not None
    consent.status = "withdrawn"
    consent.save()
    with pytest.raises(ValidationError):
        convened(case, member(own, Role.SUPERVISOR), [partner])


def test_the_victims_wishes_are_required() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    with pytest.raises(ValidationError) as refused:
        conference_convene(
            actor=member(own, Role.SUPERVISOR).user,
            case=case,
            scheduled_for=timezone.now(),
            organisations=[partner],
            victim_wishes="  ",
        )
    assert "victim_wishes" in refused.value.message_dict


def test_a_caseworker_or_a_low_risk_case_cannot_convene() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    with pytest.raises(PermissionDenied):
        convened(case, member(own, Role.CASEWORKER), [partner])
    quiet = make_case(own, risk_level=RiskLevel.LOW, protection_level=ProtectionLevel.STANDARD)
    accepted_referral(quiet, partner)
    with pytest.raises(PermissionDenied):
        convened(quiet, member(own, Role.SUPERVISOR), [partner])
    with pytest.raises(Http404):
        convened(case, member(partner, Role.SUPERVISOR), [partner])


def test_convening_is_audited_and_on_the_timeline() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    conference = convened(case, member(own, Role.SUPERVISOR), [partner])
    assert list(conference.organisations.all()) == [partner]
    assert CaseEvent.objects.filter(case=case, kind="conference.convened").exists()
    assert AuditEvent.objects.filter(action="case.conference_convened", object_id=str(case.pk)).exists()


def test_minutes_actions_owners_and_done() -> None:
    own, partner = two_organisations()
    outsider = OrganisationFactory()
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    conference = convened(case, supervisor, [partner])
    due = timezone.localdate() + timedelta(days=7)
    with pytest.raises(ValidationError) as refused:
        conference_record_minutes(
            actor=supervisor.user,
            conference=conference,
            minutes="Agreed a safety plan.",
            actions=[ActionDraft(owner=outsider, description="Call", due_on=due)],
            expected_version=conference.version,
        )
    assert outsider.name in " ".join(refused.value.message_dict["actions"])
    conference_record_minutes(
        actor=supervisor.user,
        conference=conference,
        minutes="Agreed a safety plan.",
        actions=[
            ActionDraft(owner=partner, description="Fit a new lock.", due_on=due),
            ActionDraft(owner=own, description="Accompany her to court.", due_on=due),
        ],
        expected_version=conference.version,
    )
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.HELD
    partner_action, own_action = sorted(conference.actions.all(), key=lambda a: a.owner_id != partner.pk)
    partner_worker = member(partner, Role.JUSTICE_LIAISON)
    with pytest.raises(PermissionDenied):
        conference_action_done(actor=partner_worker.user, action=own_action)
    with pytest.raises(Http404):
        conference_action_done(actor=member(outsider).user, action=partner_action)
    conference_action_done(actor=partner_worker.user, action=partner_action)
    partner_action.refresh_from_db()
    assert partner_action.done_by == partner_worker.user
    assert CaseEvent.objects.filter(case=case, kind="conference.action_done", organisation=partner).exists()


def test_a_stale_minutes_form_is_refused() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    conference = convened(case, supervisor, [partner])
    old = conference.version
    conference_record_minutes(actor=supervisor.user, conference=conference, minutes="First.", expected_version=old)
    with pytest.raises(StaleEdit):
        conference_record_minutes(actor=supervisor.user, conference=conference, minutes="Second.", expected_version=old)


def test_cancel_only_a_planned_conference() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    conference = convened(case, supervisor, [partner])
    conference_cancel(actor=supervisor.user, conference=conference, expected_version=conference.version)
    assert conference.status == ConferenceStatus.CANCELLED
    assert CaseEvent.objects.filter(case=case, kind="conference.cancelled").exists()
    with pytest.raises(ValidationError):
        conference_cancel(actor=supervisor.user, conference=conference, expected_version=conference.version)


def test_the_victim_is_told_in_the_inbox() -> None:
    own, partner = two_organisations()
    case = make_case(own, with_report=True)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    conference = convened(case, supervisor, [partner])
    conference_record_minutes(actor=supervisor.user, conference=conference, minutes="M.", expected_version=None)
    told = conference_tell_person(
        actor=supervisor.user,
        conference=conference,
        summary="A new lock will be fitted this week.",
        expected_version=conference.version,
    )
    assert told is True
    assert case.report is not None
    message = ReportMessage.objects.get(report=case.report, sender=Sender.ORGANISATION)
    assert message.body == "A new lock will be fitted this week."


def test_a_case_without_a_report_records_that_the_person_is_told_another_way() -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    conference = convened(case, supervisor, [partner])
    conference_record_minutes(actor=supervisor.user, conference=conference, minutes="M.", expected_version=None)
    told = conference_tell_person(
        actor=supervisor.user, conference=conference, summary="A lock.", expected_version=None
    )
    assert told is False
    assert CaseEvent.objects.filter(case=case, kind="conference.person_to_tell").exists()
