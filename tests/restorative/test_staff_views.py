"""The professional pages of the restorative programme: who sees which page (404 for
anyone else), what a supervisor never sees, refusals that name each missing safeguard
and keep what was typed, the ICS download, the agreement PDF and a justice referral."""

from __future__ import annotations

import pytest
from django.test import Client
from icalendar import Calendar

from tests.cases.sharing_helpers import make_case, professional
from tests.conftest import login
from tests.factories import OrganisationFactory
from victory.accounts.models import Membership, OrganisationKind, Role
from victory.core.models import AuditEvent
from victory.restorative import services
from victory.restorative.models import ItemKind, ParticipantRole, RestorativeProcess, Stage
from victory.restorative.safeguards import Safeguard

from .helpers import Programme, accepted, advance, assess, in_dialogue, programme, referred, tomorrow_at

pytestmark = pytest.mark.django_db


def url(name: str, process: RestorativeProcess, *args: int) -> str:
    from django.urls import reverse

    return reverse(f"restorative:{name}", args=[process.pk, *args])


def outsiders(p: Programme) -> list[Membership]:
    elsewhere = OrganisationFactory(kind=OrganisationKind.RESTORATIVE_JUSTICE)
    return [
        professional(elsewhere, Role.FACILITATOR),
        professional(elsewhere, Role.SUPERVISOR),
        p.caseworker,
        professional(p.service, Role.ANALYST),
    ]


def test_the_process_page_answers_its_facilitator_and_supervisor_and_404s_for_others(client: Client) -> None:
    p = programme()
    process = accepted(p)
    for person in (p.facilitator, p.supervisor):
        response = login(Client(), person).get(url("detail", process))
        assert response.status_code == 200
        assert process.reference in response.content.decode()
    for person in outsiders(p):
        assert login(Client(), person).get(url("detail", process)).status_code == 404


def test_the_list_shows_waiting_referrals_first_and_404s_outside_the_programme() -> None:
    p = programme()
    older = accepted(p)
    p.case = make_case(p.support)
    waiting = referred(p)
    page = login(Client(), p.supervisor).get("/en/staff/restorative/").content.decode()
    assert page.index(waiting.reference) < page.index(older.reference)
    for person in outsiders(p)[2:]:
        assert login(Client(), person).get("/en/staff/restorative/").status_code == 404


def test_every_read_of_a_process_is_audited() -> None:
    p = programme()
    process = accepted(p)
    login(Client(), p.supervisor).get(url("detail", process))
    assert AuditEvent.objects.filter(action="restorative.read", object_id=str(process.pk)).exists()


def test_a_supervisor_never_sees_the_notes_the_statement_or_the_preparation_notes() -> None:
    p = programme()
    process, _people = in_dialogue(p)
    services.note_add(actor=p.facilitator.user, process=process, body="SECRET-NOTE said in session")
    facilitator_page = login(Client(), p.facilitator).get(url("detail", process)).content.decode()
    assert "SECRET-NOTE" in facilitator_page
    assert "He accepts he shouted the threats" in facilitator_page
    supervisor_page = login(Client(), p.supervisor).get(url("detail", process)).content.decode()
    assert "SECRET-NOTE" not in supervisor_page
    assert "He accepts he shouted the threats" not in supervisor_page
    assert "Restorative notes" not in supervisor_page


def test_a_refused_next_stage_shows_each_missing_safeguard() -> None:
    p = programme()
    process = accepted(p)
    assess(p, process)
    process = advance(p, process)  # preparation, with nobody prepared
    client = login(Client(), p.facilitator)
    response = client.post(url("advance", process), {"advance-version": process.version})
    assert response.status_code == 400
    page = response.content.decode()
    for code in (Safeguard.RISK_ASSESSMENT, Safeguard.PARTIES):
        assert str(code.label) in page.replace("&#x27;", "'")
    assert RestorativeProcess.objects.get(pk=process.pk).stage == Stage.PREPARATION


def test_a_refusal_keeps_what_was_typed() -> None:
    p = programme()
    process = accepted(p)
    client = login(Client(), p.facilitator)
    response = client.post(
        url("participant_add", process),
        {
            "participant_add-role": ParticipantRole.SUPPORTER_HARMED,
            "participant_add-full_name": "Typed Name Kept",
            "participant_add-language": "pt",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say whom this person stands beside." in page
    assert 'value="Typed Name Kept"' in page


def test_a_facilitator_cannot_accept_but_the_supervisor_can_and_impartiality_is_explained() -> None:
    p = programme()
    process = referred(p)
    supervisor = login(Client(), p.supervisor)
    response = supervisor.post(url("accept", process), {"accept-facilitator": p.caseworker.user.pk})
    assert response.status_code == 400  # not a facilitator of the service: not offered
    response = supervisor.post(url("accept", process), {"accept-facilitator": p.facilitator.user.pk})
    assert response.status_code == 302
    assert RestorativeProcess.objects.get(pk=process.pk).facilitator_id == p.facilitator.user.pk


def test_an_invitation_downloads_as_a_calendar_that_parses_back() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    starts, ends = tomorrow_at(10)
    session = services.session_schedule(
        actor=p.facilitator.user,
        process=process,
        starts_at=starts,
        ends_at=ends,
        place="Room 2",
        participants=[harmed, caused],
    )
    response = login(Client(), p.facilitator).get(url("invitation", process, session.pk, harmed.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar["METHOD"] == "REQUEST"
    assert [str(e["UID"]) for e in calendar.walk("VEVENT")] == [session.uid]
    assert login(Client(), p.caseworker).get(url("invitation", process, session.pk, harmed.pk)).status_code == 404


def test_a_session_is_scheduled_from_the_page() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    starts, _ends = tomorrow_at(10)
    response = login(Client(), p.facilitator).post(
        url("session_schedule", process),
        {
            "session_schedule-day": starts.date().isoformat(),
            "session_schedule-starts": "10:00",
            "session_schedule-ends": "12:00",
            "session_schedule-time_zone": "Europe/Lisbon",
            "session_schedule-place": "Room 2",
            "session_schedule-participants": [harmed.pk, caused.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert process.sessions.get().invitations.count() == 2


def test_the_agreement_pdf_for_the_parties() -> None:
    p = programme()
    process, (_harmed, caused) = in_dialogue(p)
    process = advance(p, process)
    assess(p, process)
    services.agreement_item_add(
        actor=p.facilitator.user, process=process, kind=ItemKind.APOLOGY, description="A written apology.", owner=caused
    )
    response = login(Client(), p.facilitator).get(url("agreement_pdf", process) + "?language=es")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert login(Client(), p.caseworker).get(url("agreement_pdf", process)).status_code == 404


def test_a_justice_organisation_refers_a_case() -> None:
    p = programme()
    police = OrganisationFactory(kind=OrganisationKind.POLICE)
    liaison = professional(police, Role.JUSTICE_LIAISON)
    client = login(Client(), liaison)
    response = client.post("/en/staff/restorative/refer/", {"referrer": police.pk, "service": p.service.pk, "note": ""})
    assert response.status_code == 400
    assert "Say why the case is referred." in response.content.decode()
    response = client.post(
        "/en/staff/restorative/refer/",
        {"referrer": police.pk, "service": p.service.pk, "note": "Threats at the door (fictional)."},
    )
    assert response.status_code == 302
    assert RestorativeProcess.objects.filter(referred_by=police, organisation=p.service).exists()
    assert login(Client(), p.caseworker).get("/en/staff/restorative/refer/").status_code == 404
