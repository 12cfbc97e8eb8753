"""Check an API response against the OpenAPI document the platform serves.

``assert_matches_openapi(response)`` finds the operation (path and method of the request),
requires the status to be documented with a JSON body, and validates the body with
``jsonschema`` (draft 2020-12, which OpenAPI 3.1 schemas are), ``$ref``s resolved
against the whole document. Objects are closed: a field the document does not list
fails the check, unless its schema says ``additionalProperties`` itself — so the
document cannot fall behind the code unnoticed.

``OpenAPIClient`` runs that check on every answer to an /api/ path; the tests' ``client``
and ``api_client`` fixtures are one, so every API answer of every test is checked.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import json
import re
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from django.test import Client
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

OPENAPI_URL = "/api/v1/openapi.json"
_DOCUMENT_URI = "urn:victory:openapi"

# jsonschema checks "date-time" only with an optional package; the standard library is
# enough for the ISO 8601 times the API writes (always with a time zone).
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value: object) -> bool:
    return not isinstance(value, str) or ("T" in value.upper() and datetime.fromisoformat(value).tzinfo is not None)


def _closed(node: Any) -> Any:
    """Every object schema with listed properties refuses properties it does not list."""
    if isinstance(node, dict):
        node = {key: _closed(value) for key, value in node.items()}
        if node.get("type") == "object" and "properties" in node and "additionalProperties" not in node:
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_closed(item) for item in node]
    return node


@functools.cache
def openapi_document() -> dict[str, Any]:
    """The document as served (fetched once per test run; it does not change)."""
    response = Client(HTTP_HOST="localhost").get(OPENAPI_URL)  # a host every settings file allows
    assert response.status_code == 200, response.content
    document: dict[str, Any] = response.json()
    return document


@functools.cache
def _registry() -> Registry[Any]:
    resource = Resource.from_contents(_closed(copy.deepcopy(openapi_document())), default_specification=DRAFT202012)
    registry: Registry[Any] = Registry().with_resource(_DOCUMENT_URI, resource)
    return registry


def _pointer_part(text: str) -> str:
    return text.replace("~", "~0").replace("/", "~1")


def _operation_path(path: str, method: str) -> str:
    """The document's path template for a request path, e.g. /api/v1/items/{item_id}."""
    paths = openapi_document()["paths"]
    if path in paths and method in paths[path]:
        return path
    for template, operations in paths.items():
        pattern = "^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$"
        if re.match(pattern, path) and method in operations:
            found: str = template
            return found
    raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")


def response_schema(path: str, method: str, status: int) -> dict[str, Any]:
    """A schema that ``$ref``s the documented JSON body of that response."""
    template = _operation_path(path, method)
    responses = openapi_document()["paths"][template][method]["responses"]
    assert str(status) in responses, (
        f"{method.upper()} {template} answered {status}, which the document does not list ({sorted(responses)})"
    )
    content = responses[str(status)].get("content", {})
    assert "application/json" in content, f"{method.upper()} {template} {status} has no JSON body in the document"
    pointer = "/".join(
        ["paths", _pointer_part(template), method, "responses", str(status), "content", "application~1json", "schema"]
    )
    return {"$ref": f"{_DOCUMENT_URI}#/{pointer}"}


def assert_matches_openapi(response: TestResponse, *, path: str | None = None, method: str | None = None) -> Any:
    """Validate ``response`` (from django.test.Client) and return its decoded JSON body."""
    request = response.request
    path = path or request["PATH_INFO"]
    method = (method or request["REQUEST_METHOD"]).lower()
    schema = response_schema(path, method, response.status_code)
    content_type = response.get("Content-Type", "")
    assert content_type.startswith("application/json"), (
        f"{method.upper()} {path} {response.status_code} is not JSON ({content_type})"
    )
    body = json.loads(response.content)
    validator = Draft202012Validator(schema, registry=_registry(), format_checker=FORMATS)
    errors = sorted(validator.iter_errors(body), key=lambda error: list(error.absolute_path))
    assert not errors, f"{method.upper()} {path} {response.status_code} does not match the OpenAPI document:\n" + (
        "\n".join(f"  at {list(error.absolute_path)}: {error.message}" for error in errors)
    )
    return body


# --- A test client that checks every API answer ----------------------------------------

API_PREFIX = "/api/"
# The document itself and its browsable page describe the API; they are not in it.
NOT_OPERATIONS = frozenset({OPENAPI_URL, "/api/v1/docs"})


class OpenAPIClient(Client):
    """``django.test.Client`` whose every answer to an /api/ path is checked against the
    OpenAPI document (``assert_matches_openapi``): an undocumented path, method or status,
    a body that is not JSON or does not match its schema fails the test there and then.

    The ``client`` fixture (and ``api_client``) is one, so a test cannot forget the check;
    a test that means to reach what the document does not list (an unknown address, a
    method the API refuses) says so with ``with client.unchecked(): ...``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._checking = True
        self.checked_responses = 0  # lets a test prove the check ran

    def request(self, **request: Any) -> Any:
        response = super().request(**request)
        path = request.get("PATH_INFO", "")
        if self._checking and path.startswith(API_PREFIX) and path.rstrip("/") not in NOT_OPERATIONS:
            assert_matches_openapi(response)
            self.checked_responses += 1
        return response

    @contextlib.contextmanager
    def unchecked(self) -> Iterator[Self]:
        previous, self._checking = self._checking, False
        try:
            yield self
        finally:
            self._checking = previous
