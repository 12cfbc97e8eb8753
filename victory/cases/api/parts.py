"""API operations for a case's people, tasks, notes and risk flags (see views/parts.py
for the pages). The same selectors and services as the pages: a case outside the
caller's scope, or a task of another case, is 404; a write may name the case's
``version`` it was prepared from, and a stale one answers 409."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.responses import Status
from pydantic import ConfigDict

from ..models import CaseNote, CasePerson, CaseTask, PersonRole, RiskFlag, RiskKind, RiskLevel
from ..selectors import parts as selectors
from ..selectors.common import case_get
from ..services import parts as services
from ..services.common import case_read
from .base import CaseApiRequest, router


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorOut(Schema):
    detail: list[FieldErrorOut]


_VERSION = Field(
    None,
    description="The case's `version` this change was prepared from: if the case changed since, 409 and nothing "
    "is written. Left out, the change is made whatever the version.",
)


class _In(Schema):
    model_config = ConfigDict(extra="forbid")


class ContactOut(Schema):
    email: str = ""
    phone: str = ""
    address: str = ""
    safe_times: str = ""


class PersonOut(Schema):
    id: int
    role: PersonRole
    full_name: str
    contact: ContactOut
    notes: str
    language: str
    is_child: bool | None = Field(..., description="`null`: not known.")
    related_to: int | None = Field(..., description="For a guardian or supporter: the person they stand beside.")
    added_at: datetime
    erased: bool = Field(..., description="Erased on their request: every identifying field is empty.")


class PersonIn(_In):
    role: PersonRole
    full_name: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    safe_times: str = ""
    notes: str = ""
    language: str = Field("", description="A BCP 47 code such as `pt`, `ar`, `uk`.")
    is_child: bool | None = None
    related_to: int | None = Field(None, description="Another person of this case.")
    version: int | None = _VERSION


class TaskOut(Schema):
    id: int
    title: str
    due_on: date | None
    assigned_to: int | None = Field(..., description="The user who does it; `null`: nobody yet.")
    done_at: datetime | None
    created_at: datetime


class TaskIn(_In):
    title: str
    due_on: date | None = None
    assigned_to: int | None = Field(None, description="A user who works this case.")
    version: int | None = _VERSION


class TaskDoneIn(_In):
    version: int | None = _VERSION


class NoteOut(Schema):
    id: int
    body: str
    confidential: bool
    author: int | None
    created_at: datetime


class NoteIn(_In):
    body: str
    confidential: bool = Field(False, description="Read only by its author and the organisation's supervisors.")
    version: int | None = _VERSION


class RiskOut(Schema):
    id: int
    kind: RiskKind
    level: RiskLevel
    reason: str
    raised_at: datetime
    raised_by: int | None
    cleared_at: datetime | None = Field(..., description="`null` while the risk is in force.")
    clear_reason: str


class RiskIn(_In):
    kind: RiskKind
    level: RiskLevel = Field(..., description="`low`, `medium` or `high`.")
    reason: str
    version: int | None = _VERSION


_WRITE = {401: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ValidationErrorOut}


def _person_out(person: CasePerson) -> PersonOut:
    contact = person.contact or {}
    return PersonOut(
        id=person.pk,
        role=PersonRole(person.role),
        full_name=person.full_name,
        contact=ContactOut(**{key: str(contact.get(key, "")) for key in ("email", "phone", "address", "safe_times")}),
        notes=person.notes,
        language=person.language,
        is_child=person.is_child,
        related_to=person.related_to_id,
        added_at=person.added_at,
        erased=person.erased_at is not None,
    )


def _task_out(task: CaseTask) -> TaskOut:
    return TaskOut(
        id=task.pk,
        title=task.title,
        due_on=task.due_on,
        assigned_to=task.assigned_to_id,
        done_at=task.done_at,
        created_at=task.created_at,
    )


def _note_out(note: CaseNote) -> NoteOut:
    return NoteOut(
        id=note.pk, body=note.body, confidential=note.confidential, author=note.author_id, created_at=note.created_at
    )


def _risk_out(flag: RiskFlag) -> RiskOut:
    return RiskOut(
        id=flag.pk,
        kind=RiskKind(flag.kind),
        level=RiskLevel(flag.level),
        reason=flag.reason,
        raised_at=flag.raised_at,
        raised_by=flag.raised_by_id,
        cleared_at=flag.cleared_at,
        clear_reason=flag.clear_reason,
    )


# --- People ----------------------------------------------------------------------------


@router.get(
    "/cases/{id}/people",
    response={200: list[PersonOut], 401: ErrorOut, 404: ErrorOut},
    summary="People linked to a case",
)
def case_people(request: CaseApiRequest, id: str) -> list[PersonOut]:
    """Everyone linked to the case, in the order they were added. Each read is audited."""
    case = case_get(user=request.auth, reference=id)
    case_read(case=case, actor=request.auth, what="people", channel="api")
    return [_person_out(person) for person in selectors.person_list(case=case)]


@router.post(
    "/cases/{id}/people",
    response={201: PersonOut, **_WRITE},
    summary="Link a person to a case",
)
def case_person_create(request: CaseApiRequest, id: str, payload: PersonIn) -> Status[PersonOut]:
    """Link a person (person harmed, witness, person who caused harm, supporter,
    guardian). Wrong details give 422 naming each field."""
    user = request.auth
    case = case_get(user=user, reference=id)
    related = None
    if payload.related_to is not None:
        related = selectors.person_list(case=case).filter(pk=payload.related_to).first()
        if related is None:
            raise ValidationError({"related_to": [_("Choose another person linked to this case, or nobody.")]})
    person = services.person_add(
        actor=user,
        case=case,
        role=payload.role.value,
        full_name=payload.full_name,
        email=payload.email,
        phone=payload.phone,
        address=payload.address,
        safe_times=payload.safe_times,
        notes=payload.notes,
        language=payload.language,
        is_child=payload.is_child,
        related_to=related,
        expected_version=payload.version,
    )
    return Status(201, _person_out(person))


# --- Tasks -------------------------------------------------------------------------------


@router.get(
    "/cases/{id}/tasks",
    response={200: list[TaskOut], 401: ErrorOut, 404: ErrorOut},
    summary="Tasks of a case",
)
def case_tasks(request: CaseApiRequest, id: str) -> list[TaskOut]:
    """Open tasks first (earliest due first), then the tasks done."""
    case = case_get(user=request.auth, reference=id)
    case_read(case=case, actor=request.auth, what="tasks", channel="api")
    return [_task_out(task) for task in selectors.task_list(case=case)]


@router.post(
    "/cases/{id}/tasks",
    response={201: TaskOut, **_WRITE},
    summary="Add a task to a case",
)
def case_task_create(request: CaseApiRequest, id: str, payload: TaskIn) -> Status[TaskOut]:
    """A task with an optional due date and someone who works the case to do it."""
    user = request.auth
    case = case_get(user=user, reference=id)
    assignee = None
    if payload.assigned_to is not None:
        assignee = selectors.task_assignees(case=case).filter(pk=payload.assigned_to).first()
        if assignee is None:
            raise ValidationError({"assigned_to": [_("Choose someone who works on this case, or nobody.")]})
    task = services.task_add(
        actor=user,
        case=case,
        title=payload.title,
        due_on=payload.due_on,
        assigned_to=assignee,
        expected_version=payload.version,
    )
    return Status(201, _task_out(task))


@router.post(
    "/cases/{id}/tasks/{task_id}/done",
    response={200: TaskOut, **_WRITE},
    summary="Mark a task as done",
)
def case_task_done(request: CaseApiRequest, id: str, task_id: int, payload: TaskDoneIn) -> TaskOut:
    """A task of another case gives 404; a task already done gives 422."""
    user = request.auth
    case = case_get(user=user, reference=id)
    task = selectors.task_get(case=case, pk=task_id)
    return _task_out(services.task_done(actor=user, task=task, expected_version=payload.version))


# --- Notes -------------------------------------------------------------------------------


@router.get(
    "/cases/{id}/notes",
    response={200: list[NoteOut], 401: ErrorOut, 404: ErrorOut},
    summary="Internal notes of a case",
)
def case_notes(request: CaseApiRequest, id: str) -> list[NoteOut]:
    """The notes the caller may read: a confidential note only for its author and the
    organisation's supervisors. Never shown to the person who reported."""
    user = request.auth
    case = case_get(user=user, reference=id)
    case_read(case=case, actor=user, what="notes", channel="api")
    return [_note_out(note) for note in selectors.note_list(user=user, case=case)]


@router.post(
    "/cases/{id}/notes",
    response={201: NoteOut, **_WRITE},
    summary="Add an internal note to a case",
)
def case_note_create(request: CaseApiRequest, id: str, payload: NoteIn) -> Status[NoteOut]:
    user = request.auth
    case = case_get(user=user, reference=id)
    note = services.note_add(
        actor=user, case=case, body=payload.body, confidential=payload.confidential, expected_version=payload.version
    )
    return Status(201, _note_out(note))


# --- Risk flags -------------------------------------------------------------------------


@router.get(
    "/cases/{id}/risks",
    response={200: list[RiskOut], 401: ErrorOut, 404: ErrorOut},
    summary="Risk flags of a case, with their history",
)
def case_risks(request: CaseApiRequest, id: str) -> list[RiskOut]:
    """Every flag, in force or cleared, newest first. The case's `risk_level` is the
    highest level among those in force."""
    case = case_get(user=request.auth, reference=id)
    case_read(case=case, actor=request.auth, what="risks", channel="api")
    return [_risk_out(flag) for flag in selectors.risk_list(case=case)]


@router.post(
    "/cases/{id}/risks",
    response={201: RiskOut, **_WRITE},
    summary="Raise a risk on a case",
)
def case_risk_create(request: CaseApiRequest, id: str, payload: RiskIn) -> Status[RiskOut]:
    user = request.auth
    case = case_get(user=user, reference=id)
    flag = services.risk_raise(
        actor=user,
        case=case,
        kind=payload.kind.value,
        level=payload.level.value,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return Status(201, _risk_out(flag))
