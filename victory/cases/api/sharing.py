"""API operations for consents and referrals (see views/sharing.py for the pages).

Scoped exactly like the pages: a case outside the caller's scope, or a referral not
sent to one of their organisations, is 404. A referral refused at the consent gate is
409 with ``missing_consents``; a stale ``version`` is 409; bad input 422."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal

from django.http import Http404
from ninja import Field, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from victory.accounts.models import Organisation
from victory.reports.api import ErrorOut, ValidationErrorOut

from ..models import (
    CaseSection,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    ConsentStatus,
    Referral,
    ReferralPurpose,
    ReferralStatus,
)
from ..selectors import sharing as selectors
from ..selectors.common import case_get
from ..services import consent as consent_services
from ..services import referral as referral_services
from ..services.common import case_read
from .base import CaseApiRequest, router

if TYPE_CHECKING:
    CaseConsentPurpose = str
else:
    # The case's consent purposes, inline: the reports API already documents its own
    # ``ConsentPurpose`` (a report's), and two schemas cannot share that name.
    CaseConsentPurpose = Literal[tuple(ConsentPurpose.values)]


class MissingConsentOut(Schema):
    purpose: CaseConsentPurpose
    recipient_id: int
    section: CaseSection


class MissingConsentsOut(Schema):
    detail: str = Field(..., description="What is missing, in a sentence in the caller's language.")
    missing_consents: list[MissingConsentOut]


class ConsentOut(Schema):
    id: int
    purpose: CaseConsentPurpose
    data_categories: list[CaseSection]
    recipient_id: int | None
    recipient: str | None = Field(..., description="The recipient organisation's name.")
    given_by: ConsentGiver
    method: ConsentMethod
    status: ConsentStatus
    valid_until: date | None
    replaces_id: int | None
    requested_at: datetime | None
    given_at: datetime | None
    refused_at: datetime | None
    withdrawn_at: datetime | None
    expired_at: datetime | None


class ConsentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    purpose: CaseConsentPurpose
    data_categories: list[CaseSection]
    recipient_id: int | None = None
    status: Literal["given", "requested"] = Field(
        "given",
        description="`given`: record a consent the person gave; `requested`: ask the person, who answers in "
        "their inbox.",
    )
    given_by: ConsentGiver = ConsentGiver.PERSON
    method: ConsentMethod = ConsentMethod.IN_PERSON
    valid_until: date | None = None
    note: str = ""


class ReferralOut(Schema):
    reference: str
    case_reference: str | None = Field(..., description="The sender's case: only for the sending side.")
    sender: str
    recipient_id: int
    recipient: str
    purpose: ReferralPurpose
    sections: list[CaseSection]
    status: ReferralStatus
    vital_interest: bool
    review_needed: bool
    version: int
    sent_at: datetime
    answered_at: datetime | None
    revoked_at: datetime | None
    revoked_by_withdrawal: bool
    in_force: bool = Field(..., description="Whether the recipient may read the shared content now.")
    snapshot: dict[str, Any] | None = Field(
        None, description="The shared content, for the recipient while the referral is in force; else null."
    )


class ReferralIn(Schema):
    model_config = ConfigDict(extra="forbid")

    recipient_id: int
    purpose: ReferralPurpose
    sections: list[CaseSection]
    message: str = ""


class VersionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(..., description="The referral's `version` as last read: a stale one answers 409.")


class ReasonIn(VersionIn):
    reason: str


class NoteIn(VersionIn):
    note: str = ""


class RevokeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    reason: str
    version: int | None = None


def _consent_out(consent: ConsentRecord) -> ConsentOut:
    return ConsentOut(
        id=consent.pk,
        purpose=consent.purpose,
        data_categories=[CaseSection(code) for code in consent.data_categories],
        recipient_id=consent.recipient_id,
        recipient=consent.recipient.name if consent.recipient else None,
        given_by=ConsentGiver(consent.given_by),
        method=ConsentMethod(consent.method),
        status=ConsentStatus(consent.status),
        valid_until=consent.valid_until,
        replaces_id=consent.replaces_id,
        requested_at=consent.requested_at,
        given_at=consent.given_at,
        refused_at=consent.refused_at,
        withdrawn_at=consent.withdrawn_at,
        expired_at=consent.expired_at,
    )


def _referral_out(
    referral: Referral, *, sender_side: bool, in_force: bool, snapshot: dict[str, Any] | None = None
) -> ReferralOut:
    return ReferralOut(
        reference=referral.reference,
        case_reference=referral.case.reference if sender_side else None,
        sender=referral.sender.name,
        recipient_id=referral.recipient_id,
        recipient=referral.recipient.name,
        purpose=ReferralPurpose(referral.purpose),
        sections=[CaseSection(code) for code in referral.sections],
        status=ReferralStatus(referral.status),
        vital_interest=referral.vital_interest,
        review_needed=referral.review_needed,
        version=referral.version,
        sent_at=referral.sent_at,
        answered_at=referral.answered_at,
        revoked_at=referral.revoked_at,
        revoked_by_withdrawal=referral.revoked_by_withdrawal,
        in_force=in_force,
        snapshot=snapshot,
    )


def _organisation(pk: int | None) -> Organisation | None:
    return Organisation.objects.filter(pk=pk).first() if pk is not None else None


@router.get(
    "/cases/{id}/consents",
    response={200: list[ConsentOut], 401: ErrorOut, 404: ErrorOut},
    summary="The consent records of a case, with their history",
)
def consents_list(request: CaseApiRequest, id: str) -> list[ConsentOut]:
    user = request.auth
    case = case_get(user=user, reference=id)
    case_read(case=case, actor=user, what="consents", channel="api")
    return [_consent_out(consent) for consent in selectors.consent_list(case=case)]


@router.post(
    "/cases/{id}/consents",
    response={201: ConsentOut, 401: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Record a consent the person gave, or ask them for one",
)
def consents_create(request: CaseApiRequest, id: str, payload: ConsentIn) -> Status[ConsentOut]:
    user = request.auth
    case = case_get(user=user, reference=id)
    recipient = _organisation(payload.recipient_id)
    categories = [str(code) for code in payload.data_categories]
    if payload.status == "requested":
        consent = consent_services.consent_request(
            actor=user,
            case=case,
            purpose=payload.purpose,
            data_categories=categories,
            recipient=recipient,
            valid_until=payload.valid_until,
            note=payload.note,
        )
    else:
        consent = consent_services.consent_record_given(
            actor=user,
            case=case,
            purpose=payload.purpose,
            data_categories=categories,
            recipient=recipient,
            given_by=payload.given_by,
            method=payload.method,
            valid_until=payload.valid_until,
            note=payload.note,
        )
    return Status(201, _consent_out(consent))


@router.get(
    "/cases/{id}/referrals",
    response={200: list[ReferralOut], 401: ErrorOut, 404: ErrorOut},
    summary="The referrals a case was sent in, with their statuses",
)
def referrals_sent_list(request: CaseApiRequest, id: str) -> list[ReferralOut]:
    user = request.auth
    case = case_get(user=user, reference=id)
    case_read(case=case, actor=user, what="referrals", channel="api")
    in_force = set(Referral.objects.filter(case=case).in_force().values_list("pk", flat=True))
    return [
        _referral_out(referral, sender_side=True, in_force=referral.pk in in_force)
        for referral in selectors.referral_list_sent(case=case).select_related("case", "sender")
    ]


@router.post(
    "/cases/{id}/referrals",
    response={201: ReferralOut, 401: ErrorOut, 404: ErrorOut, 409: MissingConsentsOut, 422: ValidationErrorOut},
    summary="Refer a case to another organisation, sharing the chosen sections",
)
def referrals_create(request: CaseApiRequest, id: str, payload: ReferralIn) -> Status[ReferralOut]:
    """Refused with 409 and `missing_consents` when no given consent in force covers the
    recipient, the purpose and every section."""
    user = request.auth
    case = case_get(user=user, reference=id)
    referral = referral_services.referral_send(
        actor=user,
        case=case,
        recipient=_organisation(payload.recipient_id),
        purpose=payload.purpose,
        sections=[str(code) for code in payload.sections],
        message=payload.message,
    )
    return Status(201, _referral_out(referral, sender_side=True, in_force=True))


@router.get(
    "/referrals",
    response={200: list[ReferralOut], 401: ErrorOut, 422: ValidationErrorOut},
    summary="Referrals received by my organisations",
)
def referrals_received_list(
    request: CaseApiRequest,
    status: ReferralStatus | None = None,
    before: str | None = None,
) -> list[ReferralOut]:
    """Newest first, 50 a page; statuses only (read one to see its shared content). `before`: the
    `reference` of the last referral of the previous page."""
    user = request.auth
    cursor = None
    if before:
        last = Referral.objects.received_by(user).filter(reference=before).values_list("sent_at", "pk").first()
        cursor = (last[0], last[1]) if last else None
    rows = selectors.referral_list_received(user=user, status=status, before=cursor)
    in_force = set(Referral.objects.filter(pk__in=[row.pk for row in rows]).in_force().values_list("pk", flat=True))
    return [_referral_out(row, sender_side=False, in_force=row.pk in in_force) for row in rows]


def _received(request: CaseApiRequest, reference: str) -> Referral:
    return selectors.referral_get_received(user=request.auth, reference=reference)


def _received_out(request: CaseApiRequest, referral: Referral) -> ReferralOut:
    snapshot = selectors.referral_snapshot_for(user=request.auth, referral=referral)
    if snapshot is not None:
        referral_services.referral_content_read(actor=request.auth, referral=referral, channel="api")
    return _referral_out(referral, sender_side=False, in_force=snapshot is not None, snapshot=snapshot)


@router.get(
    "/referrals/{id}",
    response={200: ReferralOut, 401: ErrorOut, 404: ErrorOut},
    summary="A referral received by my organisation, with its content while in force",
)
def referral_get(request: CaseApiRequest, id: str) -> ReferralOut:
    return _received_out(request, _received(request, id))


@router.post(
    "/referrals/{id}/accept",
    response={200: ReferralOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="Accept a referral",
)
def referral_accept(request: CaseApiRequest, id: str, payload: VersionIn) -> ReferralOut:
    referral = referral_services.referral_accept(
        actor=request.auth, referral=_received(request, id), expected_version=payload.version
    )
    return _received_out(request, referral)


@router.post(
    "/referrals/{id}/decline",
    response={200: ReferralOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="Decline a referral, saying why",
)
def referral_decline(request: CaseApiRequest, id: str, payload: ReasonIn) -> ReferralOut:
    referral = referral_services.referral_decline(
        actor=request.auth,
        referral=_received(request, id),
        reason=payload.reason,
        expected_version=payload.version,
    )
    return _received_out(request, referral)


@router.post(
    "/referrals/{id}/complete",
    response={200: ReferralOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="Complete an accepted referral, with a note back to the sender",
)
def referral_complete(request: CaseApiRequest, id: str, payload: NoteIn) -> ReferralOut:
    referral = referral_services.referral_complete(
        actor=request.auth,
        referral=_received(request, id),
        note=payload.note,
        expected_version=payload.version,
    )
    return _received_out(request, referral)


@router.post(
    "/referrals/{id}/revoke",
    response={200: ReferralOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="Revoke a referral my organisation sent: the recipient's access ends at once",
)
def referral_revoke(request: CaseApiRequest, id: str, payload: RevokeIn) -> ReferralOut:
    """For the sending side: a referral of a case outside the caller's scope is 404."""
    user = request.auth
    referral = Referral.objects.sent_by(user).select_related("case", "sender", "recipient").filter(reference=id).first()
    if referral is None:
        raise Http404
    referral = referral_services.referral_revoke(
        actor=user, referral=referral, reason=payload.reason, expected_version=payload.version
    )
    return _referral_out(referral, sender_side=True, in_force=False)
