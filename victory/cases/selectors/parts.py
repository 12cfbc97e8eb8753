"""Reads of a case's working parts: each returns what a section needs in a fixed number
of queries, whatever the number of rows. The confidential-note rule is in the query:
a note the reader may not see is never fetched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from victory.accounts.models import Membership, Organisation, Role, User

from ..models import (
    CASE_ROLES,
    Case,
    CaseNote,
    CasePerson,
    CaseTask,
    ReplyTemplate,
    RiskFlag,
    organisations_supervised_by,
)

# The overdue view: tasks due within this many days, and at most this many per page.
TASKS_DUE_DAYS = 7
TASKS_DUE_PAGE = 50


def person_list(*, case: Case) -> QuerySet[CasePerson]:
    return CasePerson.objects.filter(case=case).select_related("related_to")


def person_get(*, case: Case, pk: int) -> CasePerson:
    """A person of this case (a person of another case is not found)."""
    person = CasePerson.objects.filter(case=case, pk=pk).select_related("case__organisation").first()
    if person is None:
        raise Http404
    return person


def task_list(*, case: Case, open_only: bool = False) -> QuerySet[CaseTask]:
    """Open tasks first, earliest due first (those without a date after them), then the
    tasks done. Written out: PostgreSQL and SQLite put NULLs at opposite ends."""
    tasks = (
        CaseTask.objects.filter(case=case)
        .select_related("assigned_to", "created_by")
        .order_by(F("done_at").asc(nulls_first=True), F("due_on").asc(nulls_last=True), "pk")
    )
    return tasks.filter(done_at__isnull=True) if open_only else tasks


def task_get(*, case: Case, pk: int) -> CaseTask:
    task = CaseTask.objects.filter(case=case, pk=pk).select_related("case__organisation").first()
    if task is None:
        raise Http404
    return task


def note_list(*, user: User, case: Case) -> QuerySet[CaseNote]:
    """The notes ``user`` may read (permissions.can_read_note, as a filter): every note
    that is not confidential; a confidential one only for its author and a supervisor
    of the case's organisation."""
    readable = (
        Q(confidential=False) | Q(author_id=user.pk) | Q(case__organisation_id__in=organisations_supervised_by(user))
    )
    return CaseNote.objects.filter(case=case).filter(readable).select_related("author")


def risk_list(*, case: Case) -> QuerySet[RiskFlag]:
    """Every flag, in force or cleared: the case's risk history, newest first."""
    return RiskFlag.objects.filter(case=case).select_related("raised_by", "cleared_by")


def risk_get(*, case: Case, pk: int) -> RiskFlag:
    flag = RiskFlag.objects.filter(case=case, pk=pk).select_related("case__organisation").first()
    if flag is None:
        raise Http404
    return flag


def task_assignees(*, case: Case) -> QuerySet[User]:
    """Who may be given a task on the case: whoever works it (its supervisors, and the
    caseworkers who see it: all of them for unassigned intake, else its assignee)."""
    members = Membership.objects.in_force().filter(organisation_id=case.organisation_id)
    supervisors = members.filter(role=Role.SUPERVISOR).values("user_id")
    caseworkers = members.filter(role=Role.CASEWORKER)
    if case.assigned_to_id is not None:
        caseworkers = caseworkers.filter(user_id=case.assigned_to_id)
    return (
        User.objects.filter(Q(pk__in=supervisors) | Q(pk__in=caseworkers.values("user_id")))
        .distinct()
        .order_by("full_name", "email")
    )


@dataclass(frozen=True)
class TasksDuePage:
    tasks: list[CaseTask]
    until: date
    today: date
    # The keyset of the next page ("<due date>.<id>"), when there is one.
    next_after: str


def _keyset(after: str) -> tuple[date, int] | None:
    due, _dot, pk = after.partition(".")
    try:
        return date.fromisoformat(due), int(pk)
    except ValueError:
        return None


def tasks_due(*, user: User, after: str = "", today: date | None = None) -> TasksDuePage:
    """Open tasks overdue or due within ``TASKS_DUE_DAYS`` days, on open cases the user
    may see: their own tasks, the tasks nobody was given on the cases assigned to them,
    and the tasks nobody was given on their organisation's unassigned cases. Earliest
    first, a page at a time (keyset: no offset to scan)."""
    today = today or timezone.localdate()
    until = today + timedelta(days=TASKS_DUE_DAYS)
    casework = Membership.objects.in_force().filter(user_id=user.pk, role__in=CASE_ROLES).values("organisation_id")
    tasks = (
        CaseTask.objects.filter(done_at__isnull=True, due_on__isnull=False, due_on__lte=until)
        .filter(case__in=Case.objects.visible_to(user).open())
        .filter(
            Q(assigned_to_id=user.pk)
            | Q(assigned_to__isnull=True, case__assigned_to_id=user.pk)
            | Q(assigned_to__isnull=True, case__assigned_to__isnull=True, case__organisation_id__in=casework)
        )
        .select_related("case", "assigned_to")
        .order_by("due_on", "pk")
    )
    keyset = _keyset(after) if after else None
    if keyset is not None:
        due, pk = keyset
        tasks = tasks.filter(Q(due_on__gt=due) | Q(due_on=due, pk__gt=pk))
    rows = list(tasks[: TASKS_DUE_PAGE + 1])
    more = len(rows) > TASKS_DUE_PAGE
    rows = rows[:TASKS_DUE_PAGE]
    next_after = f"{rows[-1].due_on.isoformat()}.{rows[-1].pk}" if more and rows[-1].due_on else ""
    return TasksDuePage(tasks=rows, until=until, today=today, next_after=next_after)


# --- Reply templates ------------------------------------------------------------------


def organisations_managing_templates(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose reply templates ``user`` manages (supervisor or
    organisation administrator: permissions.can_manage_reply_templates)."""
    managed = (
        Membership.objects.in_force()
        .filter(user_id=user.pk, role__in=(Role.SUPERVISOR, Role.ORG_ADMIN))
        .values("organisation_id")
    )
    return Organisation.objects.filter(pk__in=managed).order_by("name")


def reply_template_list(*, user: User) -> QuerySet[ReplyTemplate]:
    organisations = organisations_managing_templates(user=user)
    return (
        ReplyTemplate.objects.filter(organisation__in=organisations)
        .select_related("organisation")
        .order_by("organisation__name", "language", "title", "pk")
    )


def reply_template_get(*, user: User, pk: int) -> ReplyTemplate:
    """A template of an organisation the user manages; any other is not found."""
    template = reply_template_list(user=user).filter(pk=pk).first()
    if template is None:
        raise Http404
    return template


def reply_templates_for_case(*, case: Case) -> list[ReplyTemplate]:
    """The templates a reply on this case may start from: the organisation's, those in
    the person's language first (the reply form offers them)."""
    templates = list(ReplyTemplate.objects.filter(organisation_id=case.organisation_id).order_by("title", "pk"))
    return sorted(templates, key=lambda template: template.language != case.language)
