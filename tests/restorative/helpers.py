"""Makers the restorative tests share: a restorative-justice service with a supervisor
and two facilitators, a victim-support case referred to it with the person's consent, and
a process taken step by step to the point a test needs, through the services only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from tests.cases.sharing_helpers import give_consent, make_case, professional
from tests.factories import OrganisationFactory
from victory.accounts.models import Membership, Organisation, OrganisationKind, Role
from victory.cases.models import Case, CaseSection, ConsentPurpose, ReferralPurpose
from victory.cases.services.referral import referral_send
from victory.restorative import services
from victory.restorative.models import (
    ConsentMethod,
    DialogueFormat,
    Participant,
    ParticipantRole,
    RestorativeProcess,
    RiskLevel,
    Stage,
)


@dataclass
class Programme:
    support: Organisation
    service: Organisation
    caseworker: Membership
    supervisor: Membership
    facilitator: Membership
    other_facilitator: Membership
    case: Case


def programme() -> Programme:
    support = OrganisationFactory()
    service = OrganisationFactory(kind=OrganisationKind.RESTORATIVE_JUSTICE, countries=["PT"])
    caseworker = professional(support, Role.CASEWORKER)
    case = make_case(support)
    case.assigned_to = caseworker.user
    case.save(update_fields=["assigned_to"])
    return Programme(
        support=support,
        service=service,
        caseworker=caseworker,
        supervisor=professional(service, Role.SUPERVISOR),
        facilitator=professional(service, Role.FACILITATOR),
        other_facilitator=professional(service, Role.FACILITATOR),
        case=case,
    )


def referred(p: Programme, *, interest: str = "She would like to ask him why (fictional).") -> RestorativeProcess:
    """The caseworker refers the case, under the person's consent for a restorative process."""
    give_consent(p.case, p.caseworker, p.service, [CaseSection.INCIDENT], purpose=ConsentPurpose.RESTORATIVE)
    referral = referral_send(
        actor=p.caseworker.user,
        case=p.case,
        recipient=p.service,
        purpose=ReferralPurpose.RESTORATIVE,
        sections=[CaseSection.INCIDENT],
        message=interest,
    )
    return RestorativeProcess.objects.get(case_referral=referral)


def accepted(p: Programme) -> RestorativeProcess:
    process = referred(p)
    return services.process_accept(
        actor=p.supervisor.user, process=process, facilitator=p.facilitator.user, expected_version=None
    )


def fresh(process: RestorativeProcess) -> RestorativeProcess:
    return RestorativeProcess.objects.get(pk=process.pk)


def assess(p: Programme, process: RestorativeProcess, *, risk: str = RiskLevel.LOW, suitable: bool = True) -> None:
    services.assessment_record(
        actor=p.facilitator.user,
        process=process,
        risk_level=risk,
        suitable=suitable,
        reasoning="Both want to take part; no contact outside the process (fictional).",
    )


def parties(p: Programme, process: RestorativeProcess) -> tuple[Participant, Participant]:
    harmed = services.participant_add(
        actor=p.facilitator.user,
        process=process,
        role=ParticipantRole.PERSON_HARMED,
        full_name="Ana Example",
        language="pt",
    )
    caused = services.participant_add(
        actor=p.facilitator.user,
        process=process,
        role=ParticipantRole.PERSON_CAUSED_HARM,
        full_name="Rui Example",
        language="pt",
    )
    return harmed, caused


def safeguarded(p: Programme, process: RestorativeProcess, people: tuple[Participant, Participant]) -> None:
    """Every party informed, consenting after it, prepared; the facts acknowledged."""
    user = p.facilitator.user
    for person in people:
        services.information_record(actor=user, participant=person, language=person.language)
        services.consent_record(actor=user, participant=person, method=ConsentMethod.SIGNED_FORM)
        services.preparation_record(actor=user, participant=person, held_on=timezone.localdate())
    services.acknowledgement_record(
        actor=user, participant=people[1], statement="He accepts he shouted the threats (fictional)."
    )
    services.format_choose(actor=user, process=process, dialogue_format=DialogueFormat.MEDIATION, expected_version=None)


def advance(p: Programme, process: RestorativeProcess) -> RestorativeProcess:
    return services.process_advance(actor=p.facilitator.user, process=process, expected_version=None)


def in_dialogue(p: Programme) -> tuple[RestorativeProcess, tuple[Participant, Participant]]:
    """A process that reached the dialogue stage with every safeguard in place."""
    process = accepted(p)
    people = parties(p, process)
    assess(p, process)
    process = advance(p, process)  # preparation
    safeguarded(p, process, people)
    assess(p, process)
    process = advance(p, process)  # consent
    assess(p, process)
    process = advance(p, process)  # dialogue
    assert process.stage == Stage.DIALOGUE
    assess(p, process)
    return process, people


def tomorrow_at(hour: int) -> tuple[datetime, datetime]:
    start = (timezone.now() + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return start, start + timedelta(hours=2)
