"""API operations for the needs assessment (see views/assessment.py for the pages):
``GET/POST /cases/{id}/assessments`` and ``GET /cases/{id}/assessments/{version}``.

Scoped like the pages: a case outside the caller's scope is 404, and so is the
assessment of a case the caller works but may not read the assessment of (only the
assignee and the organisation's supervisors do): never 403, which would say it exists."""

from __future__ import annotations

from datetime import datetime
from types import GenericAlias
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Field, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import ConfigDict, create_model

from victory.core.vocabulary import ServiceOffer

# The platform's error schemas, one name each in the OpenAPI document.
from victory.reports.api import ErrorOut, ValidationErrorOut

from ..assessment import QUESTIONS, Answer, AssessedRisk, Kind, Question, SpecialMeasure, assessment_result
from ..concurrency import StaleEdit
from ..models import AssessmentStage, NeedsAssessment, ProtectionLevel
from ..selectors.assessment import assessment_get, assessment_list, require_assessment_access
from ..selectors.common import case_get
from ..services.assessment import assessment_record
from ..services.common import case_read
from .base import CaseApiRequest, router


def _answer_type(question: Question) -> Any:
    """The question's type in the API: its codes as an enum, so the document lists them."""
    if question.kind is Kind.TEXT:
        return str
    if question.kind is Kind.FLAG:
        return bool
    codes = Answer if question.kind is Kind.ANSWER else AssessedRisk if question.kind is Kind.RISK else question.choices
    assert codes is not None, question.name
    if question.kind is Kind.CHOICES:
        return GenericAlias(list, codes)
    return codes | None


def _answer_field(question: Question) -> tuple[Any, Any]:
    screening = " Asked in the screening and the detailed assessment." if question.screening else ""
    description = f"{question.label}{screening}"
    if question.kind is Kind.CHOICES:
        return _answer_type(question), Field(default_factory=list, description=description)
    default: Any = "" if question.kind is Kind.TEXT else False if question.kind is Kind.FLAG else None
    return _answer_type(question), Field(default, description=description)


class _Forbidding(Schema):
    model_config = ConfigDict(extra="forbid")


if TYPE_CHECKING:

    class AnswersIn(Schema):
        def __getattr__(self, name: str) -> Any: ...

else:
    # Derived from assessment.QUESTIONS: a new question is in the API without a line here.
    AnswersIn = create_model(
        "AssessmentAnswersIn",
        __base__=_Forbidding,
        __doc__="Every answer is optional; an answer left out is not answered. The screening takes only the "
        "questions marked as asked in it.",
        **{question.name: _answer_field(question) for question in QUESTIONS},
    )


class AssessmentResultOut(Schema):
    version: int
    stage: AssessmentStage
    protection_level: ProtectionLevel
    detailed_needed: bool = Field(..., description="The screening shows a need (or a child): do the detailed one.")
    special_measures: list[SpecialMeasure] = Field(..., description="Suggested (Art. 23, 24); never a refused one.")
    refused_measures: list[SpecialMeasure] = Field(..., description="What the person refused.")
    suggested_referrals: list[ServiceOffer]
    performed_at: datetime
    performed_by: str = Field(..., description='Who recorded it; `""` when no longer known.')


class AssessmentOut(AssessmentResultOut):
    answers: dict[str, Any] = Field(
        ...,
        description="The answers as codes (and free text), by question name as in `AssessmentAnswersIn`; "
        "unanswered ones left out.",
    )
    reason: str = Field(..., description='Why it was redone; `""` for a first version.')


class AssessmentIn(Schema):
    model_config = ConfigDict(extra="forbid")

    stage: AssessmentStage
    answers: AnswersIn = Field(default_factory=AnswersIn)
    reason: str = Field("", description="Required for every version after the first, except the first detailed one.")
    case_version: int = Field(..., description="The case's `version` as read: a stale one gives 409.")


def _result_out(assessment: NeedsAssessment) -> dict[str, Any]:
    refused = assessment_result(stage=assessment.stage, answers=assessment.answers or {}).refused_measures
    by = assessment.performed_by
    return {
        "version": assessment.version,
        "stage": assessment.stage,
        "protection_level": assessment.protection_level,
        "detailed_needed": assessment.detailed_needed,
        "special_measures": list(assessment.special_measures),
        "refused_measures": refused,
        "suggested_referrals": list(assessment.suggested_referrals),
        "performed_at": assessment.performed_at,
        "performed_by": (by.full_name or by.email) if by else "",
    }


def _full_out(assessment: NeedsAssessment) -> AssessmentOut:
    return AssessmentOut(
        **_result_out(assessment), answers=dict(assessment.answers or {}), reason=assessment.reason or ""
    )


@router.get(
    "/cases/{id}/assessments",
    response={200: list[AssessmentResultOut], 401: ErrorOut, 404: ErrorOut},
    summary="List the versions of a case's needs assessment (results only)",
)
def assessment_list_api(request: CaseApiRequest, id: str) -> list[AssessmentResultOut]:
    """Every version, newest first, with its result and no answers. 404 for a case
    outside the caller's scope, and for a colleague who works the case but may not read
    its assessment (only the assignee and the supervisors do). Audited."""
    case = case_get(user=request.auth, reference=id)
    require_assessment_access(user=request.auth, case=case)
    versions = list(assessment_list(case=case))
    case_read(case=case, actor=request.auth, what="assessment", channel="api")
    return [AssessmentResultOut(**_result_out(version)) for version in versions]


@router.get(
    "/cases/{id}/assessments/{version}",
    response={200: AssessmentOut, 401: ErrorOut, 404: ErrorOut},
    summary="Read one version of a case's needs assessment (answers and result)",
)
def assessment_get_api(request: CaseApiRequest, id: str, version: int) -> AssessmentOut:
    """One version with its answers. 404 as for the list (outside the scope, or not
    allowed to read the assessment), and for a version that does not exist. Audited."""
    case = case_get(user=request.auth, reference=id)
    require_assessment_access(user=request.auth, case=case)
    assessment = assessment_get(case=case, version=version)
    case_read(case=case, actor=request.auth, what="assessment", channel="api")
    return _full_out(assessment)


@router.post(
    "/cases/{id}/assessments",
    response={201: AssessmentOut, 401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut},
    summary="Record a new version of a case's needs assessment",
)
def assessment_create_api(request: CaseApiRequest, id: str, payload: AssessmentIn) -> Status[AssessmentOut]:
    """Writes the next version (a version is never changed) and sets the case's
    protection level to its result. 422 names each wrong answer
    (`["body", "<question>"]`) or the missing `reason`; 409 when `case_version` is stale;
    404 as for the list."""
    case = case_get(user=request.auth, reference=id)
    try:
        assessment = assessment_record(
            actor=request.auth,
            case=case,
            stage=payload.stage,
            answers=payload.answers.model_dump(mode="json", exclude_defaults=True),
            reason=payload.reason,
            expected_version=payload.case_version,
        )
    except StaleEdit:
        raise
    except DjangoValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        raise _field_errors(error) from None
    return Status(201, _full_out(assessment))


# Fields of the body itself; any other name in a service's error is an answer's.
_BODY_FIELDS = {"stage", "reason", "case_version"}


def _field_errors(error: DjangoValidationError) -> ValidationError:
    """The service's refusal with ``loc`` as the caller wrote it: ``["body", "answers",
    <question>]`` for an answer, ``["body", <field>]`` for the body's own fields."""
    detail = []
    for name, messages in error.message_dict.items():
        loc = ["body", name] if name in _BODY_FIELDS else ["body", "answers", name]
        detail += [{"loc": loc, "msg": str(message), "type": "value_error"} for message in messages]
    return ValidationError(detail)
