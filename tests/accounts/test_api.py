"""The token API and health check, checked against the published OpenAPI document."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from django.test import Client

from tests.factories import PASSWORD, current_code
from victory.accounts.models import ApiToken, AuthenticatorDevice, Membership
from victory.core.models import AuditEvent

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db


def _post(client: Client, body: dict[str, str]) -> TestResponse:
    return client.post("/api/v1/auth/token", data=json.dumps(body), content_type="application/json")


def _code(membership: Membership) -> str:
    return current_code(AuthenticatorDevice.objects.get(user=membership.user, confirmed=True))


def test_openapi_document_lists_the_endpoints(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert {"/api/v1/health", "/api/v1/auth/token"} <= set(document["paths"])
    token_responses = document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"200", "401", "429"} <= set(token_responses)


def test_health_reports_the_database(client: Client) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_token_for_right_email_password_and_code(client: Client, caseworker: Membership) -> None:
    response = _post(client, {"email": caseworker.user.email, "password": PASSWORD, "otp": _code(caseworker)})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"token", "expires"}
    assert len(body["token"]) >= 40
    # Only a digest is stored: the token itself is nowhere in the database.
    assert not ApiToken.objects.filter(digest=body["token"]).exists()
    assert ApiToken.objects.filter(user=caseworker.user).count() == 1


@pytest.mark.parametrize("wrong", ["password", "otp", "email"])
def test_any_wrong_part_gives_the_same_401(client: Client, caseworker: Membership, wrong: str) -> None:
    body = {"email": caseworker.user.email, "password": PASSWORD, "otp": _code(caseworker)}
    body[wrong] = {"password": "not-it", "otp": "000000", "email": "someone@test.victory.example"}[wrong]
    if wrong == "otp" and body["otp"] == _code(caseworker):
        body["otp"] = "111111"
    response = _post(client, body)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid credentials."}


def test_failed_api_login_is_audited(client: Client, caseworker: Membership) -> None:
    _post(client, {"email": caseworker.user.email, "password": PASSWORD, "otp": "000000"})
    assert AuditEvent.objects.filter(action="login.second_factor_failed", actor=caseworker.user).exists()


def test_repeated_failures_give_429_with_retry_after(client: Client, caseworker: Membership) -> None:
    statuses = [
        _post(client, {"email": caseworker.user.email, "password": "wrong", "otp": "000000"}).status_code
        for _ in range(5)
    ]
    # Three free tries, a fourth after which the door shuts for a while, then 429.
    assert statuses == [401, 401, 401, 401, 429]
    response = _post(client, {"email": caseworker.user.email, "password": PASSWORD, "otp": _code(caseworker)})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_missing_fields_are_named(client: Client) -> None:
    response = _post(client, {"email": "x@test.victory.example"})
    assert response.status_code == 422
    missing = {tuple(error["loc"])[-1] for error in response.json()["detail"]}
    assert missing == {"password", "otp"}


def test_bearer_token_identifies_the_user(client: Client, caseworker: Membership) -> None:
    from django.test import RequestFactory

    from victory.accounts.api import BearerToken

    token = _post(client, {"email": caseworker.user.email, "password": PASSWORD, "otp": _code(caseworker)}).json()[
        "token"
    ]
    request = RequestFactory().get("/api/v1/anything", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert BearerToken()(request) == caseworker.user
    bad = RequestFactory().get("/api/v1/anything", HTTP_AUTHORIZATION="Bearer not-a-token")
    assert BearerToken()(bad) is None


def test_committed_openapi_document_matches_the_code(client: Client) -> None:
    """docs/openapi.json is what integrators read: it must describe the API as built."""
    from pathlib import Path

    committed = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
    assert client.get("/api/v1/openapi.json").json() == committed, "run `make openapi` and commit the result"


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""]
)
def test_a_token_request_that_is_not_json_gets_415(client: Client, caseworker: Membership, content_type: str) -> None:
    """Another website's page could otherwise try passwords through its visitors' browsers."""
    body = {"email": caseworker.user.email, "password": PASSWORD, "otp": _code(caseworker)}
    response = client.generic("POST", "/api/v1/auth/token", json.dumps(body).encode(), content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {"detail": "Send the body as JSON, with the header Content-Type: application/json."}
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(actor=caseworker.user, action__startswith="login").exists()
