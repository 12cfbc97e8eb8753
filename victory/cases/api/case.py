"""API operations for the case itself (see views/case.py for the pages): the list with
the page's filters and cursor pages, direct intake, and one case. The same selectors and
services as the pages; a case outside the caller's scope is 404."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from ninja.responses import Status

from victory.accounts.api import ErrorOut, ValidationErrorOut
from victory.accounts.models import Organisation

from ..keyset import InvalidCursor
from ..models import Case, CaseStatus, RiskLevel, organisations_working_cases_for
from ..selectors import case as case_selectors
from ..selectors.common import case_get
from ..services import case as case_services
from .base import CaseApiRequest, router


class CaseFilterIn(Schema):
    status: str | None = Field(None, description="A status code, or `open` for every status but closed.")
    bias_motivation: str | None = Field(None, description="Cases whose bias motivations include this code.")
    incident_type: str | None = Field(None, description="Cases whose incident types include this code.")
    language: str | None = Field(None, description="The person's language (a language code).")
    assignee: str | None = Field(None, description="`me`, `unassigned`, or a user id.")
    risk: str | None = Field(None, description="A risk level code.")
    unread: bool = Field(False, description="Only cases with unread messages from the person.")
    awaiting_days: int | None = Field(None, ge=1, le=3650, description="Waiting for an answer for at least N days.")
    task_due: Literal["overdue", "week"] | None = Field(None, description="A task overdue, or due within 7 days.")
    opened_from: date | None = None
    opened_to: date | None = None
    reference: str | None = Field(None, description="A case reference or its report's reference (exact).")
    sort: Literal["newest", "oldest", "task_due", "risk"] = "newest"
    after: str | None = Field(None, description="The `next` cursor of the previous page.")


class CaseSummaryOut(Schema):
    reference: str
    status: CaseStatus
    language: str
    opened_at: datetime
    assigned_to: int | None
    risk_level: RiskLevel
    unread_messages: int
    next_task_due: date | None


class CaseListOut(Schema):
    items: list[CaseSummaryOut]
    next: str | None = Field(..., description="The cursor of the next page (`after`), `null` on the last page.")


class CaseOut(CaseSummaryOut):
    organisation: str
    intake_channel: str
    version: int = Field(..., description="Send it back with a change: a stale version gives 409.")
    allowed_next_statuses: list[CaseStatus]
    report_reference: str | None
    country: str
    bias_motivations: list[str]
    incident_types: list[str]
    online: bool
    occurred_month: date | None
    close_requested: bool
    closed_at: datetime | None


class CaseCreateIn(Schema):
    organisation: int | None = Field(None, description="Needed only when you work cases in several organisations.")
    channel: Literal["phone", "walk_in", "third_party"]
    language: str
    summary: str
    country: str = ""
    bias_motivations: list[str] = []
    incident_types: list[str] = []
    online: bool = False
    occurred_on: date | None = None
    location: str = ""


def _query_error(field: str, message: str) -> ValidationError:
    return ValidationError({field: [message]})


def _filters(request: CaseApiRequest, query: CaseFilterIn) -> case_selectors.CaseFilters:
    checks = {
        "status": (query.status, {"open", *CaseStatus.values}),
        "risk": (query.risk, set(RiskLevel.values)),
    }
    for name, (value, allowed) in checks.items():
        if value and value not in allowed:
            raise _query_error(name, _("Choose one of the listed values."))
    assignee = query.assignee or ""
    if assignee and assignee not in ("me", "unassigned") and not assignee.isdigit():
        raise _query_error("assignee", _("Give me, unassigned, or a user's id."))
    return case_selectors.CaseFilters(
        status=query.status or "",
        bias_motivation=query.bias_motivation or "",
        incident_type=query.incident_type or "",
        language=query.language or "",
        assignee=assignee,
        risk=query.risk or "",
        unread=query.unread,
        awaiting_days=query.awaiting_days,
        task_due=query.task_due or "",
        opened_from=query.opened_from,
        opened_to=query.opened_to,
        reference=query.reference or "",
    )


def _summary(case: Case) -> CaseSummaryOut:
    return CaseSummaryOut(
        reference=case.reference,
        status=CaseStatus(case.status),
        language=case.language,
        opened_at=case.opened_at,
        assigned_to=case.assigned_to_id,
        risk_level=RiskLevel(case.risk_level),
        unread_messages=case.unread_messages,
        next_task_due=case.next_task_due,
    )


@router.get(
    "/cases",
    response={200: CaseListOut, 401: ErrorOut, 422: ValidationErrorOut},
    summary="Cases I work",
)
def case_list(request: CaseApiRequest, query: Query[CaseFilterIn]) -> CaseListOut:
    """The cases the caller works (a supervisor: the organisation's; a caseworker: the
    unassigned intake and their own), filtered as the page filters, 50 a page. Pages
    are keyset cursors: pass `next` as `after`. A cursor of another sort gives 422."""
    filters = _filters(request, query)
    try:
        page = case_selectors.case_list(user=request.auth, filters=filters, sort=query.sort, after=query.after)
    except InvalidCursor:
        raise _query_error("after", _("This cursor is not one this list gave: start again without it.")) from None
    case_services.case_list_viewed(actor=request.auth, what="list", channel="api", count=len(page.items))
    return CaseListOut(items=[_summary(case) for case in page.items], next=page.next_cursor)


def _out(case: Case) -> CaseOut:
    return CaseOut(
        **_summary(case).model_dump(),
        organisation=case.organisation.name,
        intake_channel=case.intake_channel,
        version=case.version,
        allowed_next_statuses=[CaseStatus(status) for status in case_services.next_statuses(case)],
        report_reference=case.report.reference if case.report else None,
        country=case.country,
        bias_motivations=list(case.bias_motivations),
        incident_types=list(case.incident_types),
        online=case.online,
        occurred_month=case.occurred_month,
        close_requested=case.close_requested_at is not None,
        closed_at=case.closed_at,
    )


@router.get(
    "/cases/{id}",
    response={200: CaseOut, 401: ErrorOut, 404: ErrorOut},
    summary="One case",
)
def case_read(request: CaseApiRequest, id: str) -> CaseOut:
    """The case's coded fields, status, assignee, version and where it may go next.
    Audited as a read through the API; a case outside the caller's scope is 404."""
    case = case_get(user=request.auth, reference=id)
    case_services.case_view(actor=request.auth, case=case, channel="api")
    return _out(case)


def _organisation(request: CaseApiRequest, chosen: int | None) -> Organisation:
    working = organisations_working_cases_for(request.auth)
    if chosen is not None:
        working = working.filter(pk=chosen)
    organisations = list(working.order_by("pk")[:2])
    if not organisations:
        if chosen is not None:
            raise ValidationError({"organisation": [_("Choose one of the organisations where you work cases.")]})
        raise Http404
    if len(organisations) > 1:
        raise ValidationError({"organisation": [_("You work cases in several organisations: say for which one.")]})
    return organisations[0]


@router.post(
    "/cases",
    response={201: CaseOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="Open a case (phone, walk-in or third-party intake)",
)
def case_create(request: CaseApiRequest, payload: CaseCreateIn) -> Status[CaseOut]:
    """Open a case directly, as the "Open a case" page does. A case from an online
    report is opened on the report's page."""
    case = case_services.case_open_direct(
        actor=request.auth,
        organisation=_organisation(request, payload.organisation),
        channel=payload.channel,
        language=payload.language,
        summary=payload.summary,
        country=payload.country,
        bias_motivations=payload.bias_motivations,
        incident_types=payload.incident_types,
        online=payload.online,
        occurred_on=payload.occurred_on,
        location=payload.location,
    )
    case = case_get(user=request.auth, reference=case.reference)
    return Status(201, _out(case))
