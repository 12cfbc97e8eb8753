"""Makers the consent and referral tests share: a case (opened directly, or from a
report), the people who work it, a consent given for a recipient. Cases are written
directly until the case services (helper 1) are merged; everything the tests check goes
through the sharing services."""

from __future__ import annotations

from typing import Any, cast

from tests.factories import MembershipFactory, OrganisationFactory
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.models import (
    Case,
    CaseNote,
    CasePerson,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    IntakeChannel,
    NeedsAssessment,
    PersonRole,
    ProtectionLevel,
)
from victory.cases.references import case_reference_new
from victory.cases.services.consent import consent_record_given
from victory.reports.models import Report


def professional(organisation: Organisation, role: str = Role.CASEWORKER) -> Membership:
    membership = MembershipFactory(organisation=organisation, role=role)
    account_services.totp_device_create_confirmed(user=membership.user)
    return membership


def make_case(organisation: Organisation, *, report: Report | None = None) -> Case:
    case = Case.objects.create(
        reference=case_reference_new(),
        organisation=organisation,
        report=report,
        intake_channel=IntakeChannel.REPORT if report else IntakeChannel.PHONE,
        country="PT",
        bias_motivations=["anti_roma"],
        incident_types=["threat_harassment"],
        summary="Neighbours shouted threats at the family's door (fictional).",
        location="Porto",
    )
    CasePerson.objects.create(
        case=case,
        role=PersonRole.PERSON_HARMED,
        full_name="Ana Example",
        contact=cast(Any, {"phone": "+351 000 000 000"}),
    )
    CasePerson.objects.create(case=case, role=PersonRole.WITNESS, full_name="Witness Example")
    CaseNote.objects.create(case=case, body="Open note: she prefers mornings.", confidential=False)
    CaseNote.objects.create(case=case, body="Confidential: the sister is involved.", confidential=True)
    NeedsAssessment.objects.create(
        case=case,
        version=1,
        stage="screening",
        answers=cast(Any, {"screening_notes": "Secret assessment answer."}),
        protection_level=ProtectionLevel.STANDARD,
    )
    return case


def give_consent(
    case: Case,
    actor: Membership,
    recipient: Organisation | None,
    sections: list[str],
    purpose: str = ConsentPurpose.SHARE_ORGANISATION,
) -> ConsentRecord:
    return consent_record_given(
        actor=actor.user,
        case=case,
        purpose=purpose,
        data_categories=sections,
        recipient=recipient,
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.PHONE,
    )


def two_organisations() -> tuple[Organisation, Organisation]:
    return OrganisationFactory(), OrganisationFactory(countries=["ES"])


def api_token(membership: Membership) -> str:
    from tests.factories import PASSWORD

    user = membership.user
    code = account_services.backup_codes_regenerate(user=user, password=PASSWORD, client="test")[0]
    token, _expires = account_services.api_token_issue(email=user.email, password=PASSWORD, otp=code, client="test")
    return token
