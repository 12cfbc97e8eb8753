"""Fictional demo processes of the restorative programme, at the Puente service (rj-es).

After ``make run`` a newcomer sees the programme at two moments:

- **in preparation**: Red Faro's phone case (the anti-Roma notes on a car) referred for a
  restorative process under the person's consent for that purpose, accepted by the
  service's supervisor with ``facilitator.rj``; both parties added, assessed, the person
  harmed informed, consenting and prepared, the person who caused harm informed only;
- **under follow-up**: a referral from the police demo unit that reached an agreement
  both parties confirmed; one item done, two still open; a follow-up meeting scheduled.

Everything goes through the services, as a facilitator would, so the audit chain reads
as real work; names, places and words are fictional, no phone number, street address or
e-mail is given. Safe to run again: a process already seeded is not seeded twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from victory.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_ORGANISATIONS
from victory.accounts.models import Organisation, User
from victory.cases import models as case_models
from victory.cases.services import consent as consent_services
from victory.cases.services import referral as referral_services

from . import services
from .models import (
    ConsentMethod,
    DialogueFormat,
    ItemKind,
    ItemOutcome,
    Participant,
    ParticipantRole,
    ReferralSource,
    RestorativeProcess,
    RiskLevel,
)

DEMO_MARK = "(fictional demo)"


def _user(local_part: str) -> User:
    return User.objects.filter_email(f"{local_part}@{DEMO_EMAIL_DOMAIN}").get()


def _organisation(slug: str) -> Organisation:
    name = next(org.name for org in DEMO_ORGANISATIONS if org.slug == slug)
    return Organisation.objects.get(name=name)


def _assess(process: RestorativeProcess, facilitator: User, reasoning: str) -> None:
    services.assessment_record(
        actor=facilitator,
        process=process,
        risk_level=RiskLevel.LOW,
        suitable=True,
        reasoning=f"{DEMO_MARK} {reasoning}",
    )


def _parties(
    process: RestorativeProcess, facilitator: User, harmed: str, caused: str
) -> tuple[Participant, Participant]:
    return (
        services.participant_add(
            actor=facilitator, process=process, role=ParticipantRole.PERSON_HARMED, full_name=harmed, language="es"
        ),
        services.participant_add(
            actor=facilitator, process=process, role=ParticipantRole.PERSON_CAUSED_HARM, full_name=caused, language="es"
        ),
    )


def _advance(process: RestorativeProcess, facilitator: User) -> RestorativeProcess:
    return services.process_advance(actor=facilitator, process=process, expected_version=None)


def _phone_case() -> case_models.Case | None:
    support = _organisation("support-es")
    return (
        case_models.Case.objects.filter(organisation=support, intake_channel=case_models.IntakeChannel.PHONE)
        .order_by("pk")
        .first()
    )


def _in_preparation(say: Callable[[str], None]) -> None:
    """Red Faro refers its phone case; Puente accepts it and prepares the parties."""
    service, case = _organisation("rj-es"), _phone_case()
    if case is None:
        return
    already = case_models.Referral.objects.filter(
        case=case, recipient=service, purpose=case_models.ReferralPurpose.RESTORATIVE
    )
    if already.exists():
        return
    caseworker, supervisor, facilitator = _user("caseworker.es"), _user("supervisor.rj"), _user("facilitator.rj")
    consent_services.consent_record_given(
        actor=caseworker,
        case=case,
        purpose=case_models.ConsentPurpose.RESTORATIVE,
        data_categories=[case_models.CaseSection.INCIDENT],
        recipient=service,
        given_by=case_models.ConsentGiver.PERSON,
        method=case_models.ConsentMethod.PHONE,
        note=f"{DEMO_MARK} He asked whether the neighbours could hear how it feels; explained Puente's work.",
    )
    referral = referral_services.referral_send(
        actor=caseworker,
        case=case,
        recipient=service,
        purpose=case_models.ReferralPurpose.RESTORATIVE,
        sections=[case_models.CaseSection.INCIDENT],
        message=f"{DEMO_MARK} He would like the neighbour to understand what the notes do to his family.",
    )
    process = RestorativeProcess.objects.get(case_referral=referral)
    process = services.process_accept(actor=supervisor, process=process, facilitator=facilitator, expected_version=None)
    harmed, caused = _parties(process, facilitator, "Manuel Ejemplo (fictional)", "Vecino Ejemplo (fictional)")
    _assess(process, facilitator, "He wants to take part; the neighbour agreed to a first call. No threat since.")
    process = _advance(process, facilitator)
    _assess(process, facilitator, "Reassessed at the preparation stage: nothing changed.")
    for person in (harmed, caused):
        services.information_record(actor=facilitator, participant=person, language=person.language)
    services.consent_record(actor=facilitator, participant=harmed, method=ConsentMethod.SIGNED_FORM)
    services.preparation_record(
        actor=facilitator,
        participant=harmed,
        held_on=timezone.localdate() - timedelta(days=3),
        notes=f"{DEMO_MARK} Wants his sister beside him; prefers the afternoon.",
    )
    services.note_add(
        actor=facilitator,
        process=process,
        body=f"{DEMO_MARK} The neighbour's preparation meeting is next week; he has not signed yet.",
    )
    say(f"{process.reference}: referred by {referral.sender.name}, in preparation with facilitator.rj")


def _under_follow_up(say: Callable[[str], None]) -> None:
    """The police unit's referral: an agreement both confirmed, under follow-up."""
    service, police = _organisation("rj-es"), _organisation("police-pt")
    seeded = RestorativeProcess.objects.filter(organisation=service, referred_by=police, source=ReferralSource.JUSTICE)
    if seeded.exists():
        return
    liaison, supervisor = _user("liaison.police"), _user("supervisor.rj")
    facilitator, co_facilitator = _user("facilitator.rj"), _user("facilitator2.rj")
    process = services.process_refer_from_justice(
        actor=liaison,
        referrer=police,
        service=service,
        note=f"{DEMO_MARK} Hateful graffiti on a mosque's wall; the young man who painted it wants to make amends.",
        victim_interest=f"{DEMO_MARK} The community's spokesperson would meet him, with a supporter.",
    )
    process = services.process_accept(
        actor=supervisor, process=process, facilitator=facilitator, co_facilitator=co_facilitator, expected_version=None
    )
    harmed, caused = _parties(process, facilitator, "Amina Ejemplo (fictional)", "Joven Ejemplo (fictional)")
    _assess(process, facilitator, "Both want to meet; no contact between them outside the process.")
    process = _advance(process, facilitator)
    _assess(process, facilitator, "Reassessed at the preparation stage.")
    held_on = timezone.localdate() - timedelta(days=30)
    for person in (harmed, caused):
        services.information_record(actor=facilitator, participant=person, language=person.language)
        services.consent_record(actor=facilitator, participant=person, method=ConsentMethod.SIGNED_FORM)
        services.preparation_record(actor=facilitator, participant=person, held_on=held_on)
    services.acknowledgement_record(
        actor=facilitator, participant=caused, statement=f"{DEMO_MARK} He painted the words and knows they hurt."
    )
    services.format_choose(
        actor=facilitator, process=process, dialogue_format=DialogueFormat.MEDIATION, expected_version=None
    )
    for reasoning in ("Both consented in writing.", "Ready to meet.", "The meeting went calmly."):
        process = _advance(process, facilitator)  # consent, dialogue, agreement
        _assess(process, facilitator, reasoning)
    soon = timezone.localdate() + timedelta(days=21)
    items = [
        services.agreement_item_add(
            actor=facilitator,
            process=process,
            kind=kind,
            description=f"{DEMO_MARK} {description}",
            owner=caused,
            due_on=due_on,
        )
        for kind, description, due_on in (
            (ItemKind.APOLOGY, "A written apology to the community.", timezone.localdate() - timedelta(days=7)),
            (ItemKind.REPARATION, "Repaint the wall with the volunteers.", soon),
            (ItemKind.BEHAVIOUR, "Leave the group chat where the idea came from.", soon),
        )
    ]
    for role in (ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM):
        services.agreement_confirm(actor=facilitator, process=process, role=role)
    process = _advance(process, facilitator)  # follow-up
    _assess(process, facilitator, "The apology was delivered; no new incident.")
    services.item_follow_up(actor=facilitator, item=items[0], outcome=ItemOutcome.DONE)
    starts_at = _at(timezone.localdate() + timedelta(days=22), hour=17)
    services.session_schedule(
        actor=facilitator,
        process=process,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        place=f"Puente's meeting room {DEMO_MARK}",
        participants=[harmed, caused],
        time_zone="Europe/Madrid",
    )
    services.review_record(actor=supervisor, process=process, notes=f"{DEMO_MARK} On track; follow up the wall.")
    say(f"{process.reference}: referred by {police.name}, agreement confirmed, under follow-up")


def _at(day: date, *, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour=hour)))


# One process each, each in a transaction of its own (the command shows their progress).
STEPS: tuple[Callable[[Callable[[str], None]], None], ...] = (_in_preparation, _under_follow_up)


def demo_restorative_seed(*, say: Callable[[str], None] = lambda line: None) -> None:
    """Seed the demo processes (needs ``seed_demo`` and ``seed_demo_cases`` first)."""
    for step in STEPS:
        with transaction.atomic():
            step(say)
