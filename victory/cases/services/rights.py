"""Data-subject rights for a person linked to a case: access and portability (GDPR
Art. 15 and 20: everything held about them, as JSON and as a PDF) and erasure (Art. 17),
one action each, audited; and the legal hold that keeps data when the law requires it.

Supervisors only (``permissions.can_supervise_case``): an export takes a person's whole
record out of the platform, and an erasure cannot be undone, so each is done by someone
who answers for the organisation's handling of the data, not by whoever sees the intake;
the same role records a legal hold, which decides whether an erasure may happen."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import User
from victory.core.audit import audit_record

from ..models import Case, CaseEvent, CasePerson, CaseSection, PersonRole
from ..permissions import can_supervise_case
from ..timeline import event_record
from .common import case_write, require, require_case_access

REASON_MAX_CHARS = 2000


def _require_supervisor(actor: User, case: Case) -> None:
    require_case_access(actor, case)  # outside the actor's scope: 404
    require(can_supervise_case(actor, case))  # a caseworker of the case: 403


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _case_part(case: Case, *, with_account: bool) -> dict[str, Any]:
    """The case as the export shows it. The account of what happened, its exact day and
    place are the person harmed's: a witness's or the person who caused harm's own
    request (Art. 15) gets the coded fields only, never the victim's account."""
    part = {
        "reference": case.reference,
        "organisation": case.organisation.name,
        "report_reference": case.report.reference if case.report else None,
        "intake_channel": case.intake_channel,
        "status": case.status,
        "close_reason": case.close_reason,
        "language": case.language,
        "country": case.country,
        "bias_motivations": list(case.bias_motivations),
        "incident_types": list(case.incident_types),
        "online": case.online,
        "occurred_month": _iso(case.occurred_month),
        "risk_level": case.risk_level,
        "protection_level": case.protection_level,
        "opened_at": _iso(case.opened_at),
        "closed_at": _iso(case.closed_at),
    }
    if with_account:
        part.update(occurred_date=case.occurred_date, location=case.location, summary=case.summary)
    return part


def _person_part(person: CasePerson) -> dict[str, Any]:
    return {
        "id": person.pk,
        "role": person.role,
        "full_name": person.full_name,
        "contact": dict(person.contact or {}),
        "notes": person.notes,
        "language": person.language,
        "is_child": person.is_child,
        "added_at": _iso(person.added_at),
        "erased_at": _iso(person.erased_at),
    }


def _person_harmed_parts(case: Case, *, with_assessment: bool) -> dict[str, Any]:
    """What the case holds about the person harmed beyond their record. The needs
    assessment has its own rule: it is in the export only when chosen for it."""
    from ..timeline import event_text

    parts = {
        "consents": [
            {
                "purpose": c.purpose,
                "data_categories": list(c.data_categories),
                "recipient": c.recipient.name if c.recipient else None,
                "given_by": c.given_by,
                "method": c.method,
                "status": c.status,
                "valid_until": _iso(c.valid_until),
                "given_at": _iso(c.given_at),
                "withdrawn_at": _iso(c.withdrawn_at),
                "note": c.note,
            }
            for c in case.consents.select_related("recipient")
        ],
        "referrals": [
            {
                "reference": r.reference,
                "recipient": r.recipient.name,
                "purpose": r.purpose,
                "sections": list(r.sections),
                "status": r.status,
                "sent_at": _iso(r.sent_at),
                "vital_interest": r.vital_interest,
            }
            for r in case.referrals.select_related("recipient")
        ],
        "risk_flags": [
            {
                "kind": f.kind,
                "level": f.level,
                "reason": f.reason,
                "raised_at": _iso(f.raised_at),
                "cleared_at": _iso(f.cleared_at),
                "clear_reason": f.clear_reason,
            }
            for f in case.risk_flags.all()
        ],
        "timeline": [
            {"at": _iso(e.at), "kind": e.kind, "text": event_text(e)}
            for e in CaseEvent.objects.filter(case=case).select_related("organisation", "subject_user")
        ],
    }
    if with_assessment:
        parts["assessments"] = [
            {
                "version": a.version,
                "stage": a.stage,
                "protection_level": a.protection_level,
                "answers": dict(a.answers or {}),
                "special_measures": list(a.special_measures),
                "suggested_referrals": list(a.suggested_referrals),
                "reason": a.reason,
                "performed_at": _iso(a.performed_at),
            }
            for a in case.assessments.all()
        ]
    return parts


@transaction.atomic
def person_export(
    *, actor: User, person: CasePerson, channel: str = "json", with_assessment: bool = False
) -> dict[str, Any]:
    """Everything held about ``person`` in their case (Art. 15/20): their record and the
    case's coded fields; for the person harmed also the account of what happened, the
    consents, the referrals (recipient, purpose, sections, status, never the snapshot's
    copy), the risk flags and the timeline, and the needs assessment versions only when
    ``with_assessment`` (the person asked for them: practitioners warn that an
    assessment handed over reaches the defence). Nothing about anyone else linked to the
    case. Audited, with ``channel`` (json or pdf) and whether the assessment was in it."""
    case = person.case
    _require_supervisor(actor, case)
    harmed = person.role == PersonRole.PERSON_HARMED
    export: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "person": _person_part(person),
        "case": _case_part(case, with_account=harmed),
    }
    if harmed:
        export.update(_person_harmed_parts(case, with_assessment=with_assessment))
    reason = f"{channel}+assessment" if harmed and with_assessment else channel
    audit_record(action="case.person_exported", actor=actor, organisation=case.organisation, obj=person, reason=reason)
    event_record(case=case, kind="person.exported", actor=actor, role=person.role)
    return export


def _release_report(case: Case, *, now: datetime | None = None) -> None:
    """The report the case came from is the person harmed's own account: unlinked and
    left to the reports' retention job, which erases it with its files within the hour.
    On an erasure request (``now`` None) every way into it closes at once, as after the
    reporter's own deletion request; at the end of retention (``now``) it is simply due."""
    from victory.reports.services import report_case_link_set, report_deletion_request

    report = case.report
    if report is None:
        return
    case.report = None
    case.save(update_fields=["report"])
    if now is None:
        report_case_link_set(report=report, became_case=False)
        report_deletion_request(report=report)
    else:
        report_case_link_set(report=report, became_case=False, erase_at=now)


def _snapshots_erase(case: Case, *, section: str | None) -> None:
    """Empty the shared copies of the case's referrals (those sharing ``section``, or
    all): the recipients keep the referral's status, no longer the data."""
    for referral in case.referrals.only("pk", "sections"):
        if section is None or section in referral.sections:
            referral.snapshot = {}
            referral.save(update_fields=["snapshot"])


@transaction.atomic
def person_erase(*, actor: User, person: CasePerson, reason: str) -> bool:
    """Erase ``person`` (Art. 17). Returns True when erased; False when the case's legal
    hold keeps the data, a refusal that is recorded (audit and timeline) and not raised,
    so that the record of it stays."""
    case = person.case
    _require_supervisor(actor, case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the data is erased, for example: the person asked on 3 May.")]})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": [_("Shorten this to %(limit)s characters.") % {"limit": REASON_MAX_CHARS}]})
    if person.erased_at is not None:
        raise ValidationError(_("This person's data was already erased."))
    if case.legal_hold:
        audit_record(
            action="case.person_erasure_held", actor=actor, organisation=case.organisation, obj=person, reason=reason
        )
        event_record(case=case, kind="person.erasure_held", actor=actor, role=person.role)
        return False
    case_write(case=case, actor=actor, action="case.person_erased", expected_version=None, reason=reason)
    person.full_name = ""
    person.contact = None
    person.notes = ""
    person.erased_at = timezone.now()
    person.save(update_fields=["full_name", "contact", "notes", "erased_at"])
    if person.role == PersonRole.PERSON_HARMED:
        for assessment in case.assessments.all():
            assessment.answers = {}
            assessment.reason = ""
            assessment.save(update_fields=["answers", "reason"], erasing=True)
        case.summary = ""
        case.occurred_date = ""
        case.location = ""
        case.save(update_fields=["summary", "occurred_date", "location"])
        # The copies sent to other organisations held their account and contact details.
        _snapshots_erase(case, section=None)
        _release_report(case)
    else:
        # Other people are shared only in the "people" section of a referral.
        _snapshots_erase(case, section=CaseSection.PEOPLE)
    event_record(case=case, kind="person.erased", actor=actor, role=person.role)
    return True


@transaction.atomic
def legal_hold_set(*, actor: User, case: Case, reason: str, expected_version: int | None) -> Case:
    """Record why personal data must be kept (a court order, open proceedings): until it
    is lifted, erasures are refused and recorded, and retention leaves the case alone."""
    _require_supervisor(actor, case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the data must be kept, for example: court order of 3 May.")]})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError({"reason": [_("Shorten this to %(limit)s characters.") % {"limit": REASON_MAX_CHARS}]})
    case_write(case=case, actor=actor, action="case.legal_hold_set", expected_version=expected_version, reason=reason)
    case.legal_hold = reason
    case.save(update_fields=["legal_hold", "updated_at"])
    event_record(case=case, kind="case.legal_hold_set", actor=actor)
    return case


@transaction.atomic
def legal_hold_lift(*, actor: User, case: Case, expected_version: int | None) -> Case:
    _require_supervisor(actor, case)
    if not case.legal_hold:
        raise ValidationError(_("There is no legal hold on this case."))
    case_write(case=case, actor=actor, action="case.legal_hold_lifted", expected_version=expected_version)
    case.legal_hold = ""
    case.save(update_fields=["legal_hold", "updated_at"])
    event_record(case=case, kind="case.legal_hold_lifted", actor=actor)
    return case
