"""Referrals: a snapshot of the sections a caseworker chose, sent to another organisation
on the platform, only under a given consent in force for that recipient, that purpose
and those sections (the gate: ``MissingConsents`` names what is missing). A supervisor
may share without consent on a recorded vital-interest ground (GDPR Art. 6(1)(d)).

The recipient accepts, declines or completes along ``REFERRAL_TRANSITIONS``; the sender
revokes. Each change is audited under the acting organisation and told on the sender's
case timeline; the reporter's inbox reads referrals live.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation, User
from victory.core.audit import audit_record

from ..concurrency import version_claim
from ..errors import MissingConsent, MissingConsents
from ..models import (
    CONSENT_FOR_REFERRAL,
    REFERRAL_TRANSITIONS,
    Case,
    CaseSection,
    ConsentPurpose,
    ConsentRecord,
    Referral,
    ReferralPurpose,
    ReferralStatus,
)
from ..permissions import (
    can_read_assessment,
    can_read_referral_content,
    can_receive_referral,
    can_supervise_case,
    is_supervisor_of,
)
from ..references import referral_reference_new
from ..snapshot import snapshot_build
from ..timeline import event_record
from .common import case_write, require_case_access

MESSAGE_MAX_CHARS = 5000
REASON_MAX_CHARS = 2000


def _request_check(
    *, actor: User, case: Case, recipient: Organisation | None, purpose: str, sections: list[str], message: str
) -> None:
    """Everything wrong with the request itself, at once, before the consent gate."""
    errors: dict[str, list[str]] = {}
    if recipient is None or not recipient.is_active:
        errors["recipient"] = [_("Choose an organisation that is active on the platform.")]
    elif recipient.pk == case.organisation_id:
        errors["recipient"] = [_("A referral goes to another organisation: yours already holds the case.")]
    if purpose not in ReferralPurpose.values:
        errors["purpose"] = [_("Choose what the referral is for.")]
    unknown = [code for code in sections if code not in CaseSection.values]
    if not sections:
        errors["sections"] = [_("Choose at least one part of the case to share.")]
    elif unknown:
        errors["sections"] = [_("“%(value)s” is not one of the listed answers.") % {"value": ", ".join(unknown)}]
    elif CaseSection.ASSESSMENT in sections and not can_read_assessment(actor, case):
        # The assessment's own rule: nobody sends out what they may not read.
        errors["sections"] = [
            _("Only whoever the case is assigned to, or a supervisor, may share the needs assessment.")
        ]
    if len(message) > MESSAGE_MAX_CHARS:
        errors["message"] = [_("Keep the message under %(count)s characters.") % {"count": MESSAGE_MAX_CHARS}]
    if not case.is_open:
        errors["__all__"] = [_("This case is closed: reopen it before referring it.")]
    if errors:
        raise ValidationError(errors)


def consent_covering(*, case: Case, recipient: Organisation, purpose: str, sections: list[str]) -> ConsentRecord | None:
    """A given consent in force for the referral's purpose and recipient covering every
    section, or None."""
    consents = ConsentRecord.objects.in_force().filter(
        case=case, purpose=CONSENT_FOR_REFERRAL[purpose], recipient=recipient
    )
    return next((consent for consent in consents.order_by("-given_at", "-pk") if consent.covers(sections)), None)


def _missing(*, case: Case, recipient: Organisation, purpose: str, sections: list[str]) -> MissingConsents:
    """What no consent in force covers, named: the best single consent's gaps."""
    consent_purpose = CONSENT_FOR_REFERRAL[purpose]
    consents = list(ConsentRecord.objects.in_force().filter(case=case, purpose=consent_purpose, recipient=recipient))
    best = max((set(consent.data_categories) & set(sections) for consent in consents), key=len, default=set())
    missing_sections = [code for code in CaseSection.values if code in sections and code not in best]
    names = ", ".join(str(CaseSection(code).label) for code in missing_sections)
    values = {"purpose": ConsentPurpose(consent_purpose).label, "organisation": recipient.name, "sections": names}
    if consents:
        message = (
            _(
                "The person's consent to “%(purpose)s” with %(organisation)s does not cover: %(sections)s. "
                "Ask them for a consent that covers it, or leave it out."
            )
            % values
        )
    else:
        message = (
            _(
                "There is no consent in force to “%(purpose)s” with %(organisation)s for: %(sections)s. "
                "Ask the person first, and record their answer."
            )
            % values
        )
    return MissingConsents(
        message,
        [MissingConsent(purpose=consent_purpose, recipient_id=recipient.pk, section=code) for code in missing_sections],
    )


def _referral_create(
    *,
    actor: User,
    case: Case,
    recipient: Organisation,
    purpose: str,
    sections: list[str],
    message: str,
    consent: ConsentRecord | None,
    vital_interest_reason: str = "",
) -> Referral:
    chosen = [code for code in CaseSection.values if code in set(sections)]
    referral = Referral.objects.create(
        reference=referral_reference_new(),
        case=case,
        sender=case.organisation,
        recipient=recipient,
        purpose=purpose,
        message=message,
        sections=chosen,
        snapshot=cast(Any, snapshot_build(case=case, sections=chosen)),  # an encrypted JSON document
        consent=consent,
        vital_interest=consent is None,
        vital_interest_reason=vital_interest_reason,
        review_needed=consent is None,
        sent_by=actor,
    )
    audit_record(action="referral.sent", actor=actor, organisation=case.organisation, obj=referral)
    return referral


@transaction.atomic
def referral_send(
    *,
    actor: User,
    case: Case,
    recipient: Organisation | None,
    purpose: str,
    sections: list[str],
    message: str = "",
) -> Referral:
    """Send the chosen sections of ``case`` to ``recipient``, under the consent that
    covers them; refused with ``MissingConsents`` naming every uncovered section."""
    require_case_access(actor, case)
    _request_check(actor=actor, case=case, recipient=recipient, purpose=purpose, sections=sections, message=message)
    assert recipient is not None  # noqa: S101 (checked above)
    consent = consent_covering(case=case, recipient=recipient, purpose=purpose, sections=sections)
    if consent is None:
        raise _missing(case=case, recipient=recipient, purpose=purpose, sections=sections)
    case_write(case=case, actor=actor, action="case.referral.sent", expected_version=None)
    referral = _referral_create(
        actor=actor,
        case=case,
        recipient=recipient,
        purpose=purpose,
        sections=sections,
        message=message,
        consent=consent,
    )
    event_record(case=case, kind="referral.sent", actor=actor, organisation=recipient, referral_purpose=purpose)
    return referral


def _tell_reporter_vital_interest(*, actor: User, case: Case, recipient: Organisation) -> None:
    report = case.report
    if report is None:
        return
    from victory.reports.services import organisation_message_send

    with translation.override(report.language):
        body = _(
            "We shared part of your case with %(organisation)s without asking you first, because we believe "
            "someone's life is in danger. The law allows this only to protect life. You can see what was "
            "shared, and with whom, on the page “Who has your information” in this inbox. Write to us here "
            "if you have questions."
        ) % {"organisation": recipient.name}
    organisation_message_send(actor=actor, report=report, body=body)


@transaction.atomic
def referral_send_vital_interest(
    *,
    actor: User,
    case: Case,
    recipient: Organisation | None,
    sections: list[str],
    reason: str,
    message: str = "",
    purpose: str = ReferralPurpose.SUPPORT,
) -> Referral:
    """Share without consent, by a supervisor, for an imminent risk to life (GDPR Art.
    6(1)(d)): the reason is mandatory, the referral is flagged for review, and the
    person is told in their inbox when the case came from a report."""
    require_case_access(actor, case)
    if not can_supervise_case(actor, case):
        raise PermissionDenied
    try:
        _request_check(actor=actor, case=case, recipient=recipient, purpose=purpose, sections=sections, message=message)
        reason_errors: dict[str, list[str]] = {}
    except ValidationError as error:
        reason_errors = error.message_dict
    if not reason.strip():
        reason_errors["reason"] = [_("Say why a life is at imminent risk: this is required to share without consent.")]
    elif len(reason) > REASON_MAX_CHARS:
        reason_errors["reason"] = [_("Keep the reason under %(count)s characters.") % {"count": REASON_MAX_CHARS}]
    if reason_errors:
        raise ValidationError(reason_errors)
    assert recipient is not None  # noqa: S101 (checked above)
    case_write(case=case, actor=actor, action="case.referral.vital_interest", expected_version=None, reason=reason)
    referral = _referral_create(
        actor=actor,
        case=case,
        recipient=recipient,
        purpose=purpose,
        sections=sections,
        message=message,
        consent=None,
        vital_interest_reason=reason,
    )
    event_record(case=case, kind="referral.sent_vital_interest", actor=actor, organisation=recipient)
    _tell_reporter_vital_interest(actor=actor, case=case, recipient=recipient)
    return referral


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("case__organisation", "recipient", "sender")
        .get(pk=referral.pk)
    )


@transaction.atomic
def referral_review(*, actor: User, referral: Referral) -> Referral:
    """Another supervisor of the sending organisation looks at a vital-interest sharing."""
    referral = _locked(referral)
    require_case_access(actor, referral.case)
    if not is_supervisor_of(actor, referral.sender_id) or referral.sent_by_id == actor.pk:
        raise PermissionDenied
    if not referral.review_needed:
        raise ValidationError({"status": [_("This sharing was already reviewed.")]})
    referral.review_needed, referral.reviewed_by, referral.reviewed_at = False, actor, timezone.now()
    referral.save(update_fields=["review_needed", "reviewed_by", "reviewed_at"])
    audit_record(action="referral.reviewed", actor=actor, organisation=referral.sender, obj=referral)
    event_record(case=referral.case, kind="referral.reviewed", actor=actor, organisation=referral.recipient)
    return referral


def _move(referral: Referral, to: str) -> None:
    if to not in REFERRAL_TRANSITIONS[referral.status]:
        label = ReferralStatus(referral.status).label
        raise ValidationError(
            {"status": [_("This referral is %(status)s: it cannot be changed that way now.") % {"status": label}]}
        )
    referral.status = to


def _recipient_answer(
    *, actor: User, referral: Referral, to: str, expected_version: int | None, note: str = ""
) -> Referral:
    """The recipient's answer: 404 for anyone outside the recipient organisation."""
    if not can_receive_referral(actor, referral):
        raise Http404
    referral = _locked(referral)
    _move(referral, to)
    if to in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED) and not can_read_referral_content(actor, referral):
        # In force no more (its consent ended on its day, before the job marked it so).
        raise ValidationError(_("The consent behind this referral has ended: it can no longer be taken on."))
    version_claim(referral, expected=expected_version)
    referral.answered_by, referral.answered_at = actor, timezone.now()
    if note:
        referral.answer_note = note
    referral.save(update_fields=["status", "answered_by", "answered_at", "answer_note"])
    audit_record(action=f"referral.{to}", actor=actor, organisation=referral.recipient, obj=referral)
    event_record(case=referral.case, kind=f"referral.{to}", actor=actor, organisation=referral.recipient)
    return referral


def _note_check(note: str, *, required: bool, field: str) -> None:
    if required and not note.strip():
        raise ValidationError({field: [_("Say why, in a few words: the organisation that sent it reads it.")]})
    if len(note) > REASON_MAX_CHARS:
        raise ValidationError({field: [_("Keep it under %(count)s characters.") % {"count": REASON_MAX_CHARS}]})


@transaction.atomic
def referral_accept(*, actor: User, referral: Referral, expected_version: int | None) -> Referral:
    return _recipient_answer(
        actor=actor, referral=referral, to=ReferralStatus.ACCEPTED, expected_version=expected_version
    )


@transaction.atomic
def referral_decline(*, actor: User, referral: Referral, reason: str, expected_version: int | None) -> Referral:
    if not can_receive_referral(actor, referral):
        raise Http404
    _note_check(reason, required=True, field="reason")
    return _recipient_answer(
        actor=actor, referral=referral, to=ReferralStatus.DECLINED, expected_version=expected_version, note=reason
    )


@transaction.atomic
def referral_complete(*, actor: User, referral: Referral, note: str = "", expected_version: int | None) -> Referral:
    if not can_receive_referral(actor, referral):
        raise Http404
    _note_check(note, required=False, field="note")
    return _recipient_answer(
        actor=actor, referral=referral, to=ReferralStatus.COMPLETED, expected_version=expected_version, note=note
    )


@transaction.atomic
def referral_revoke(*, actor: User, referral: Referral, reason: str, expected_version: int | None = None) -> Referral:
    """The sender takes the referral back: the recipient's access ends at once."""
    require_case_access(actor, referral.case)
    _note_check(reason, required=True, field="reason")
    referral = _locked(referral)
    _move(referral, ReferralStatus.REVOKED)
    version_claim(referral, expected=expected_version)
    referral.revoked_by, referral.revoked_at, referral.revoke_reason = actor, timezone.now(), reason
    referral.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason"])
    case_write(case=referral.case, actor=actor, action="case.referral.revoked", expected_version=None)
    audit_record(action="referral.revoked", actor=actor, organisation=referral.sender, obj=referral)
    event_record(case=referral.case, kind="referral.revoked", actor=actor, organisation=referral.recipient)
    return referral


def referral_content_read(*, actor: User, referral: Referral, channel: str = "page") -> None:
    """Audit a recipient's read of the snapshot (call only after ``can_read_referral_content``)."""
    audit_record(action="referral.read", actor=actor, organisation=referral.recipient, obj=referral, reason=channel)
