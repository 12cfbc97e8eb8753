"""The sharing pages: recording consent, referring (errors name what is missing, input
kept), the recipient's page (the snapshot only while in force), revocation, vital interest."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.sharing_helpers import give_consent, make_case, professional, two_organisations
from tests.conftest import login
from victory.accounts.models import Role
from victory.cases.models import ConsentRecord, ConsentStatus, Referral, ReferralStatus
from victory.cases.services import consent as consent_services
from victory.cases.services.referral import referral_send

pytestmark = pytest.mark.django_db


def test_a_caseworker_records_a_given_consent(client: Client) -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    login(client, worker)
    page = reverse("cases:consent_add", args=[case.reference])
    assert client.get(page).status_code == 200
    refused = client.post(
        page,
        {
            "mode": "given",
            "purpose": "share_organisation",
            "data_categories": ["incident"],
            "given_by": "person",
            "method": "phone",
            "note": "Signed form in the file.",
        },
    )
    assert refused.status_code == 200
    assert "Name the organisation the person agrees to share with." in refused.content.decode()
    assert "Signed form in the file." in refused.content.decode()  # kept
    assert not ConsentRecord.objects.exists()
    saved = client.post(
        page,
        {
            "mode": "given",
            "purpose": "share_organisation",
            "data_categories": ["incident"],
            "recipient": other.pk,
            "given_by": "person",
            "method": "phone",
        },
    )
    assert saved.status_code == 302
    assert ConsentRecord.objects.get().status == ConsentStatus.GIVEN


def test_the_referral_page_names_what_is_missing_and_keeps_the_input(client: Client) -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    login(client, worker)
    page = reverse("cases:referral_new", args=[case.reference])
    shown = client.get(page).content.decode()
    assert other.name in shown and home.name not in shown.split("<form")[1]  # own organisation not offered
    assert 'value="assessment" checked' not in shown
    answer = client.post(
        page,
        {
            "recipient": other.pk,
            "purpose": "support",
            "sections": ["incident", "risk"],
            "message": "Please call her in the morning.",
        },
    )
    body = answer.content.decode()
    assert answer.status_code == 200 and "does not cover: Risk flags" in body
    assert "Please call her in the morning." in body
    assert not Referral.objects.exists()
    sent = client.post(page, {"recipient": other.pk, "purpose": "support", "sections": ["incident"]})
    assert sent.status_code == 302 and Referral.objects.get().status == ReferralStatus.SENT


def test_the_recipient_sees_only_the_snapshot_until_the_consent_is_withdrawn(client: Client) -> None:
    home, other = two_organisations()
    worker, receiver = professional(home), professional(other, Role.JUSTICE_LIAISON)
    case = make_case(home)
    consent = give_consent(case, worker, other, ["incident", "notes"])
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    login(client, receiver)
    page = reverse("cases:referral_detail", args=[referral.reference])
    shown = client.get(page).content.decode()
    assert "Neighbours shouted threats" in shown
    assert "Open note" not in shown and "Confidential" not in shown and "Secret assessment" not in shown
    assert referral.reference in client.get(reverse("cases:referrals_received")).content.decode()
    # The sender's case is not reachable for the recipient.
    assert client.get(reverse("cases:consent_add", args=[case.reference])).status_code == 404
    consent_services.consent_withdraw(actor=None, consent=consent)
    after = client.get(page).content.decode()
    assert "No longer shared" in after and "Neighbours shouted threats" not in after


def test_the_recipient_accepts_then_the_sender_revokes(client: Client) -> None:
    home, other = two_organisations()
    worker, receiver = professional(home), professional(other)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    recipient_client = login(Client(), receiver)
    accepted = recipient_client.post(
        reverse("cases:referral_accept", args=[referral.reference]), {"version": referral.version}
    )
    assert accepted.status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    stale = recipient_client.post(
        reverse("cases:referral_complete", args=[referral.reference]), {"version": 1, "note": "Typed note kept."}
    )
    assert stale.status_code == 200 and "Typed note kept." in stale.content.decode()
    assert "Someone else changed" in stale.content.decode()
    login(client, worker)
    revoke = reverse("cases:referral_revoke", args=[case.reference, referral.reference])
    assert client.post(revoke, {"reason": ""}).status_code == 200
    assert client.post(revoke, {"reason": "She asked us to stop.", "version": referral.version}).status_code == 302
    after = recipient_client.get(reverse("cases:referral_detail", args=[referral.reference])).content.decode()
    assert "No longer shared" in after and "Neighbours" not in after


def test_vital_interest_is_for_supervisors_only(client: Client) -> None:
    home, other = two_organisations()
    case = make_case(home)
    page = reverse("cases:referral_vital_interest", args=[case.reference])
    assert login(Client(), professional(home)).get(page).status_code == 403
    supervisor = login(client, professional(home, Role.SUPERVISOR))
    refused = supervisor.post(page, {"recipient": other.pk, "purpose": "support", "sections": ["contact"]})
    assert refused.status_code == 200 and "imminent risk" in refused.content.decode()
    sent = supervisor.post(
        page,
        {"recipient": other.pk, "purpose": "support", "sections": ["contact"], "reason": "Threat to kill, tonight."},
    )
    assert sent.status_code == 302
    assert Referral.objects.get().review_needed
    # Another organisation's supervisor: 404.
    assert login(Client(), professional(other, Role.SUPERVISOR)).get(page).status_code == 404


def test_the_case_page_section_shows_consents_history_and_referrals() -> None:
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    from victory.cases.views.sharing import detail_context

    home, other = two_organisations()
    worker, receiver = professional(home), professional(other)
    case = make_case(home)
    old = give_consent(case, worker, other, ["incident"])
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    referral_services_accept(receiver, referral)
    consent_services.consent_withdraw(actor=worker.user, consent=old)
    consent_services.consent_request(
        actor=worker.user, case=case, purpose="police", data_categories=["incident"], recipient=other
    )
    request = RequestFactory().get("/")
    request.user = worker.user
    context = detail_context(request=request, case=case)  # type: ignore[arg-type]
    html = render_to_string("cases/detail/_sharing.html", {"case": case, **context}, request=request)
    assert "Withdrawn" in html and "Requested" in html and "1 consent is waiting" in html
    assert referral.reference in html and "Ended: the consent was withdrawn." in html
    assert reverse("cases:consent_answer", args=[case.reference, context["sharing_requested"][0].pk]) in html


def referral_services_accept(receiver: object, referral: Referral) -> None:
    from victory.cases.services.referral import referral_accept

    referral_accept(actor=receiver.user, referral=referral, expected_version=None)  # type: ignore[attr-defined]


def test_a_referral_message_typed_after_the_timeout_comes_back_after_login(client: Client) -> None:
    from tests.accounts.test_session_timeout import let_session_expire, log_in

    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    log_in(client, worker)
    page = reverse("cases:referral_new", args=[case.reference])
    client.get(page)
    let_session_expire(client)
    message = "Please call her on Tuesday morning, she knows you will."
    answer = client.post(
        page,
        {
            "recipient": other.pk,
            "purpose": "support",
            "sections": ["incident"],
            "message": message,
            "victory_form_page": page,
        },
    )
    assert answer.status_code == 302 and not Referral.objects.exists()
    back = log_in(client, worker, answer["Location"])
    html = client.get(back["Location"]).content.decode()
    assert f"{message}</textarea>" in html and "It was not sent yet" in html


def test_only_the_recipients_receivers_reach_a_referral(client: Client) -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    page = reverse("cases:referral_detail", args=[referral.reference])
    # The sender, an analyst of the recipient, and a third organisation: 404 alike.
    for outsider in (worker, professional(other, Role.ANALYST), professional(two_organisations()[0])):
        assert login(Client(), outsider).get(page).status_code == 404
    assert login(client, professional(other, Role.SUPERVISOR)).get(page).status_code == 200


def test_the_received_list_filters_by_status(client: Client) -> None:
    home, other = two_organisations()
    worker, receiver = professional(home), professional(other)
    made = []
    for _ in range(2):
        case = make_case(home)
        give_consent(case, worker, other, ["incident"])
        made.append(
            referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
        )
    from victory.cases.services.referral import referral_accept

    referral_accept(actor=receiver.user, referral=made[0], expected_version=None)
    login(client, receiver)
    shown = client.get(reverse("cases:referrals_received") + "?status=accepted").content.decode()
    assert made[0].reference in shown and made[1].reference not in shown


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_every_sharing_page_answers_in_two_languages(client: Client, lang: str) -> None:
    from victory.cases.models import RiskFlag

    home, other = two_organisations()
    worker, receiver = professional(home, Role.SUPERVISOR), professional(other)
    case = make_case(home)
    RiskFlag.objects.create(case=case, kind="intimidation", level="high", reason="Followed home twice.")
    sections = ["incident", "contact", "people", "risk", "notes", "assessment"]
    consent = give_consent(case, worker, other, sections)
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=sections)
    login(client, worker)
    pages: list[tuple[str, list[str | int]]] = [
        ("consent_add", [case.reference]),
        ("consent_withdraw", [case.reference, consent.pk]),
        ("consent_replace", [case.reference, consent.pk]),
        ("referral_new", [case.reference]),
        ("referral_vital_interest", [case.reference]),
        ("referral_revoke", [case.reference, referral.reference]),
    ]
    for name, args in pages:
        url = reverse(f"cases:{name}", args=args).replace("/en/", f"/{lang}/", 1)
        assert client.get(url).status_code == 200, url
    recipient = login(Client(), receiver)
    detail = reverse("cases:referral_detail", args=[referral.reference]).replace("/en/", f"/{lang}/", 1)
    html = recipient.get(detail).content.decode()
    for text in ("Followed home twice.", "Ana Example", "+351 000 000 000", "Witness Example", "Secret assessment"):
        assert text in html, text
    assert "Confidential: the sister" not in html


def test_a_decline_reason_typed_after_the_timeout_comes_back_after_login(client: Client) -> None:
    from tests.accounts.test_session_timeout import let_session_expire, log_in

    home, other = two_organisations()
    worker, receiver = professional(home), professional(other)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    referral = referral_send(actor=worker.user, case=case, recipient=other, purpose="support", sections=["incident"])
    log_in(client, receiver)
    page = reverse("cases:referral_detail", args=[referral.reference])
    client.get(page)
    let_session_expire(client)
    reason = "We have no Romani-speaking counsellor this month."
    answer = client.post(
        reverse("cases:referral_decline", args=[referral.reference]),
        {"version": referral.version, "reason": reason, "victory_form_page": page},
    )
    assert answer.status_code == 302
    back = log_in(client, receiver, answer["Location"])
    html = client.get(back["Location"]).content.decode()
    assert f"{reason}</textarea>" in html and "It was not sent yet" in html
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
