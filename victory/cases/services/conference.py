"""Case conferences: the multi-agency cooperation framework in practice (issue 10, item 5).

A supervisor of the case's organisation convenes, for a high-risk case, the organisations
that hold an accepted referral for it. The person's wishes are recorded first; the
minutes carry a shared action plan (each action owned by one organisation, with a due
date); each owner marks its own actions done; the person is told in their inbox what
was agreed for them. Invited organisations see the plan, never the case file."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Membership, Organisation, User
from victory.core.audit import audit_record

from ..concurrency import version_claim
from ..models import (
    REFERRAL_RECEIVER_ROLES,
    Case,
    CaseConference,
    ConferenceAction,
    ConferenceStatus,
    Referral,
    ReferralStatus,
)
from ..permissions import can_convene_conference, can_read_conference, can_supervise_case
from ..timeline import event_record
from .common import case_write, require, require_case_access

VICTIM_WISHES_MAX_CHARS = 10_000
TEXT_MAX_CHARS = 20_000


@dataclass(frozen=True)
class ActionDraft:
    """One action of the shared plan, as the minutes' form gives it."""

    owner: Organisation
    description: str
    due_on: date | None


def _require_conference_side(actor: User, conference: CaseConference) -> None:
    """The case's own supervisors run the conference; anyone else who may not even see
    it gets 404, an invited organisation's reader 403."""
    if not can_read_conference(actor, conference):
        raise Http404
    require(can_supervise_case(actor, conference.case))


def _invitable(case: Case, organisations: Sequence[Organisation]) -> list[str]:
    """The names of the organisations that may not be invited: only those holding an
    accepted referral in force for this case may."""
    accepted = set(
        Referral.objects.filter(case=case, status=ReferralStatus.ACCEPTED)
        .in_force()
        .values_list("recipient_id", flat=True)
    )
    return [org.name for org in organisations if org.pk not in accepted or org.pk == case.organisation_id]


@transaction.atomic
def conference_convene(
    *,
    actor: User,
    case: Case,
    scheduled_for: datetime | None,
    organisations: Sequence[Organisation],
    victim_wishes: str,
    agenda: str = "",
    expected_version: int | None = None,
) -> CaseConference:
    require_case_access(actor, case)
    require(can_convene_conference(actor, case))
    errors: dict[str, list[str]] = {}
    if not victim_wishes.strip():
        errors["victim_wishes"] = [
            _("Write down what the person harmed wishes, in their words, before anything else is decided.")
        ]
    elif len(victim_wishes) > VICTIM_WISHES_MAX_CHARS:
        errors["victim_wishes"] = [_("Shorten this to %(limit)s characters.") % {"limit": VICTIM_WISHES_MAX_CHARS}]
    if len(agenda) > TEXT_MAX_CHARS:
        errors["agenda"] = [_("Shorten this to %(limit)s characters.") % {"limit": TEXT_MAX_CHARS}]
    if scheduled_for is None:
        errors["scheduled_for"] = [_("Give the date and time of the conference.")]
    if not organisations:
        errors["organisations"] = [_("Choose at least one organisation that accepted a referral for this case.")]
    else:
        refused = _invitable(case, organisations)
        if refused:
            errors["organisations"] = [
                _(
                    "%(organisation)s cannot be invited: only an organisation that accepted a referral "
                    "for this case, still in force, takes part."
                )
                % {"organisation": name}
                for name in refused
            ]
    if errors:
        raise ValidationError(errors)
    assert scheduled_for is not None
    if timezone.is_naive(scheduled_for):  # a time without a zone is the platform's local time
        scheduled_for = timezone.make_aware(scheduled_for)
    case_write(case=case, actor=actor, action="case.conference_convened", expected_version=expected_version)
    conference = CaseConference(
        case=case,
        convened_by=actor,
        scheduled_for=scheduled_for,
        victim_wishes=victim_wishes.strip(),
        agenda=agenda.strip(),
    )
    conference.save()
    conference.organisations.set(organisations)
    event_record(case=case, kind="conference.convened", actor=actor)
    return conference


def _actions_check(conference: CaseConference, actions: Sequence[ActionDraft]) -> list[str]:
    allowed = {conference.case.organisation_id, *(org.pk for org in conference.organisations.all())}
    problems = []
    for number, action in enumerate(actions, start=1):
        if not action.description.strip():
            problems.append(_("Action %(number)s: say what is to be done.") % {"number": number})
        elif len(action.description) > TEXT_MAX_CHARS:
            problems.append(
                _("Action %(number)s: shorten it to %(limit)s characters.")
                % {"number": number, "limit": TEXT_MAX_CHARS}
            )
        if action.owner.pk not in allowed:
            problems.append(
                _("Action %(number)s: %(organisation)s was not invited to this conference.")
                % {"number": number, "organisation": action.owner.name}
            )
        if action.due_on is None:
            problems.append(_("Action %(number)s: give the date it is due.") % {"number": number})
    return problems


@transaction.atomic
def conference_record_minutes(
    *,
    actor: User,
    conference: CaseConference,
    minutes: str,
    actions: Sequence[ActionDraft] = (),
    expected_version: int | None,
) -> CaseConference:
    """The minutes and the shared plan. Recording again (a correction) replaces the
    minutes and adds the new actions; actions already agreed stay as they are."""
    _require_conference_side(actor, conference)
    errors: dict[str, list[str]] = {}
    if conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError(_("This conference was cancelled: its minutes cannot be recorded."))
    if not minutes.strip():
        errors["minutes"] = [_("Write the minutes: what was discussed and agreed.")]
    elif len(minutes) > TEXT_MAX_CHARS:
        errors["minutes"] = [_("Shorten this to %(limit)s characters.") % {"limit": TEXT_MAX_CHARS}]
    problems = _actions_check(conference, actions)
    if problems:
        errors["actions"] = problems
    if errors:
        raise ValidationError(errors)
    version_claim(conference, expected=expected_version)
    conference.minutes = minutes.strip()
    conference.status = ConferenceStatus.HELD
    conference.save(update_fields=["minutes", "status"])
    for action in actions:
        ConferenceAction(
            conference=conference, owner=action.owner, description=action.description.strip(), due_on=action.due_on
        ).save()
    case = conference.case
    case_write(case=case, actor=actor, action="case.conference_held", expected_version=None, reason=str(conference.pk))
    event_record(case=case, kind="conference.held", actor=actor)
    return conference


@transaction.atomic
def conference_cancel(*, actor: User, conference: CaseConference, expected_version: int | None) -> CaseConference:
    _require_conference_side(actor, conference)
    if conference.status != ConferenceStatus.PLANNED:
        raise ValidationError(_("Only a planned conference can be cancelled."))
    version_claim(conference, expected=expected_version)
    conference.status = ConferenceStatus.CANCELLED
    conference.save(update_fields=["status"])
    case = conference.case
    case_write(
        case=case, actor=actor, action="case.conference_cancelled", expected_version=None, reason=str(conference.pk)
    )
    event_record(case=case, kind="conference.cancelled", actor=actor)
    return conference


def organisations_answered_for(user: User, conference: CaseConference) -> set[int]:
    """The organisations whose actions ``user`` answers for in ``conference``: those
    where they receive referrals, and the case's own when they work the case."""
    from ..permissions import can_work_case

    ids = set(
        Membership.objects.in_force()
        .filter(user_id=user.pk, role__in=REFERRAL_RECEIVER_ROLES)
        .exclude(organisation_id=conference.case.organisation_id)
        .values_list("organisation_id", flat=True)
    )
    if can_work_case(user, conference.case):
        ids.add(conference.case.organisation_id)
    return ids


def action_owned_by(user: User, action: ConferenceAction) -> bool:
    """Whether ``user`` answers for ``action``: a receiver of the owner organisation (for
    the case's own organisation, whoever works the case)."""
    return action.owner_id in organisations_answered_for(user, action.conference)


@transaction.atomic
def conference_action_done(*, actor: User, action: ConferenceAction) -> ConferenceAction:
    conference = action.conference
    if not can_read_conference(actor, conference):
        raise Http404
    if not action_owned_by(actor, action):
        raise PermissionDenied
    if conference.status == ConferenceStatus.CANCELLED:
        raise ValidationError(_("This conference was cancelled: its actions are no longer followed."))
    if action.done_at is not None:
        raise ValidationError(_("This action was already marked done."))
    version_claim(conference, expected=None)  # open forms learn that the plan moved
    action.done_at = timezone.now()
    action.done_by = actor
    action.save(update_fields=["done_at", "done_by"])
    case = conference.case
    audit_record(
        action="case.conference_action_done", actor=actor, organisation=action.owner, obj=case, reason=str(action.pk)
    )
    event_record(case=case, kind="conference.action_done", actor=actor, organisation=action.owner)
    return action


@transaction.atomic
def conference_tell_person(
    *, actor: User, conference: CaseConference, summary: str, expected_version: int | None
) -> bool:
    """Tell the person what was agreed for them. With a report, a message in their inbox
    (returns True); a case without a report records that they must be told another way
    (returns False): by phone or in person, as the case came in."""
    _require_conference_side(actor, conference)
    if conference.status != ConferenceStatus.HELD:
        raise ValidationError(_("Record the minutes first: the person is told what was agreed."))
    if not summary.strip():
        raise ValidationError({"summary": [_("Write what was agreed for the person, in plain words.")]})
    if len(summary) > TEXT_MAX_CHARS:
        raise ValidationError({"summary": [_("Shorten this to %(limit)s characters.") % {"limit": TEXT_MAX_CHARS}]})
    version_claim(conference, expected=expected_version)
    conference.person_summary = summary.strip()
    conference.save(update_fields=["person_summary"])
    case = conference.case
    case_write(
        case=case, actor=actor, action="case.conference_person_told", expected_version=None, reason=str(conference.pk)
    )
    if case.report is not None:
        from victory.reports.services import organisation_message_send

        organisation_message_send(actor=actor, report=case.report, body=conference.person_summary)
        event_record(case=case, kind="message.sent", actor=actor)
        return True
    event_record(case=case, kind="conference.person_to_tell", actor=actor)
    return False
