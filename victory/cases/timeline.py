"""The case's timeline: what each event is called and how it is written down.

Every service that changes a case calls ``event_record`` in its transaction, beside its
``audit_record``: the audit chain proves who did what; the timeline tells the case's story
to the people working it, in their language. ``params`` are codes and numbers only,
never free text, so the timeline holds nothing the case's encrypted fields do not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import Organisation, User

from .models import (
    AssessmentStage,
    Case,
    CaseEvent,
    CaseStatus,
    CloseReason,
    ConsentPurpose,
    IntakeChannel,
    PersonRole,
    ProtectionLevel,
    ReferralPurpose,
    RiskKind,
    RiskLevel,
)

# Each kind, with its sentence. Placeholders are filled from ``params`` (codes are
# shown by their label), ``organisation`` (%(organisation)s) and ``subject_user``
# (%(colleague)s).
EVENT_TEXTS: dict[str, Promise] = {
    "case.opened": _("Case opened (%(channel)s)."),
    "case.status_changed": _("Status changed from %(from)s to %(to)s."),
    "case.closed": _("Case closed: %(reason)s."),
    "case.close_requested": _("Closing asked for (%(reason)s): a supervisor approves, as protection needs are open."),
    "case.close_refused": _("A supervisor did not approve closing the case."),
    "case.reopened": _("Case reopened."),
    "case.assigned": _("Assigned to %(colleague)s."),
    "case.unassigned": _("No longer assigned to anyone."),
    "case.updated": _("Details of the incident updated."),
    "case.legal_hold_set": _("A legal hold was recorded: personal data is kept."),
    "case.legal_hold_lifted": _("The legal hold was lifted."),
    "case.reduced": _("Retention period over: reduced to its statistical fields."),
    "person.added": _("A person was linked to the case (%(role)s)."),
    "person.updated": _("A linked person's details were changed (%(role)s)."),
    "person.exported": _("Everything held about a person was exported (%(role)s)."),
    "person.erased": _("A person's data was erased on their request (%(role)s)."),
    "person.erasure_held": _("A person asked for erasure; their data is kept under the legal hold (%(role)s)."),
    "task.added": _("A task was added."),
    "task.done": _("A task was done."),
    "task.reopened": _("A task was reopened."),
    "note.added": _("An internal note was added."),
    "note.added_confidential": _("A confidential internal note was added."),
    "risk.raised": _("Risk raised: %(risk)s, %(level)s."),
    "risk.cleared": _("Risk cleared: %(risk)s."),
    "message.sent": _("A message was sent to the person."),
    "message.received": _("The person sent a message."),
    "assessment.recorded": _("Needs assessment version %(version)s (%(stage)s): %(protection)s."),
    "consent.requested": _("Consent asked for: %(purpose)s."),
    "consent.given": _("Consent given: %(purpose)s."),
    "consent.refused": _("Consent refused: %(purpose)s."),
    "consent.withdrawn": _("Consent withdrawn: %(purpose)s."),
    "consent.expired": _("Consent expired: %(purpose)s."),
    "referral.sent": _("Referred to %(organisation)s for %(purpose)s."),
    "referral.sent_vital_interest": _(
        "Shared with %(organisation)s without consent, for an imminent risk to life (to be reviewed)."
    ),
    "referral.reviewed": _("The vital-interest sharing with %(organisation)s was reviewed."),
    "referral.accepted": _("%(organisation)s accepted the referral."),
    "referral.declined": _("%(organisation)s declined the referral."),
    "referral.completed": _("%(organisation)s completed the referral."),
    "referral.revoked": _("The referral to %(organisation)s was revoked."),
    "referral.ended_by_withdrawal": _("The referral to %(organisation)s ended: the consent was withdrawn."),
    "conference.convened": _("A case conference was convened."),
    "conference.held": _("The case conference was held; minutes recorded."),
    "conference.cancelled": _("The case conference was cancelled."),
    "conference.action_done": _("%(organisation)s did an agreed action."),
    "conference.person_to_tell": _("The case has no inbox: the person must be told another way what was agreed."),
}

# Which code lists label a placeholder's value.
_LABELS: dict[str, Any] = {
    "channel": IntakeChannel,
    "from": CaseStatus,
    "to": CaseStatus,
    "reason": CloseReason,
    "role": PersonRole,
    "risk": RiskKind,
    "level": RiskLevel,
    "stage": AssessmentStage,
    "purpose": ConsentPurpose,
    "referral_purpose": ReferralPurpose,
    "protection": ProtectionLevel,
}


def event_record(
    *,
    case: Case,
    kind: str,
    actor: User | None,
    organisation: Organisation | None = None,
    subject_user: User | None = None,
    **params: str | int,
) -> CaseEvent:
    """Append an event to the case's timeline (call inside the service's transaction)."""
    if kind not in EVENT_TEXTS:
        raise ValueError(f"Unknown timeline event {kind!r}.")
    return CaseEvent.objects.create(
        case=case, kind=kind, actor=actor, organisation=organisation, subject_user=subject_user, params=params
    )


def _label(name: str, value: Any) -> str:
    choices = _LABELS.get(name)
    if choices is not None and value in choices.values:
        return str(choices(value).label)
    return str(value)


def event_text(event: CaseEvent) -> str:
    """The event's sentence in the active language."""
    values = {name: _label(name, value) for name, value in event.params.items()}
    if event.params.get("referral_purpose"):
        values["purpose"] = values["referral_purpose"]
    values["organisation"] = event.organisation.name if event.organisation else str(_("another organisation"))
    subject = event.subject_user
    values["colleague"] = (subject.full_name or subject.email) if subject else str(_("a colleague"))
    try:
        return str(EVENT_TEXTS[event.kind]) % values
    except (KeyError, ValueError):  # a placeholder the params lack: the sentence without it
        return str(EVENT_TEXTS[event.kind])


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    actor: str
    organisation: str


def timeline_entries(events: Iterable[CaseEvent]) -> list[TimelineEntry]:
    """Events (fetched with ``select_related("actor", "organisation", "subject_user")``)
    as the rows a page shows."""
    return [
        TimelineEntry(
            at=event.at,
            text=event_text(event),
            actor=(event.actor.full_name or event.actor.email) if event.actor else "",
            organisation=event.organisation.name if event.organisation else "",
        )
        for event in events
    ]
