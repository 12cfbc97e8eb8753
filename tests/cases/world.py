"""One small world for the access matrix: three organisations, every role in two of them,
one case with every part filled (people, a task, a note, a risk, an assessment, consents,
two referrals, a conference with an action), a reply template, and the reporter's receipt.

``own`` holds the case; ``partner`` receives its referrals and is invited to its
conference; ``other`` has nothing to do with it. Built once per module (the matrix runs it
inside a transaction it rolls back at the end), through the services where they exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.cases.sharing_helpers import api_token
from tests.conftest import _with_totp, login
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory, make_report
from tests.reports.test_inbox_views import inbox_login
from tests.reports.test_staff_views import PDF
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role, User
from victory.cases.models import (
    AssessmentStage,
    Case,
    CaseConference,
    CasePerson,
    CaseSection,
    CaseTask,
    ConferenceAction,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    NeedsAssessment,
    PersonRole,
    ProtectionLevel,
    Referral,
    ReferralPurpose,
    ReplyTemplate,
    RiskFlag,
    RiskKind,
    RiskLevel,
)
from victory.cases.services.case import case_assign, case_open_from_report
from victory.cases.services.conference import conference_convene
from victory.cases.services.consent import consent_record_given, consent_request
from victory.cases.services.parts import note_add
from victory.cases.services.referral import referral_accept, referral_send
from victory.reports import services_evidence
from victory.reports.models import Report, ReportEvidence

# Every role a professional holds, by the name the matrix uses. "caseworker" is the
# case's assignee; "caseworker_other" a colleague it is not assigned to.
ROLES: dict[str, str] = {
    "caseworker": Role.CASEWORKER,
    "caseworker_other": Role.CASEWORKER,
    "supervisor": Role.SUPERVISOR,
    "justice_liaison": Role.JUSTICE_LIAISON,
    "analyst": Role.ANALYST,
    "trainer": Role.TRAINER,
    "facilitator": Role.FACILITATOR,
    "org_admin": Role.ORG_ADMIN,
}
# The recipient organisation: the roles that receive referrals, and one that does not.
PARTNER_ROLES: dict[str, str] = {
    "justice_liaison": Role.JUSTICE_LIAISON,
    "caseworker": Role.CASEWORKER,
    "supervisor": Role.SUPERVISOR,
    "analyst": Role.ANALYST,
}


@dataclass
class Principal:
    """Someone who knocks: a logged-in page client and an API token."""

    name: str
    user: User
    client: Client
    token: str


@dataclass
class World:
    own: Organisation
    partner: Organisation
    other: Organisation
    case: Case
    other_case: Case  # the other organisation's case (its own colleagues' control)
    intake: Case  # a case of ``own`` nobody was given yet, with an assessment
    report_unopened: Report  # a report of ``own`` with no case yet
    evidence: ReportEvidence  # a file given with the main case's report
    harmed: CasePerson
    task: CaseTask
    risk: RiskFlag
    consent_given: ConsentRecord
    consent_requested: ConsentRecord
    referral_accepted: Referral
    referral_sent: Referral
    conference: CaseConference
    action: ConferenceAction
    template: ReplyTemplate
    principals: dict[str, Principal] = field(default_factory=dict)
    reporter: Client | None = None
    other_reporter: Client | None = None
    memberships: dict[str, Membership] = field(default_factory=dict)


def _member(organisation: Organisation, role: str) -> Membership:
    return _with_totp(MembershipFactory(organisation=organisation, role=role))


def _principal(name: str, person: Membership | User, client_class: type[Client]) -> Principal:
    user = person.user if isinstance(person, Membership) else person
    client = login(client_class(), person)
    token = api_token(person) if isinstance(person, Membership) else _platform_token(user)
    return Principal(name=name, user=user, client=client, token=token)


def _platform_token(user: User) -> str:
    from tests.factories import PASSWORD

    code = account_services.backup_codes_regenerate(user=user, password=PASSWORD, client="test")[0]
    token, _expires = account_services.api_token_issue(email=user.email, password=PASSWORD, otp=code, client="test")
    return token


# The words of the own case's parts no referral shares (the matrix looks for them on
# pages), and other words for the other organisation's case.
OWN_WORDS = {"task": "Call her back.", "risk": "The men came back.", "note": "She prefers mornings."}
INTAKE_ASSESSMENT = "She does not want the police involved."
OTHER_WORDS = {"task": "Send the form.", "risk": "A letter came.", "note": "He works nights."}


def _case_filled(case: Case, *, supervisor: User, assignee: User, words: dict[str, str]) -> dict[str, Any]:
    case = case_assign(actor=supervisor, case=case, assignee=assignee, expected_version=None)
    # High risk and enhanced needs: a conference may be convened.
    Case.objects.filter(pk=case.pk).update(risk_level=RiskLevel.HIGH, protection_level=ProtectionLevel.ENHANCED)
    case.refresh_from_db()
    harmed = CasePerson.objects.create(
        case=case,
        role=PersonRole.PERSON_HARMED,
        full_name="Amina Example",
        contact={"email": "amina@test.victory.example", "phone": "+351 000 000"},  # type: ignore[misc]
        language="pt",
    )
    CasePerson.objects.create(case=case, role=PersonRole.WITNESS, full_name="Witness Example")
    task = CaseTask.objects.create(
        case=case, title=words["task"], due_on=timezone.localdate() + timedelta(days=2), assigned_to=assignee
    )
    risk = RiskFlag.objects.create(
        case=case, kind=RiskKind.INTIMIDATION, level=RiskLevel.HIGH, reason=words["risk"], raised_by=assignee
    )
    note_add(actor=assignee, case=case, body=words["note"], expected_version=None)
    NeedsAssessment.objects.create(
        case=case,
        version=1,
        stage=AssessmentStage.SCREENING,
        answers={"wishes": words["note"] + " (assessment)"},  # type: ignore[misc]
        protection_level=ProtectionLevel.ENHANCED,
        detailed_needed=True,
        performed_by=assignee,
    )
    return {"case": case, "harmed": harmed, "task": task, "risk": risk}


def world_build(client_class: type[Client]) -> World:  # noqa: PLR0915 (one world, in order)
    own = OrganisationFactory(name="Own organisation (fictional)")
    partner = OrganisationFactory(name="Partner organisation (fictional)", countries=["ES"])
    other = OrganisationFactory(name="Other organisation (fictional)", countries=["FR"])
    memberships: dict[str, Membership] = {}
    for name, role in ROLES.items():
        memberships[f"own.{name}"] = _member(own, role)
        memberships[f"other.{name}"] = _member(other, role)
    for name, role in PARTNER_ROLES.items():
        memberships[f"partner.{name}"] = _member(partner, role)
    admin = UserFactory()
    User.objects.filter(pk=admin.pk).update(is_platform_admin=True, is_staff=True)
    admin.refresh_from_db()
    account_services.totp_device_create_confirmed(user=admin)

    assignee = memberships["own.caseworker"].user
    supervisor = memberships["own.supervisor"].user
    sent = make_report(organisation=own)
    evidence = services_evidence.evidence_add(
        upload=SimpleUploadedFile("photo.pdf", PDF, content_type="application/pdf"), report=sent.report
    )
    case = case_open_from_report(actor=assignee, report=sent.report)
    parts = _case_filled(case, supervisor=supervisor, assignee=assignee, words=OWN_WORDS)
    case = parts["case"]
    report_unopened = make_report(organisation=own).report
    intake = case_open_from_report(actor=supervisor, report=make_report(organisation=own).report)
    NeedsAssessment.objects.create(
        case=intake,
        version=1,
        stage=AssessmentStage.SCREENING,
        answers={"wishes": INTAKE_ASSESSMENT},  # type: ignore[misc]
        protection_level=ProtectionLevel.STANDARD,
        performed_by=supervisor,
    )

    other_sent = make_report(organisation=other, country="FR")
    other_case = case_open_from_report(actor=memberships["other.caseworker"].user, report=other_sent.report)
    other_case = _case_filled(
        other_case,
        supervisor=memberships["other.supervisor"].user,
        assignee=memberships["other.caseworker"].user,
        words=OTHER_WORDS,
    )["case"]

    sections: list[str] = [CaseSection.INCIDENT.value, CaseSection.CONTACT.value]
    consent_given = consent_record_given(
        actor=assignee,
        case=case,
        purpose=ConsentPurpose.SHARE_ORGANISATION,
        data_categories=sections,
        recipient=partner,
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.PHONE,
    )
    consent_requested = consent_request(
        actor=assignee,
        case=case,
        purpose=ConsentPurpose.POLICE,
        data_categories=[CaseSection.INCIDENT],
        recipient=partner,
    )
    case.refresh_from_db()
    referral_accepted = referral_send(
        actor=assignee, case=case, recipient=partner, purpose=ReferralPurpose.SUPPORT, sections=sections
    )
    referral_accepted = referral_accept(
        actor=memberships["partner.justice_liaison"].user, referral=referral_accepted, expected_version=None
    )
    case.refresh_from_db()
    referral_sent = referral_send(
        actor=assignee,
        case=case,
        recipient=partner,
        purpose=ReferralPurpose.SUPPORT,
        sections=[CaseSection.INCIDENT],
    )
    case.refresh_from_db()
    conference = conference_convene(
        actor=supervisor,
        case=case,
        scheduled_for=timezone.now() + timedelta(days=3),
        organisations=[partner],
        victim_wishes="She wants to stay in her flat.",
        agenda="Safety at home.",
    )
    action = ConferenceAction.objects.create(
        conference=conference, owner=partner, description="Fit a new lock.", due_on=timezone.localdate()
    )
    template = ReplyTemplate.objects.create(organisation=own, language="en", title="Received", body="We read it.")
    case.refresh_from_db()

    world = World(
        own=own,
        partner=partner,
        other=other,
        case=case,
        other_case=other_case,
        intake=intake,
        report_unopened=report_unopened,
        evidence=evidence,
        harmed=parts["harmed"],
        task=parts["task"],
        risk=parts["risk"],
        consent_given=consent_given,
        consent_requested=consent_requested,
        referral_accepted=referral_accepted,
        referral_sent=referral_sent,
        conference=conference,
        action=action,
        template=template,
        memberships=memberships,
    )
    for name, membership in memberships.items():
        world.principals[name] = _principal(name, membership, client_class)
    world.principals["platform_admin"] = _principal("platform_admin", admin, client_class)
    world.reporter = inbox_login(client_class(), sent.receipt)
    world.other_reporter = inbox_login(client_class(), other_sent.receipt)
    return world
