"""After ``make run`` the demo facilitator sees the restorative programme at work: one
process in preparation, one with a confirmed agreement under follow-up."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from victory.accounts.demo import DEMO_EMAIL_DOMAIN
from victory.accounts.models import User
from victory.restorative import safeguards, selectors
from victory.restorative.models import (
    AgreementStatus,
    ItemOutcome,
    ParticipantRole,
    ReferralSource,
    RestorativeProcess,
    SessionStatus,
    Stage,
)

pytestmark = pytest.mark.django_db


def _demo_user(local_part: str) -> User:
    return User.objects.filter_email(f"{local_part}@{DEMO_EMAIL_DOMAIN}").get()


def _seed(tmp_path: Path) -> None:
    call_command("seed_demo", credentials=tmp_path / "credentials.json", verbosity=0)
    call_command("seed_demo_reports", receipts=tmp_path / "receipts.json", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())
    call_command("seed_demo_restorative", stdout=StringIO(), verbosity=0)


def test_the_demo_facilitator_sees_both_processes_at_their_stages(tmp_path: Path) -> None:
    _seed(tmp_path)
    call_command("seed_demo_restorative", stdout=StringIO(), verbosity=0)  # again: nothing duplicated
    assert RestorativeProcess.objects.count() == 2

    facilitator = _demo_user("facilitator.rj")
    seen = {process.source: process for process in selectors.process_list(user=facilitator)}
    assert set(seen) == {ReferralSource.CASE, ReferralSource.JUSTICE}

    preparing = seen[ReferralSource.CASE]
    assert preparing.stage == Stage.PREPARATION and preparing.facilitator == facilitator
    assert preparing.case_referral is not None and preparing.case_referral.consent is not None
    missing = safeguards.missing_for(preparing, safeguards.Action.ADVANCE)
    assert missing == [safeguards.Safeguard.OFFENDER_PREPARED]  # preparation under way

    following = seen[ReferralSource.JUSTICE]
    assert following.stage == Stage.FOLLOW_UP and following.co_facilitator == _demo_user("facilitator2.rj")
    assert following.agreement.status == AgreementStatus.CONFIRMED
    outcomes = sorted(following.agreement.items.values_list("outcome", flat=True))
    assert outcomes.count(ItemOutcome.DONE) == 1 and len(outcomes) == 3
    assert following.sessions.get().status == SessionStatus.SCHEDULED
    assert following.reviews.exists()
    # The supervisor sees both too; the second facilitator only the one they co-facilitate.
    assert len(selectors.process_list(user=_demo_user("supervisor.rj"))) == 2
    assert [p.pk for p in selectors.process_list(user=_demo_user("facilitator2.rj"))] == [following.pk]


def test_the_demo_is_fictional(tmp_path: Path) -> None:
    _seed(tmp_path)
    for process in RestorativeProcess.objects.all():
        for participant in process.participants.all():
            assert "fictional" in participant.full_name and participant.contact is None
        for note in process.notes.all():
            assert "fictional" in note.body
    assert set(RestorativeProcess.objects.values_list("participants__role", flat=True).distinct()) == {
        ParticipantRole.PERSON_HARMED,
        ParticipantRole.PERSON_CAUSED_HARM,
    }
