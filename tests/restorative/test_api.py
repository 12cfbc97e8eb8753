"""The restorative API: each operation's happy path and its refusal, the 409 naming each
missing safeguard, the confidential record kept from everyone but the facilitators, and
the calendar invitations. Every JSON answer is checked against the OpenAPI document
(``OpenAPIClient``)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from icalendar import Calendar

from tests.cases.sharing_helpers import api_token, professional
from tests.factories import OrganisationFactory
from tests.openapi_check import OpenAPIClient, openapi_document
from tests.restorative import helpers
from tests.restorative.helpers import Programme
from victory.accounts.models import Membership, OrganisationKind, Role
from victory.restorative import services
from victory.restorative.models import (
    AgreementStatus,
    ItemKind,
    ParticipantRole,
    RestorativeNote,
    RestorativeProcess,
    Stage,
)
from victory.restorative.safeguards import Safeguard

pytestmark = pytest.mark.django_db

SECRET_NOTE = "She said the threats were the worst night of her life (confidential)."
SECRET_STATEMENT = "He accepts he shouted the threats (fictional)."


def _as(membership: Membership) -> OpenAPIClient:
    return OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {api_token(membership)}")


def _post(api: OpenAPIClient, path: str, body: dict[str, Any] | None = None) -> Any:
    return api.post(f"/api/v1/restorative/processes{path}", body or {}, content_type="application/json")


def _get(api: OpenAPIClient, path: str = "") -> Any:
    return api.get(f"/api/v1/restorative/processes{path}")


@pytest.fixture
def p() -> Programme:
    return helpers.programme()


def test_the_list_and_the_process_are_for_the_service_only(p: Programme) -> None:
    process = helpers.referred(p)
    facilitator, supervisor = _as(p.facilitator), _as(p.supervisor)
    listed = _get(facilitator)
    assert listed.status_code == 200
    assert [row["reference"] for row in listed.json()] == [process.reference]
    detail = _get(supervisor, f"/{process.reference}")
    assert detail.status_code == 200
    assert detail.json()["decision"] == "pending" and detail.json()["you_supervise"] is True
    # The referring caseworker learns the outcome through the referral, never the process.
    caseworker = _as(p.caseworker)
    assert _get(caseworker).json() == []
    assert _get(caseworker, f"/{process.reference}").status_code == 404
    assert _get(caseworker, "/RJ-NOPE").status_code == 404


def test_a_justice_organisation_refers_and_others_are_refused(p: Programme) -> None:
    police = OrganisationFactory(kind=OrganisationKind.POLICE)
    liaison = professional(police, Role.JUSTICE_LIAISON)
    body = {"referrer_id": police.pk, "service_id": p.service.pk, "note": "Both live on the same street (fictional)."}
    answer = _post(_as(liaison), "", body)
    assert answer.status_code == 201, answer.content
    assert answer.json()["source"] == "justice" and answer.json()["decision"] == "pending"
    assert RestorativeProcess.objects.filter(reference=answer.json()["reference"], organisation=p.service).exists()
    # A victim-support caseworker is no justice organisation.
    assert _post(_as(p.caseworker), "", {**body, "referrer_id": p.support.pk}).status_code == 403
    refused = _post(_as(liaison), "", {**body, "note": " "})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "note"]
    unknown = _post(_as(liaison), "", {**body, "service_id": 0})
    assert unknown.status_code == 422 and unknown.json()["detail"][0]["loc"] == ["body", "service"]


def test_the_supervisor_accepts_and_a_facilitator_may_not(p: Programme) -> None:
    process = helpers.referred(p)
    refused = _post(_as(p.facilitator), f"/{process.reference}/accept", {"facilitator_id": p.facilitator.user.pk})
    assert refused.status_code == 403
    conflict = _post(_as(p.supervisor), f"/{process.reference}/accept", {"facilitator_id": p.caseworker.user.pk})
    assert conflict.status_code == 422
    assert conflict.json()["detail"][0]["loc"] == ["body", "facilitator"]
    accepted = _post(
        _as(p.supervisor),
        f"/{process.reference}/accept",
        {"facilitator_id": p.facilitator.user.pk, "version": process.version},
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["stage"] == "assessment"
    assert accepted.json()["facilitator"]["id"] == p.facilitator.user.pk
    # Answered: there is no referral left to decline.
    again = _post(_as(p.supervisor), f"/{process.reference}/decline", {"reason": "Changed our mind."})
    assert again.status_code == 403


def test_the_supervisor_declines_with_a_reason(p: Programme) -> None:
    process = helpers.referred(p)
    empty = _post(_as(p.supervisor), f"/{process.reference}/decline", {"reason": ""})
    assert empty.status_code == 422
    declined = _post(_as(p.supervisor), f"/{process.reference}/decline", {"reason": "Outside our area (fictional)."})
    assert declined.status_code == 200
    assert declined.json()["stage"] == "closed" and declined.json()["decision"] == "declined"


def test_participants_and_their_safeguard_records(p: Programme) -> None:
    process = helpers.accepted(p)
    api = _as(p.facilitator)
    harmed = _post(
        api,
        f"/{process.reference}/participants",
        {
            "role": "person_harmed",
            "full_name": "Ana Example",
            "language": "pt",
            "contact": {"email": "ana@demo.victory.example"},
        },
    )
    assert harmed.status_code == 201, harmed.content
    assert "contact" not in harmed.json()
    pid = harmed.json()["id"]
    twice = _post(
        api, f"/{process.reference}/participants", {"role": "person_harmed", "full_name": "B", "language": "pt"}
    )
    assert twice.status_code == 422 and twice.json()["detail"][0]["loc"] == ["body", "role"]
    assert (
        _post(_as(p.supervisor), f"/{process.reference}/participants/{pid}/information", {"language": "pt"}).status_code
        == 403
    )
    uninformed = _post(api, f"/{process.reference}/participants/{pid}/consent", {"method": "signed_form"})
    assert uninformed.status_code == 422
    informed = _post(api, f"/{process.reference}/participants/{pid}/information", {"language": "pt"})
    assert informed.status_code == 201 and informed.json()["information"][0]["language"] == "pt"
    consented = _post(api, f"/{process.reference}/participants/{pid}/consent", {"method": "signed_form"})
    assert consented.status_code == 201 and consented.json()["consents"][0]["withdrawn_at"] is None
    today = timezone.localdate().isoformat()
    prepared = _post(
        api, f"/{process.reference}/participants/{pid}/preparation", {"held_on": today, "notes": "Worried (private)."}
    )
    assert prepared.status_code == 201 and prepared.json()["prepared_on"] == [today]
    not_offender = _post(api, f"/{process.reference}/participants/{pid}/acknowledgement", {"statement": "x"})
    assert not_offender.status_code == 422
    caused = _post(
        api, f"/{process.reference}/participants", {"role": "person_caused_harm", "full_name": "Rui", "language": "pt"}
    )
    acknowledged = _post(
        api, f"/{process.reference}/participants/{caused.json()['id']}/acknowledgement", {"statement": SECRET_STATEMENT}
    )
    assert acknowledged.status_code == 201 and acknowledged.json()["acknowledged_at"]
    changed = _post(api, f"/{process.reference}/participants/{pid}/circumstances", {"note": "She moved house."})
    assert changed.status_code == 201
    assert _post(api, f"/{process.reference}/participants/0/circumstances", {}).status_code == 404
    listed = _get(_as(p.supervisor), f"/{process.reference}/participants")
    assert listed.status_code == 200 and len(listed.json()) == 2
    text = listed.content.decode()
    assert "demo.victory.example" not in text and SECRET_STATEMENT not in text and "Worried" not in text


def test_assessment_format_and_advance(p: Programme) -> None:
    process = helpers.accepted(p)
    api = _as(p.facilitator)
    wrong = _post(
        api, f"/{process.reference}/assessments", {"risk_level": "extreme", "suitable": True, "reasoning": "x"}
    )
    assert wrong.status_code == 422
    assessed = _post(
        api,
        f"/{process.reference}/assessments",
        {"risk_level": "low", "suitable": True, "reasoning": "Both want it (fictional).", "risk_factors": ["denial"]},
    )
    assert assessed.status_code == 201 and assessed.json()["stage"] == "assessment"
    assert _post(_as(p.supervisor), f"/{process.reference}/advance").status_code == 403
    moved = _post(api, f"/{process.reference}/advance", {"version": helpers.fresh(process).version})
    assert moved.status_code == 200 and moved.json()["stage"] == "preparation"
    stale = _post(api, f"/{process.reference}/format", {"dialogue_format": "circle", "version": 1})
    assert stale.status_code == 409 and "missing_safeguards" not in stale.json()
    chosen = _post(api, f"/{process.reference}/format", {"dialogue_format": "circle"})
    assert chosen.status_code == 200 and chosen.json()["dialogue_format"] == "circle"


def test_a_dialogue_without_safeguards_answers_409_naming_each(p: Programme) -> None:
    process = helpers.accepted(p)
    helpers.assess(p, process)
    process = helpers.advance(p, process)  # preparation, nobody prepared yet
    helpers.parties(p, process)
    helpers.assess(p, process)
    refused = _post(_as(p.facilitator), f"/{process.reference}/advance")
    assert refused.status_code == 409
    body = refused.json()
    assert body["missing_safeguards"] == [
        Safeguard.VICTIM_INFORMED,
        Safeguard.VICTIM_PREPARED,
        Safeguard.OFFENDER_INFORMED,
        Safeguard.OFFENDER_PREPARED,
    ]
    assert str(Safeguard.VICTIM_INFORMED.label) in body["detail"]
    assert helpers.fresh(process).stage == Stage.PREPARATION
    # Straight to a session: every dialogue safeguard is named.
    session = _post(
        _as(p.facilitator),
        f"/{process.reference}/sessions",
        {
            "starts_at": helpers.tomorrow_at(10)[0].isoformat(),
            "ends_at": helpers.tomorrow_at(10)[1].isoformat(),
            "place": "Room 2",
            "participant_ids": [],
        },
    )
    assert session.status_code == 409
    assert {Safeguard.DIALOGUE_FORMAT, Safeguard.VICTIM_CONSENT, Safeguard.FACTS_ACKNOWLEDGED} <= set(
        session.json()["missing_safeguards"]
    )


def test_the_safeguard_codes_are_an_enum_in_the_document() -> None:
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["Safeguard"]["enum"] == list(Safeguard.values)
    items = schemas["MissingSafeguardsOut"]["properties"]["missing_safeguards"]["items"]
    assert items == {"$ref": "#/components/schemas/Safeguard"}


def _in_dialogue(p: Programme) -> tuple[RestorativeProcess, Any]:
    process, people = helpers.in_dialogue(p)
    start, end = helpers.tomorrow_at(10)
    answer = _post(
        _as(p.facilitator),
        f"/{process.reference}/sessions",
        {
            "starts_at": start.isoformat(),
            "ends_at": end.isoformat(),
            "place": "Community centre, room 2 (fictional)",
            "participant_ids": [people[0].pk, people[1].pk],
            "interpreter_language": "pt",
        },
    )
    assert answer.status_code == 201, answer.content
    return process, (people, answer.json())


def _calendar(api: OpenAPIClient, path: str) -> Calendar:
    with api.unchecked():  # text/calendar: the document says so, the JSON check does not apply
        answer = _get(api, path)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(answer.content)


def test_sessions_and_their_invitations(p: Programme) -> None:
    process, (people, session) = _in_dialogue(p)
    api = _as(p.facilitator)
    listed = _get(_as(p.supervisor), f"/{process.reference}/sessions")
    assert listed.status_code == 200 and listed.json()[0]["status"] == "scheduled"
    path = f"/{process.reference}/sessions/{session['id']}/invitations/{people[0].pk}.ics"
    calendar = _calendar(api, path)
    assert calendar["METHOD"] == "REQUEST"
    # Not for the supervisor, and not for someone not invited.
    assert _get(_as(p.supervisor), path).status_code == 404
    assert _get(api, f"/{process.reference}/sessions/{session['id']}/invitations/0.ics").status_code == 404
    assert _post(_as(p.supervisor), f"/{process.reference}/sessions/{session['id']}/cancel").status_code == 403
    cancelled = _post(api, f"/{process.reference}/sessions/{session['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    calendar = _calendar(api, path)
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert event["STATUS"] == "CANCELLED" and str(event["SEQUENCE"]) == "1"
    again = _post(api, f"/{process.reference}/sessions/{session['id']}/cancel")
    assert again.status_code == 422


def test_a_session_is_recorded_as_held(p: Programme) -> None:
    process, (people, session) = _in_dialogue(p)
    api = _as(p.facilitator)
    outsider = _post(api, f"/{process.reference}/sessions/{session['id']}/held", {"attended_ids": [0]})
    assert outsider.status_code == 422
    held = _post(api, f"/{process.reference}/sessions/{session['id']}/held", {"attended_ids": [people[0].pk]})
    assert held.status_code == 200 and held.json()["status"] == "held"
    assert sorted(i["attended"] for i in held.json()["invitations"]) == [False, True]


def test_a_withdrawal_halts_the_process_and_cancels_its_sessions(p: Programme) -> None:
    process, (people, session) = _in_dialogue(p)
    api = _as(p.facilitator)
    assert _post(api, f"/{process.reference}/withdraw", {"participant_id": 0}).status_code == 404
    withdrawn = _post(api, f"/{process.reference}/withdraw", {"participant_id": people[1].pk})
    assert withdrawn.status_code == 200 and withdrawn.json()["halted_at"]
    assert "halted" in withdrawn.json()["missing_safeguards"]
    assert _get(api, f"/{process.reference}/sessions").json()[0]["status"] == "cancelled"
    refused = _post(api, f"/{process.reference}/advance")
    assert refused.status_code == 409 and refused.json()["missing_safeguards"][0] == "halted"
    closed = _post(api, f"/{process.reference}/close", {"reason": "withdrawn"})
    assert closed.status_code == 200 and closed.json()["close_reason"] == "withdrawn"


def test_the_agreement_from_items_to_follow_up(p: Programme) -> None:
    process, people = helpers.in_dialogue(p)
    api = _as(p.facilitator)
    early = _post(
        api, f"/{process.reference}/agreement/items", {"kind": "apology", "description": "x", "owner_id": people[1].pk}
    )
    assert early.status_code == 422  # at the dialogue stage
    assert _get(api, f"/{process.reference}/agreement").status_code == 404
    process = helpers.advance(p, process)
    helpers.assess(p, process)
    item = _post(
        api,
        f"/{process.reference}/agreement/items",
        {"kind": ItemKind.APOLOGY, "description": "A written apology (fictional).", "owner_id": people[1].pk},
    )
    assert item.status_code == 201, item.content
    payment = _post(
        api,
        f"/{process.reference}/agreement/items",
        {"kind": "restitution", "description": "Repaint the door.", "owner_id": people[1].pk},
    )
    assert payment.status_code == 422 and payment.json()["detail"][0]["loc"] == ["body", "amount_cents"]
    not_a_party = _post(api, f"/{process.reference}/agreement/confirm", {"role": "community"})
    assert not_a_party.status_code == 422
    _post(api, f"/{process.reference}/agreement/confirm", {"role": ParticipantRole.PERSON_HARMED})
    confirmed = _post(api, f"/{process.reference}/agreement/confirm", {"role": ParticipantRole.PERSON_CAUSED_HARM})
    assert confirmed.status_code == 200 and confirmed.json()["status"] == AgreementStatus.CONFIRMED
    assert _get(_as(p.supervisor), f"/{process.reference}/agreement").json()["status"] == "confirmed"
    helpers.advance(p, process)
    item_id = item.json()["items"][0]["id"]
    assert (
        _post(
            _as(p.supervisor), f"/{process.reference}/agreement/items/{item_id}/follow-up", {"outcome": "done"}
        ).status_code
        == 403
    )
    followed = _post(api, f"/{process.reference}/agreement/items/{item_id}/follow-up", {"outcome": "done"})
    assert followed.status_code == 200 and followed.json()["items"][0]["outcome"] == "done"
    assert _post(api, f"/{process.reference}/agreement/items/0/follow-up", {"outcome": "done"}).status_code == 404
    completed = _post(api, f"/{process.reference}/close", {"reason": "completed"})
    assert completed.status_code == 200 and completed.json()["stage"] == "closed"


def test_no_agreement_is_recorded_neutrally(p: Programme) -> None:
    early = helpers.accepted(helpers.programme())
    assert _post(_as(p.facilitator), f"/{early.reference}/no-agreement").status_code == 404  # not theirs
    process, _people = helpers.in_dialogue(p)
    assert _post(_as(p.supervisor), f"/{process.reference}/no-agreement").status_code == 403
    answer = _post(_as(p.facilitator), f"/{process.reference}/no-agreement")
    assert answer.status_code == 200 and answer.json()["no_agreement_at"]


def test_notes_are_for_the_facilitators_only(p: Programme) -> None:
    process = helpers.accepted(p)
    api = _as(p.facilitator)
    written = _post(api, f"/{process.reference}/notes", {"body": SECRET_NOTE})
    assert written.status_code == 201 and written.json()["body"] == SECRET_NOTE
    assert _post(api, f"/{process.reference}/notes", {"body": " "}).status_code == 422
    assert [note["body"] for note in _get(api, f"/{process.reference}/notes").json()] == [SECRET_NOTE]
    supervisor = _as(p.supervisor)
    assert _get(supervisor, f"/{process.reference}/notes").status_code == 403
    assert _post(supervisor, f"/{process.reference}/notes", {"body": "x"}).status_code == 403
    # The other facilitator of the service does not facilitate this one: not even seen.
    assert _get(_as(p.other_facilitator), f"/{process.reference}/notes").status_code == 404
    # No other answer carries the note.
    for path in ("", f"/{process.reference}", f"/{process.reference}/participants", f"/{process.reference}/sessions"):
        assert SECRET_NOTE not in _get(supervisor, path).content.decode()
    assert RestorativeNote.objects.count() == 1


def test_a_supervisor_reviews_and_a_facilitator_may_not(p: Programme) -> None:
    process = helpers.accepted(p)
    assert _post(_as(p.facilitator), f"/{process.reference}/reviews", {"notes": "x"}).status_code == 403
    reviewed = _post(_as(p.supervisor), f"/{process.reference}/reviews", {"notes": "On track (fictional)."})
    assert reviewed.status_code == 201 and reviewed.json()["reviewer"]["id"] == p.supervisor.user.pk
    services.process_close(actor=p.facilitator.user, process=process, reason="no_contact", expected_version=None)
    assert _post(_as(p.supervisor), f"/{process.reference}/reviews", {}).status_code == 422
