"""Consent records (ISO/IEC TS 27560 style): asked for, given, refused, withdrawn, expired.

A given consent's terms are never edited (``ConsentRecord.save`` refuses it): a change
of terms is a new record replacing the old one (``consent_replace``). Withdrawal and
expiry take effect at once: every referral resting on the record is revoked in the same
transaction, so its recipient's next request no longer reads the snapshot.

``actor`` None means the person themselves, in their inbox (the view found the record
through the reporter's session); otherwise a professional who works the case.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation, User
from victory.core.audit import audit_record

from ..models import (
    REFERRAL_OPEN_STATUSES,
    SHARING_PURPOSES,
    Case,
    CaseSection,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    ConsentStatus,
    Referral,
    ReferralStatus,
)
from ..timeline import event_record
from .common import case_write, require_case_access

NOTE_MAX_CHARS = 2000


def _terms_check(
    *,
    case: Case,
    purpose: str,
    data_categories: list[str],
    recipient: Organisation | None,
    given_by: str | None = None,
    method: str | None = None,
    valid_until: date | None = None,
    note: str = "",
) -> None:
    """Every wrong term at once, each at its field."""
    errors: dict[str, list[str]] = {}
    if purpose not in ConsentPurpose.values:
        errors["purpose"] = [_("Choose what the consent is for.")]
    unknown = [code for code in data_categories if code not in CaseSection.values]
    if not data_categories:
        errors["data_categories"] = [_("Choose at least one part of the case the consent covers.")]
    elif unknown:
        errors["data_categories"] = [_("“%(value)s” is not one of the listed answers.") % {"value": ", ".join(unknown)}]
    if purpose in SHARING_PURPOSES:
        if recipient is None:
            errors["recipient"] = [_("Name the organisation the person agrees to share with.")]
        elif not recipient.is_active:
            errors["recipient"] = [_("This organisation is no longer active on the platform. Choose another.")]
        elif recipient.pk == case.organisation_id:
            errors["recipient"] = [_("Choose another organisation: your own already holds the case.")]
    if given_by is not None and given_by not in ConsentGiver.values:
        errors["given_by"] = [_("Say who gave the consent.")]
    if method is not None and method not in ConsentMethod.values:
        errors["method"] = [_("Say how the consent was given.")]
    if valid_until is not None and valid_until < timezone.localdate():
        errors["valid_until"] = [_("The end date is in the past. Give a date from today on, or leave it empty.")]
    if len(note) > NOTE_MAX_CHARS:
        errors["note"] = [_("Keep the note under %(count)s characters.") % {"count": NOTE_MAX_CHARS}]
    if errors:
        raise ValidationError(errors)


# The audit reason of a change the person made themselves (``actor`` None), so that it
# reads apart from the system's (an expiry).
BY_THE_PERSON = "inbox"


def _audit(*, action: str, actor: User | None, consent: ConsentRecord, reason: str = "") -> None:
    audit_record(action=action, actor=actor, organisation=consent.case.organisation, obj=consent, reason=reason)


def _case_write(*, actor: User | None, case: Case, action: str) -> None:
    if actor is not None:
        require_case_access(actor, case)
    case_write(case=case, actor=actor, action=action, expected_version=None)


@transaction.atomic
def consent_record_given(
    *,
    actor: User,
    case: Case,
    purpose: str,
    data_categories: list[str],
    recipient: Organisation | None,
    given_by: str,
    method: str,
    valid_until: date | None = None,
    note: str = "",
    replaces: ConsentRecord | None = None,
) -> ConsentRecord:
    """A consent the person gave (in person, by phone, in writing), written down as given."""
    require_case_access(actor, case)
    _terms_check(
        case=case,
        purpose=purpose,
        data_categories=data_categories,
        recipient=recipient,
        given_by=given_by,
        method=method,
        valid_until=valid_until,
        note=note,
    )
    now = timezone.now()
    consent = ConsentRecord.objects.create(
        case=case,
        purpose=purpose,
        data_categories=sorted(set(data_categories)),
        recipient=recipient if purpose in SHARING_PURPOSES else None,
        given_by=given_by,
        method=method,
        status=ConsentStatus.GIVEN,
        valid_until=valid_until,
        recorded_by=actor,
        note=note,
        replaces=replaces,
        given_at=now,
    )
    _case_write(actor=actor, case=case, action="case.consent.given")
    _audit(action="consent.given", actor=actor, consent=consent)
    event_record(case=case, kind="consent.given", actor=actor, organisation=consent.recipient, purpose=purpose)
    return consent


@transaction.atomic
def consent_request(
    *,
    actor: User,
    case: Case,
    purpose: str,
    data_categories: list[str],
    recipient: Organisation | None,
    valid_until: date | None = None,
    note: str = "",
) -> ConsentRecord:
    """A caseworker asks the person; they answer in their inbox, or the caseworker
    records the answer they gave otherwise (``consent_answer``)."""
    require_case_access(actor, case)
    _terms_check(
        case=case,
        purpose=purpose,
        data_categories=data_categories,
        recipient=recipient,
        valid_until=valid_until,
        note=note,
    )
    consent = ConsentRecord.objects.create(
        case=case,
        purpose=purpose,
        data_categories=sorted(set(data_categories)),
        recipient=recipient if purpose in SHARING_PURPOSES else None,
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.INBOX,
        status=ConsentStatus.REQUESTED,
        valid_until=valid_until,
        recorded_by=actor,
        note=note,
        requested_at=timezone.now(),
    )
    _case_write(actor=actor, case=case, action="case.consent.requested")
    _audit(action="consent.requested", actor=actor, consent=consent)
    event_record(case=case, kind="consent.requested", actor=actor, organisation=consent.recipient, purpose=purpose)
    return consent


def _locked(consent: ConsentRecord) -> ConsentRecord:
    """The record as stored now, locked: two answers at once cannot both apply."""
    return (
        ConsentRecord.objects.select_for_update(of=("self",))
        .select_related("case__organisation", "recipient")
        .get(pk=consent.pk)
    )


@transaction.atomic
def consent_answer(
    *,
    actor: User | None,
    consent: ConsentRecord,
    given: bool,
    given_by: str = ConsentGiver.PERSON,
    method: str | None = None,
) -> ConsentRecord:
    """The person's answer to a request: requested → given | refused. ``actor`` None:
    the person answered in their inbox; else the caseworker writes down the answer the
    person gave in person, by phone or in writing (``method``)."""
    consent = _locked(consent)
    if actor is not None:
        require_case_access(actor, consent.case)
    if consent.status != ConsentStatus.REQUESTED:
        raise ValidationError({"status": [_("This consent was already answered. Nothing was changed.")]})
    if actor is not None:
        _terms_check(
            case=consent.case,
            purpose=consent.purpose,
            data_categories=consent.data_categories,
            recipient=consent.recipient,
            given_by=given_by,
            method=method or "",
        )
        consent.given_by, consent.method = given_by, method or ConsentMethod.INBOX
    else:
        consent.given_by, consent.method = ConsentGiver.PERSON, ConsentMethod.INBOX
    now = timezone.now()
    if given:
        consent.status, consent.given_at = ConsentStatus.GIVEN, now
    else:
        consent.status, consent.refused_at = ConsentStatus.REFUSED, now
    consent.save()
    kind = "consent.given" if given else "consent.refused"
    _case_write(actor=actor, case=consent.case, action=f"case.{kind}")
    _audit(action=kind, actor=actor, consent=consent, reason="" if actor else BY_THE_PERSON)
    event_record(case=consent.case, kind=kind, actor=actor, organisation=consent.recipient, purpose=consent.purpose)
    return consent


def _referrals_end(*, consent: ConsentRecord, actor: User | None, now: datetime) -> int:
    """Revoke every open referral resting on ``consent``: its recipient's access ends now."""
    ended = 0
    referrals = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("recipient")
        .filter(consent=consent, status__in=REFERRAL_OPEN_STATUSES)
    )
    for referral in referrals:
        referral.status = ReferralStatus.REVOKED
        referral.revoked_at = now
        referral.revoked_by = actor
        referral.revoked_by_withdrawal = True
        referral.version += 1
        referral.save(update_fields=["status", "revoked_at", "revoked_by", "revoked_by_withdrawal", "version"])
        audit_record(
            action="referral.ended_by_withdrawal", actor=actor, organisation=consent.case.organisation, obj=referral
        )
        event_record(
            case=consent.case, kind="referral.ended_by_withdrawal", actor=actor, organisation=referral.recipient
        )
        ended += 1
    return ended


@transaction.atomic
def consent_withdraw(*, actor: User | None, consent: ConsentRecord, reason: str = "") -> ConsentRecord:
    """The person takes their consent back (in their inbox, ``actor`` None, or through a
    caseworker on their word): it takes effect at once, and every referral resting on it
    ends in the same transaction."""
    consent = _locked(consent)
    if actor is not None:
        require_case_access(actor, consent.case)
    if consent.status != ConsentStatus.GIVEN:
        raise ValidationError({"status": [_("Only a consent in force can be withdrawn. Nothing was changed.")]})
    now = timezone.now()
    consent.status, consent.withdrawn_at = ConsentStatus.WITHDRAWN, now
    consent.save()
    _case_write(actor=actor, case=consent.case, action="case.consent.withdrawn")
    _audit(action="consent.withdrawn", actor=actor, consent=consent, reason=reason or ("" if actor else BY_THE_PERSON))
    event_record(
        case=consent.case,
        kind="consent.withdrawn",
        actor=actor,
        organisation=consent.recipient,
        purpose=consent.purpose,
    )
    _referrals_end(consent=consent, actor=actor, now=now)
    return consent


@transaction.atomic
def consent_replace(
    *,
    actor: User,
    consent: ConsentRecord,
    data_categories: list[str],
    given_by: str,
    method: str,
    valid_until: date | None = None,
    note: str = "",
) -> ConsentRecord:
    """New terms for a given consent (same purpose and recipient): a new record that
    replaces it; the old one is withdrawn and stays in the history. Referrals the new
    terms still cover rest on the new record; any other ends now."""
    old = _locked(consent)
    require_case_access(actor, old.case)
    if old.status != ConsentStatus.GIVEN:
        raise ValidationError({"status": [_("Only a consent in force can be changed. Record a new one instead.")]})
    new = consent_record_given(
        actor=actor,
        case=old.case,
        purpose=old.purpose,
        data_categories=data_categories,
        recipient=old.recipient,
        given_by=given_by,
        method=method,
        valid_until=valid_until,
        note=note,
        replaces=old,
    )
    covered = [
        referral.pk
        for referral in Referral.objects.filter(consent=old, status__in=REFERRAL_OPEN_STATUSES)
        if new.covers(referral.sections)
    ]
    Referral.objects.filter(pk__in=covered).update(consent=new)
    now = timezone.now()
    old.status, old.withdrawn_at = ConsentStatus.WITHDRAWN, now
    old.save()
    _audit(action="consent.replaced", actor=actor, consent=old)
    event_record(case=old.case, kind="consent.withdrawn", actor=actor, organisation=old.recipient, purpose=old.purpose)
    _referrals_end(consent=old, actor=actor, now=now)
    return new


@transaction.atomic
def consents_expire_due(*, today: date) -> int:
    """Given consents whose end date has passed become expired, and the referrals resting
    on them end (the recipients' access already ended on the day: ``in_force``). Run
    daily; returns how many records expired."""
    due = (
        ConsentRecord.objects.select_for_update(of=("self",))
        .select_related("case__organisation", "recipient")
        .filter(status=ConsentStatus.GIVEN, valid_until__lt=today)
    )
    now = timezone.now()
    count = 0
    for consent in due:
        consent.status, consent.expired_at = ConsentStatus.EXPIRED, now
        consent.save()
        _audit(action="consent.expired", actor=None, consent=consent)
        event_record(
            case=consent.case,
            kind="consent.expired",
            actor=None,
            organisation=consent.recipient,
            purpose=consent.purpose,
        )
        _referrals_end(consent=consent, actor=None, now=now)
        count += 1
    return count


# The report's consents (victory.reports.models.ConsentPurpose) as case consents, with
# the parts of the case each covers. A report's sharing consents name no recipient: they
# show what the person agreed to, and never open the referral gate, which needs one.
_FROM_REPORT: dict[str, tuple[str, tuple[str, ...]]] = {
    "contact": (ConsentPurpose.CONTACT, (CaseSection.CONTACT,)),
    "share_support": (ConsentPurpose.SHARE_ORGANISATION, (CaseSection.INCIDENT,)),
    "share_police": (ConsentPurpose.POLICE, (CaseSection.INCIDENT,)),
    "statistics": (ConsentPurpose.STATISTICS, (CaseSection.INCIDENT,)),
    "restorative": (ConsentPurpose.RESTORATIVE, (CaseSection.INCIDENT,)),
}


@transaction.atomic
def consents_from_report(*, case: Case) -> list[ConsentRecord]:
    """The report's granted consents as given records of the case it opened (method
    inbox, given by the person). Called when the case is opened; a second call adds
    nothing already recorded."""
    report = case.report
    if report is None:
        return []
    existing = set(_report_copies(case).filter(status=ConsentStatus.GIVEN).values_list("purpose", flat=True))
    created = []
    for report_consent in report.consents.filter(granted=True):
        mapped = _FROM_REPORT.get(report_consent.purpose)
        if mapped is None or mapped[0] in existing:
            continue
        purpose, sections = mapped
        consent = ConsentRecord.objects.create(
            case=case,
            purpose=purpose,
            data_categories=list(sections),
            recipient=None,
            given_by=ConsentGiver.PERSON,
            method=ConsentMethod.INBOX,
            status=ConsentStatus.GIVEN,
            given_at=report_consent.changed_at,
        )
        _audit(action="consent.given", actor=None, consent=consent)
        event_record(case=case, kind="consent.given", actor=None, purpose=purpose)
        created.append(consent)
    return created


def _report_copies(case: Case) -> QuerySet[ConsentRecord]:
    """The records that copy the report's own consents (no recipient, given online by
    the person): they follow the report's consents."""
    return ConsentRecord.objects.filter(
        case=case, method=ConsentMethod.INBOX, recorded_by__isnull=True, recipient__isnull=True
    )


@transaction.atomic
def consents_follow_report(*, report_id: int, purpose: str, granted: bool) -> None:
    """The reporter changed one of the report's consents on the report's own page: the
    case opened from it follows at once. A withdrawal there is the person saying "not
    for this purpose any more", so every consent of the case for that purpose ends,
    whoever recorded it and for whichever recipient, with what rested on it (a police
    referral ends when they switch off sharing with the police)."""
    case = Case.objects.filter(report_id=report_id).select_related("report").first()
    mapped = _FROM_REPORT.get(purpose)
    if case is None or mapped is None:
        return
    if granted:
        consents_from_report(case=case)
        return
    for consent in ConsentRecord.objects.filter(case=case, purpose=mapped[0], status=ConsentStatus.GIVEN):
        consent_withdraw(actor=None, consent=consent)
