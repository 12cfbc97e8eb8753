"""A facilitator takes a referred case to a monitored agreement, through the services."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from victory.cases.models import Referral, ReferralStatus
from victory.restorative import ics, services
from victory.restorative.models import (
    AgreementStatus,
    CloseReason,
    ItemKind,
    ItemOutcome,
    ParticipantRole,
    SessionStatus,
    Stage,
)
from victory.restorative.safeguards import SafeguardsMissing

from .helpers import accepted, advance, assess, in_dialogue, programme, tomorrow_at

pytestmark = pytest.mark.django_db


def test_a_facilitator_takes_a_referred_case_to_a_monitored_agreement() -> None:
    p = programme()
    process, (harmed, caused) = in_dialogue(p)
    assert Referral.objects.get(restorative_process=process).status == ReferralStatus.ACCEPTED
    starts, ends = tomorrow_at(10)
    session = services.session_schedule(
        actor=p.facilitator.user,
        process=process,
        starts_at=starts,
        ends_at=ends,
        place="Room 2, fictional centre",
        participants=[harmed, caused],
    )
    calendar = Calendar.from_ical(ics.invitation(session=session, participant=harmed))
    assert calendar["METHOD"] == "REQUEST"
    services.session_held(actor=p.facilitator.user, session=session, attended=[harmed, caused])
    process = advance(p, process)
    assert process.stage == Stage.AGREEMENT
    assess(p, process)
    services.agreement_item_add(
        actor=p.facilitator.user, process=process, kind=ItemKind.APOLOGY, description="A written apology.", owner=caused
    )
    with pytest.raises(SafeguardsMissing) as refused:
        advance(p, process)
    assert refused.value.codes == ["agreement_confirmed"]
    services.agreement_confirm(actor=p.facilitator.user, process=process, role=ParticipantRole.PERSON_HARMED)
    agreement = services.agreement_confirm(
        actor=p.facilitator.user, process=process, role=ParticipantRole.PERSON_CAUSED_HARM
    )
    assert agreement.status == AgreementStatus.CONFIRMED
    assess(p, process)
    process = advance(p, process)
    assert process.stage == Stage.FOLLOW_UP
    item = agreement.items.get()
    services.item_follow_up(actor=p.facilitator.user, item=item, outcome=ItemOutcome.DONE)
    process = services.process_close(
        actor=p.facilitator.user, process=process, reason=CloseReason.COMPLETED, expected_version=None
    )
    assert process.stage == Stage.CLOSED


def test_the_dialogue_is_refused_naming_every_missing_safeguard() -> None:
    p = programme()
    process = accepted(p)
    assess(p, process)
    process = advance(p, process)
    with pytest.raises(SafeguardsMissing) as refused:
        advance(p, process)
    assert refused.value.codes == ["risk_assessment", "parties"]


def test_a_withdrawal_cancels_the_sessions_and_halts_everything() -> None:
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
    services.participant_withdraw(actor=None, participant=harmed)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert Calendar.from_ical(ics.invitation(session=session, participant=caused))["METHOD"] == "CANCEL"
    with pytest.raises(SafeguardsMissing) as refused:
        services.session_schedule(
            actor=p.facilitator.user,
            process=process,
            starts_at=starts,
            ends_at=ends,
            place="Room 3",
            participants=[caused],
        )
    assert refused.value.codes[0] == "halted"
