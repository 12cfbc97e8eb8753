"""The rules a rushed facilitator might try to skip: each refused with its reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.cases.sharing_helpers import professional
from tests.factories import MembershipFactory
from victory.accounts.models import Role, User
from victory.cases.models import ConsentPurpose, ConsentRecord, ConsentStatus, Referral
from victory.cases.services.consent import consent_withdraw
from victory.cases.services.referral import referral_revoke
from victory.restorative import services
from victory.restorative.models import (
    CloseReason,
    ConsentMethod,
    DialogueSession,
    ItemKind,
    ItemOutcome,
    Participant,
    ParticipantRole,
    RestorativeProcess,
    RiskLevel,
    SessionStatus,
    Stage,
)
from victory.restorative.permissions import facilitator_conflicts
from victory.restorative.safeguards import SafeguardsMissing

from .helpers import (
    Programme,
    accepted,
    advance,
    assess,
    fresh,
    in_dialogue,
    parties,
    programme,
    referred,
    safeguarded,
    tomorrow_at,
)

pytestmark = pytest.mark.django_db


def _session(p: Programme, process: RestorativeProcess, people: list[Participant]) -> DialogueSession:
    starts, ends = tomorrow_at(10)
    return services.session_schedule(
        actor=p.facilitator.user, process=process, starts_at=starts, ends_at=ends, place="Room 1", participants=people
    )


# --- Impartiality ---------------------------------------------------------------------


def _refused_with(p: Programme, candidate: User, reason: str) -> None:
    process = referred(p)
    reasons = [str(r) for r in facilitator_conflicts(process, candidate)]
    assert any(reason in r for r in reasons), reasons
    with pytest.raises(ValidationError) as refused:
        services.process_accept(actor=p.supervisor.user, process=process, facilitator=candidate, expected_version=None)
    assert any(reason in m for m in refused.value.message_dict["facilitator"])


def test_the_victims_caseworker_may_not_facilitate() -> None:
    p = programme()
    MembershipFactory(user=p.caseworker.user, organisation=p.service, role=Role.FACILITATOR)
    _refused_with(p, p.caseworker.user, "the person harmed's caseworker")


def test_the_person_who_sent_the_referral_may_not_facilitate() -> None:
    p = programme()
    sender = professional(p.support, Role.CASEWORKER)
    MembershipFactory(user=sender.user, organisation=p.service, role=Role.FACILITATOR)
    process = referred(p)
    process.referred_by_user = sender.user
    process.save(update_fields=["referred_by_user"])
    reasons = [str(r) for r in facilitator_conflicts(process, sender.user)]
    assert any("They referred this case" in r for r in reasons), reasons


def test_a_member_of_the_referring_organisation_may_not_facilitate() -> None:
    p = programme()
    colleague = professional(p.support, Role.CASEWORKER)
    MembershipFactory(user=colleague.user, organisation=p.service, role=Role.FACILITATOR)
    _refused_with(p, colleague.user, "work for the organisation that referred the case")


def test_someone_a_participant_knows_may_not_facilitate() -> None:
    p = programme()
    process = accepted(p)
    services.participant_add(
        actor=p.facilitator.user,
        process=process,
        role=ParticipantRole.PERSON_HARMED,
        full_name="Ana Example",
        language="pt",
        linked_staff=[p.other_facilitator.user],
    )
    reasons = [str(r) for r in facilitator_conflicts(process, p.other_facilitator.user)]
    assert any("A participant said they know them" in r for r in reasons), reasons
    with pytest.raises(ValidationError) as refused:
        services.facilitators_assign(
            actor=p.supervisor.user,
            process=process,
            facilitator=p.other_facilitator.user,
            co_facilitator=None,
            expected_version=None,
        )
    assert "facilitator" in refused.value.message_dict


def test_a_non_facilitator_may_not_facilitate() -> None:
    p = programme()
    _refused_with(p, p.supervisor.user, "not a facilitator of this restorative service")


def test_an_impartial_facilitator_is_accepted_and_the_co_facilitator_must_be_another() -> None:
    p = programme()
    process = referred(p)
    assert facilitator_conflicts(process, p.facilitator.user) == []
    with pytest.raises(ValidationError) as refused:
        services.process_accept(
            actor=p.supervisor.user,
            process=process,
            facilitator=p.facilitator.user,
            co_facilitator=p.facilitator.user,
            expected_version=None,
        )
    assert "co_facilitator" in refused.value.message_dict
    process = services.process_accept(
        actor=p.supervisor.user, process=fresh(process), facilitator=p.facilitator.user, expected_version=None
    )
    assert process.facilitator == p.facilitator.user and process.stage == Stage.ASSESSMENT


# --- Consent --------------------------------------------------------------------------


def test_consent_before_the_information_is_refused_with_its_reason() -> None:
    p = programme()
    process = accepted(p)
    harmed, _caused = parties(p, process)
    with pytest.raises(ValidationError) as refused:
        services.consent_record(actor=p.facilitator.user, participant=harmed, method=ConsentMethod.SIGNED_FORM)
    assert "Give this person the information sheet first" in str(refused.value)


def test_consent_after_information_in_a_language_they_do_not_read_is_not_informed_consent() -> None:
    """Information in Spanish to a Portuguese reader without an interpreter, consent, then
    the Portuguese sheet: the consent was given before the information that reached them."""
    p = programme()
    process = accepted(p)
    harmed, caused = parties(p, process)
    user = p.facilitator.user
    services.information_record(actor=user, participant=harmed, language="es")
    # Refused at once, naming what is missing, rather than recorded and not counted.
    with pytest.raises(ValidationError, match="in their language"):
        services.consent_record(actor=user, participant=harmed, method=ConsentMethod.SIGNED_FORM)
    services.information_record(actor=user, participant=harmed, language="pt")
    services.information_record(actor=user, participant=caused, language="pt")
    services.consent_record(actor=user, participant=caused, method=ConsentMethod.SIGNED_FORM)
    for person in (harmed, caused):
        services.preparation_record(actor=user, participant=person, held_on=timezone.localdate())
    services.acknowledgement_record(actor=user, participant=caused, statement="He accepts it (fictional).")
    services.format_choose(actor=user, process=process, dialogue_format="mediation", expected_version=None)
    assess(p, process)
    process = advance(p, process)  # preparation
    assess(p, process)
    process = advance(p, process)  # consent
    assess(p, process)
    with pytest.raises(SafeguardsMissing) as refused:
        advance(p, process)  # the dialogue
    assert "victim_consent" in refused.value.codes


def test_a_childs_consent_needs_their_guardian() -> None:
    p = programme()
    process = accepted(p)
    child = services.participant_add(
        actor=p.facilitator.user,
        process=process,
        role=ParticipantRole.PERSON_HARMED,
        full_name="Child Example",
        language="pt",
        is_minor=True,
    )
    services.information_record(actor=p.facilitator.user, participant=child, language="pt")
    with pytest.raises(ValidationError) as refused:
        services.consent_record(actor=p.facilitator.user, participant=child, method=ConsentMethod.SIGNED_FORM)
    assert "guardian" in refused.value.message_dict
    guardian = services.participant_add(
        actor=p.facilitator.user,
        process=process,
        role=ParticipantRole.GUARDIAN,
        full_name="Parent Example",
        language="pt",
        supports=child,
    )
    consent = services.consent_record(
        actor=p.facilitator.user, participant=child, method=ConsentMethod.SIGNED_FORM, guardian=guardian
    )
    assert consent.guardian == guardian


def test_a_guardian_who_withdraws_takes_the_childs_guardian_consent_with_them() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    user = p.facilitator.user
    child = services.participant_add(
        actor=user, process=process, role=ParticipantRole.COMMUNITY, full_name="Child", language="pt", is_minor=True
    )
    guardian = services.participant_add(
        actor=user, process=process, role=ParticipantRole.GUARDIAN, full_name="Parent", language="pt", supports=child
    )
    services.information_record(actor=user, participant=child, language="pt")
    services.consent_record(actor=user, participant=child, method=ConsentMethod.SIGNED_FORM, guardian=guardian)
    _session(p, process, [harmed, caused, child])
    services.participant_withdraw(actor=None, participant=guardian)
    with pytest.raises(SafeguardsMissing) as refused:
        _session(p, fresh(process), [harmed, caused, child])
    assert "guardian_consent" in refused.value.codes or "halted" in refused.value.codes


# --- Assessment -----------------------------------------------------------------------


def test_the_assessment_is_redone_at_each_stage() -> None:
    p = programme()
    process = accepted(p)
    assess(p, process)
    process = advance(p, process)
    assert process.stage == Stage.PREPARATION
    with pytest.raises(SafeguardsMissing) as refused:
        advance(p, process)
    assert "risk_assessment" in refused.value.codes
    safeguarded(p, process, parties(p, process))
    assess(p, process)
    assert advance(p, process).stage == Stage.CONSENT


def test_changed_circumstances_make_the_assessment_stale() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    services.circumstances_changed(actor=p.facilitator.user, participant=caused)
    with pytest.raises(SafeguardsMissing) as refused:
        _session(p, fresh(process), [harmed, caused])
    assert "risk_assessment" in refused.value.codes
    assess(p, process)
    assert _session(p, fresh(process), [harmed, caused]).status == SessionStatus.SCHEDULED


def test_a_high_risk_needs_a_co_facilitator() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    assess(p, process, risk=RiskLevel.HIGH)
    with pytest.raises(SafeguardsMissing) as refused:
        _session(p, fresh(process), [harmed, caused])
    assert refused.value.codes == ["co_facilitator"]
    services.facilitators_assign(
        actor=p.supervisor.user,
        process=fresh(process),
        facilitator=p.facilitator.user,
        co_facilitator=p.other_facilitator.user,
        expected_version=None,
    )
    assert _session(p, fresh(process), [harmed, caused]).status == SessionStatus.SCHEDULED


# --- The case's consent ---------------------------------------------------------------


def test_the_referral_revoked_by_its_sender_halts_the_process_and_cancels_its_sessions() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    session = _session(p, process, [harmed, caused])
    referral = Referral.objects.get(restorative_process=process)
    referral_revoke(actor=p.caseworker.user, referral=referral, reason="She asked us to stop (fictional).")
    process = fresh(process)
    session.refresh_from_db()
    assert process.halted_at is not None
    assert session.status == SessionStatus.CANCELLED
    with pytest.raises(SafeguardsMissing) as refused:
        _session(p, process, [harmed, caused])
    assert "halted" in refused.value.codes


def test_the_persons_case_consent_withdrawn_halts_the_process_and_cancels_its_sessions() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    session = _session(p, process, [harmed, caused])
    consent = ConsentRecord.objects.get(case=p.case, purpose=ConsentPurpose.RESTORATIVE, status=ConsentStatus.GIVEN)
    consent_withdraw(actor=None, consent=consent)
    process = fresh(process)
    session.refresh_from_db()
    assert process.halted_at is not None
    assert session.status == SessionStatus.CANCELLED
    assert session.invitations.filter(withdrawn_at__isnull=True).count() == 0


# --- Closure --------------------------------------------------------------------------


def test_completed_only_after_the_follow_up() -> None:
    p = programme()
    process, _people = in_dialogue(p)
    with pytest.raises(ValidationError) as refused:
        services.process_close(
            actor=p.facilitator.user, process=process, reason=CloseReason.COMPLETED, expected_version=None
        )
    assert "after the follow-up" in str(refused.value)


def test_a_closed_process_records_no_change_of_circumstances() -> None:
    p = programme()
    process = accepted(p)
    harmed, _caused = parties(p, process)
    services.process_close(
        actor=p.facilitator.user, process=process, reason=CloseReason.NO_CONTACT, expected_version=None
    )
    with pytest.raises(ValidationError):
        services.circumstances_changed(actor=p.facilitator.user, participant=harmed)
    assert fresh(process).circumstances_changed_at is None


def test_withdrawal_and_non_compliance_leave_no_mark_on_the_case() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    user = p.facilitator.user
    flags = list(p.case.risk_flags.values_list("pk", "kind", "level", "cleared_at"))
    events = list(p.case.events.values_list("pk", flat=True))
    _session(p, process, [harmed, caused])
    process = advance(p, fresh(process))
    assess(p, process)
    services.agreement_item_add(
        actor=user, process=process, kind=ItemKind.REPARATION, description="Repaint the door.", owner=caused
    )
    services.agreement_confirm(actor=user, process=process, role=ParticipantRole.PERSON_HARMED)
    services.agreement_confirm(actor=user, process=process, role=ParticipantRole.PERSON_CAUSED_HARM)
    assess(p, process)
    process = advance(p, process)
    item = process.agreement.items.get()
    services.item_follow_up(actor=user, item=item, outcome=ItemOutcome.NOT_DONE)
    services.participant_withdraw(actor=user, participant=caused)
    services.process_close(actor=user, process=fresh(process), reason=CloseReason.WITHDRAWN, expected_version=None)
    assert list(p.case.risk_flags.values_list("pk", "kind", "level", "cleared_at")) == flags
    assert list(p.case.events.values_list("pk", flat=True)) == events
    assert fresh(process).close_reason == CloseReason.WITHDRAWN
    closed_at = fresh(process).closed_at
    assert closed_at is not None and timezone.now() >= closed_at
