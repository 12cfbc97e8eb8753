"""No reachable state of a restorative process has a dialogue, a session or an agreement
without every safeguard, and a withdrawal always halts it (issue 11, "Tests that must
exist").

A hypothesis state machine drives random sequences of the services on one process:
participants (a child with a guardian among them), assessments, information in the right
or the wrong language, consent (sometimes before any information), acknowledgement,
preparation, the format, changed circumstances, a co-facilitator, stage moves, sessions,
agreement items and confirmations, withdrawals of a party or a supporter, the case's
consent taken back, closure. Every refusal (``ValidationError``, of which
``SafeguardsMissing`` is one) is an outcome like any other.

The safeguards are recomputed here from the records, by this file's own reading of the
issue, never by asking ``victory.restorative.safeguards``: a rule weakened there, or a
service that forgets to ask it, shows as a guarded action that went ahead while this
model saw something missing.

Each example runs inside a savepoint rolled back at its end, so it starts from the same
clean database on SQLite and on PostgreSQL alike (the test's own transaction, opened by
pytest-django, holds them all).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from victory.cases.models import ConsentPurpose, ConsentRecord, ConsentStatus, Referral, ReferralStatus
from victory.cases.services.consent import consent_withdraw
from victory.restorative import services
from victory.restorative.models import (
    CloseReason,
    ConsentMethod,
    DialogueFormat,
    ItemKind,
    Participant,
    ParticipantRole,
    RestorativeProcess,
    RiskLevel,
    SessionInvitation,
    SessionStatus,
    Stage,
)
from victory.restorative.safeguards import SafeguardsMissing

from .helpers import accepted, advance, assess, in_dialogue, parties, programme, tomorrow_at

pytestmark = pytest.mark.django_db

# The stages whose entry, sessions and agreement need every safeguard (from the issue:
# "the process cannot enter the dialogue stage unless all hold"; after it, the parties meet
# and agree).
MEETING_STAGES = (Stage.DIALOGUE, Stage.AGREEMENT, Stage.FOLLOW_UP)
ORDER = [Stage.REFERRAL, Stage.ASSESSMENT, Stage.PREPARATION, Stage.CONSENT, *MEETING_STAGES, Stage.CLOSED]
LANGUAGES = ["pt", "es", "en"]


# --- This test's own model of the safeguards ------------------------------------------


def _information_counts(participant: Participant, information: Any) -> bool:
    """Given in their language, or read to them through an interpreter."""
    return participant.interpreter_needed or information.language == participant.language


def _consented_after_information(participant: Participant) -> bool:
    """Written consent, not withdrawn, given after information that reached them (in their
    language or through an interpreter): informed consent."""
    for consent in participant.consents.all():
        information = consent.information
        if (
            consent.withdrawn_at is None
            and information.participant_id == participant.pk
            and information.given_at <= consent.given_at
            and _information_counts(participant, information)
        ):
            return True
    return False


def _guardian_consented(child: Participant) -> bool:
    """The child's own parent or guardian, still taking part, consented beside them."""
    for consent in child.consents.all():
        guardian = consent.guardian
        if (
            consent.withdrawn_at is None
            and guardian is not None
            and guardian.role == ParticipantRole.GUARDIAN
            and guardian.withdrawn_at is None
            and guardian.supports_id == child.pk
        ):
            return True
    return False


def _case_referral_in_force(process: RestorativeProcess) -> bool:
    if process.case_referral_id is None:
        return True
    referral = Referral.objects.get(pk=process.case_referral_id)
    if referral.status not in (ReferralStatus.SENT, ReferralStatus.ACCEPTED):
        return False
    if referral.vital_interest:
        return True
    consent = referral.consent
    return (
        consent is not None
        and consent.status == ConsentStatus.GIVEN
        and (consent.valid_until is None or consent.valid_until >= timezone.localdate())
    )


def _parties_missing(process: RestorativeProcess) -> list[str]:
    missing: list[str] = []
    if not process.dialogue_format:
        missing.append("format")
    for role in (ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM):
        party = process.participants.filter(role=role, withdrawn_at__isnull=True).first()
        if party is None:
            missing.append(f"{role} present")
            continue
        if not any(_information_counts(party, info) for info in party.information.all()):
            missing.append(f"{role} informed")
        if not _consented_after_information(party):
            missing.append(f"{role} consent")
        if not party.preparations.exists():
            missing.append(f"{role} prepared")
        if role == ParticipantRole.PERSON_CAUSED_HARM and not party.acknowledgements.exists():
            missing.append("facts acknowledged")
    for child in process.participants.filter(is_minor=True, withdrawn_at__isnull=True):
        if not _guardian_consented(child):
            missing.append(f"guardian consent for {child.pk}")
    return missing


def model_missing(process_pk: int, *, entering: str | None = None) -> list[str]:
    """What this test finds missing for an action that needs every safeguard, read from
    the records now. ``entering`` is the stage an advance would enter (for the move out
    of the agreement stage the agreement itself must be confirmed, or "no agreement"
    recorded)."""
    process = RestorativeProcess.objects.get(pk=process_pk)
    missing: list[str] = []
    if process.stage == Stage.CLOSED:
        missing.append("closed")
    if process.halted_at is not None:
        missing.append("halted")
    if process.decision != "accepted" or process.facilitator_id is None:
        missing.append("accepted with a facilitator")
    if not _case_referral_in_force(process):
        missing.append("case referral in force")
    latest = process.assessments.order_by("-performed_at", "-pk").first()
    if (
        latest is None
        or latest.stage != process.stage
        or (process.circumstances_changed_at is not None and latest.performed_at < process.circumstances_changed_at)
    ):
        missing.append("current assessment")
    else:
        if not latest.suitable:
            missing.append("suitable")
        if latest.risk_level == RiskLevel.HIGH and process.co_facilitator_id is None:
            missing.append("co-facilitator")
    missing += _parties_missing(process)
    if entering == Stage.FOLLOW_UP and process.no_agreement_at is None:
        agreement = getattr(process, "agreement", None)
        if agreement is None or not (agreement.harmed_confirmed_at and agreement.caused_harm_confirmed_at):
            missing.append("agreement confirmed by both")
    return missing


# --- The machine ----------------------------------------------------------------------

pick = st.integers(min_value=0, max_value=11)
# A withdrawal or a closure ends what an example can explore: they happen in one draw of
# four, so most examples reach the dialogue's sessions and agreement first.
sometimes = st.integers(min_value=0, max_value=3)


class SafeguardsMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self._savepoint = transaction.atomic()
        self._savepoint.__enter__()
        self.p = programme()
        self.user = self.p.facilitator.user
        # Once true, never false again: what must hold from then on.
        self.party_withdrew = False
        self.case_consent_ended = False
        self.closed = False
        self.log: list[str] = []

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._savepoint.__exit__(None, None, None)

    # Starting points: a fresh accepted referral, or one already far along, so that the
    # random steps reach the dialogue and the agreement and then try to break them.
    @initialize(start=st.sampled_from(["accepted", "preparation", "dialogue", "agreement"]))
    def start(self, start: str) -> None:
        self.log.append(f"start {start}")
        if start in ("accepted", "preparation"):
            self.process = accepted(self.p)
        if start == "preparation":
            parties(self.p, self.process)
            assess(self.p, self.process)
            advance(self.p, self.process)
        elif start in ("dialogue", "agreement"):
            self.process, _people = in_dialogue(self.p)
            if start == "agreement":
                advance(self.p, self.process)
                assess(self.p, self.process)

    # --- helpers ---

    def fresh(self) -> RestorativeProcess:
        return RestorativeProcess.objects.get(pk=self.process.pk)

    def people(self) -> list[Participant]:
        return list(Participant.objects.filter(process_id=self.process.pk).order_by("pk"))

    def one(self, index: int, **filters: Any) -> Participant | None:
        found = list(Participant.objects.filter(process_id=self.process.pk, **filters).order_by("pk"))
        return found[index % len(found)] if found else None

    def attempt(self, name: str, call: Any, **kwargs: Any) -> Any:
        """Run a service; a refusal is an outcome. Nothing succeeds on a closed process."""
        try:
            result = call(**kwargs)
        except ValidationError as refused:
            codes = refused.codes if isinstance(refused, SafeguardsMissing) else "refused"
            self.log.append(f"{name}: {codes}")
            return None
        self.log.append(f"{name}: ok")
        assert not self.closed, f"{name} went ahead on a closed process; steps: {self.log}"
        return result if result is not None else True

    def guarded(self, name: str, call: Any, *, entering: str | None = None, **kwargs: Any) -> Any:
        """An action that needs every safeguard: it may go ahead only if this test's own
        model finds nothing missing, and a safeguard refusal must name something real."""
        missing = model_missing(self.process.pk, entering=entering)
        try:
            result = call(**kwargs)
        except SafeguardsMissing as refused:
            self.log.append(f"{name}: {refused.codes}")
            assert missing, f"{name} refused for {refused.codes} though every safeguard held; steps: {self.log}"
            return None
        except ValidationError:
            self.log.append(f"{name}: refused")
            return None
        self.log.append(f"{name}: ok")
        assert not self.closed, f"{name} went ahead on a closed process; steps: {self.log}"
        assert not self.party_withdrew, f"{name} went ahead after a party withdrew; steps: {self.log}"
        assert not self.case_consent_ended, f"{name} went ahead after the case's consent ended; steps: {self.log}"
        assert not missing, f"{name} went ahead while {missing} did not hold; steps: {self.log}"
        return result

    # --- participants ---

    @rule(
        role=st.sampled_from([ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM]),
        language=st.sampled_from(["pt", "es"]),
        interpreter=st.booleans(),
        minor=st.booleans(),
    )
    def add_party(self, role: str, language: str, interpreter: bool, minor: bool) -> None:
        party = self.attempt(
            f"add {role} ({language}, interpreter={interpreter}, minor={minor})",
            services.participant_add,
            actor=self.user,
            process=self.fresh(),
            role=role,
            full_name="Fictional Party",
            language=language,
            interpreter_needed=interpreter,
            is_minor=minor,
        )
        if party and minor:
            self.attempt(
                "add guardian",
                services.participant_add,
                actor=self.user,
                process=self.fresh(),
                role=ParticipantRole.GUARDIAN,
                full_name="Fictional Guardian",
                language=language,
                supports=party,
            )

    @rule(
        role=st.sampled_from(
            [ParticipantRole.SUPPORTER_HARMED, ParticipantRole.SUPPORTER_CAUSED_HARM, ParticipantRole.COMMUNITY]
        ),
        minor=st.booleans(),
        index=pick,
    )
    def add_supporter(self, role: str, minor: bool, index: int) -> None:
        beside = self.one(index) if role != ParticipantRole.COMMUNITY else None
        self.attempt(
            f"add {role} (minor={minor})",
            services.participant_add,
            actor=self.user,
            process=self.fresh(),
            role=role,
            full_name="Fictional Supporter",
            language="pt",
            is_minor=minor,
            supports=beside,
        )

    # --- the safeguard records ---

    @rule(risk=st.sampled_from([RiskLevel.LOW, RiskLevel.HIGH]), suitable=st.booleans())
    def record_assessment(self, risk: str, suitable: bool) -> None:
        self.attempt(
            f"assess {risk} suitable={suitable}",
            services.assessment_record,
            actor=self.user,
            process=self.fresh(),
            risk_level=risk,
            suitable=suitable,
            reasoning="Fictional reasoning.",
        )

    @rule(index=pick, right_language=st.booleans(), other=st.sampled_from(LANGUAGES))
    def give_information(self, index: int, right_language: bool, other: str) -> None:
        person = self.one(index)
        if person is None:
            return
        language = person.language if right_language else other
        self.attempt(
            f"inform {person.pk} in {language}",
            services.information_record,
            actor=self.user,
            participant=person,
            language=language,
        )

    @rule(index=pick, guardian_index=pick, with_guardian=st.booleans())
    def give_consent(self, index: int, guardian_index: int, with_guardian: bool) -> None:
        person = self.one(index)
        if person is None:
            return
        guardian = self.one(guardian_index, role=ParticipantRole.GUARDIAN) if with_guardian else None
        self.attempt(
            f"consent {person.pk} guardian={guardian.pk if guardian else None}",
            services.consent_record,
            actor=self.user,
            participant=person,
            method=ConsentMethod.SIGNED_FORM,
            guardian=guardian,
        )

    @rule(index=pick)
    def acknowledge(self, index: int) -> None:
        person = self.one(index)
        if person is None:
            return
        self.attempt(
            f"acknowledge {person.pk}",
            services.acknowledgement_record,
            actor=self.user,
            participant=person,
            statement="Fictional acknowledgement.",
        )

    @rule(index=pick)
    def prepare(self, index: int) -> None:
        person = self.one(index)
        if person is None:
            return
        self.attempt(
            f"prepare {person.pk}",
            services.preparation_record,
            actor=self.user,
            participant=person,
            held_on=timezone.localdate(),
        )

    @rule(dialogue_format=st.sampled_from([DialogueFormat.MEDIATION, DialogueFormat.LETTERS]))
    def choose_format(self, dialogue_format: str) -> None:
        self.attempt(
            f"format {dialogue_format}",
            services.format_choose,
            actor=self.user,
            process=self.fresh(),
            dialogue_format=dialogue_format,
            expected_version=None,
        )

    @rule(index=pick)
    def circumstances_change(self, index: int) -> None:
        person = self.one(index)
        if person is None:
            return
        self.attempt(
            f"circumstances of {person.pk} changed", services.circumstances_changed, actor=self.user, participant=person
        )

    @rule(assign=st.booleans())
    def co_facilitator(self, assign: bool) -> None:
        self.attempt(
            f"co-facilitator {'assigned' if assign else 'removed'}",
            services.facilitators_assign,
            actor=self.p.supervisor.user,
            process=self.fresh(),
            facilitator=self.user,
            co_facilitator=self.p.other_facilitator.user if assign else None,
            expected_version=None,
        )

    # --- the guarded actions ---

    @rule()
    def advance(self) -> None:
        process = self.fresh()
        entering = dict(zip(ORDER, ORDER[1:], strict=False)).get(Stage(process.stage))
        if entering in MEETING_STAGES:
            self.guarded(
                f"advance to {entering}",
                services.process_advance,
                entering=entering,
                actor=self.user,
                process=process,
                expected_version=None,
            )
        else:
            self.attempt(
                f"advance to {entering}",
                services.process_advance,
                actor=self.user,
                process=process,
                expected_version=None,
            )

    @rule(invite_all=st.booleans())
    def schedule_session(self, invite_all: bool) -> None:
        invited = [p for p in self.people() if p.withdrawn_at is None]
        if not invite_all:
            invited = invited[:2]
        starts, ends = tomorrow_at(10)
        self.guarded(
            f"schedule a session for {[p.pk for p in invited]}",
            services.session_schedule,
            actor=self.user,
            process=self.fresh(),
            starts_at=starts,
            ends_at=ends,
            place="Fictional room",
            participants=invited,
        )

    @rule(index=pick)
    def cancel_session(self, index: int) -> None:
        sessions = list(self.fresh().sessions.order_by("pk"))
        if not sessions:
            return
        self.attempt(
            "cancel a session", services.session_cancel, actor=self.user, session=sessions[index % len(sessions)]
        )

    @rule(index=pick, kind=st.sampled_from([ItemKind.APOLOGY, ItemKind.BEHAVIOUR]))
    def add_agreement_item(self, index: int, kind: str) -> None:
        owner = self.one(index)
        if owner is None:
            return
        self.guarded(
            "add an agreement item",
            services.agreement_item_add,
            actor=self.user,
            process=self.fresh(),
            kind=kind,
            description="Fictional item.",
            owner=owner,
        )

    @rule(role=st.sampled_from([ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM]))
    def confirm_agreement(self, role: str) -> None:
        self.guarded(
            f"confirm the agreement for {role}",
            services.agreement_confirm,
            actor=self.user,
            process=self.fresh(),
            role=role,
        )

    # --- withdrawals and closure ---

    @rule(index=pick, from_inbox=st.booleans(), now=sometimes)
    def withdraw(self, index: int, from_inbox: bool, now: int) -> None:
        person = self.one(index)
        if person is None or now:
            return
        done = self.attempt(
            f"{person.role} {person.pk} withdraws",
            services.participant_withdraw,
            actor=None if from_inbox else self.user,
            participant=person,
        )
        if done and person.role in (ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM):
            self.party_withdrew = True

    @precondition(lambda self: not self.case_consent_ended)
    @rule(now=sometimes)
    def case_consent_withdrawn(self, now: int) -> None:
        """The person takes back their case's consent for a restorative process."""
        if now:
            return
        consent = ConsentRecord.objects.filter(
            case=self.p.case, purpose=ConsentPurpose.RESTORATIVE, status=ConsentStatus.GIVEN
        ).first()
        if consent is None or self.fresh().case_referral_id is None:
            return
        consent_withdraw(actor=None, consent=consent)
        self.log.append("case consent withdrawn")
        if self.fresh().stage != Stage.CLOSED:
            self.case_consent_ended = True

    @rule(
        reason=st.sampled_from([CloseReason.COMPLETED, CloseReason.WITHDRAWN, CloseReason.ENDED_FOR_SAFETY]),
        now=sometimes,
    )
    def close(self, reason: str, now: int) -> None:
        if now:
            return
        if self.attempt(
            f"close {reason}",
            services.process_close,
            actor=self.user,
            process=self.fresh(),
            reason=reason,
            expected_version=None,
        ):
            self.closed = True

    # --- what holds after every step ---

    @invariant()
    def a_withdrawal_halts_everything(self) -> None:
        process = self.fresh()
        if self.party_withdrew or self.case_consent_ended:
            assert process.halted_at is not None or process.stage == Stage.CLOSED, self.log
            scheduled = process.sessions.filter(status=SessionStatus.SCHEDULED)
            assert not scheduled.exists(), f"a session is still scheduled after the halt; steps: {self.log}"
        if self.closed:
            assert process.stage == Stage.CLOSED, self.log

    @invariant()
    def a_withdrawn_participant_is_invited_to_nothing(self) -> None:
        invited = SessionInvitation.objects.filter(
            participant__process_id=self.process.pk, participant__withdrawn_at__isnull=False, withdrawn_at__isnull=True
        )
        assert not invited.exists(), f"a withdrawn participant still holds an invitation; steps: {self.log}"

    @invariant()
    def no_live_session_without_its_safeguards(self) -> None:
        """A scheduled session exists only in the meeting stages of an open, unhalted process."""
        process = self.fresh()
        if process.sessions.filter(status=SessionStatus.SCHEDULED).exists():
            assert process.stage in MEETING_STAGES and process.halted_at is None, self.log


def test_no_reachable_state_has_a_dialogue_session_or_agreement_without_every_safeguard() -> None:
    run_state_machine_as_test(
        SafeguardsMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            database=None,
            # Each step is a few queries: shrinking a failure would take minutes. The
            # failure's message lists every step taken instead.
            phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target],
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
