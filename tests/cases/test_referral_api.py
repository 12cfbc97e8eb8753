"""The sharing API: consents and referrals, scoped like the pages, the gate's 409 body,
and access ending in the same request when the consent is withdrawn or the referral revoked."""

from __future__ import annotations

import pytest

from tests.cases.sharing_helpers import api_token, give_consent, make_case, professional, two_organisations
from tests.openapi_check import OpenAPIClient
from victory.accounts.models import Role
from victory.cases.models import Referral, ReferralStatus
from victory.cases.services import consent as consent_services
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _as(membership: object) -> OpenAPIClient:
    return OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {api_token(membership)}")  # type: ignore[arg-type]


def test_consents_are_recorded_and_listed_through_the_api() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    api = _as(worker)
    answer = api.post(
        f"/api/v1/cases/{case.reference}/consents",
        {"purpose": "share_organisation", "data_categories": ["incident"], "recipient_id": other.pk, "method": "phone"},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["status"] == "given" and answer.json()["recipient"] == other.name
    refused = api.post(
        f"/api/v1/cases/{case.reference}/consents",
        {"purpose": "police", "data_categories": ["incident"]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["loc"] == ["body", "recipient"]
    listed = api.get(f"/api/v1/cases/{case.reference}/consents")
    assert [row["purpose"] for row in listed.json()] == ["share_organisation"]
    # Another organisation's caseworker: 404, as for a case that does not exist.
    assert _as(professional(other)).get(f"/api/v1/cases/{case.reference}/consents").status_code == 404


def test_a_refused_referral_answers_409_naming_what_is_missing() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    answer = _as(worker).post(
        f"/api/v1/cases/{case.reference}/referrals",
        {"recipient_id": other.pk, "purpose": "support", "sections": ["incident", "risk"]},
        content_type="application/json",
    )
    assert answer.status_code == 409
    body = answer.json()
    assert body["missing_consents"] == [{"purpose": "share_organisation", "recipient_id": other.pk, "section": "risk"}]
    assert other.name in body["detail"]
    assert not Referral.objects.exists()
    own = _as(worker).post(
        f"/api/v1/cases/{case.reference}/referrals",
        {"recipient_id": home.pk, "purpose": "support", "sections": ["incident"]},
        content_type="application/json",
    )
    assert own.status_code == 422 and own.json()["detail"][0]["loc"] == ["body", "recipient"]


def test_withdrawal_ends_the_recipients_access_in_the_same_request() -> None:
    home, other = two_organisations()
    worker, receiver = professional(home), professional(other, Role.JUSTICE_LIAISON)
    case = make_case(home)
    consent = give_consent(case, worker, other, ["incident", "notes"])
    sent = _as(worker).post(
        f"/api/v1/cases/{case.reference}/referrals",
        {"recipient_id": other.pk, "purpose": "support", "sections": ["incident"], "message": "Please call her."},
        content_type="application/json",
    )
    assert sent.status_code == 201, sent.content
    reference = sent.json()["reference"]
    api = _as(receiver)
    listed = api.get("/api/v1/referrals")
    assert [row["reference"] for row in listed.json()] == [reference]
    assert listed.json()[0]["snapshot"] is None and listed.json()[0]["case_reference"] is None
    read = api.get(f"/api/v1/referrals/{reference}")
    assert read.json()["in_force"] and read.json()["snapshot"]["incident"]["summary"].startswith("Neighbours")
    assert "notes" not in read.json()["snapshot"]
    assert [e.reason for e in AuditEvent.objects.filter(action="referral.read")] == ["api"]
    consent_services.consent_withdraw(actor=None, consent=consent)
    after = api.get(f"/api/v1/referrals/{reference}")
    assert after.status_code == 200
    assert after.json()["status"] == "revoked" and after.json()["snapshot"] is None and not after.json()["in_force"]
    # The recipient never reaches the sender's case.
    assert api.get(f"/api/v1/cases/{case.reference}/consents").status_code == 404


def test_revocation_ends_access_and_answers_follow_the_lifecycle() -> None:
    home, other = two_organisations()
    worker, receiver = professional(home), professional(other)
    case = make_case(home)
    give_consent(case, worker, other, ["incident"])
    reference = (
        _as(worker)
        .post(
            f"/api/v1/cases/{case.reference}/referrals",
            {"recipient_id": other.pk, "purpose": "support", "sections": ["incident"]},
            content_type="application/json",
        )
        .json()["reference"]
    )
    api = _as(receiver)
    stale = api.post(f"/api/v1/referrals/{reference}/accept", {"version": 99}, content_type="application/json")
    assert stale.status_code == 409
    accepted = api.post(f"/api/v1/referrals/{reference}/accept", {"version": 1}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = api.post(
        f"/api/v1/referrals/{reference}/decline", {"version": 2, "reason": "No."}, content_type="application/json"
    )
    assert again.status_code == 422
    # Only the sender revokes; the recipient's attempt is 404.
    assert (
        api.post(f"/api/v1/referrals/{reference}/revoke", {"reason": "x"}, content_type="application/json").status_code
        == 404
    )
    revoked = _as(worker).post(
        f"/api/v1/referrals/{reference}/revoke", {"reason": "She asked us to stop."}, content_type="application/json"
    )
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert api.get(f"/api/v1/referrals/{reference}").json()["snapshot"] is None
    assert Referral.objects.get().status == ReferralStatus.REVOKED
    # Sender's list shows the status.
    listed = _as(worker).get(f"/api/v1/cases/{case.reference}/referrals").json()
    assert listed[0]["status"] == "revoked" and listed[0]["case_reference"] == case.reference
    # Someone of a third organisation: 404 everywhere.
    outsider = _as(professional(two_organisations()[0]))
    assert outsider.get(f"/api/v1/referrals/{reference}").status_code == 404


def test_a_consent_is_asked_for_through_the_api_and_other_statuses_are_refused() -> None:
    home, other = two_organisations()
    worker = professional(home)
    case = make_case(home)
    url = f"/api/v1/cases/{case.reference}/consents"
    body = {"purpose": "police", "data_categories": ["incident"], "recipient_id": other.pk}
    asked = _as(worker).post(url, {**body, "status": "requested"}, content_type="application/json")
    assert asked.status_code == 201 and asked.json()["status"] == "requested"
    wrong = _as(worker).post(url, {**body, "status": "withdrawn"}, content_type="application/json")
    assert wrong.status_code == 422
