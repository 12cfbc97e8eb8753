"""After ``make run`` two demo organisations work one person's case together."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from victory.accounts.demo import DEMO_EMAIL_DOMAIN
from victory.accounts.models import User
from victory.cases.models import Case, ConsentStatus, Referral, ReferralStatus
from victory.cases.permissions import can_read_assessment, can_read_referral_content, can_work_case

pytestmark = pytest.mark.django_db


def _demo_user(local_part: str) -> User:
    return User.objects.filter_email(f"{local_part}@{DEMO_EMAIL_DOMAIN}").get()


def test_the_demo_shows_two_organisations_working_one_case_with_consent(tmp_path: Path) -> None:
    call_command("seed_demo", credentials=tmp_path / "credentials.json", verbosity=0)
    call_command("seed_demo_reports", receipts=tmp_path / "receipts.json", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())
    call_command("seed_demo_cases", stdout=StringIO())  # again: nothing duplicated

    assert Case.objects.count() == 3
    assert Case.objects.values("organisation").distinct().count() == 2
    referral = Referral.objects.select_related("case", "recipient", "consent").get()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.consent is not None and referral.consent.status == ConsentStatus.GIVEN
    case = referral.case
    assert case.assessments.count() == 2  # the screening, then the detailed assessment
    assert all("fictional" in text.lower() for text in case.notes.values_list("body", flat=True))

    caseworker, liaison = _demo_user("caseworker.pt"), _demo_user("liaison.police")
    assert can_work_case(caseworker, case) and can_read_assessment(caseworker, case)
    # The police unit reads what was shared, and nothing else of the case.
    assert can_read_referral_content(liaison, referral)
    assert not can_work_case(liaison, case)
    assert set(referral.snapshot) >= {"incident", "contact"} and "assessment" not in referral.snapshot
