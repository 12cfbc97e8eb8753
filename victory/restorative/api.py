"""The restorative programme's API (``/api/v1/restorative/processes`` and sub-paths).

Thin, like the pages: each operation parses its input, calls the one service of
``services.py`` that does the write (which checks the rule and the safeguards) and shapes
the answer. A process outside the caller's sight is 404 (``visible_to``); one they see but
may not act on is 403. An action the safeguards refuse answers 409 with
``{"missing_safeguards": [codes], "detail": ...}`` (``victory/api.py``); bad input 422.

Confidentiality (Art. 12(1)(e)): no answer carries a restorative note, the words of the
acknowledgement of the facts or a preparation meeting's notes, except ``GET .../notes``
for the process's facilitators; no answer carries a participant's contact details.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from victory.accounts.api import BearerToken
from victory.accounts.http import ProfessionalRequest
from victory.accounts.models import Organisation, User
from victory.reports.api import ErrorOut, ValidationErrorOut

from . import ics, permissions, safeguards, selectors, services
from .models import (
    Agreement,
    AgreementItem,
    AgreementStatus,
    CloseReason,
    ConsentMethod,
    DialogueFormat,
    DialogueSession,
    ItemKind,
    ItemOutcome,
    Participant,
    ParticipantRole,
    ReferralDecision,
    ReferralSource,
    RestorativeNote,
    RestorativeProcess,
    RiskFactor,
    RiskLevel,
    SessionStatus,
    Stage,
    SuitabilityAssessment,
    SupervisionReview,
)
from .safeguards import Safeguard

router = Router(auth=BearerToken(), tags=["restorative"])

if TYPE_CHECKING:
    ParticipantConsentMethod = str
    AssessedRiskLevel = str
else:
    # Inline: the cases API already documents its own ``ConsentMethod`` and ``RiskLevel``,
    # and two schemas cannot share a name.
    ParticipantConsentMethod = Literal[tuple(ConsentMethod.values)]
    AssessedRiskLevel = Literal[tuple(RiskLevel.values)]


class RestorativeApiRequest(ProfessionalRequest):
    """A request past the professional bearer token: ``auth`` is the token's user."""

    auth: User


# --- Answers --------------------------------------------------------------------------


class MissingSafeguardsOut(Schema):
    detail: str = Field(..., description="Each missing safeguard in a sentence, in the caller's language.")
    missing_safeguards: list[Safeguard] = Field(..., description="The code of each safeguard that does not hold.")


class RefOut(Schema):
    id: int
    name: str


class ParticipantInformationOut(Schema):
    sheet_version: str
    language: str
    given_at: datetime


class ParticipantConsentOut(Schema):
    method: ParticipantConsentMethod
    guardian_id: int | None = Field(..., description="For a child: the parent or guardian who consented too.")
    given_at: datetime
    withdrawn_at: datetime | None


class ParticipantOut(Schema):
    """A participant, without contact details; their safeguard records as facts (when,
    which version), never the acknowledgement's words or the preparation notes."""

    id: int
    role: ParticipantRole
    full_name: str
    language: str
    interpreter_needed: bool
    accessibility_needs: str
    is_minor: bool
    supports_id: int | None = Field(..., description="For a supporter or guardian: whom they stand beside.")
    withdrawn_at: datetime | None
    added_at: datetime
    information: list[ParticipantInformationOut] = Field(..., description="Each time they were given the sheet.")
    consents: list[ParticipantConsentOut]
    acknowledged_at: datetime | None = Field(
        ..., description="When the person who caused harm acknowledged the basic facts (their words stay private)."
    )
    prepared_on: list[date] = Field(..., description="The dates of their separate preparation meetings.")


class SuitabilityAssessmentOut(Schema):
    id: int
    stage: Stage
    risk_level: AssessedRiskLevel
    risk_factors: list[RiskFactor]
    suitable: bool
    reasoning: str
    performed_by: RefOut | None
    performed_at: datetime


class ProcessOut(Schema):
    """A process as listed: its stage and who works it, nothing of what is said in it."""

    reference: str
    organisation: RefOut = Field(..., description="The restorative-justice service that runs it.")
    source: ReferralSource
    referred_by: RefOut
    referred_at: datetime
    decision: ReferralDecision
    stage: Stage
    dialogue_format: DialogueFormat | None
    facilitator: RefOut | None
    co_facilitator: RefOut | None
    halted_at: datetime | None = Field(..., description="Set when a participant withdrew: the process stopped.")
    close_reason: CloseReason | None
    closed_at: datetime | None
    version: int = Field(..., description="Send it back with a stage action, so a stale one is refused (409).")


class ProcessDetailOut(ProcessOut):
    victim_interest: str = Field(..., description="The person harmed's interest, as the referrer recorded it.")
    referral_note: str
    decision_note: str
    stage_changed_at: datetime
    circumstances_changed_at: datetime | None
    no_agreement_at: datetime | None
    missing_safeguards: list[Safeguard] = Field(
        ..., description="What must still hold before the process can move to its next stage."
    )
    you_facilitate: bool = Field(..., description="Whether the caller facilitates it (and reads its notes).")
    you_supervise: bool
    participants: list[ParticipantOut]
    assessments: list[SuitabilityAssessmentOut]


class InvitationOut(Schema):
    participant_id: int
    withdrawn_at: datetime | None
    attended: bool | None


class DialogueSessionOut(Schema):
    id: int
    status: SessionStatus
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    remote: bool
    place: str = Field(..., description="The place, or the link of a remote session.")
    interpreter_language: str
    cancelled_at: datetime | None
    sequence: int = Field(..., description="The calendar revision (RFC 5545 SEQUENCE).")
    invitations: list[InvitationOut]


class AgreementItemOut(Schema):
    id: int
    kind: ItemKind
    description: str
    owner_id: int = Field(..., description="The participant who does it.")
    due_on: date | None
    amount_cents: int | None
    paid_cents: int = Field(..., description="What was paid so far, for a restitution.")
    outcome: ItemOutcome
    followed_up_at: datetime | None


class AgreementOut(Schema):
    status: AgreementStatus
    harmed_confirmed_at: datetime | None
    caused_harm_confirmed_at: datetime | None
    created_at: datetime
    items: list[AgreementItemOut]


class RestorativeNoteOut(Schema):
    id: int
    body: str
    session_id: int | None
    author: RefOut | None
    created_at: datetime


class SupervisionReviewOut(Schema):
    id: int
    reviewer: RefOut | None
    notes: str
    reviewed_at: datetime


# --- Input ----------------------------------------------------------------------------


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ProcessReferIn(_In):
    referrer_id: int = Field(..., description="The police force, prosecution service or court referring it.")
    service_id: int = Field(..., description="The restorative-justice service.")
    note: str = Field(..., description="Why it is referred. Required.")
    victim_interest: str = ""


class ProcessVersionIn(_In):
    version: int | None = Field(None, description="The process's `version` as read: a stale one answers 409.")


class ProcessAcceptIn(ProcessVersionIn):
    facilitator_id: int
    co_facilitator_id: int | None = None


class ProcessDeclineIn(ProcessVersionIn):
    reason: str


class ProcessCloseIn(ProcessVersionIn):
    reason: CloseReason


class DialogueFormatIn(ProcessVersionIn):
    dialogue_format: DialogueFormat


class WithdrawIn(_In):
    participant_id: int


class ParticipantIn(_In):
    role: ParticipantRole
    full_name: str
    language: str
    contact: dict[str, str] | None = Field(None, description='E.g. `{"email": ..., "phone": ...}`; never read back.')
    interpreter_needed: bool = False
    accessibility_needs: str = ""
    is_minor: bool = False
    supports_id: int | None = None
    linked_staff_ids: list[int] = Field(default_factory=list, description="Staff the participant knows personally.")


class InformationIn(_In):
    language: str
    sheet_version: str = ""


class ParticipantConsentIn(_In):
    method: ParticipantConsentMethod
    guardian_id: int | None = None


class AcknowledgementIn(_In):
    statement: str = Field(..., description="What they acknowledged, in their words: kept for the facilitators.")


class PreparationIn(_In):
    held_on: date
    notes: str = Field("", description="Kept for the facilitators, never read back here.")


class CircumstancesIn(_In):
    note: str = Field("", description="What changed: a restorative note, for the facilitators.")


class SuitabilityAssessmentIn(_In):
    risk_level: AssessedRiskLevel
    suitable: bool
    reasoning: str
    risk_factors: list[RiskFactor] = Field(default_factory=list)


class DialogueSessionIn(_In):
    starts_at: datetime
    ends_at: datetime
    place: str
    participant_ids: list[int]
    time_zone: str = "Europe/Brussels"
    remote: bool = False
    interpreter_language: str = ""


class SessionHeldIn(_In):
    attended_ids: list[int] = Field(..., description="The invited participants who came.")


class AgreementItemIn(_In):
    kind: ItemKind
    description: str
    owner_id: int
    due_on: date | None = None
    amount_cents: int | None = None


class AgreementConfirmIn(_In):
    role: Literal["person_harmed", "person_caused_harm"]


class ItemFollowUpIn(_In):
    outcome: ItemOutcome
    payment_cents: int | None = None


class RestorativeNoteIn(_In):
    body: str
    session_id: int | None = None


class SupervisionReviewIn(_In):
    notes: str = ""


# --- Shaping answers -------------------------------------------------------------------


def _ref(obj: Organisation | User | None) -> RefOut | None:
    if obj is None:
        return None
    if isinstance(obj, User):
        return RefOut(id=obj.pk, name=str(obj.full_name or obj.email))
    return RefOut(id=obj.pk, name=obj.name)


def _row(process: RestorativeProcess) -> ProcessOut:
    return ProcessOut(**_row_fields(process))


def _row_fields(process: RestorativeProcess) -> dict[str, Any]:
    return {
        "reference": process.reference,
        "organisation": _ref(process.organisation),
        "source": process.source,
        "referred_by": _ref(process.referred_by),
        "referred_at": process.referred_at,
        "decision": process.decision,
        "stage": process.stage,
        "dialogue_format": process.dialogue_format or None,
        "facilitator": _ref(process.facilitator),
        "co_facilitator": _ref(process.co_facilitator),
        "halted_at": process.halted_at,
        "close_reason": process.close_reason or None,
        "closed_at": process.closed_at,
        "version": process.version,
    }


def _participant(participant: Participant) -> ParticipantOut:
    acknowledgement = participant.acknowledgements.order_by("-recorded_at").first()
    return ParticipantOut(
        id=participant.pk,
        role=ParticipantRole(participant.role),
        full_name=participant.full_name,
        language=participant.language,
        interpreter_needed=participant.interpreter_needed,
        accessibility_needs=participant.accessibility_needs,
        is_minor=participant.is_minor,
        supports_id=participant.supports_id,
        withdrawn_at=participant.withdrawn_at,
        added_at=participant.added_at,
        information=[
            ParticipantInformationOut(sheet_version=i.sheet_version, language=i.language, given_at=i.given_at)
            for i in participant.information.all()
        ],
        consents=[
            ParticipantConsentOut(
                method=c.method, guardian_id=c.guardian_id, given_at=c.given_at, withdrawn_at=c.withdrawn_at
            )
            for c in participant.consents.all()
        ],
        acknowledged_at=acknowledgement.recorded_at if acknowledgement else None,
        prepared_on=[p.held_on for p in participant.preparations.all()],
    )


def _assessment(assessment: SuitabilityAssessment) -> SuitabilityAssessmentOut:
    return SuitabilityAssessmentOut(
        id=assessment.pk,
        stage=Stage(assessment.stage),
        risk_level=assessment.risk_level,
        risk_factors=[RiskFactor(code) for code in assessment.risk_factors],
        suitable=assessment.suitable,
        reasoning=assessment.reasoning,
        performed_by=_ref(assessment.performed_by),
        performed_at=assessment.performed_at,
    )


def _detail(user: User, process: RestorativeProcess) -> ProcessDetailOut:
    process = RestorativeProcess.objects.select_related(
        "organisation", "referred_by", "facilitator", "co_facilitator"
    ).get(pk=process.pk)
    participants = process.participants.prefetch_related("information", "consents", "preparations")
    return ProcessDetailOut(
        **_row_fields(process),
        victim_interest=process.victim_interest,
        referral_note=process.referral_note,
        decision_note=process.decision_note,
        stage_changed_at=process.stage_changed_at,
        circumstances_changed_at=process.circumstances_changed_at,
        no_agreement_at=process.no_agreement_at,
        missing_safeguards=safeguards.missing_for(process, safeguards.Action.ADVANCE),
        you_facilitate=permissions.can_facilitate(user, process),
        you_supervise=permissions.can_supervise_programme(user, process.organisation_id),
        participants=[_participant(p) for p in participants],
        assessments=[_assessment(a) for a in process.assessments.select_related("performed_by")],
    )


def _session(session: DialogueSession) -> DialogueSessionOut:
    return DialogueSessionOut(
        id=session.pk,
        status=SessionStatus(session.status),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        time_zone=session.time_zone,
        remote=session.remote,
        place=session.place,
        interpreter_language=session.interpreter_language,
        cancelled_at=session.cancelled_at,
        sequence=session.sequence,
        invitations=[
            InvitationOut(participant_id=i.participant_id, withdrawn_at=i.withdrawn_at, attended=i.attended)
            for i in session.invitations.order_by("pk")
        ],
    )


def _agreement(agreement: Agreement) -> AgreementOut:
    def item(row: AgreementItem) -> AgreementItemOut:
        return AgreementItemOut(
            id=row.pk,
            kind=ItemKind(row.kind),
            description=row.description,
            owner_id=row.owner_id,
            due_on=row.due_on,
            amount_cents=row.amount_cents,
            paid_cents=sum(int(payment.get("cents", 0)) for payment in row.payments or []),
            outcome=ItemOutcome(row.outcome),
            followed_up_at=row.followed_up_at,
        )

    return AgreementOut(
        status=AgreementStatus(agreement.status),
        harmed_confirmed_at=agreement.harmed_confirmed_at,
        caused_harm_confirmed_at=agreement.caused_harm_confirmed_at,
        created_at=agreement.created_at,
        items=[item(row) for row in agreement.items.all()],
    )


def _note(note: RestorativeNote) -> RestorativeNoteOut:
    return RestorativeNoteOut(
        id=note.pk, body=note.body, session_id=note.session_id, author=_ref(note.author), created_at=note.created_at
    )


def _review(review: SupervisionReview) -> SupervisionReviewOut:
    return SupervisionReviewOut(
        id=review.pk, reviewer=_ref(review.reviewer), notes=review.notes, reviewed_at=review.reviewed_at
    )


# --- Looking up ------------------------------------------------------------------------


def _visible(request: RestorativeApiRequest, reference: str) -> RestorativeProcess:
    """The process, if the caller sees it; else 404, whether it exists or not."""
    process = RestorativeProcess.objects.visible_to(request.auth).filter(reference=reference).first()
    if process is None:
        raise Http404
    return process


def _read(request: RestorativeApiRequest, reference: str, what: str) -> RestorativeProcess:
    """As ``_visible``, written to the audit log as a read."""
    return selectors.process_get(user=request.auth, reference=reference, what=f"api:{what}")


def _participant_of(process: RestorativeProcess, participant_id: int | None) -> Participant:
    participant = process.participants.filter(pk=participant_id).first() if participant_id is not None else None
    if participant is None:
        raise Http404
    return participant


def _session_of(process: RestorativeProcess, session_id: int) -> DialogueSession:
    session = process.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def _participants_named(process: RestorativeProcess, ids: list[int], field: str) -> list[Participant]:
    found = list(process.participants.filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationError({field: [_("Choose among this process's participants.")]})
    return found


def _user(pk: int | None, field: str) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise ValidationError({field: [_("Choose someone who works on the platform.")]})
    return user


def _organisation(pk: int, field: str) -> Organisation:
    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise ValidationError({field: [_("Choose an organisation that is on the platform.")]})
    return organisation


def _forbidden_is_403[View: Callable[..., Any]](view: View) -> View:
    """A process the caller sees but may not act on this way (a supervisor writing a
    facilitator's record, a facilitator answering a referral): 403, as the cases API."""

    @functools.wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except PermissionDenied:
            return Status(403, ErrorOut(detail=_("Your role in this restorative service does not allow this.")))

    return cast(View, run)


# Every action on a process can be refused: not found, not allowed, a safeguard missing
# (or a stale version), bad input.
ACTION: dict[int, Any] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: MissingSafeguardsOut | ErrorOut,
    422: ValidationErrorOut,
}
READ: dict[int, Any] = {401: ErrorOut, 404: ErrorOut}


# --- Processes -------------------------------------------------------------------------


@router.get("/processes", response={200: list[ProcessOut], **READ}, summary="The restorative processes I see")
def process_list(request: RestorativeApiRequest) -> list[ProcessOut]:
    """A supervisor of a restorative service: all of its processes; a facilitator: the
    referrals waiting for an answer and the processes they facilitate. Waiting referrals
    first, then newest first (200 at most)."""
    return [_row(process) for process in selectors.process_list(user=request.auth)]


@router.post("/processes", response={201: ProcessOut, **ACTION}, summary="Refer a case from a justice organisation")
@_forbidden_is_403
def process_refer(request: RestorativeApiRequest, payload: ProcessReferIn) -> Status[ProcessOut]:
    """By a member of a police force, prosecution service or court (`referrer_id`; else
    403), to a restorative-justice service. The referrer does not read the process
    afterwards: the answer is the service's."""
    process = services.process_refer_from_justice(
        actor=request.auth,
        referrer=_organisation(payload.referrer_id, "referrer"),
        service=_organisation(payload.service_id, "service"),
        note=payload.note,
        victim_interest=payload.victim_interest,
    )
    return Status(201, _row(process))


@router.get("/processes/{reference}", response={200: ProcessDetailOut, **READ}, summary="A restorative process")
def process_detail(request: RestorativeApiRequest, reference: str) -> ProcessDetailOut:
    """Its stage, participants, safeguard records as facts and what is still missing to
    move on. Audited as a read."""
    return _detail(request.auth, _read(request, reference, "process"))


@router.post("/processes/{reference}/accept", response={200: ProcessDetailOut, **ACTION}, summary="Accept a referral")
@_forbidden_is_403
def process_accept(request: RestorativeApiRequest, reference: str, payload: ProcessAcceptIn) -> ProcessDetailOut:
    """A supervisor of the service, naming an impartial facilitator (a conflict is 422,
    naming each reason); the process moves to its suitability and risk assessment."""
    facilitator = _user(payload.facilitator_id, "facilitator")
    assert facilitator is not None  # noqa: S101 (the schema requires it)
    process = services.process_accept(
        actor=request.auth,
        process=_visible(request, reference),
        facilitator=facilitator,
        co_facilitator=_user(payload.co_facilitator_id, "co_facilitator"),
        expected_version=payload.version,
    )
    return _detail(request.auth, process)


@router.post("/processes/{reference}/decline", response={200: ProcessDetailOut, **ACTION}, summary="Decline a referral")
@_forbidden_is_403
def process_decline(request: RestorativeApiRequest, reference: str, payload: ProcessDeclineIn) -> ProcessDetailOut:
    process = services.process_decline(
        actor=request.auth,
        process=_visible(request, reference),
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request.auth, process)


@router.post(
    "/processes/{reference}/advance", response={200: ProcessDetailOut, **ACTION}, summary="Move to the next stage"
)
@_forbidden_is_403
def process_advance(request: RestorativeApiRequest, reference: str, payload: ProcessVersionIn) -> ProcessDetailOut:
    """Only while every safeguard the next stage needs holds: otherwise 409 naming each."""
    process = services.process_advance(
        actor=request.auth, process=_visible(request, reference), expected_version=payload.version
    )
    return _detail(request.auth, process)


@router.post(
    "/processes/{reference}/close", response={200: ProcessDetailOut, **ACTION}, summary="Close, with a neutral reason"
)
@_forbidden_is_403
def process_close(request: RestorativeApiRequest, reference: str, payload: ProcessCloseIn) -> ProcessDetailOut:
    """Scheduled sessions are cancelled. `completed` only after the follow-up."""
    process = services.process_close(
        actor=request.auth,
        process=_visible(request, reference),
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _detail(request.auth, process)


@router.post(
    "/processes/{reference}/format", response={200: ProcessDetailOut, **ACTION}, summary="Choose the dialogue format"
)
@_forbidden_is_403
def process_format(request: RestorativeApiRequest, reference: str, payload: DialogueFormatIn) -> ProcessDetailOut:
    process = services.format_choose(
        actor=request.auth,
        process=_visible(request, reference),
        dialogue_format=payload.dialogue_format,
        expected_version=payload.version,
    )
    return _detail(request.auth, process)


@router.post(
    "/processes/{reference}/withdraw",
    response={200: ProcessDetailOut, **ACTION},
    summary="Record a participant's withdrawal",
)
@_forbidden_is_403
def process_withdraw(request: RestorativeApiRequest, reference: str, payload: WithdrawIn) -> ProcessDetailOut:
    """A party's (or a child's) withdrawal halts the process at once and cancels its
    scheduled sessions. Recorded as a fact, never held against anyone."""
    process = _visible(request, reference)
    process = services.participant_withdraw(
        actor=request.auth, participant=_participant_of(process, payload.participant_id)
    )
    return _detail(request.auth, process)


@router.post(
    "/processes/{reference}/assessments",
    response={201: SuitabilityAssessmentOut, **ACTION},
    summary="Record a suitability and risk assessment",
)
@_forbidden_is_403
def assessment_create(
    request: RestorativeApiRequest, reference: str, payload: SuitabilityAssessmentIn
) -> Status[SuitabilityAssessmentOut]:
    """At the process's present stage; redo it at each stage and after a change in a
    party's circumstances."""
    assessment = services.assessment_record(
        actor=request.auth,
        process=_visible(request, reference),
        risk_level=payload.risk_level,
        suitable=payload.suitable,
        reasoning=payload.reasoning,
        risk_factors=[str(code) for code in payload.risk_factors],
    )
    return Status(201, _assessment(assessment))


# --- Participants ----------------------------------------------------------------------


@router.get(
    "/processes/{reference}/participants", response={200: list[ParticipantOut], **READ}, summary="The participants"
)
def participant_list(request: RestorativeApiRequest, reference: str) -> list[ParticipantOut]:
    """Without contact details. Audited as a read."""
    process = _read(request, reference, "participants")
    return [_participant(p) for p in process.participants.prefetch_related("information", "consents", "preparations")]


@router.post(
    "/processes/{reference}/participants", response={201: ParticipantOut, **ACTION}, summary="Add a participant"
)
@_forbidden_is_403
def participant_create(
    request: RestorativeApiRequest, reference: str, payload: ParticipantIn
) -> Status[ParticipantOut]:
    process = _visible(request, reference)
    supports = _participant_of(process, payload.supports_id) if payload.supports_id is not None else None
    linked = list(User.objects.filter(pk__in=payload.linked_staff_ids))
    if len(linked) != len(set(payload.linked_staff_ids)):
        raise ValidationError({"linked_staff": [_("Choose someone who works on the platform.")]})
    participant = services.participant_add(
        actor=request.auth,
        process=process,
        role=payload.role,
        full_name=payload.full_name,
        language=payload.language,
        contact=payload.contact,
        interpreter_needed=payload.interpreter_needed,
        accessibility_needs=payload.accessibility_needs,
        is_minor=payload.is_minor,
        supports=supports,
        linked_staff=linked,
    )
    return Status(201, _participant(participant))


def _participant_action(
    request: RestorativeApiRequest, reference: str, participant_id: int, record: Callable[[Participant], object]
) -> Status[ParticipantOut]:
    participant = _participant_of(_visible(request, reference), participant_id)
    record(participant)
    return Status(201, _participant(Participant.objects.get(pk=participant.pk)))


@router.post(
    "/processes/{reference}/participants/{participant_id}/information",
    response={201: ParticipantOut, **ACTION},
    summary="Record that the information sheet was given",
)
@_forbidden_is_403
def participant_information(
    request: RestorativeApiRequest, reference: str, participant_id: int, payload: InformationIn
) -> Status[ParticipantOut]:
    """Which version (the current one if not said), in which language."""
    return _participant_action(
        request,
        reference,
        participant_id,
        lambda p: services.information_record(
            actor=request.auth, participant=p, language=payload.language, sheet_version=payload.sheet_version
        ),
    )


@router.post(
    "/processes/{reference}/participants/{participant_id}/consent",
    response={201: ParticipantOut, **ACTION},
    summary="Record written consent to take part",
)
@_forbidden_is_403
def participant_consent(
    request: RestorativeApiRequest, reference: str, participant_id: int, payload: ParticipantConsentIn
) -> Status[ParticipantOut]:
    """After the information sheet (else 422); a child's names their parent or guardian."""

    def record(participant: Participant) -> object:
        guardian = (
            _participant_of(participant.process, payload.guardian_id) if payload.guardian_id is not None else None
        )
        return services.consent_record(
            actor=request.auth, participant=participant, method=payload.method, guardian=guardian
        )

    return _participant_action(request, reference, participant_id, record)


@router.post(
    "/processes/{reference}/participants/{participant_id}/acknowledgement",
    response={201: ParticipantOut, **ACTION},
    summary="Record the acknowledgement of the basic facts",
)
@_forbidden_is_403
def participant_acknowledgement(
    request: RestorativeApiRequest, reference: str, participant_id: int, payload: AcknowledgementIn
) -> Status[ParticipantOut]:
    """By the person who caused harm. Their words are kept and never read back here."""
    return _participant_action(
        request,
        reference,
        participant_id,
        lambda p: services.acknowledgement_record(actor=request.auth, participant=p, statement=payload.statement),
    )


@router.post(
    "/processes/{reference}/participants/{participant_id}/preparation",
    response={201: ParticipantOut, **ACTION},
    summary="Record a separate preparation meeting",
)
@_forbidden_is_403
def participant_preparation(
    request: RestorativeApiRequest, reference: str, participant_id: int, payload: PreparationIn
) -> Status[ParticipantOut]:
    return _participant_action(
        request,
        reference,
        participant_id,
        lambda p: services.preparation_record(
            actor=request.auth, participant=p, held_on=payload.held_on, notes=payload.notes
        ),
    )


@router.post(
    "/processes/{reference}/participants/{participant_id}/circumstances",
    response={201: ParticipantOut, **ACTION},
    summary="Record a change in a participant's circumstances",
)
@_forbidden_is_403
def participant_circumstances(
    request: RestorativeApiRequest, reference: str, participant_id: int, payload: CircumstancesIn
) -> Status[ParticipantOut]:
    """The risk assessment must then be redone before anything the safeguards guard."""
    return _participant_action(
        request,
        reference,
        participant_id,
        lambda p: services.circumstances_changed(actor=request.auth, participant=p, note=payload.note),
    )


# --- Sessions --------------------------------------------------------------------------


@router.get("/processes/{reference}/sessions", response={200: list[DialogueSessionOut], **READ}, summary="The sessions")
def session_list(request: RestorativeApiRequest, reference: str) -> list[DialogueSessionOut]:
    process = _read(request, reference, "sessions")
    return [_session(session) for session in process.sessions.all()]


@router.post(
    "/processes/{reference}/sessions", response={201: DialogueSessionOut, **ACTION}, summary="Schedule a session"
)
@_forbidden_is_403
def session_create(
    request: RestorativeApiRequest, reference: str, payload: DialogueSessionIn
) -> Status[DialogueSessionOut]:
    """Only while every safeguard holds (else 409 naming each), from the dialogue stage."""
    process = _visible(request, reference)
    session = services.session_schedule(
        actor=request.auth,
        process=process,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        place=payload.place,
        participants=_participants_named(process, payload.participant_ids, "participants"),
        time_zone=payload.time_zone,
        remote=payload.remote,
        interpreter_language=payload.interpreter_language,
    )
    return Status(201, _session(session))


@router.post(
    "/processes/{reference}/sessions/{session_id}/cancel",
    response={200: DialogueSessionOut, **ACTION},
    summary="Cancel a session",
)
@_forbidden_is_403
def session_cancel(request: RestorativeApiRequest, reference: str, session_id: int) -> DialogueSessionOut:
    """Its invitations become cancellations (`METHOD:CANCEL`)."""
    session = services.session_cancel(actor=request.auth, session=_session_of(_visible(request, reference), session_id))
    return _session(session)


@router.post(
    "/processes/{reference}/sessions/{session_id}/held",
    response={200: DialogueSessionOut, **ACTION},
    summary="Record that a session was held",
)
@_forbidden_is_403
def session_held(
    request: RestorativeApiRequest, reference: str, session_id: int, payload: SessionHeldIn
) -> DialogueSessionOut:
    process = _visible(request, reference)
    session = services.session_held(
        actor=request.auth,
        session=_session_of(process, session_id),
        attended=_participants_named(process, payload.attended_ids, "attended"),
    )
    return _session(session)


@router.get(
    "/processes/{reference}/sessions/{session_id}/invitations/{participant_id}.ics",
    response=READ,
    summary="A participant's calendar invitation",
    openapi_extra={
        "responses": {
            200: {
                "description": "The invitation (RFC 5545), or its cancellation (`METHOD:CANCEL`), in the "
                "participant's language.",
                "content": {"text/calendar": {"schema": {"type": "string"}}},
            }
        }
    },
)
def session_invitation(
    request: RestorativeApiRequest, reference: str, session_id: int, participant_id: int
) -> HttpResponse:
    """For the process's facilitators (anyone else: 404, as the page)."""
    process = _read(request, reference, "invitation")
    if not permissions.can_facilitate(request.auth, process):
        raise Http404
    session = _session_of(process, session_id)
    participant = _participant_of(process, participant_id)
    if not session.invitations.filter(participant=participant).exists():
        raise Http404
    response = HttpResponse(
        ics.invitation(session=session, participant=participant), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{process.reference}-{session.pk}-{participant.pk}.ics"'
    return response


# --- Agreement -------------------------------------------------------------------------


def _agreement_of(process: RestorativeProcess) -> Agreement:
    agreement = Agreement.objects.filter(process=process).first()
    if agreement is None:
        raise Http404
    return agreement


@router.get("/processes/{reference}/agreement", response={200: AgreementOut, **READ}, summary="The agreement")
def agreement_detail(request: RestorativeApiRequest, reference: str) -> AgreementOut:
    """404 until the first item is written down."""
    return _agreement(_agreement_of(_read(request, reference, "agreement")))


@router.post(
    "/processes/{reference}/agreement/items", response={201: AgreementOut, **ACTION}, summary="Add an agreement item"
)
@_forbidden_is_403
def agreement_item_create(
    request: RestorativeApiRequest, reference: str, payload: AgreementItemIn
) -> Status[AgreementOut]:
    """At the agreement stage, every safeguard holding; until both parties confirm."""
    process = _visible(request, reference)
    owner = process.participants.filter(pk=payload.owner_id).first()
    if owner is None:
        raise ValidationError({"owner": [_("Choose who does this among the participants.")]})
    item = services.agreement_item_add(
        actor=request.auth,
        process=process,
        kind=payload.kind,
        description=payload.description,
        owner=owner,
        due_on=payload.due_on,
        amount_cents=payload.amount_cents,
    )
    return Status(201, _agreement(item.agreement))


@router.post(
    "/processes/{reference}/agreement/confirm",
    response={200: AgreementOut, **ACTION},
    summary="Record a party's voluntary confirmation",
)
@_forbidden_is_403
def agreement_confirm(request: RestorativeApiRequest, reference: str, payload: AgreementConfirmIn) -> AgreementOut:
    """When both parties confirmed, the agreement is fixed."""
    agreement = services.agreement_confirm(actor=request.auth, process=_visible(request, reference), role=payload.role)
    return _agreement(agreement)


@router.post(
    "/processes/{reference}/no-agreement",
    response={200: ProcessDetailOut, **ACTION},
    summary="Record that the dialogue ended without an agreement",
)
@_forbidden_is_403
def agreement_none(request: RestorativeApiRequest, reference: str) -> ProcessDetailOut:
    """A neutral outcome, never a fault of anyone's."""
    process = services.no_agreement_record(actor=request.auth, process=_visible(request, reference))
    return _detail(request.auth, process)


@router.post(
    "/processes/{reference}/agreement/items/{item_id}/follow-up",
    response={200: AgreementOut, **ACTION},
    summary="Follow up an agreement item",
)
@_forbidden_is_403
def agreement_item_follow_up(
    request: RestorativeApiRequest, reference: str, item_id: int, payload: ItemFollowUpIn
) -> AgreementOut:
    """Done, partly done or not done, recorded neutrally; a restitution's payment."""
    agreement = _agreement_of(_visible(request, reference))
    item = agreement.items.filter(pk=item_id).first()
    if item is None:
        raise Http404
    services.item_follow_up(actor=request.auth, item=item, outcome=payload.outcome, payment_cents=payload.payment_cents)
    return _agreement(agreement)


# --- Confidential record and supervision -----------------------------------------------


@router.get(
    "/processes/{reference}/notes",
    response={200: list[RestorativeNoteOut], 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The restorative notes (facilitators only)",
)
def note_list(request: RestorativeApiRequest, reference: str) -> list[RestorativeNoteOut] | Status[ErrorOut]:
    """What is said in the process: for its facilitators only. A supervisor of the
    service sees the process but gets 403 here. Audited as a read."""
    process = _visible(request, reference)
    if not permissions.can_facilitate(request.auth, process):
        return Status(403, ErrorOut(detail=_("Only the process's facilitators read its restorative notes.")))
    process = selectors.process_get(user=request.auth, pk=process.pk, what="api:notes")
    return [_note(note) for note in process.notes.select_related("author")]


@router.post(
    "/processes/{reference}/notes", response={201: RestorativeNoteOut, **ACTION}, summary="Write a restorative note"
)
@_forbidden_is_403
def note_create(
    request: RestorativeApiRequest, reference: str, payload: RestorativeNoteIn
) -> Status[RestorativeNoteOut]:
    process = _visible(request, reference)
    session = _session_of(process, payload.session_id) if payload.session_id is not None else None
    note = services.note_add(actor=request.auth, process=process, body=payload.body, session=session)
    return Status(201, _note(note))


@router.post(
    "/processes/{reference}/reviews",
    response={201: SupervisionReviewOut, **ACTION},
    summary="Record a supervision review",
)
@_forbidden_is_403
def review_create(
    request: RestorativeApiRequest, reference: str, payload: SupervisionReviewIn
) -> Status[SupervisionReviewOut]:
    """By a supervisor of the service, for an open process (at least every 12 weeks)."""
    review = services.review_record(actor=request.auth, process=_visible(request, reference), notes=payload.notes)
    return Status(201, _review(review))
