"""Consent records: asked, given, refused, withdrawn, replaced, expired; terms never edited."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.cases.sharing_helpers import give_consent, make_case, professional, two_organisations
from tests.factories import make_report
from victory.cases.models import (
    CaseEvent,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    ConsentRecord,
    ConsentStatus,
    ImmutableRecordError,
    ReferralStatus,
)
from victory.cases.services import consent as consent_services
from victory.cases.services.referral import referral_send

pytestmark = pytest.mark.django_db


def test_a_given_consents_terms_are_never_edited() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    consent = give_consent(case, worker, other, ["incident"])
    consent.data_categories = ["incident", "contact"]
    with pytest.raises(ImmutableRecordError):
        consent.save()
    consent.refresh_from_db()
    consent.status = ConsentStatus.REQUESTED
    with pytest.raises(ImmutableRecordError):
        consent.save()


def test_replacing_a_consent_makes_a_new_record_and_keeps_the_old_one() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    old = give_consent(case, worker, other, ["incident"])
    kept = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    new = consent_services.consent_replace(
        actor=worker.user,
        consent=old,
        data_categories=["incident", "contact"],
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.IN_PERSON,
    )
    old.refresh_from_db()
    kept.refresh_from_db()
    assert old.status == ConsentStatus.WITHDRAWN and old.data_categories == ["incident"]
    assert new.replaces_id == old.pk and new.status == ConsentStatus.GIVEN
    assert ConsentRecord.objects.filter(case=case).count() == 2
    # A referral the new terms still cover carries on under the new record.
    assert kept.status == ReferralStatus.SENT and kept.consent_id == new.pk


def test_a_sharing_consent_names_its_recipient() -> None:
    home, _other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    with pytest.raises(ValidationError) as refused:
        give_consent(case, worker, None, ["incident"])
    assert "recipient" in refused.value.message_dict
    with pytest.raises(ValidationError) as own:
        give_consent(case, worker, home, ["incident"])
    assert "recipient" in own.value.message_dict
    assert not ConsentRecord.objects.exists()


def test_a_request_is_answered_once() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    asked = consent_services.consent_request(
        actor=worker.user,
        case=case,
        purpose=ConsentPurpose.SHARE_ORGANISATION,
        data_categories=["incident"],
        recipient=other,
    )
    assert asked.status == ConsentStatus.REQUESTED
    given = consent_services.consent_answer(actor=None, consent=asked, given=True)
    assert given.status == ConsentStatus.GIVEN and given.method == ConsentMethod.INBOX
    with pytest.raises(ValidationError):
        consent_services.consent_answer(actor=None, consent=asked, given=False)
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert "consent.requested" in kinds and "consent.given" in kinds


def test_withdrawal_revokes_every_referral_resting_on_it() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    consent = give_consent(case, worker, other, ["incident", "risk"])
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    consent_services.consent_withdraw(actor=None, consent=consent)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED and referral.revoked_by_withdrawal
    assert CaseEvent.objects.filter(case=case, kind="referral.ended_by_withdrawal", organisation=other).exists()


def test_expiry_ends_consents_past_their_date_and_their_referrals() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    consent = consent_services.consent_record_given(
        actor=worker.user,
        case=case,
        purpose=ConsentPurpose.SHARE_ORGANISATION,
        data_categories=["incident"],
        recipient=other,
        given_by=ConsentGiver.GUARDIAN,
        method=ConsentMethod.WRITTEN,
        valid_until=timezone.localdate(),
    )
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    assert consent_services.consents_expire_due(today=timezone.localdate()) == 0
    assert consent_services.consents_expire_due(today=timezone.localdate() + timedelta(days=1)) == 1
    consent.refresh_from_db()
    referral.refresh_from_db()
    assert consent.status == ConsentStatus.EXPIRED and referral.status == ReferralStatus.REVOKED


def test_an_end_date_in_the_past_is_refused() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    with pytest.raises(ValidationError) as refused:
        consent_services.consent_record_given(
            actor=worker.user,
            case=case,
            purpose=ConsentPurpose.CONTACT,
            data_categories=["contact"],
            recipient=None,
            given_by=ConsentGiver.PERSON,
            method=ConsentMethod.PHONE,
            valid_until=date(2000, 1, 1),
        )
    assert "valid_until" in refused.value.message_dict


def test_a_reports_granted_consents_become_given_records() -> None:
    home, _other = two_organisations()
    sent = make_report(organisation=home, consents={"contact": True, "statistics": True})
    case = make_case(home, report=sent.report)
    made = consent_services.consents_from_report(case=case)
    assert {consent.purpose for consent in made} == {ConsentPurpose.CONTACT, ConsentPurpose.STATISTICS}
    assert all(c.method == ConsentMethod.INBOX and c.given_by == ConsentGiver.PERSON for c in made)
    assert consent_services.consents_from_report(case=case) == []


def test_the_change_of_terms_page_writes_a_new_record(client: object) -> None:
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import login

    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    old = give_consent(case, worker, other, ["incident"])
    staff = login(Client(), worker)
    page = reverse("cases:consent_replace", args=[case.reference, old.pk])
    assert staff.get(page).status_code == 200
    answer = staff.post(
        page, {"data_categories": ["incident", "risk"], "given_by": "guardian", "method": "written", "note": "Form 2."}
    )
    assert answer.status_code == 302
    old.refresh_from_db()
    new = ConsentRecord.objects.get(replaces=old)
    assert old.status == ConsentStatus.WITHDRAWN and new.data_categories == ["incident", "risk"]
    assert new.recipient_id == other.pk and new.given_by == ConsentGiver.GUARDIAN
    # Another organisation's caseworker: 404.
    assert login(Client(), professional(other)).get(page).status_code == 404
