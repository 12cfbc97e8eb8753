"""The reporter's "who has your information" page: every consent and referral, live;
giving, refusing and withdrawing in one step; vital-interest sharing explained."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.sharing_helpers import give_consent, make_case, professional, two_organisations
from tests.factories import make_report
from tests.reports.test_inbox_views import inbox_login
from victory.accounts.models import Role
from victory.cases.models import ConsentPurpose, ConsentStatus, Referral, ReferralStatus
from victory.cases.services import consent as consent_services
from victory.cases.services import referral as referral_services

pytestmark = pytest.mark.django_db

PAGE = "/en/inbox/report/sharing/"


def test_the_inbox_links_to_the_page_and_it_needs_the_receipt(client: Client) -> None:
    home, _other = two_organisations()
    sent = make_report(organisation=home)
    assert client.get(PAGE).status_code == 302  # to the login
    inbox_login(client, sent.receipt)
    assert reverse("cases:inbox_sharing") in client.get("/en/inbox/report/").content.decode()
    page = client.get(PAGE)
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    assert "Nothing was shared" in page.content.decode()


def test_the_person_sees_who_has_what_and_withdraws_in_one_step(client: Client) -> None:
    home, other = two_organisations()
    sent = make_report(organisation=home)
    case = make_case(home, report=sent.report)
    worker, receiver = professional(home), professional(other)
    consent = give_consent(case, worker, other, ["incident"])
    referral = referral_services.referral_send(
        actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"]
    )
    inbox_login(client, sent.receipt)
    shown = client.get(PAGE).content.decode()
    assert other.name in shown and "They have not answered yet." in shown
    referral_services.referral_accept(actor=receiver.user, referral=referral, expected_version=None)
    assert "They agreed to help." in client.get(PAGE).content.decode()
    answer = client.post(reverse("cases:inbox_consent_withdraw", args=[consent.pk]))
    assert answer.status_code == 302
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN
    assert Referral.objects.get().status == ReferralStatus.REVOKED
    after = client.get(PAGE).content.decode()
    assert "No longer shared" in after and "Because you took back your agreement." in after


def test_the_person_answers_a_request(client: Client) -> None:
    home, other = two_organisations()
    sent = make_report(organisation=home)
    case = make_case(home, report=sent.report)
    asked = consent_services.consent_request(
        actor=professional(home).user,
        case=case,
        purpose=ConsentPurpose.POLICE,
        data_categories=["incident"],
        recipient=other,
    )
    inbox_login(client, sent.receipt)
    assert "I agree" in client.get(PAGE).content.decode()
    client.post(reverse("cases:inbox_consent_answer", args=[asked.pk]), {"answer": "refused"})
    asked.refresh_from_db()
    assert asked.status == ConsentStatus.REFUSED


def test_another_cases_consent_is_not_found(client: Client) -> None:
    home, other = two_organisations()
    mine = make_report(organisation=home)
    make_case(home, report=mine.report)
    theirs = make_case(home, report=make_report(organisation=home).report)
    foreign = give_consent(theirs, professional(home), other, ["incident"])
    inbox_login(client, mine.receipt)
    assert client.post(reverse("cases:inbox_consent_withdraw", args=[foreign.pk])).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == ConsentStatus.GIVEN


def test_vital_interest_sharing_is_explained(client: Client) -> None:
    home, other = two_organisations()
    sent = make_report(organisation=home)
    case = make_case(home, report=sent.report)
    referral_services.referral_send_vital_interest(
        actor=professional(home, Role.SUPERVISOR).user,
        case=case,
        recipient=other,
        sections=["contact"],
        reason="Threat to life.",
    )
    inbox_login(client, sent.receipt)
    shown = client.get(PAGE).content.decode()
    assert "Shared without asking you" in shown and other.name in shown
