"""API operations for case conferences (see views/conference.py for the pages):
``GET/POST /cases/{id}/conferences`` (the case's side; ``{id}`` is the case reference),
``GET /conferences/{conference_id}`` (also an invited organisation's receivers: the
plan, never the case file) and ``POST /conferences/{conference_id}/actions/{action_id}/done``."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.responses import Status

from victory.accounts.models import Organisation, User
from victory.reports.api import ErrorOut, ValidationErrorOut

from ..models import CaseConference, ConferenceStatus
from ..selectors.common import case_get
from ..selectors.conference import conference_get, conference_list_for_case
from ..services import conference as services
from ..services.common import case_read
from .base import CaseApiRequest, router


class OrganisationRefOut(Schema):
    id: int
    name: str


class ConferenceActionOut(Schema):
    id: int
    owner: OrganisationRefOut = Field(..., description="The organisation that does it.")
    description: str
    due_on: date | None
    done_at: datetime | None
    yours: bool = Field(..., description="Whether the caller's organisation does it (and may mark it done).")


class ConferenceOut(Schema):
    id: int
    status: ConferenceStatus
    scheduled_for: datetime
    convened_by: OrganisationRefOut = Field(..., description="The case's organisation.")
    organisations: list[OrganisationRefOut] = Field(..., description="The organisations invited.")
    victim_wishes: str = Field(..., description="What the person harmed wishes: recorded first.")
    agenda: str
    minutes: str
    person_summary: str = Field(..., description="What the person was told was agreed for them.")
    actions: list[ConferenceActionOut] = Field(..., description="The shared action plan: every action, every owner.")
    version: int = Field(..., description="Send it back with a change, so a stale edit is refused (409).")


class ConferenceIn(Schema):
    victim_wishes: str = Field(..., description="What the person harmed wishes, in their words. Required.")
    scheduled_for: datetime
    organisation_ids: list[int] = Field(
        ..., description="Organisations holding an accepted referral for the case, in force."
    )
    agenda: str = ""
    version: int | None = Field(None, description="The case's version as read (GET /cases/{id}).")


def _out(user: User, conference: CaseConference, answered: set[int] | None = None) -> ConferenceOut:
    """``answered``: the organisations the user answers for, when already known (the
    same for every conference of one case)."""
    if answered is None:
        answered = services.organisations_answered_for(user, conference)

    def ref(organisation: Organisation) -> OrganisationRefOut:
        return OrganisationRefOut(id=organisation.pk, name=organisation.name)

    return ConferenceOut(
        id=conference.pk,
        status=ConferenceStatus(conference.status),
        scheduled_for=conference.scheduled_for,
        convened_by=ref(conference.case.organisation),
        organisations=[ref(org) for org in conference.organisations.all()],
        victim_wishes=conference.victim_wishes,
        agenda=conference.agenda,
        minutes=conference.minutes,
        person_summary=conference.person_summary,
        actions=[
            ConferenceActionOut(
                id=action.pk,
                owner=ref(action.owner),
                description=action.description,
                due_on=action.due_on,
                done_at=action.done_at,
                yours=action.owner_id in answered,
            )
            for action in conference.actions.all()
        ],
        version=conference.version,
    )


@router.get(
    "/cases/{id}/conferences",
    response={200: list[ConferenceOut], 401: ErrorOut, 404: ErrorOut},
    summary="The case's conferences",
)
def case_conference_list(request: CaseApiRequest, id: str) -> list[ConferenceOut]:
    """Every conference of the case, newest first, for whoever works the case; 404
    otherwise. Audited as a read of the case's conferences."""
    user = request.auth
    case = case_get(user=user, reference=id)
    conferences = list(conference_list_for_case(case_id=case.pk))
    case_read(case=case, actor=user, what="conferences", channel="api")
    if not conferences:
        return []
    answered = services.organisations_answered_for(user, conferences[0])
    return [_out(user, conference, answered) for conference in conferences]


@router.post(
    "/cases/{id}/conferences",
    response={201: ConferenceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="Convene a case conference",
)
def case_conference_create(
    request: CaseApiRequest, id: str, payload: ConferenceIn
) -> Status[ConferenceOut] | Status[ErrorOut]:
    """A supervisor of the case's organisation, for a high-risk case or one with specific
    protection needs (else 403). Each invited organisation must hold an accepted referral
    for the case, in force: any other is refused with 422 naming it (`loc` `["body",
    "organisations"]`). A stale `version` gives 409."""
    user = request.auth
    case = case_get(user=user, reference=id)
    organisations = list(Organisation.objects.filter(pk__in=payload.organisation_ids))
    if len(organisations) != len(set(payload.organisation_ids)):
        raise ValidationError({"organisations": [_("One of the chosen organisations is not on the platform.")]})
    try:
        conference = services.conference_convene(
            actor=user,
            case=case,
            scheduled_for=payload.scheduled_for,
            organisations=organisations,
            victim_wishes=payload.victim_wishes,
            agenda=payload.agenda,
            expected_version=payload.version,
        )
    except PermissionDenied:
        return Status(403, ErrorOut(detail=_("Only a supervisor convenes a conference, for a high-risk case.")))
    return Status(201, _out(user, conference_get(user=user, pk=conference.pk)))


@router.get(
    "/conferences/{conference_id}",
    response={200: ConferenceOut, 401: ErrorOut, 404: ErrorOut},
    summary="Read a case conference",
)
def conference_read(request: CaseApiRequest, conference_id: int) -> ConferenceOut:
    """For the case's side and the invited organisations' caseworkers, supervisors and
    justice liaisons: the person's wishes, the agenda, the minutes and the whole plan,
    never the case file. Anyone else: 404. Audited."""
    user = request.auth
    conference = conference_get(user=user, pk=conference_id)
    case_read(case=conference.case, actor=user, what="conference", channel="api")
    return _out(user, conference)


@router.post(
    "/conferences/{conference_id}/actions/{action_id}/done",
    response={200: ConferenceOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="Mark an agreed action done",
)
def conference_action_done(
    request: CaseApiRequest, conference_id: int, action_id: int
) -> ConferenceOut | Status[ErrorOut]:
    """By the organisation that owns the action (403 for another invited one); an action
    already done, or of a cancelled conference, gives 422."""
    user = request.auth
    conference = conference_get(user=user, pk=conference_id)
    action = next((a for a in conference.actions.all() if a.pk == action_id), None)
    if action is None:
        raise Http404
    try:
        services.conference_action_done(actor=user, action=action)
    except PermissionDenied:
        return Status(403, ErrorOut(detail=_("Only the organisation that does this action marks it done.")))
    return _out(user, conference_get(user=user, pk=conference_id))
