"""The test client that checks every API answer against the OpenAPI document (issue 9,
item 8): it must fail a test on an answer the document does not describe, or every API
test could pass while the document lies to integrators.

The wrong answers come from real views mounted, for these tests only, at the documented
addresses (``ROOT_URLCONF`` is this module), so the client sees them as it would see a
drifted endpoint."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpRequest, JsonResponse
from django.test import Client, override_settings
from django.urls import path

from tests.openapi_check import OPENAPI_URL, OpenAPIClient, openapi_document

# The page cache in front of every request reads the content version from the database.
pytestmark = pytest.mark.django_db

TESTS = Path(__file__).resolve().parent


def _health_without_database(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})  # the document requires "database" too


def _token_with_the_password(request: HttpRequest) -> JsonResponse:
    # A field the document does not list: a leak the closed schemas catch.
    return JsonResponse({"token": "t", "expires": "2026-12-02T10:00:00+00:00", "password": "typed"})


def _health_teapot(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "database": "ok"}, status=418)


def _health_in_html(request: HttpRequest) -> JsonResponse:
    response = JsonResponse({"status": "ok", "database": "ok"})
    response["Content-Type"] = "text/html; charset=utf-8"
    return response


urlpatterns = [
    path("api/v1/health", _health_without_database),
    path("api/v1/auth/token", _token_with_the_password),
    path("api/v1/reports/mine", _health_teapot),
    path("api/v1/reports/session", _health_in_html),
    path("api/v1/not-in-the-document", _health_teapot),
]


@pytest.fixture
def drifted_api() -> object:
    openapi_document()  # read while the real URL map still serves it
    return override_settings(ROOT_URLCONF=__name__)


@pytest.mark.parametrize(
    ("method", "address", "complaint"),
    [
        ("get", "/api/v1/health", "'database' is a required property"),
        ("post", "/api/v1/auth/token", "Additional properties are not allowed ('password'"),
        ("get", "/api/v1/reports/mine", "answered 418, which the document does not list"),
        ("get", "/api/v1/reports/session", "is not in the OpenAPI document"),  # documented for POST only
        ("post", "/api/v1/reports/session", "is not JSON (text/html"),
        ("get", "/api/v1/not-in-the-document", "is not in the OpenAPI document"),
    ],
)
def test_an_answer_the_document_does_not_describe_fails_the_test(
    client: Client, drifted_api: override_settings, method: str, address: str, complaint: str
) -> None:
    with drifted_api, pytest.raises(AssertionError, match=re.escape(complaint)):
        getattr(client, method)(address)


def test_the_check_can_be_set_aside_only_on_purpose(client: Client, drifted_api: override_settings) -> None:
    assert isinstance(client, OpenAPIClient)
    with drifted_api:
        with client.unchecked():
            assert client.get("/api/v1/reports/mine").status_code == 418
        with pytest.raises(AssertionError):
            client.get("/api/v1/reports/mine")


@pytest.mark.django_db
def test_a_documented_answer_passes_and_is_counted(client: Client, api_client: Client) -> None:
    assert api_client is client
    assert isinstance(client, OpenAPIClient)
    assert client.get("/api/v1/health").json() == {"status": "ok", "database": "ok"}
    assert client.get(OPENAPI_URL).status_code == 200  # the document itself is not an operation
    assert client.get("/en/").status_code == 200  # pages are not checked
    assert client.checked_responses == 1


def test_every_test_that_calls_the_api_uses_the_checking_client() -> None:
    """A bare ``django.test.Client()`` would skip the check: in a test module that calls the
    API, clients come from the fixtures or are ``OpenAPIClient()``."""
    offenders = []
    for module in sorted(TESTS.rglob("*.py")):
        if module.parent.name == "browser" or module.name == "openapi_check.py":
            continue  # the browser tests drive Chromium; openapi_check reads the document itself
        source = module.read_text(encoding="utf-8")
        if "/api/" not in source:
            continue
        for number, line in enumerate(source.splitlines(), start=1):
            if re.search(r"(?<![\w.])Client\(", line):
                offenders.append(f"{module.relative_to(TESTS.parent)}:{number}: {line.strip()}")
    assert not offenders, "use the `client` fixture or OpenAPIClient():\n" + "\n".join(offenders)
