"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router.

OpenAPI 3 is served at /api/v1/openapi.json and browsable at /api/v1/docs.

Every error answer is in the caller's language (see ``error_language``), and every
validation error has one shape, whoever found it (the schema or a service):
``{"detail": [{"loc": ["body", <field>, ...], "msg": <translated>, "type": <code>}]}``.

Every POST, and every other write that carries a body, must be ``application/json``
(``json_bodies_only``): any other type is a "simple" request that another website's
page can make its visitors' browsers send without a CORS preflight.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext
from ninja.openapi.schema import OpenAPISchema

from victory.accounts.api import router as accounts_router
from victory.accounts.services import AuthenticationFailed
from victory.cases.api import router as cases_router
from victory.cases.concurrency import StaleEdit
from victory.cases.errors import MissingConsents
from victory.core.api import router as core_router
from victory.core.ratelimit import Throttled
from victory.reports.api import router as reports_router
from victory.reports.models import Report
from victory.restorative.api import router as restorative_router
from victory.restorative.safeguards import SafeguardsMissing

JSON_MEDIA_TYPE = "application/json"
_WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# An OpenAPI document's name for the methods above.
_WRITE_OPERATIONS = frozenset(method.lower() for method in _WRITE_METHODS)
# ``{"detail": <message>}``, as every app's ``ErrorOut``.
_ERROR_OUT_SCHEMA = {
    "properties": {"detail": {"title": "Detail", "type": "string"}},
    "required": ["detail"],
    "title": "ErrorOut",
    "type": "object",
}


class SchemaValidationError(ValidationError):
    """Input the schema refused, still in pydantic's words (with the refused ``input``);
    the exception handler translates it in the caller's language."""


class VictoryAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> OpenAPISchema:
        """Ninja's document, plus the ``415`` that ``json_bodies_only`` gives on every
        write, so no endpoint can leave it out of the document."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas.setdefault("ErrorOut", _ERROR_OUT_SCHEMA)
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                if method in _WRITE_OPERATIONS:
                    operation["responses"][415] = {
                        "description": "The request is not `Content-Type: application/json`.",
                        "content": {JSON_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/ErrorOut"}}},
                    }
        return schema

    def validation_error_from_error_contexts(
        self, error_contexts: list[ValidationErrorContext[Any]]
    ) -> ValidationError:
        """Pydantic's errors with ``loc`` as the caller wrote it: a single body schema is
        the whole JSON body, so the parameter's name (``payload``) is left out and
        ``loc`` is ``["body", <field>, ...]``, as in the services' errors."""
        errors: list[dict[str, Any]] = []
        for context in error_contexts:
            model = context.model
            source = model.__ninja_param_source__
            single_body = getattr(model, "__read_from_single_attr__", None) if source == "body" else None
            for error in context.pydantic_validation_error.errors(include_url=False):
                loc = tuple(error["loc"])
                loc = model.__ninja_flatten_map_reverse__.get(loc, loc)
                if single_body and loc[:1] == (single_body,):
                    loc = loc[1:]
                errors.append({"loc": [source, *loc], "type": error["type"], "input": error.get("input")})
        return SchemaValidationError(errors)


def _has_body(request: HttpRequest) -> bool:
    # From the headers, not request.body: reading a too large body here would raise
    # outside the operation, where the 413 handler does not answer.
    length = request.META.get("CONTENT_LENGTH", "") or "0"
    return length.strip() != "0" or "HTTP_TRANSFER_ENCODING" in request.META


def not_json(request: HttpRequest) -> bool:
    """Whether a write must be refused for not being JSON.

    Every POST counts, even an empty one: POST is the method another site can send
    without a preflight, with or without a body. PUT, PATCH and DELETE always need a
    preflight cross-site; they are held to JSON only when they carry a body.
    """
    if request.method not in _WRITE_METHODS:
        return False
    if request.method != "POST" and not _has_body(request) and not request.META.get("CONTENT_TYPE"):
        return False
    return (request.content_type or "").strip().lower() != JSON_MEDIA_TYPE


def json_bodies_only(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Answer 415 to a write that is not ``application/json``, before authentication,
    rate limits or the body are looked at.

    A cross-site ``<form>`` (form-encoded, multipart or ``text/plain``) or a
    ``fetch(..., {mode: "no-cors"})`` can only send those types; ``application/json``
    needs a CORS preflight, which this site never grants. So no other website can make
    its visitors' browsers file reports, try receipts or passwords.
    """

    @functools.wraps(run)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not_json(request):
            with translation.override(error_language(request)):
                detail = _("Send the body as JSON, with the header Content-Type: application/json.")
            return api.create_response(request, {"detail": detail}, status=415)
        return run(request, *args, **kwargs)

    return checked


def never_stored(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Every answer says ``Cache-Control: no-store``: a reporter's story, a receipt or a
    bearer token must not stay in a browser's or a proxy's cache, as staff pages don't."""

    @functools.wraps(run)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = run(request, *args, **kwargs)
        response["Cache-Control"] = "no-store"
        return response

    return answered


api = VictoryAPI(
    title="VicTory API",
    version="1",
    description="Professional and reporter API of VicTory. See docs/api.md.",
    urls_namespace="api",
)
api.add_decorator(json_bodies_only, mode="view")
api.add_decorator(never_stored, mode="view")
api.add_router("/", core_router)
api.add_router("/auth/", accounts_router)
api.add_router("/", reports_router)
api.add_router("/", cases_router)
api.add_router("/restorative/", restorative_router)


def error_language(request: HttpRequest) -> str:
    """The language of an error answer: the JSON body's ``language`` if it is one the
    platform speaks; else the ``Accept-Language`` language (LocaleMiddleware activates
    it for /api/ paths too); else, for a reporter's token, the report's language."""
    spoken = {code for code, _name in settings.LANGUAGES}
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body)
        except Exception:  # not JSON, already streamed, too big: no language there
            body = None
        if isinstance(body, dict) and isinstance(body.get("language"), str) and body["language"] in spoken:
            return str(body["language"])
    report = getattr(request, "auth", None)
    if isinstance(report, Report) and not request.headers.get("Accept-Language"):
        return report.language
    return translation.get_language() or settings.LANGUAGE_CODE


def _listed_value(value: object) -> str | None:
    """A refused code as the caller typed it, if it can be quoted in a sentence."""
    if isinstance(value, str | int | float) and not isinstance(value, bool) and len(str(value)) <= 100:
        return str(value)
    return None


# Plain words for pydantic's error types; anything not listed is "not valid".
_GIVE_TEXT = gettext_lazy("Give this answer as text.")
_GIVE_LIST = gettext_lazy("Give a list of answers, e.g. [“answer”].")
_GIVE_BOOL = gettext_lazy("Give true or false.")
_GIVE_INT = gettext_lazy("Give a whole number.")
_GIVE_DATE = gettext_lazy("Give a date as YYYY-MM-DD.")
_GIVE_OBJECT = gettext_lazy("Give the answers as a JSON object.")
_TYPE_MESSAGES = {
    "missing": gettext_lazy("This answer is required."),
    "extra_forbidden": gettext_lazy("This field is not known."),
    "string_type": _GIVE_TEXT,
    "list_type": _GIVE_LIST,
    "bool_type": _GIVE_BOOL,
    "bool_parsing": _GIVE_BOOL,
    "int_type": _GIVE_INT,
    "int_parsing": _GIVE_INT,
    "int_from_float": _GIVE_INT,
    "date_type": _GIVE_DATE,
    "date_parsing": _GIVE_DATE,
    "date_from_datetime_parsing": _GIVE_DATE,
    "date_from_datetime_inexact": _GIVE_DATE,
    "dict_type": _GIVE_OBJECT,
    "model_type": _GIVE_OBJECT,
    "model_attributes_type": _GIVE_OBJECT,
}


def _schema_message(error: dict[str, Any]) -> str:
    """Plain words for one of pydantic's errors, in the active language."""
    if error["type"] in {"literal_error", "enum"}:
        value = _listed_value(error.get("input"))
        if value is None:
            return _("Choose one of the listed answers.")
        # The services' own msgid: one translation for both.
        return _("“%(value)s” is not one of the listed answers.") % {"value": value}
    return str(_TYPE_MESSAGES.get(error["type"], gettext_lazy("This value is not valid.")))


@api.exception_handler(ValidationError)
def validation_failed(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """422 with every wrong field. The services' errors were translated when raised;
    the schema's are translated here."""
    if isinstance(error, SchemaValidationError):
        with translation.override(error_language(request)):
            detail = [{"loc": e["loc"], "msg": _schema_message(e), "type": e["type"]} for e in error.errors]
    else:
        detail = [{"loc": e["loc"], "msg": str(e["msg"]), "type": e["type"]} for e in error.errors]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(DjangoValidationError)
def service_refused(request: HttpRequest, error: DjangoValidationError) -> HttpResponse:
    """A service's ValidationError, translated when raised: 422 in the same shape as the
    schema's, one entry per message, ``loc`` naming the field (``["body"]`` for an error
    about the request as a whole)."""
    if hasattr(error, "error_dict"):
        detail = [
            {"loc": ["body"] if name == "__all__" else ["body", name], "msg": str(message), "type": "value_error"}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    else:
        detail = [{"loc": ["body"], "msg": str(message), "type": "value_error"} for message in error.messages]
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(MissingConsents)
def missing_consents(request: HttpRequest, error: MissingConsents) -> HttpResponse:
    """A referral refused at the consent gate: 409 with every uncovered (purpose,
    recipient, section), and the translated sentence the page shows."""
    detail = " ".join(str(message) for message in error.messages)
    missing = [
        {"purpose": item.purpose, "recipient_id": item.recipient_id, "section": item.section} for item in error.missing
    ]
    return api.create_response(request, {"detail": detail, "missing_consents": missing}, status=409)


@api.exception_handler(SafeguardsMissing)
def safeguards_missing(request: HttpRequest, error: SafeguardsMissing) -> HttpResponse:
    """A restorative action the safeguards refused: 409 with the code of each missing
    safeguard (``victory.restorative.safeguards.Safeguard``) and their sentences, in the
    language they were raised in."""
    detail = " ".join(str(message) for message in error.messages)
    return api.create_response(request, {"detail": detail, "missing_safeguards": error.codes}, status=409)


@api.exception_handler(StaleEdit)
def stale_edit(request: HttpRequest, error: StaleEdit) -> HttpResponse:
    """The record changed since the caller read it (their ``version`` is old): 409."""
    with translation.override(error_language(request)):
        detail = str(StaleEdit().messages[0])
    return api.create_response(request, {"detail": detail}, status=409)


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, error: Throttled) -> HttpResponse:
    with translation.override(error_language(request)):
        detail = _("Too many attempts. Try again later.")
    response = api.create_response(request, {"detail": detail}, status=429)
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(AuthenticationFailed)
def authentication_failed(request: HttpRequest, error: AuthenticationFailed) -> HttpResponse:
    with translation.override(error_language(request)):
        detail = _("Invalid credentials.")
    return api.create_response(request, {"detail": detail}, status=401)


@api.exception_handler(RequestDataTooBig)
def request_too_big(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    return api.create_response(request, {"detail": "The request is too large."}, status=413)
