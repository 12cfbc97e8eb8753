"""The safeguards of a restorative process, in one place (Directive 2012/29/EU Art. 12;
CoE CM/Rec(2018)8; Restorative Justice Council codes of practice).

``missing_for(process, action)`` names every safeguard that does not hold for an action:
moving to the next stage, scheduling a session, recording an agreement. The services
refuse an action while anything is missing (``SafeguardsMissing``: the page lists each
in the user's language, the API answers 409 with ``{"missing_safeguards": [codes]}``).
Nothing else decides it: no view, form or endpoint repeats a rule.

The rules, read from the records the facilitator keeps:
- a **current risk and suitability assessment**: done at the process's present stage
  (it is redone at each stage) and after the latest change in a party's circumstances,
  and it found the process suitable; a high risk needs a co-facilitator;
- each party was **given the information sheet** (process, outcomes, implications for
  criminal proceedings, supervision of agreements) in their language, or through an
  interpreter, and gave **written, free and informed consent after it**, not withdrawn;
  a child's parent or guardian consented too;
- the person who caused harm **acknowledged the basic facts**;
- each party was **prepared separately**;
- from a case, the person harmed's consent to share it for a restorative process still
  holds (the referral it came with is in force);
- nobody withdrew: a withdrawal halts the process, and nothing is done until it is closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from victory.cases.models import Referral

from .models import (
    DIALOGUE_STAGES,
    NEXT_STAGE,
    PARTY_ROLES,
    AgreementStatus,
    InformationGiven,
    Participant,
    ParticipantRole,
    ReferralDecision,
    RestorativeProcess,
    RiskLevel,
    Stage,
    SuitabilityAssessment,
)


class Safeguard(models.TextChoices):
    """Each code is stable (the API's ``missing_safeguards``); each label says what to do."""

    HALTED = "halted", _("A participant withdrew: the process is halted and can only be closed.")
    ACCEPTED = "accepted", _("The referral has not been accepted into the programme.")
    FACILITATOR = "facilitator", _("No facilitator is assigned.")
    CO_FACILITATOR = "co_facilitator", _("The risk is high: a co-facilitator must be assigned.")
    RISK_ASSESSMENT = (
        "risk_assessment",
        _(
            "No current risk and suitability assessment: do it at this stage, after the latest change in "
            "a party's circumstances."
        ),
    )
    SUITABLE = "suitable", _("The latest risk and suitability assessment found the process not suitable.")
    CASE_CONSENT = (
        "case_consent",
        _("The person harmed's consent to share their case for a restorative process is no longer in force."),
    )
    PARTIES = "parties", _("Both the person harmed and the person who caused harm must be participants.")
    VICTIM_INFORMED = (
        "victim_informed",
        _("The person harmed has not been given the information sheet in their language."),
    )
    OFFENDER_INFORMED = (
        "offender_informed",
        _("The person who caused harm has not been given the information sheet in their language."),
    )
    VICTIM_CONSENT = (
        "victim_consent",
        _("The person harmed has not given written consent after receiving the information, or withdrew it."),
    )
    OFFENDER_CONSENT = (
        "offender_consent",
        _("The person who caused harm has not given written consent after receiving the information, or withdrew it."),
    )
    GUARDIAN_CONSENT = (
        "guardian_consent",
        _("A child takes part: their parent or guardian has not given written consent."),
    )
    FACTS_ACKNOWLEDGED = "facts_acknowledged", _("The person who caused harm has not acknowledged the basic facts.")
    VICTIM_PREPARED = "victim_prepared", _("The person harmed has not been prepared in a meeting of their own.")
    OFFENDER_PREPARED = (
        "offender_prepared",
        _("The person who caused harm has not been prepared in a meeting of their own."),
    )
    DIALOGUE_FORMAT = "dialogue_format", _("No dialogue format is chosen.")
    AGREEMENT_CONFIRMED = (
        "agreement_confirmed",
        _("The agreement has not been confirmed by both parties, each voluntarily."),
    )


class Action(models.TextChoices):
    ADVANCE = "advance", _("Move to the next stage")
    SCHEDULE_SESSION = "schedule_session", _("Schedule a session")
    RECORD_AGREEMENT = "record_agreement", _("Record the agreement")


class SafeguardsMissing(ValidationError):
    """An action refused by the safeguards: ``missing`` names each one, in order."""

    def __init__(self, missing: list[Safeguard]) -> None:
        messages = [ValidationError(str(code.label), code=code.value) for code in missing]
        super().__init__(messages)
        self.missing = missing

    @property
    def codes(self) -> list[str]:
        return [code.value for code in self.missing]


@dataclass(frozen=True)
class _Party:
    participant: Participant | None
    informed: bool
    consented: bool
    prepared: bool


# The order in which the parties' safeguards are listed, per party.
_PARTY_CODES = {
    ParticipantRole.PERSON_HARMED: (Safeguard.VICTIM_INFORMED, Safeguard.VICTIM_CONSENT, Safeguard.VICTIM_PREPARED),
    ParticipantRole.PERSON_CAUSED_HARM: (
        Safeguard.OFFENDER_INFORMED,
        Safeguard.OFFENDER_CONSENT,
        Safeguard.OFFENDER_PREPARED,
    ),
}


def current_assessment(process: RestorativeProcess) -> SuitabilityAssessment | None:
    """The latest assessment, if it is current: done at the present stage and not before
    the latest change in a party's circumstances."""
    latest = process.assessments.order_by("-performed_at", "-pk").first()
    if latest is None or latest.stage != process.stage:
        return None
    if process.circumstances_changed_at and latest.performed_at < process.circumstances_changed_at:
        return None
    return latest


def readable_information(participant: Participant) -> models.QuerySet[InformationGiven]:
    """The information sheets given to ``participant`` that inform them: in their language,
    or read to them through an interpreter. Consent counts only after one of these."""
    information = participant.information.all()
    if not participant.interpreter_needed:
        information = information.filter(language=participant.language)
    return information


def _informed(participant: Participant) -> bool:
    return readable_information(participant).exists()


def _consented(participant: Participant) -> bool:
    # Written, after information they could read, given to this participant, not withdrawn.
    readable = readable_information(participant)
    return any(
        consent.information.given_at <= consent.given_at
        for consent in participant.consents.filter(withdrawn_at__isnull=True, information__in=readable).select_related(
            "information"
        )
    )


def _party(process: RestorativeProcess, role: str) -> _Party:
    participant = process.participants.filter(role=role, withdrawn_at__isnull=True).first()
    if participant is None:
        return _Party(None, informed=False, consented=False, prepared=False)
    return _Party(
        participant,
        informed=_informed(participant),
        consented=_consented(participant),
        prepared=participant.preparations.exists(),
    )


def _guardians_consented(process: RestorativeProcess) -> bool:
    """Every child taking part has a parent or guardian who consented in writing for them."""
    for child in process.participants.filter(is_minor=True, withdrawn_at__isnull=True):
        # Their own parent or guardian, still taking part.
        guardian_consents = child.consents.filter(
            withdrawn_at__isnull=True, guardian__supports=child, guardian__withdrawn_at__isnull=True
        )
        if not guardian_consents.exists():
            return False
    return True


def _dialogue_safeguards(process: RestorativeProcess) -> list[Safeguard]:
    """Everything that must hold before the parties meet or exchange anything."""
    missing: list[Safeguard] = []
    if not process.dialogue_format:
        missing.append(Safeguard.DIALOGUE_FORMAT)
    parties = {role: _party(process, role) for role in PARTY_ROLES}
    if any(party.participant is None for party in parties.values()):
        missing.append(Safeguard.PARTIES)
    for role, (informed, consented, prepared) in _PARTY_CODES.items():
        party = parties[role]
        if not party.informed:
            missing.append(informed)
        if not party.consented:
            missing.append(consented)
        if not party.prepared:
            missing.append(prepared)
    if not _guardians_consented(process):
        missing.append(Safeguard.GUARDIAN_CONSENT)
    offender = parties[ParticipantRole.PERSON_CAUSED_HARM].participant
    if offender is None or not offender.acknowledgements.exists():
        missing.append(Safeguard.FACTS_ACKNOWLEDGED)
    return missing


def _always(process: RestorativeProcess) -> list[Safeguard]:
    """What every action needs, whatever the stage."""
    missing: list[Safeguard] = []
    if process.is_halted:
        missing.append(Safeguard.HALTED)
    if process.decision != ReferralDecision.ACCEPTED:
        missing.append(Safeguard.ACCEPTED)
    if process.facilitator_id is None:
        missing.append(Safeguard.FACILITATOR)
    if (
        process.case_referral_id is not None
        and not Referral.objects.in_force().filter(pk=process.case_referral_id).exists()
    ):
        missing.append(Safeguard.CASE_CONSENT)
    return missing


def _assessed(process: RestorativeProcess) -> list[Safeguard]:
    assessment = current_assessment(process)
    if assessment is None:
        return [Safeguard.RISK_ASSESSMENT]
    missing = [] if assessment.suitable else [Safeguard.SUITABLE]
    if assessment.risk_level == RiskLevel.HIGH and process.co_facilitator_id is None:
        missing.append(Safeguard.CO_FACILITATOR)
    return missing


def missing_for(process: RestorativeProcess, action: str) -> list[Safeguard]:
    """Every safeguard that does not hold for ``action`` on ``process`` now, in a stable
    order; empty when the action may go ahead."""
    if not process.is_open:
        return [Safeguard.HALTED] if process.is_halted else []
    missing = _always(process)
    stage = process.stage
    target = NEXT_STAGE.get(stage) if action == Action.ADVANCE else stage
    if action == Action.ADVANCE and stage == Stage.REFERRAL:
        return missing  # accepting and assigning is what the referral stage is for
    missing += _assessed(process)
    if action == Action.ADVANCE and stage == Stage.PREPARATION:
        parties = [_party(process, role) for role in PARTY_ROLES]
        if any(party.participant is None for party in parties):
            missing.append(Safeguard.PARTIES)
        for role, (informed, _consented_code, prepared) in _PARTY_CODES.items():
            party = _party(process, role)
            if party.participant is not None and not party.informed:
                missing.append(informed)
            if party.participant is not None and not party.prepared:
                missing.append(prepared)
    if target in DIALOGUE_STAGES or action != Action.ADVANCE:
        missing += _dialogue_safeguards(process)
    if action == Action.ADVANCE and stage == Stage.AGREEMENT:
        agreement = getattr(process, "agreement", None)
        if agreement is None or agreement.status != AgreementStatus.CONFIRMED:
            missing.append(Safeguard.AGREEMENT_CONFIRMED)
    return _unique(missing)


def _unique(codes: Iterable[Safeguard]) -> list[Safeguard]:
    return list(dict.fromkeys(codes))


def require(process: RestorativeProcess, action: str) -> None:
    """Raise ``SafeguardsMissing`` naming each safeguard that does not hold."""
    missing = missing_for(process, action)
    if missing:
        raise SafeguardsMissing(missing)
