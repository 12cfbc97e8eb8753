"""Fixtures for reports: a receiving organisation with a caseworker, and a sent report."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import MembershipFactory, OrganisationFactory, report_draft
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role
from victory.reports import services
from victory.reports.services import ReportDraft, SubmittedReport


@pytest.fixture
def receiving_organisation(db: None) -> Organisation:
    organisation = OrganisationFactory(
        name="Receiving support (fictional)", countries=["PT"], accepts_public_reports=True
    )
    services.country_intake_set(actor=None, country="PT", organisation=organisation)
    return organisation


@pytest.fixture
def report_caseworker(receiving_organisation: Organisation) -> Membership:
    membership = MembershipFactory(organisation=receiving_organisation, role=Role.CASEWORKER)
    account_services.totp_device_create_confirmed(user=membership.user)
    return membership


def make_draft(**overrides: Any) -> ReportDraft:
    """What a reporter typed (``tests.factories.report_draft``, under its older name)."""
    return report_draft(**overrides)


@pytest.fixture
def submitted(receiving_organisation: Organisation) -> SubmittedReport:
    return services.report_submit(draft=make_draft())
