"""The reporter API: send a report, come back with the receipt, read the answers and
write to the receiving organisation; and the public list of organisations that accept
reports. Every endpoint calls the same services as the HTML pages.

Reporter endpoints never set a cookie and need no CSRF token: the report is sent
anonymously, and afterwards the ``Authorization: Bearer`` token from
``POST /reports/session`` is the only credential.
"""

from __future__ import annotations

from datetime import date, datetime
from types import GenericAlias
from typing import TYPE_CHECKING, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from ninja.security import HttpBearer
from pydantic import ConfigDict, create_model

from victory.accounts.api import BearerToken
from victory.accounts.http import ProfessionalRequest
from victory.accounts.models import Organisation, User
from victory.core.http import ClientRequest
from victory.core.vocabulary import COUNTRIES

from . import selectors, services
from .models import ConsentPurpose, Report, ReportStatus, Sender
from .questions import QUESTIONS, TEXT_KINDS, Kind, Question

router = Router()

if TYPE_CHECKING:
    LanguageCode = str
else:
    # The languages the platform speaks (settings.LANGUAGES), documented as an enum.
    LanguageCode = Literal[tuple(code for code, _name in settings.LANGUAGES)]


# --- Schemas ----------------------------------------------------------------------


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int] = Field(
        ...,
        description='Where the error is: `["body", <field>]`, then a list index or a nested name if any, '
        'e.g. `["body", "bias_motivations", 1]`; `["query", <parameter>]` for query parameters.',
    )
    msg: str = Field(..., description="What is wrong and how to fix it, in the caller's language.")
    type: str = Field(
        ..., description="A code for programs: pydantic's error type (e.g. `missing`, `enum`) or `value_error`."
    )


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut] = Field(..., description="Every wrong answer, all at once.")


class ConsentsIn(Schema):
    """What the reporter agrees to; anything not given is not agreed."""

    model_config = ConfigDict(extra="forbid")

    contact: bool = Field(False, description="Contact me by the ways I chose.")
    share_support: bool = Field(False, description="Share my report with a support organisation.")
    share_police: bool = Field(False, description="Share my report with the police.")
    statistics: bool = Field(False, description="Count my report, without my identity, in statistics.")
    restorative: bool = Field(False, description="Tell me about a restorative dialogue.")


def _api_type(question: Question) -> tuple[Any, bool]:
    """The question's type in the API (the enums document their codes), and whether a
    client may leave it out."""
    kind, choices = question.kind, question.choices
    if kind is Kind.CHOICES:
        assert choices is not None, question.name
        # list[choices], which a type checker reads as a type made of a variable.
        return GenericAlias(list, choices), True
    if kind is Kind.CHOICE:
        assert choices is not None, question.name
        return (choices, False) if question.api_required else (choices | None, True)
    if kind is Kind.YES_NO:
        return bool | None, True
    if kind is Kind.CHECKBOX:
        return bool, True
    if kind is Kind.DATE:
        return date | None, True
    return str, not question.api_required


def _report_in_field(question: Question) -> tuple[Any, Any]:
    annotation, optional = _api_type(question)
    extra: dict[str, Any] = {"examples": ["PT"]} if question.kind is Kind.COUNTRY else {}
    if not optional:
        default: Any = Field(..., description=question.api_description, **extra)
    elif question.kind is Kind.CHOICES:
        default = Field(default_factory=list, description=question.api_description)
    elif question.kind is Kind.CHECKBOX:
        default = Field(False, description=question.api_description)
    elif question.kind in TEXT_KINDS or question.kind is Kind.COUNTRY:
        default = Field("", description=question.api_description, **extra)
    else:
        default = Field(None, description=question.api_description)
    return annotation, default


def _answer_out_field(question: Question) -> tuple[Any, Any]:
    annotation, _optional = _api_type(question)
    if question.kind is Kind.CHOICE:
        assert question.choices is not None, question.name
        annotation = question.choices | None  # an answer may be left unsaid
    if question.api_answer_description:
        return annotation, Field(..., description=question.api_answer_description)
    return annotation, ...


class _Forbidding(Schema):
    model_config = ConfigDict(extra="forbid")


# The API's required answers first, as the document has always listed them.
_API_ORDER = sorted(QUESTIONS, key=lambda question: not question.api_required)

if TYPE_CHECKING:

    class ReportIn(Schema):
        organisation: int | None
        consents: ConsentsIn | None
        language: LanguageCode | None

        def __getattr__(self, name: str) -> Any: ...

    class AnswersOut(Schema):
        def __init__(self, **answers: Any) -> None: ...

else:
    # Derived from questions.QUESTIONS: a new question is in the API without a line here.
    ReportIn = create_model(
        "ReportIn",
        __base__=_Forbidding,
        __doc__="""A report. Only ``narrative``, ``country`` and ``reporter_role`` are required;
    everything else may be left out.""",
        **{question.name: _report_in_field(question) for question in _API_ORDER},
        organisation=(
            int | None,
            Field(
                None, description="Receiving organisation (from `GET /api/v1/organisations`); default: the country's."
            ),
        ),
        consents=(ConsentsIn | None, Field(None, description="Choices left out (or all of them) are not agreed.")),
        language=(
            LanguageCode | None,
            Field(
                None,
                description="The reporter's language, for messages and the acknowledgement; "
                "default: the request's `Accept-Language`, else `en`.",
            ),
        ),
    )
    AnswersOut = create_model(
        "AnswersOut",
        __base__=Schema,
        __doc__="What the reporter gave, exactly as typed.",
        **{question.name: _answer_out_field(question) for question in QUESTIONS},
    )


class ReportCreatedOut(Schema):
    reference: str = Field(..., description="The report's reference, e.g. `VT-7K2M-Q9RD`; safe to quote.")
    receipt: str = Field(
        ...,
        description="24 digits, shown this once: the only way back to the report. Only a hash is stored.",
    )


class SessionIn(Schema):
    receipt: str = Field(..., description="The receipt; spaces, dashes and dots between digits are ignored.")


class SessionOut(Schema):
    token: str = Field(..., description="Send as `Authorization: Bearer <token>`.")
    expires: datetime = Field(..., description="When it expires unless used; each use extends it.")


class StatusOut(Schema):
    code: ReportStatus
    label: str = Field(..., description="The status in plain words, in the reporter's language.")
    referred_to: str = Field("", description="When referred: to whom.")


class StatusChangeOut(Schema):
    code: ReportStatus
    label: str
    changed_at: datetime


class ConsentsOut(Schema):
    contact: bool
    share_support: bool
    share_police: bool
    statistics: bool
    restorative: bool


class MessageOut(Schema):
    sender: Sender = Field(..., description="`reporter` (you) or `organisation`.")
    body: str
    created_at: datetime


class MyReportOut(Schema):
    reference: str
    organisation: str = Field(..., description="Name of the receiving organisation.")
    received_at: datetime
    language: LanguageCode
    status: StatusOut
    status_history: list[StatusChangeOut]
    answers: AnswersOut
    consents: ConsentsOut
    messages: list[MessageOut]


class MessageIn(Schema):
    body: str = Field(..., description="The message (at most 10,000 characters).")


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    countries: list[str] = Field(..., description="ISO 3166-1 alpha-2 codes of the countries served.")


class OrganisationFilter(Schema):
    accepts_reports: bool = Field(True, description="Only `true` is supported: organisations that accept reports.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code; an unknown code gives 422.")


# --- Helpers ----------------------------------------------------------------------


def _field_errors(error: DjangoValidationError) -> ValidationError:
    """A service's ValidationError as ninja's 422 body, one entry per message, named by
    field. The messages were translated when the service raised them."""
    return ValidationError(
        [
            {"loc": ["body", name], "msg": message, "type": "value_error"}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    )


def _country_missing(draft: services.ReportDraft) -> None:
    """Raise the service's errors for the other answers, with ``country`` named too."""
    errors: dict[str, list[str]] = {}
    try:
        services.report_draft_validate(draft)
    except DjangoValidationError as error:
        errors = dict(error.message_dict)
    errors["country"] = [_("Choose a country from the list.")]
    raise DjangoValidationError(errors)


def _reporter_language(request: HttpRequest, report: Report) -> str:
    """The request's ``Accept-Language`` when sent, else the language of the report."""
    if request.headers.get("Accept-Language"):
        return translation.get_language() or report.language
    return report.language


def _draft(payload: ReportIn, language: str) -> services.ReportDraft:
    consents = payload.consents.model_dump() if payload.consents else {}
    return services.ReportDraft(
        **{question.name: _draft_value(question, getattr(payload, question.name)) for question in QUESTIONS},
        consents={purpose: bool(consents.get(purpose)) for purpose in ConsentPurpose.values},
        organisation_id=payload.organisation,
        language=language,
    )


def _draft_value(question: Question, value: Any) -> Any:
    """An API value as ``ReportDraft`` takes it: codes as plain strings."""
    if question.kind is Kind.CHOICES:
        return [code.value for code in value]
    if question.kind is Kind.CHOICE:
        return value.value if value else ""
    return value


class ReporterBearer(HttpBearer):
    """``Authorization: Bearer <token>`` from ``POST /reports/session``; the report is
    ``request.auth``. Unknown or expired tokens give 401."""

    def authenticate(self, request: HttpRequest, token: str) -> Report | None:
        return services.reporter_token_report(token=token)


class ReporterRequest(ClientRequest):
    """A request past ``ReporterBearer``, for type checking (see ``victory.core.http``):
    django-ninja sets ``auth`` to what ``authenticate`` returned, the token's report."""

    auth: Report


def _answer_value(question: Question, report: Report) -> Any:
    value = question.report_value(report)
    if question.kind is Kind.CHOICE:
        assert question.choices is not None
        return question.choices(value) if value else None
    return value


def _message_out(message: object) -> MessageOut:
    return MessageOut.model_validate(message, from_attributes=True)


# --- Endpoints --------------------------------------------------------------------


@router.post(
    "/reports",
    response={201: ReportCreatedOut, 400: ErrorOut, 413: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    summary="Send a report",
    tags=["reports"],
    auth=None,
)
def report_create(request: ClientRequest, payload: ReportIn) -> Status[ReportCreatedOut]:
    """Send a report, anonymously. The answer holds the report's reference and its
    **receipt**: shown once, never stored, the only way back to the report (with
    `POST /api/v1/reports/session`).

    Every wrong answer is named at once in the 422 body (`loc` is `["body", <field>]`,
    then a list index or nested name if any), with a message in the reporter's language
    (`language`, else `Accept-Language`). Too many reports from one client give 429 with
    a `Retry-After` header. A body that is not JSON gives 400, one over 2.5 MB 413."""
    language = payload.language or translation.get_language() or settings.LANGUAGE_CODE
    draft = _draft(payload, language)
    with translation.override(language):
        try:
            if not draft.country.strip():
                # The service would route a report without a country to the platform-wide
                # intake organisation; the API asks for one.
                _country_missing(draft)
            sent = services.report_submit(
                draft=draft,
                client=request.client_fingerprint,
            )
        except DjangoValidationError as error:
            raise _field_errors(error) from None
    return Status(201, ReportCreatedOut(reference=sent.report.reference, receipt=sent.receipt))


@router.post(
    "/reports/session",
    response={200: SessionOut, 401: ErrorOut, 429: ErrorOut},
    summary="Come back with the receipt",
    tags=["reports"],
    auth=None,
)
def report_session_create(request: ClientRequest, payload: SessionIn) -> Status[SessionOut] | Status[ErrorOut]:
    """Exchange the receipt for a bearer token to the reporter's own report. A wrong
    receipt, a malformed one or the receipt of an erased report give the same 401;
    repeated failures give 429 with a `Retry-After` header."""
    try:
        report = services.receipt_login(
            receipt=payload.receipt,
            client=request.client_fingerprint,
        )
    except (services.AuthenticationFailed, services.InvalidReceipt):
        return Status(401, ErrorOut(detail=_("Invalid receipt.")))
    token, expires = services.reporter_token_issue(report=report)
    return Status(200, SessionOut(token=token, expires=expires))


@router.get(
    "/reports/mine",
    response={200: MyReportOut, 401: ErrorOut},
    summary="Read my report, its status and messages",
    tags=["reports"],
    auth=ReporterBearer(),
)
def report_mine(request: ReporterRequest) -> MyReportOut:
    """The report of the bearer token: its status in plain words and its history, what
    was reported (as typed), the consents and the conversation with the organisation.
    Labels are in the request's `Accept-Language`, else in the report's language. Each
    read is written to the audit log (without the token)."""
    report = request.auth
    services.report_read_by_reporter(report=report, what="api")
    consents = {c.purpose: c.granted for c in report.consents.all()}
    with translation.override(_reporter_language(request, report)):
        status = StatusOut(
            code=ReportStatus(report.status),
            label=str(ReportStatus(report.status).label),
            referred_to=report.referred_to,
        )
        history = [
            StatusChangeOut(
                code=ReportStatus(change.status),
                label=str(ReportStatus(change.status).label),
                changed_at=change.changed_at,
            )
            for change in report.status_changes.all()
        ]
    return MyReportOut(
        reference=report.reference,
        organisation=report.organisation.name,
        received_at=report.created_at,
        language=report.language,
        status=status,
        status_history=history,
        answers=AnswersOut(**{question.name: _answer_value(question, report) for question in QUESTIONS}),
        consents=ConsentsOut(**{purpose: consents.get(purpose, False) for purpose in ConsentPurpose.values}),
        messages=[_message_out(message) for message in selectors.report_messages(report=report)],
    )


@router.post(
    "/reports/mine/messages",
    response={201: MessageOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 422: ValidationErrorOut, 429: ErrorOut},
    summary="Write to the organisation",
    tags=["reports"],
    auth=ReporterBearer(),
)
def report_mine_message_create(request: ReporterRequest, payload: MessageIn) -> Status[MessageOut]:
    """Send a message (or more information) to the organisation that received the report.
    An empty or too long message gives 422 naming `body`, in the reporter's language."""
    report = request.auth
    with translation.override(_reporter_language(request, report)):
        try:
            message = services.reporter_message_send(report=report, body=payload.body)
        except DjangoValidationError as error:
            raise _field_errors(error) from None
    return Status(201, _message_out(message))


@router.get(
    "/organisations",
    response={200: list[OrganisationOut], 422: ValidationErrorOut},
    summary="Organisations that accept reports",
    tags=["organisations"],
    auth=None,
)
def organisation_list(request: HttpRequest, filters: Query[OrganisationFilter]) -> list[Organisation]:
    """The active organisations that accept reports, for one country if `country` is
    given; public fields only. An unknown country code gives 422 naming `country`, so a
    typo is not mistaken for "nobody serves this country" (an empty list)."""
    errors = []
    if not filters.accepts_reports:
        errors.append(
            {
                "loc": ["query", "accepts_reports"],
                "msg": _("Only organisations that accept reports are listed."),
                "type": "value_error",
            }
        )
    country = (filters.country or "").strip().upper()
    if country and country not in COUNTRIES:
        errors.append({"loc": ["query", "country"], "msg": _("Choose a country from the list."), "type": "value_error"})
    if errors:
        raise ValidationError(errors)
    return list(selectors.organisation_list_accepting_reports(country=country or None))


# --- The receiving organisation -------------------------------------------------------


class StaffApiRequest(ProfessionalRequest):
    """A request past the professional ``BearerToken``, for type checking: django-ninja
    sets ``auth`` to the token's user (which ``BearerToken`` also makes ``user``)."""

    auth: User


class AnswerRowOut(Schema):
    label: str = Field(..., description="The question, in the caller's language.")
    value: str = Field(..., description='The answer as given; `""` when not answered.')


class ConsentRowOut(Schema):
    purpose: ConsentPurpose
    label: str
    granted: bool
    changed_at: datetime | None


class StaffReportOut(Schema):
    reference: str
    organisation: str = Field(..., description="Name of the receiving organisation.")
    received_at: datetime
    status: ReportStatus
    answers: list[AnswerRowOut] = Field(..., description="Every answer, in the order of the report form.")
    contact: list[AnswerRowOut] | None = Field(
        ...,
        description="The contact details, only while the reporter agrees to be contacted: `null` otherwise, "
        "an empty list when they agree but gave none.",
    )
    consents: list[ConsentRowOut]


@router.get(
    "/staff/reports/{reference}",
    response={200: StaffReportOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Read a report received by my organisation",
    tags=["staff"],
    auth=BearerToken(),
)
def staff_report_get(request: StaffApiRequest, reference: str) -> StaffReportOut:
    """The report as the staff page shows it, from the same selector, so this never shows
    more than the page: contact details only while the reporter agrees to be contacted.
    A report of another organisation gives 404. Each read is written to the audit log,
    and the reporter's messages count as read, as when the page is opened. A report that
    became a case gives 404 here: it is read as the case (`GET /api/v1/cases/{id}`),
    under the case's rule."""
    user = request.auth
    view = selectors.report_view_for_staff(user=user, reference=reference)
    if selectors.report_has_case(report=view.report):
        raise Http404
    services.report_open(actor=user, report=view.report, channel="api")
    report = view.report
    return StaffReportOut(
        reference=report.reference,
        organisation=report.organisation.name,
        received_at=report.created_at,
        status=ReportStatus(report.status),
        answers=[AnswerRowOut(label=row.label, value=row.value) for row in view.answers],
        contact=None
        if view.contact is None
        else [AnswerRowOut(label=row.label, value=row.value) for row in view.contact],
        consents=[
            ConsentRowOut(
                purpose=ConsentPurpose(row.purpose), label=row.label, granted=row.granted, changed_at=row.changed_at
            )
            for row in view.consents
        ],
    )
