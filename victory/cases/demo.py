"""Fictional demo cases: two organisations working one person's case together.

After ``make run`` a newcomer sees cooperation working: the Portuguese support
organisation's case from the demo tram-stop report is assessed (screening, then the
detailed assessment), the person's consent to share what happened and how to reach them
with the (fictional) police unit is on record, and the police unit accepted the
referral. The Spanish organisation has a report waiting as a new case in its intake and a
phone case with a task overdue. Everything is written through the services, as a
caseworker would, so the timeline and the audit chain read as real work. Safe to run
again: nothing is duplicated.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from victory.accounts.demo import DEMO_EMAIL_DOMAIN, DEMO_ORGANISATIONS
from victory.accounts.models import Organisation, User
from victory.reports.models import Report

from .models import Case, CaseSection, CaseStatus, ConsentGiver, ConsentMethod, ConsentPurpose, IntakeChannel
from .services import assessment as assessment_services
from .services import case as case_services
from .services import consent as consent_services
from .services import parts as part_services
from .services import referral as referral_services

DEMO_CASE_MARK = "(Fictional demo case)"


def _user(local_part: str) -> User:
    return User.objects.filter_email(f"{local_part}@{DEMO_EMAIL_DOMAIN}").get()


def _organisation(slug: str) -> Organisation:
    name = next(org.name for org in DEMO_ORGANISATIONS if org.slug == slug)
    return Organisation.objects.get(name=name)


def _demo_report(organisation: Organisation, *, country: str) -> Report | None:
    return Report.objects.filter(organisation=organisation, country=country).order_by("created_at", "pk").first()


SCREENING = {
    "is_child": "no",
    "feels_safe": "no",
    "offender_contact": "unknown",
    "earlier_incidents": "yes",
    "health_effects": "yes",
    "vulnerabilities": ["language"],
    "wants_support": "yes",
    "screening_notes": f"{DEMO_CASE_MARK} Avoids the tram since; would like to talk to someone in Portuguese.",
}
DETAILED = {
    **SCREENING,
    "characteristics": ["isolated"],
    "incident_features": ["violence", "group", "repeated"],
    "relationship": "stranger",
    "place": "transport",
    "bias_indicators": ["comments", "affiliation", "pattern"],
    "bias_notes": f"{DEMO_CASE_MARK} Insults about her headscarf; two similar incidents at the same stop.",
    "wished_measures": ["same_sex_interviewer", "avoid_visual_contact"],
    "refused_measures": ["hearing_in_camera"],
    "wishes_own_words": f"{DEMO_CASE_MARK} I want the police to know, but I do not want to see them again.",
    "risk_repeat": "medium",
    "risk_repeat_reason": f"{DEMO_CASE_MARK} The same group is seen at the stop most evenings.",
    "risk_intimidation": "low",
    "risk_intimidation_reason": f"{DEMO_CASE_MARK} No contact since.",
    "risk_retaliation": "low",
    "risk_retaliation_reason": f"{DEMO_CASE_MARK} They do not know her name.",
}


def _cooperation_case(say: Callable[[str], None]) -> None:
    """Apoio Lumen (PT) works the tram-stop report with the police unit."""
    support, police = _organisation("support-pt"), _organisation("police-pt")
    report = _demo_report(support, country="PT")
    if report is None or Case.objects.filter(report=report).exists():
        return
    caseworker, liaison = _user("caseworker.pt"), _user("liaison.police")
    case = case_services.case_open_from_report(actor=caseworker, report=report)
    case = case_services.case_assign(actor=caseworker, case=case, assignee=caseworker, expected_version=None)
    for status in (CaseStatus.TRIAGE, CaseStatus.ASSESSMENT):
        case = case_services.case_transition(actor=caseworker, case=case, to=status, expected_version=None)
    part_services.person_add(
        actor=caseworker,
        case=case,
        role="person_harmed",
        full_name="Mariana Exemplo (fictional)",
        safe_times="Weekday mornings",
        language="pt",
        is_child=False,
        expected_version=None,
    )
    assessment_services.assessment_record(
        actor=caseworker, case=case, stage="screening", answers=SCREENING, expected_version=None
    )
    assessment_services.assessment_record(
        actor=caseworker, case=case, stage="detailed", answers=DETAILED, expected_version=None
    )
    part_services.risk_raise(
        actor=caseworker,
        case=case,
        kind="repeat_victimisation",
        level="medium",
        reason=f"{DEMO_CASE_MARK} The same group is at the tram stop most evenings.",
        expected_version=None,
    )
    part_services.task_add(
        actor=caseworker,
        case=case,
        title="Call Mariana about the police appointment (fictional)",
        due_on=timezone.localdate() + timedelta(days=2),
        assigned_to=caseworker,
        expected_version=None,
    )
    part_services.note_add(
        actor=caseworker,
        case=case,
        body=f"{DEMO_CASE_MARK} Explained her rights (Art. 4) in Portuguese; she chose what the police may see.",
        expected_version=None,
    )
    consent_services.consent_record_given(
        actor=caseworker,
        case=case,
        purpose=ConsentPurpose.POLICE,
        data_categories=[CaseSection.INCIDENT, CaseSection.CONTACT],
        recipient=police,
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.IN_PERSON,
        note=f"{DEMO_CASE_MARK} Given at the office, after reading the information sheet.",
    )
    referral = referral_services.referral_send(
        actor=caseworker,
        case=case,
        recipient=police,
        purpose="police",
        sections=[CaseSection.INCIDENT, CaseSection.CONTACT],
        message=f"{DEMO_CASE_MARK} She would like to make a statement; a female officer, please.",
    )
    referral_services.referral_accept(actor=liaison, referral=referral, expected_version=None)
    case_services.case_transition(actor=caseworker, case=case, to=CaseStatus.SUPPORT, expected_version=None)
    say(f"{case.reference}: assessed, referred to {police.name} with consent, accepted")


def _spanish_cases(say: Callable[[str], None]) -> None:
    """Red Faro (ES): the graffiti report as a new case in the intake, and a phone case."""
    support = _organisation("support-es")
    caseworker = _user("caseworker.es")
    report = _demo_report(support, country="ES")
    if report is not None and not Case.objects.filter(report=report).exists():
        case = case_services.case_open_from_report(actor=caseworker, report=report)
        say(f"{case.reference}: new, unassigned, in the intake of {support.name}")
    if Case.objects.filter(organisation=support, intake_channel=IntakeChannel.PHONE).exists():
        return
    case = case_services.case_open_direct(
        actor=caseworker,
        organisation=support,
        channel=IntakeChannel.PHONE,
        language="es",
        summary=f"{DEMO_CASE_MARK} A man called: his neighbours leave anti-Roma notes on his car every week.",
        country="ES",
        bias_motivations=["anti_roma"],
        incident_types=["threat_harassment"],
        location="Villaclara (fictional town)",
    )
    case = case_services.case_assign(actor=caseworker, case=case, assignee=caseworker, expected_version=None)
    case_services.case_transition(actor=caseworker, case=case, to=CaseStatus.TRIAGE, expected_version=None)
    part_services.task_add(
        actor=caseworker,
        case=case,
        title="Ask him to keep the notes as evidence (fictional)",
        due_on=timezone.localdate() + timedelta(days=1),
        assigned_to=caseworker,
        expected_version=None,
    )
    say(f"{case.reference}: phone intake, assigned, a task due tomorrow")


@transaction.atomic
def demo_cases_seed(*, say: Callable[[str], None] = lambda line: None) -> None:
    """Seed the fictional demo cases (needs ``seed_demo`` and ``seed_demo_reports`` first)."""
    _cooperation_case(say)
    _spanish_cases(say)
