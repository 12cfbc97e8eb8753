"""Every write of the restorative programme: typed, keyword-only, transactional, audited.

Each service checks the rule (``permissions``) and, for the actions the safeguards guard,
asks ``safeguards.require`` first; a refusal names each missing safeguard. Views, the API
and the demo data call these and nothing else.

A process is locked (``SELECT … FOR UPDATE``) and its version claimed by every write that
depends on its state, so a withdrawal and a session being scheduled at the same moment
cannot both take effect: whichever comes second sees the other.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation, OrganisationKind, User
from victory.cases.concurrency import version_claim
from victory.cases.models import Referral, ReferralPurpose
from victory.cases.references import reference_new
from victory.cases.services import referral as case_referrals
from victory.core.audit import audit_record

from . import safeguards
from .models import (
    DIALOGUE_STAGES,
    NEXT_STAGE,
    PARTY_ROLES,
    Agreement,
    AgreementItem,
    AgreementStatus,
    CloseReason,
    ConsentMethod,
    DialogueFormat,
    DialogueSession,
    Evaluation,
    FactsAcknowledgement,
    InformationGiven,
    InformationSheet,
    ItemKind,
    ItemOutcome,
    Participant,
    ParticipantConsent,
    ParticipantRole,
    Preparation,
    ReferralDecision,
    ReferralSource,
    RestorativeNote,
    RestorativeProcess,
    RiskFactor,
    RiskLevel,
    SessionInvitation,
    SessionStatus,
    Stage,
    SuitabilityAssessment,
    SupervisionReview,
)
from .permissions import (
    can_answer_referral,
    can_facilitate,
    can_read_process,
    can_refer_from_justice,
    can_supervise_programme,
    facilitator_conflicts,
)

TEXT_MAX_CHARS = 10_000
NAME_MAX_CHARS = 200


# --- Common ---------------------------------------------------------------------------


def _audit(*, action: str, actor: User | None, process: RestorativeProcess, reason: str = "") -> None:
    audit_record(
        action=f"restorative.{action}", actor=actor, organisation=process.organisation, obj=process, reason=reason
    )


def _locked(process: RestorativeProcess, *, expected_version: int | None) -> RestorativeProcess:
    """The process as it is now, locked for this transaction, its next version claimed."""
    fresh = RestorativeProcess.objects.select_for_update(of=("self",)).get(pk=process.pk)
    version_claim(fresh, expected=expected_version)
    return fresh


def _facilitating(actor: User, process: RestorativeProcess) -> None:
    """A process outside the actor's sight is not found; one they see but do not
    facilitate (a supervisor) is forbidden for a facilitator's action."""
    if not can_read_process(actor, process):
        raise Http404
    if not can_facilitate(actor, process):
        raise PermissionDenied


def _not_closed(process: RestorativeProcess) -> None:
    if not process.is_open:
        raise ValidationError(_("This restorative process is closed: nothing more can be recorded in it."))


def _open(process: RestorativeProcess) -> None:
    """Not closed, and not halted by a withdrawal (then only closing it is possible)."""
    _not_closed(process)
    if process.is_halted:
        raise safeguards.SafeguardsMissing([safeguards.Safeguard.HALTED])


def _recording_for(actor: User, participant: Participant) -> RestorativeProcess:
    """A facilitator's record about ``participant``: the process locked, open and not halted."""
    process = participant.process
    _facilitating(actor, process)
    _open(_locked(process, expected_version=None))
    return process


def _text(value: str, *, field: str, required: bool, limit: int = TEXT_MAX_CHARS) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError({field: [_("This cannot be empty: write a few words.")]})
    if len(value) > limit:
        raise ValidationError({field: [_("Keep it under %(count)s characters.") % {"count": limit}]})
    return value


def _choice(value: str, choices: Any, *, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: [_("Choose one of the options offered.")]})
    return value


def process_reference_new() -> str:
    return reference_new("RJ")


# --- Referral into the programme ------------------------------------------------------


def process_from_case_referral(*, referral: Referral) -> RestorativeProcess | None:
    """A case's referral for a restorative process to a restorative-justice service opens
    the programme's referral (called in the referral's transaction by a receiver). The
    person's consent for that purpose is what the referral already rests on; the
    caseworker's message records their interest."""
    if referral.purpose != ReferralPurpose.RESTORATIVE:
        return None
    if referral.recipient.kind != OrganisationKind.RESTORATIVE_JUSTICE:
        return None
    process = RestorativeProcess.objects.create(
        reference=process_reference_new(),
        organisation=referral.recipient,
        source=ReferralSource.CASE,
        referred_by=referral.sender,
        case_referral=referral,
        victim_interest=referral.message,
        referred_by_user=referral.sent_by,
    )
    _audit(action="referred", actor=referral.sent_by, process=process, reason="case")
    return process


@transaction.atomic
def process_refer_from_justice(
    *,
    actor: User,
    referrer: Organisation,
    service: Organisation,
    note: str,
    victim_interest: str = "",
) -> RestorativeProcess:
    """A police force, prosecution service or court refers a case to a restorative service."""
    if not can_refer_from_justice(actor, referrer):
        raise PermissionDenied
    if service.kind != OrganisationKind.RESTORATIVE_JUSTICE or not service.is_active:
        raise ValidationError({"service": [_("Choose a restorative-justice service on the platform.")]})
    process = RestorativeProcess.objects.create(
        reference=process_reference_new(),
        organisation=service,
        source=ReferralSource.JUSTICE,
        referred_by=referrer,
        referral_note=_text(note, field="note", required=True),
        victim_interest=_text(victim_interest, field="victim_interest", required=False),
        referred_by_user=actor,
    )
    _audit(action="referred", actor=actor, process=process, reason="justice")
    return process


def _facilitators_check(process: RestorativeProcess, facilitator: User, co_facilitator: User | None) -> None:
    errors: dict[str, list[str]] = {}
    reasons = facilitator_conflicts(process, facilitator)
    if reasons:
        errors["facilitator"] = [str(reason) for reason in reasons]
    if co_facilitator is not None:
        if co_facilitator.pk == facilitator.pk:
            errors["co_facilitator"] = [_("The co-facilitator must be someone other than the facilitator.")]
        elif co_reasons := facilitator_conflicts(process, co_facilitator):
            errors["co_facilitator"] = [str(reason) for reason in co_reasons]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def process_accept(
    *,
    actor: User,
    process: RestorativeProcess,
    facilitator: User,
    co_facilitator: User | None = None,
    expected_version: int | None,
) -> RestorativeProcess:
    """A supervisor of the service takes the referral into the programme and names an
    impartial facilitator; the process moves to its suitability and risk assessment. A
    case's referral is accepted with it, so the caseworker and the person see it."""
    if not can_read_process(actor, process):
        raise Http404
    if not can_answer_referral(actor, process):
        raise PermissionDenied
    process = _locked(process, expected_version=expected_version)
    _facilitators_check(process, facilitator, co_facilitator)
    if process.case_referral is not None:
        case_referrals.referral_accept(actor=actor, referral=process.case_referral, expected_version=None)
    now = timezone.now()
    process.decision, process.decided_by, process.decided_at = ReferralDecision.ACCEPTED, actor, now
    process.facilitator, process.co_facilitator = facilitator, co_facilitator
    process.stage, process.stage_changed_at = Stage.ASSESSMENT, now
    process.save()
    _audit(action="accepted", actor=actor, process=process)
    return process


@transaction.atomic
def process_decline(
    *, actor: User, process: RestorativeProcess, reason: str, expected_version: int | None
) -> RestorativeProcess:
    if not can_read_process(actor, process):
        raise Http404
    if not can_answer_referral(actor, process):
        raise PermissionDenied
    reason = _text(reason, field="reason", required=True)
    process = _locked(process, expected_version=expected_version)
    if process.case_referral is not None:
        case_referrals.referral_decline(
            actor=actor, referral=process.case_referral, reason=reason, expected_version=None
        )
    now = timezone.now()
    process.decision, process.decision_note, process.decided_by, process.decided_at = (
        ReferralDecision.DECLINED,
        reason,
        actor,
        now,
    )
    process.stage, process.stage_changed_at, process.closed_at = Stage.CLOSED, now, now
    process.close_reason = CloseReason.NOT_SUITABLE
    process.save()
    _audit(action="declined", actor=actor, process=process)
    return process


@transaction.atomic
def facilitators_assign(
    *,
    actor: User,
    process: RestorativeProcess,
    facilitator: User,
    co_facilitator: User | None,
    expected_version: int | None,
) -> RestorativeProcess:
    """A supervisor changes the facilitators: each checked for impartiality."""
    if not can_read_process(actor, process):
        raise Http404
    if not can_supervise_programme(actor, process.organisation_id):
        raise PermissionDenied
    process = _locked(process, expected_version=expected_version)
    _not_closed(process)
    _facilitators_check(process, facilitator, co_facilitator)
    process.facilitator, process.co_facilitator = facilitator, co_facilitator
    process.save(update_fields=["facilitator", "co_facilitator"])
    _audit(action="facilitators_assigned", actor=actor, process=process)
    return process


# --- Participants ---------------------------------------------------------------------


def _languages() -> set[str]:
    return {code for code, _name in settings.LANGUAGES}


@transaction.atomic
def participant_add(
    *,
    actor: User,
    process: RestorativeProcess,
    role: str,
    full_name: str,
    language: str,
    contact: dict[str, str] | None = None,
    interpreter_needed: bool = False,
    accessibility_needs: str = "",
    is_minor: bool = False,
    supports: Participant | None = None,
    linked_staff: list[User] | None = None,
) -> Participant:
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    _open(process)
    _choice(role, ParticipantRole, field="role")
    errors: dict[str, list[str]] = {}
    if role in PARTY_ROLES and process.participants.filter(role=role, withdrawn_at__isnull=True).exists():
        errors["role"] = [_("This process already has a %(role)s.") % {"role": ParticipantRole(role).label}]
    supporting = (ParticipantRole.SUPPORTER_HARMED, ParticipantRole.SUPPORTER_CAUSED_HARM, ParticipantRole.GUARDIAN)
    if role in supporting and (supports is None or supports.process_id != process.pk):
        errors["supports"] = [_("Say whom this person stands beside.")]
    if not language or len(language) > 10:
        errors["language"] = [_("Say which language this person reads and speaks.")]
    if errors:
        raise ValidationError(errors)
    case = process.case
    participant = Participant.objects.create(
        process=process,
        role=role,
        full_name=_text(full_name, field="full_name", required=True, limit=NAME_MAX_CHARS),
        contact=cast(Any, contact or None),  # an encrypted JSON document
        language=language,
        interpreter_needed=interpreter_needed,
        accessibility_needs=_text(accessibility_needs, field="accessibility_needs", required=False),
        is_minor=is_minor,
        supports=supports,
        # The person harmed of a case opened from a report follows the process in their inbox.
        report=case.report if case is not None and role == ParticipantRole.PERSON_HARMED else None,
    )
    if linked_staff:
        participant.linked_staff.set(linked_staff)
    if participant.linked_staff.filter(pk__in=[process.facilitator_id, process.co_facilitator_id]).exists():
        raise ValidationError(
            {"linked_staff": [_("This person knows a facilitator of the process: ask a supervisor to assign another.")]}
        )
    _audit(action="participant_added", actor=actor, process=process, reason=role)
    return participant


@transaction.atomic
def circumstances_changed(*, actor: User, participant: Participant, note: str = "") -> RestorativeProcess:
    """A party's circumstances changed: the risk assessment must be redone before anything
    the safeguards guard goes ahead."""
    process = participant.process
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    _not_closed(process)
    process.circumstances_changed_at = timezone.now()
    process.save(update_fields=["circumstances_changed_at"])
    if note:
        RestorativeNote.objects.create(process=process, author=actor, body=_text(note, field="note", required=False))
    _audit(action="circumstances_changed", actor=actor, process=process)
    return process


# --- The safeguard records ------------------------------------------------------------


@transaction.atomic
def assessment_record(
    *,
    actor: User,
    process: RestorativeProcess,
    risk_level: str,
    suitable: bool,
    reasoning: str,
    risk_factors: list[str] | None = None,
) -> SuitabilityAssessment:
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    _open(process)
    if process.stage == Stage.REFERRAL:
        raise ValidationError(_("Accept the referral first: the assessment belongs to the programme."))
    factors = list(dict.fromkeys(risk_factors or []))
    if any(factor not in RiskFactor.values for factor in factors):
        raise ValidationError({"risk_factors": [_("Choose the risk factors from the list.")]})
    assessment = SuitabilityAssessment.objects.create(
        process=process,
        stage=process.stage,
        risk_level=_choice(risk_level, RiskLevel, field="risk_level"),
        risk_factors=factors,
        suitable=suitable,
        reasoning=_text(reasoning, field="reasoning", required=True),
        performed_by=actor,
    )
    _audit(action="assessed", actor=actor, process=process, reason=process.stage)
    return assessment


@transaction.atomic
def information_record(
    *, actor: User, participant: Participant, language: str, sheet_version: str = ""
) -> InformationGiven:
    """The participant was given the information sheet (which version, in which language)."""
    process = _recording_for(actor, participant)
    version = sheet_version or InformationSheet.V2026_12.value
    _choice(version, InformationSheet, field="sheet_version")
    if language not in _languages():
        raise ValidationError({"language": [_("The information sheet exists in the platform's languages only.")]})
    information = InformationGiven.objects.create(
        participant=participant, sheet_version=version, language=language, given_by=actor
    )
    _audit(action="informed", actor=actor, process=process, reason=participant.role)
    return information


@transaction.atomic
def consent_record(
    *,
    actor: User,
    participant: Participant,
    method: str,
    guardian: Participant | None = None,
) -> ParticipantConsent:
    """Written consent to take part, after the information sheet. For a child, the
    consent names the parent or guardian who consented beside them."""
    process = _recording_for(actor, participant)
    _choice(method, ConsentMethod, field="method")
    information = safeguards.readable_information(participant).order_by("-given_at", "-pk").first()
    if information is None:
        raise ValidationError(
            _(
                "Give this person the information sheet first, in their language or through an interpreter: "
                "consent counts only when it is informed."
            )
        )
    if guardian is not None and (
        guardian.process_id != process.pk
        or guardian.role != ParticipantRole.GUARDIAN
        or guardian.supports_id != participant.pk
        or guardian.withdrawn_at is not None
    ):
        raise ValidationError({"guardian": [_("Choose the child's parent or guardian among the participants.")]})
    if participant.is_minor and guardian is None:
        raise ValidationError({"guardian": [_("This participant is a child: their parent or guardian consents too.")]})
    consent = ParticipantConsent.objects.create(
        participant=participant, method=method, information=information, guardian=guardian, recorded_by=actor
    )
    _audit(action="consented", actor=actor, process=process, reason=participant.role)
    return consent


@transaction.atomic
def acknowledgement_record(*, actor: User, participant: Participant, statement: str) -> FactsAcknowledgement:
    process = _recording_for(actor, participant)
    if participant.role != ParticipantRole.PERSON_CAUSED_HARM:
        raise ValidationError(_("Only the person who caused harm acknowledges the basic facts."))
    acknowledgement = FactsAcknowledgement.objects.create(
        participant=participant, statement=_text(statement, field="statement", required=True), recorded_by=actor
    )
    _audit(action="facts_acknowledged", actor=actor, process=process)
    return acknowledgement


@transaction.atomic
def preparation_record(*, actor: User, participant: Participant, held_on: date, notes: str = "") -> Preparation:
    process = _recording_for(actor, participant)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": [_("Record a preparation meeting once it has taken place.")]})
    preparation = Preparation.objects.create(
        participant=participant,
        held_on=held_on,
        notes=_text(notes, field="notes", required=False),
        recorded_by=actor,
    )
    _audit(action="prepared", actor=actor, process=process, reason=participant.role)
    return preparation


@transaction.atomic
def format_choose(
    *, actor: User, process: RestorativeProcess, dialogue_format: str, expected_version: int | None
) -> RestorativeProcess:
    _facilitating(actor, process)
    process = _locked(process, expected_version=expected_version)
    _open(process)
    if process.stage in DIALOGUE_STAGES:
        raise ValidationError(_("The dialogue has begun: its format is no longer changed."))
    process.dialogue_format = _choice(dialogue_format, DialogueFormat, field="dialogue_format")
    process.save(update_fields=["dialogue_format"])
    _audit(action="format_chosen", actor=actor, process=process, reason=dialogue_format)
    return process


# --- Stages ---------------------------------------------------------------------------


@transaction.atomic
def process_advance(*, actor: User, process: RestorativeProcess, expected_version: int | None) -> RestorativeProcess:
    """Move to the next stage, only if every safeguard it needs holds."""
    _facilitating(actor, process)
    process = _locked(process, expected_version=expected_version)
    _not_closed(process)
    if process.stage == Stage.FOLLOW_UP:
        raise ValidationError(_("After the follow-up, close the process and record how it ended."))
    safeguards.require(process, safeguards.Action.ADVANCE)
    process.stage, process.stage_changed_at = NEXT_STAGE[process.stage], timezone.now()
    process.save(update_fields=["stage", "stage_changed_at"])
    _audit(action="advanced", actor=actor, process=process, reason=process.stage)
    return process


@transaction.atomic
def process_close(
    *, actor: User, process: RestorativeProcess, reason: str, expected_version: int | None
) -> RestorativeProcess:
    _facilitating(actor, process)
    process = _locked(process, expected_version=expected_version)
    if not process.is_open:
        raise ValidationError(_("This restorative process is already closed."))
    _choice(reason, CloseReason, field="reason")
    if reason == CloseReason.COMPLETED and process.stage != Stage.FOLLOW_UP and process.no_agreement_at is None:
        raise ValidationError(
            {
                "reason": [
                    _("A process is completed after the follow-up of its agreement, or after a dialogue without one.")
                ]
            }
        )
    now = timezone.now()
    _sessions_cancel(process, at=now)
    process.stage, process.stage_changed_at, process.closed_at, process.close_reason = Stage.CLOSED, now, now, reason
    process.save(update_fields=["stage", "stage_changed_at", "closed_at", "close_reason"])
    _audit(action="closed", actor=actor, process=process, reason=reason)
    return process


def _sessions_cancel(process: RestorativeProcess, *, at: datetime) -> int:
    """Cancel every scheduled session: its next calendar revision is a cancellation."""
    sessions = list(process.sessions.filter(status=SessionStatus.SCHEDULED))
    for session in sessions:
        session.status, session.cancelled_at, session.sequence = SessionStatus.CANCELLED, at, session.sequence + 1
        session.save(update_fields=["status", "cancelled_at", "sequence"])
        session.invitations.filter(withdrawn_at__isnull=True).update(withdrawn_at=at)
    return len(sessions)


@transaction.atomic
def participant_withdraw(*, actor: User | None, participant: Participant) -> RestorativeProcess:
    """A participant withdraws, from the facilitator's screen (``actor`` the facilitator)
    or from their own inbox (``actor`` None): at once the process halts, scheduled sessions
    are cancelled and their invitations withdrawn. The withdrawal is recorded as a fact,
    never as a fault: nothing reaches the case file or a flag."""
    process = participant.process
    if actor is not None:
        _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    if not process.is_open:
        raise ValidationError(_("This restorative process is already closed."))
    now = timezone.now()
    if participant.withdrawn_at is None:
        participant.withdrawn_at = now
        participant.save(update_fields=["withdrawn_at"])
    participant.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    # A guardian's consent for the child they stand beside goes with them.
    ParticipantConsent.objects.filter(guardian=participant, withdrawn_at__isnull=True).update(withdrawn_at=now)
    SessionInvitation.objects.filter(participant=participant, withdrawn_at__isnull=True).update(withdrawn_at=now)
    if participant.is_party or participant.is_minor:
        # A party's (or a child's) withdrawal stops the whole process.
        _sessions_cancel(process, at=now)
        if process.halted_at is None:
            process.halted_at = now
            process.save(update_fields=["halted_at"])
    _audit(action="withdrawn", actor=actor, process=process, reason=participant.role)
    return process


# --- Sessions -------------------------------------------------------------------------


def _session_times_check(starts_at: datetime, ends_at: datetime, time_zone: str) -> None:
    import zoneinfo

    errors: dict[str, list[str]] = {}
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The session must end after it starts.")]
    if starts_at < timezone.now():
        errors["starts_at"] = [_("Choose a time in the future.")]
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def session_schedule(
    *,
    actor: User,
    process: RestorativeProcess,
    starts_at: datetime,
    ends_at: datetime,
    place: str,
    participants: list[Participant],
    time_zone: str = "Europe/Brussels",
    remote: bool = False,
    interpreter_language: str = "",
) -> DialogueSession:
    """A dialogue session, only while every safeguard holds; each invited participant
    gets an invitation in their language (``ics.invitation``)."""
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    _open(process)
    if process.stage not in DIALOGUE_STAGES:
        safeguards.require(process, safeguards.Action.SCHEDULE_SESSION)
        raise ValidationError(_("Sessions are scheduled once the process has reached the dialogue stage."))
    safeguards.require(process, safeguards.Action.SCHEDULE_SESSION)
    _session_times_check(starts_at, ends_at, time_zone)
    invited = [p for p in participants if p.process_id == process.pk and p.withdrawn_at is None]
    if not invited:
        raise ValidationError({"participants": [_("Invite at least one participant.")]})
    session = DialogueSession.objects.create(
        process=process,
        uid=f"{secrets.token_hex(16)}@victory",
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone=time_zone,
        remote=remote,
        place=_text(place, field="place", required=True, limit=500),
        interpreter_language=interpreter_language,
        created_by=actor,
    )
    SessionInvitation.objects.bulk_create([SessionInvitation(session=session, participant=p) for p in invited])
    _audit(action="session_scheduled", actor=actor, process=process)
    return session


@transaction.atomic
def session_cancel(*, actor: User, session: DialogueSession) -> DialogueSession:
    process = session.process
    _facilitating(actor, process)
    _locked(process, expected_version=None)
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be cancelled."))
    now = timezone.now()
    session.status, session.cancelled_at, session.sequence = SessionStatus.CANCELLED, now, session.sequence + 1
    session.save(update_fields=["status", "cancelled_at", "sequence"])
    session.invitations.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    _audit(action="session_cancelled", actor=actor, process=process)
    return session


@transaction.atomic
def session_held(*, actor: User, session: DialogueSession, attended: list[Participant]) -> DialogueSession:
    process = session.process
    _facilitating(actor, process)
    _locked(process, expected_version=None)
    session = DialogueSession.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be recorded as held."))
    session.status = SessionStatus.HELD
    session.save(update_fields=["status"])
    present = {p.pk for p in attended}
    for invitation in session.invitations.all():
        invitation.attended = invitation.participant_id in present
        invitation.save(update_fields=["attended"])
    _audit(action="session_held", actor=actor, process=process)
    return session


# --- Agreement ------------------------------------------------------------------------


def _agreement_stage(process: RestorativeProcess) -> Agreement:
    _open(process)
    if process.stage != Stage.AGREEMENT:
        raise ValidationError(_("An agreement is recorded at the agreement stage."))
    safeguards.require(process, safeguards.Action.RECORD_AGREEMENT)
    agreement, _created = Agreement.objects.get_or_create(process=process)
    return agreement


@transaction.atomic
def agreement_item_add(
    *,
    actor: User,
    process: RestorativeProcess,
    kind: str,
    description: str,
    owner: Participant,
    due_on: date | None = None,
    amount_cents: int | None = None,
) -> AgreementItem:
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    agreement = _agreement_stage(process)
    if agreement.status == AgreementStatus.CONFIRMED:
        raise ValidationError(_("Both parties confirmed this agreement: it is no longer changed."))
    _choice(kind, ItemKind, field="kind")
    if owner.process_id != process.pk or owner.withdrawn_at is not None:
        raise ValidationError({"owner": [_("Choose who does this among the participants.")]})
    if kind == ItemKind.RESTITUTION and not amount_cents:
        raise ValidationError({"amount_cents": [_("Say the amount to be paid.")]})
    item = AgreementItem.objects.create(
        agreement=agreement,
        kind=kind,
        description=_text(description, field="description", required=True),
        owner=owner,
        due_on=due_on,
        amount_cents=amount_cents,
    )
    _audit(action="agreement_item_added", actor=actor, process=process, reason=kind)
    return item


@transaction.atomic
def agreement_confirm(*, actor: User, process: RestorativeProcess, role: str) -> Agreement:
    """One party's voluntary confirmation of the agreement, as the facilitator records it.
    When both confirmed, the agreement is fixed."""
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    agreement = _agreement_stage(process)
    if not agreement.items.exists():
        raise ValidationError(_("Write down what is agreed first."))
    now = timezone.now()
    if role == ParticipantRole.PERSON_HARMED:
        agreement.harmed_confirmed_at = agreement.harmed_confirmed_at or now
    elif role == ParticipantRole.PERSON_CAUSED_HARM:
        agreement.caused_harm_confirmed_at = agreement.caused_harm_confirmed_at or now
    else:
        raise ValidationError({"role": [_("Only the two parties confirm the agreement.")]})
    if agreement.harmed_confirmed_at and agreement.caused_harm_confirmed_at:
        agreement.status = AgreementStatus.CONFIRMED
    agreement.save()
    _audit(action="agreement_confirmed", actor=actor, process=process, reason=role)
    return agreement


@transaction.atomic
def no_agreement_record(*, actor: User, process: RestorativeProcess) -> RestorativeProcess:
    """The dialogue ended without an agreement: a neutral outcome, never a fault."""
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    _open(process)
    if process.stage not in (Stage.DIALOGUE, Stage.AGREEMENT):
        raise ValidationError(_("“No agreement” is recorded after the dialogue."))
    agreement = getattr(process, "agreement", None)
    if agreement is not None and agreement.status == AgreementStatus.CONFIRMED:
        raise ValidationError(_("Both parties confirmed an agreement."))
    process.no_agreement_at = timezone.now()
    process.save(update_fields=["no_agreement_at"])
    _audit(action="no_agreement", actor=actor, process=process)
    return process


@transaction.atomic
def item_follow_up(
    *, actor: User, item: AgreementItem, outcome: str, payment_cents: int | None = None
) -> AgreementItem:
    process = item.agreement.process
    _facilitating(actor, process)
    process = _locked(process, expected_version=None)
    if process.stage != Stage.FOLLOW_UP or not process.is_open:
        raise ValidationError(_("Agreement items are followed up at the follow-up stage."))
    item.outcome = _choice(outcome, ItemOutcome, field="outcome")
    item.followed_up_at = timezone.now()
    if payment_cents:
        item.payments = [*item.payments, {"cents": payment_cents, "on": timezone.localdate().isoformat()}]
    item.save(update_fields=["outcome", "followed_up_at", "payments"])
    _audit(action="item_followed_up", actor=actor, process=process, reason=outcome)
    return item


# --- Confidential record, supervision, evaluation -------------------------------------


@transaction.atomic
def note_add(
    *, actor: User, process: RestorativeProcess, body: str, session: DialogueSession | None = None
) -> RestorativeNote:
    _facilitating(actor, process)
    if session is not None and session.process_id != process.pk:
        raise Http404
    note = RestorativeNote.objects.create(
        process=process, session=session, author=actor, body=_text(body, field="body", required=True)
    )
    _audit(action="note_added", actor=actor, process=process)
    return note


@transaction.atomic
def review_record(*, actor: User, process: RestorativeProcess, notes: str = "") -> SupervisionReview:
    """A supervisor's review of an open process (at least every 12 weeks)."""
    if not can_read_process(actor, process):
        raise Http404
    if not can_supervise_programme(actor, process.organisation_id):
        raise PermissionDenied
    if not process.is_open:
        raise ValidationError(_("This restorative process is closed: it needs no more reviews."))
    review = SupervisionReview.objects.create(
        process=process, reviewer=actor, notes=_text(notes, field="notes", required=False)
    )
    _audit(action="reviewed", actor=actor, process=process)
    return review


SCORES = range(1, 6)


@transaction.atomic
def evaluation_submit(
    *,
    participant: Participant,
    felt_safe: int,
    was_heard: int,
    sense_of_justice: int,
    satisfaction: int,
) -> Evaluation:
    """A participant's answers after closure, once, kept with their role only."""
    participant = Participant.objects.select_for_update(of=("self",)).select_related("process").get(pk=participant.pk)
    process = participant.process
    if process.is_open:
        raise ValidationError(_("The questionnaire opens when the process is closed."))
    if participant.has_evaluated:
        raise ValidationError(_("You already sent your answers. Thank you."))
    answers = {
        "felt_safe": felt_safe,
        "was_heard": was_heard,
        "sense_of_justice": sense_of_justice,
        "satisfaction": satisfaction,
    }
    wrong = {field: [_("Choose from 1 to 5.")] for field, value in answers.items() if value not in SCORES}
    if wrong:
        raise ValidationError(wrong)
    evaluation = Evaluation.objects.create(
        process=process, role=participant.role, language=participant.language, **answers
    )
    participant.has_evaluated = True
    participant.save(update_fields=["has_evaluated"])
    _audit(action="evaluated", actor=None, process=process)
    return evaluation


def process_halt_for_referral_end(*, referral: Referral) -> RestorativeProcess | None:
    """The case's referral ended (consent withdrawn, or revoked by its sender): the
    process it opened halts and its sessions are cancelled, in the same transaction."""
    process = RestorativeProcess.objects.select_for_update(of=("self",)).filter(case_referral=referral).first()
    if process is None or not process.is_open:
        return process
    now = timezone.now()
    _sessions_cancel(process, at=now)
    if process.halted_at is None:
        process.halted_at = now
        process.save(update_fields=["halted_at"])
    _audit(action="halted_by_referral_end", actor=None, process=process)
    return process
