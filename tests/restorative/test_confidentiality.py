"""What is said in a restorative process stays with its facilitators: the restorative
notes, the acknowledgement of the facts and the preparation notes never reach the case
page, the case's referral, the person's data export or a supervisor's reading. And the
calendar invitations, parsed back with icalendar."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from tests.cases.sharing_helpers import professional
from tests.conftest import login
from victory.accounts.models import Role
from victory.cases.models import CasePerson, PersonRole, Referral
from victory.cases.services.rights import person_export
from victory.restorative import ics, services
from victory.restorative.models import DialogueSession, Participant, ParticipantRole, RestorativeProcess

from .helpers import Programme, in_dialogue, programme, tomorrow_at

pytestmark = pytest.mark.django_db

NOTE = "MARKER-NOTE-7f3a said in the session (fictional)"
STATEMENT = "MARKER-ACK-91c2 he admits the words (fictional)"
PREPARATION = "MARKER-PREP-44d0 she fears the stairwell (fictional)"
MARKERS = ("MARKER-NOTE-7f3a", "MARKER-ACK-91c2", "MARKER-PREP-44d0")


def _confided(p: Programme) -> RestorativeProcess:
    process, (harmed, caused) = in_dialogue(p)
    user = p.facilitator.user
    services.note_add(actor=user, process=process, body=NOTE)
    services.acknowledgement_record(actor=user, participant=caused, statement=STATEMENT)
    services.preparation_record(actor=user, participant=harmed, held_on=timezone.localdate(), notes=PREPARATION)
    return process


def _absent(text: str) -> None:
    for marker in MARKERS:
        assert marker not in text


def test_the_referring_case_page_shows_nothing_said_in_the_process(client: Client) -> None:
    p = programme()
    _confided(p)
    login(client, p.caseworker)
    response = client.get(reverse("cases:detail", args=[p.case.reference]))
    assert response.status_code == 200
    _absent(response.content.decode())


def test_the_cases_referral_carries_nothing_said_in_the_process() -> None:
    p = programme()
    process = _confided(p)
    referral = Referral.objects.get(restorative_process=process)
    _absent(json.dumps(referral.snapshot, default=str))
    _absent(referral.message)


def test_the_persons_data_export_carries_nothing_said_in_the_process(client: Client) -> None:
    p = programme()
    _confided(p)
    harmed = CasePerson.objects.get(case=p.case, role=PersonRole.PERSON_HARMED)
    supervisor = professional(p.support, Role.SUPERVISOR)
    _absent(json.dumps(person_export(actor=supervisor.user, person=harmed, with_assessment=True), default=str))
    login(client, supervisor)
    response = client.get(f"/en/staff/cases/{p.case.reference}/people/{harmed.pk}/export.json")
    assert response.status_code == 200
    _absent(response.content.decode())


def test_the_programmes_supervisor_sees_the_process_but_not_its_confidential_record() -> None:
    p = programme()
    process = _confided(p)
    supervisor = p.supervisor.user
    assert RestorativeProcess.objects.visible_to(supervisor).filter(pk=process.pk).exists()
    assert not RestorativeProcess.objects.facilitated_by(supervisor).filter(pk=process.pk).exists()
    assert RestorativeProcess.objects.facilitated_by(p.facilitator.user).filter(pk=process.pk).exists()
    # The referring caseworker reads no process at all.
    assert not RestorativeProcess.objects.visible_to(p.caseworker.user).exists()


# --- Calendar invitations -------------------------------------------------------------


def _scheduled(p: Programme) -> tuple[RestorativeProcess, Participant, Participant, DialogueSession]:
    process, (harmed, caused) = in_dialogue(p)
    starts, ends = tomorrow_at(10)
    session = services.session_schedule(
        actor=p.facilitator.user,
        process=process,
        starts_at=starts,
        ends_at=ends,
        place="Room 2, fictional centre",
        participants=[harmed, caused],
    )
    return process, harmed, caused, session


def _event(body: bytes) -> tuple[Calendar, Any]:
    calendar = Calendar.from_ical(body)
    events = calendar.walk("VEVENT")
    assert len(events) == 1
    return calendar, events[0]


def test_an_invitation_then_its_cancellation_keep_the_uid_and_raise_the_sequence() -> None:
    p = programme()
    _process, harmed, _caused, session = _scheduled(p)
    calendar, event = _event(ics.invitation(session=session, participant=harmed))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == session.uid
    first = int(event["SEQUENCE"])
    services.session_cancel(actor=p.facilitator.user, session=session)
    session.refresh_from_db()
    calendar, event = _event(ics.invitation(session=session, participant=harmed))
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["UID"]) == session.uid
    assert int(event["SEQUENCE"]) > first
    assert str(event["STATUS"]) == "CANCELLED"


def test_a_withdrawn_participant_gets_a_cancellation_with_a_higher_sequence() -> None:
    p = programme()
    _process, harmed, caused, session = _scheduled(p)
    first = int(_event(ics.invitation(session=session, participant=caused))[1]["SEQUENCE"])
    services.participant_withdraw(actor=None, participant=harmed)
    session.refresh_from_db()
    calendar, event = _event(ics.invitation(session=session, participant=caused))
    assert calendar["METHOD"] == "CANCEL"
    assert int(event["SEQUENCE"]) > first


def test_the_invitation_is_in_the_participants_language() -> None:
    p = programme()
    process, harmed, _caused, _session = _scheduled(p)
    spanish = services.participant_add(
        actor=p.facilitator.user,
        process=process,
        role=ParticipantRole.SUPPORTER_HARMED,
        full_name="Lucía Example",
        language="es",
        supports=harmed,
    )
    starts, ends = tomorrow_at(14)
    session = services.session_schedule(
        actor=p.facilitator.user,
        process=process,
        starts_at=starts,
        ends_at=ends,
        place="Room 3",
        participants=[spanish],
    )
    _calendar, event = _event(ics.invitation(session=session, participant=spanish))
    with translation.override("es"):
        expected = gettext("Restorative dialogue meeting")
    # The Spanish words when the catalogue has them; until then, whatever gettext gives
    # in Spanish: the invitation was written under the participant's language.
    assert str(event["SUMMARY"]) == expected
    with translation.override("es"):
        cancelled = gettext("Cancelled: restorative dialogue meeting")
    services.session_cancel(actor=p.facilitator.user, session=session)
    session.refresh_from_db()
    assert str(_event(ics.invitation(session=session, participant=spanish))[1]["SUMMARY"]) == cancelled
    # Nobody else's name is in anyone's invitation.
    assert "Ana Example" not in ics.invitation(session=session, participant=spanish).decode()
