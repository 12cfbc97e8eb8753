"""A case opened from a report starts from the report's own consents, and follows the
reporter when they change one on the report's page; a consent past its end expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.cases.sharing_helpers import give_consent, professional, two_organisations
from tests.factories import make_report
from victory.cases.models import ConsentPurpose, ConsentStatus, Referral, ReferralStatus
from victory.cases.services.case import case_open_from_report
from victory.cases.services.consent import consent_record_given
from victory.cases.services.referral import referral_send
from victory.cases.tasks import consents_expire_due_task
from victory.reports.services import consent_set

pytestmark = pytest.mark.django_db


def test_opening_a_case_copies_the_reports_consents() -> None:
    sender, _recipient = two_organisations()
    submitted = make_report(organisation=sender, consents={"contact": True, "statistics": True})
    case = case_open_from_report(actor=professional(sender).user, report=submitted.report)
    given = set(case.consents.filter(status=ConsentStatus.GIVEN).values_list("purpose", flat=True))
    assert given == {ConsentPurpose.CONTACT, ConsentPurpose.STATISTICS}


def test_withdrawing_on_the_report_page_withdraws_the_cases_copy() -> None:
    sender, _recipient = two_organisations()
    submitted = make_report(organisation=sender, consents={"contact": True, "statistics": True})
    case = case_open_from_report(actor=professional(sender).user, report=submitted.report)

    consent_set(report=submitted.report, purpose="statistics", granted=False)

    statistics = case.consents.get(purpose=ConsentPurpose.STATISTICS)
    assert statistics.status == ConsentStatus.WITHDRAWN
    assert case.consents.get(purpose=ConsentPurpose.CONTACT).status == ConsentStatus.GIVEN
    # Given again: a new record, the withdrawn one stays in the history.
    consent_set(report=submitted.report, purpose="statistics", granted=True)
    assert list(case.consents.filter(purpose=ConsentPurpose.STATISTICS).values_list("status", flat=True)) == [
        ConsentStatus.GIVEN,
        ConsentStatus.WITHDRAWN,
    ]


def test_a_consent_past_its_end_expires_and_its_referral_ends() -> None:
    sender, recipient = two_organisations()
    worker = professional(sender)
    submitted = make_report(organisation=sender)
    case = case_open_from_report(actor=worker.user, report=submitted.report)
    consent = give_consent(case, worker, recipient, ["incident"])
    referral = referral_send(
        actor=worker.user, case=case, recipient=recipient, purpose="support", sections=["incident"]
    )
    short = consent_record_given(
        actor=worker.user,
        case=case,
        purpose=ConsentPurpose.POLICE,
        data_categories=["incident"],
        recipient=recipient,
        given_by="person",
        method="phone",
        valid_until=timezone.localdate() + timedelta(days=1),
    )
    assert consents_expire_due_task.call() == 0  # nothing is past its end yet

    type(short).objects.filter(pk=short.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    assert consents_expire_due_task.call() == 1
    short.refresh_from_db()
    assert short.status == ConsentStatus.EXPIRED
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.GIVEN
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.SENT
