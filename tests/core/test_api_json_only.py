"""Every API operation that takes a body takes JSON only (issue 7, item 2): a body another
website's page can send without a CORS preflight is refused before anything runs."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.openapi_check import assert_matches_openapi, openapi_document

pytestmark = pytest.mark.django_db

WRITE_METHODS = {"post", "put", "patch", "delete"}


def _write_operations() -> list[tuple[str, str]]:
    return [
        (method, path)
        for path, operations in openapi_document()["paths"].items()
        for method in operations
        if method in WRITE_METHODS
    ]


def test_the_api_has_write_operations() -> None:
    assert ("post", "/api/v1/reports") in _write_operations()


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
def test_every_write_operation_refuses_a_body_that_is_not_json(client: Client, content_type: str) -> None:
    for method, path in _write_operations():
        url = re.sub(r"\{[^/]+\}", "1", path)
        response = client.generic(method.upper(), url, b'{"a": 1}', content_type=content_type)
        assert response.status_code == 415, (method, path, response.content)
        assert assert_matches_openapi(response) == {
            "detail": "Send the body as JSON, with the header Content-Type: application/json."
        }


def test_an_empty_post_without_a_type_is_refused_too(client: Client) -> None:
    # An empty POST is a simple request too: it must not start anything either.
    for method, path in _write_operations():
        if method != "post":
            continue
        response = client.generic(method.upper(), re.sub(r"\{[^/]+\}", "1", path), b"", content_type="")
        assert response.status_code == 415, (method, path)


def test_reading_needs_no_content_type(client: Client) -> None:
    assert client.get("/api/v1/health", content_type="text/plain").status_code == 200
