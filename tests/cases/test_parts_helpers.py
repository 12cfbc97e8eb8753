"""What the parts' tests share: a case made directly (the cases app's opening service
belongs to another area), people in its organisation, API tokens."""

from __future__ import annotations

from typing import Any

from tests.factories import PASSWORD, MembershipFactory
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.models import Case, IntakeChannel
from victory.cases.references import case_reference_new


def make_case(organisation: Organisation, **fields: Any) -> Case:
    values: dict[str, Any] = {"intake_channel": IntakeChannel.PHONE, "language": "pt"}
    values.update(fields)
    return Case.objects.create(reference=case_reference_new(), organisation=organisation, **values)


def member(organisation: Organisation, role: str = Role.CASEWORKER) -> Membership:
    membership = MembershipFactory(organisation=organisation, role=role)
    account_services.totp_device_create_confirmed(user=membership.user)
    return membership


def api_token(membership: Membership) -> str:
    user = membership.user
    code = account_services.backup_codes_regenerate(user=user, password=PASSWORD, client="test")[0]
    token, _expires = account_services.api_token_issue(email=user.email, password=PASSWORD, otp=code, client="test")
    return token
