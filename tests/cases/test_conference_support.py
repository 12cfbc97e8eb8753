"""Makers the conference, rights and retention tests share (no tests here). Cases are
made directly: the case services are another area's, and these tests are about what
happens once a case exists."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from tests.conftest import _with_totp
from tests.factories import MembershipFactory, OrganisationFactory, make_report
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.models import (
    Case,
    CaseConference,
    CasePerson,
    CaseSection,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    IntakeChannel,
    PersonRole,
    ProtectionLevel,
    Referral,
    ReferralPurpose,
    ReferralStatus,
    RiskLevel,
)
from victory.cases.references import case_reference_new, referral_reference_new
from victory.cases.services.conference import conference_convene


def member(organisation: Organisation, role: str = Role.CASEWORKER) -> Membership:
    return _with_totp(MembershipFactory(organisation=organisation, role=role))


def make_case(organisation: Organisation, *, with_report: bool = False, **fields: Any) -> Case:
    values: dict[str, Any] = {
        "reference": case_reference_new(),
        "organisation": organisation,
        "intake_channel": IntakeChannel.PHONE,
        "country": "PT",
        "bias_motivations": ["anti_muslim"],
        "incident_types": ["violent_attack"],
        "summary": "Pushed at the bus stop by two men.",
        "location": "Lisbon",
        "risk_level": RiskLevel.HIGH,
        "protection_level": ProtectionLevel.ENHANCED,
    }
    values.update(fields)
    if with_report:
        values["report"] = make_report(organisation=organisation).report
        values["intake_channel"] = IntakeChannel.REPORT
    case = Case(**values)
    case.occurred_on = date(2026, 5, 3)
    case.save()
    return case


def add_person(case: Case, role: str = PersonRole.PERSON_HARMED, **fields: Any) -> CasePerson:
    values: dict[str, Any] = {
        "full_name": "Amina Example",
        "contact": {"email": "amina@test.victory.example", "phone": "+351 000 000"},
        "notes": "Prefers calls after 18:00.",
        "language": "pt",
    }
    values.update(fields)
    person = CasePerson(case=case, role=role, **values)
    person.save()
    return person


def accepted_referral(case: Case, recipient: Organisation, *, status: str = ReferralStatus.ACCEPTED) -> Referral:
    consent = ConsentRecord(
        case=case,
        purpose=ConsentPurpose.SHARE_ORGANISATION,
        data_categories=[CaseSection.INCIDENT, CaseSection.CONTACT],
        recipient=recipient,
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.IN_PERSON,
        status="given",
        given_at=timezone.now(),
        note="Agreed at the office.",
    )
    consent.save()
    referral = Referral(
        reference=referral_reference_new(),
        case=case,
        sender=case.organisation,
        recipient=recipient,
        purpose=ReferralPurpose.SUPPORT,
        message="Please call her.",
        sections=[CaseSection.INCIDENT, CaseSection.CONTACT],
        consent=consent,
        status=status,
    )
    referral.snapshot = {"contact": {"full_name": "Amina Example"}, "incident": {"summary": "Pushed."}}
    referral.save()
    return referral


def convened(case: Case, supervisor: Membership, partners: list[Organisation]) -> CaseConference:
    return conference_convene(
        actor=supervisor.user,
        case=case,
        scheduled_for=timezone.now() + timedelta(days=3),
        organisations=partners,
        victim_wishes="She wants to stay in her flat and not meet the men.",
        agenda="Safety at home; court date.",
    )


def two_organisations() -> tuple[Organisation, Organisation]:
    return OrganisationFactory(), OrganisationFactory(countries=["ES"])


def api_token(membership: Membership) -> str:
    """A bearer token for ``membership``'s person (a backup code, so the authenticator's
    current code stays free for a login)."""
    from tests.factories import PASSWORD
    from victory.accounts import services

    user = membership.user
    code = services.backup_codes_regenerate(user=user, password=PASSWORD, client="test")[0]
    token, _expires = services.api_token_issue(email=user.email, password=PASSWORD, otp=code, client="test")
    return token
