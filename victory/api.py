"""The JSON API at /api/v1/: one NinjaAPI that mounts each app's router.

OpenAPI 3 is served at /api/v1/openapi.json and browsable at /api/v1/docs.

Every error answer is in the caller's language (see ``error_language``), and every
validation error has one shape, whoever found it (the schema or a service):
``{"detail": [{"loc": ["body", <field>, ...], "msg": <translated>, "type": <code>}]}``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import ValidationError, ValidationErrorContext

from victory.accounts.api import router as accounts_router
from victory.accounts.services import AuthenticationFailed
from victory.core.api import router as core_router
from victory.core.ratelimit import Throttled
from victory.reports.api import router as reports_router
from victory.reports.models import Report


class SchemaValidationError(ValidationError):
    """Input the schema refused, still in pydantic's words (with the refused ``input``);
    the exception handler translates it in the caller's language."""


class VictoryAPI(NinjaAPI):
    def validation_error_from_error_contexts(self, error_contexts: list[ValidationErrorContext]) -> ValidationError:
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


api = VictoryAPI(
    title="VicTory API",
    version="1",
    description="Professional and reporter API of VicTory. See docs/api.md.",
    urls_namespace="api",
)
api.add_router("/", core_router)
api.add_router("/auth/", accounts_router)
api.add_router("/", reports_router)


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
