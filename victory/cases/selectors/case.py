"""Finding work: the case list with its filters, sorts and keyset pages, the totals by
status, and the caseworker's inbox. Everything starts from ``Case.objects.visible_to``.

Bias motivations and incident types are JSON lists. They are filtered with the
``has_code`` lookup below: on PostgreSQL ``column @> jsonb_build_array(code)`` (a GIN
index can serve it), on SQLite ``EXISTS (SELECT 1 FROM json_each(column) WHERE value =
code)`` (JSON1). Both compare whole list items, never a substring of the JSON text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Case as SqlCase
from django.db.models import Count, Q, QuerySet, Value, When
from django.db.models.sql.compiler import SQLCompiler
from django.utils import timezone

from victory.accounts.models import Organisation, User
from victory.core.models import AuditEvent
from victory.reports.models import Report

from ..keyset import KeysetOrder, KeysetPage, keyset_page
from ..models import OPEN_STATUSES, RISK_ORDER, Case, CaseQuerySet, CaseScope, CaseStatus

PAGE_SIZE = 50
INBOX_SIZE = 10


@models.JSONField.register_lookup
class HasCode(models.Lookup[Any]):
    """``field__has_code="racism"``: the JSON list ``field`` holds the string item."""

    lookup_name = "has_code"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        return "%s", (str(value),)

    def as_sql(self, compiler: SQLCompiler, connection: BaseDatabaseWrapper) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} @> jsonb_build_array({rhs}::text)", (*lhs_params, *rhs_params)
        if connection.vendor == "sqlite":
            # ``lhs`` is the column's quoted name, ``rhs`` a placeholder: no value is inlined.
            sql = f"EXISTS (SELECT 1 FROM json_each({lhs}) WHERE json_each.value = {rhs})"  # noqa: S608
            return sql, (*lhs_params, *rhs_params)
        raise NotImplementedError(f"has_code is not written for {connection.vendor}")


# The list's orders: each matches an index (organisation, …, opened_at, id) or a small set.
SORTS: dict[str, KeysetOrder] = {
    "newest": KeysetOrder(name="newest", field="opened_at", descending=True, kind="datetime", nullable=False),
    "oldest": KeysetOrder(name="oldest", field="opened_at", descending=False, kind="datetime", nullable=False),
    "task_due": KeysetOrder(name="task_due", field="next_task_due", descending=False, kind="date"),
    "risk": KeysetOrder(name="risk", field="risk_rank", descending=True, kind="int"),
}


@dataclass
class CaseFilters:
    """What the list is narrowed to; empty values do not filter."""

    status: str = ""
    bias_motivation: str = ""
    incident_type: str = ""
    language: str = ""
    assignee: str = ""  # "me", "unassigned", or a user's id
    risk: str = ""
    unread: bool = False
    awaiting_days: int | None = None
    task_due: str = ""  # "overdue", "week"
    opened_from: date | None = None
    opened_to: date | None = None
    reference: str = ""  # a case's or its report's reference
    extra: dict[str, Any] = field(default_factory=dict)

    def any(self) -> bool:
        return any(
            (
                self.status,
                self.bias_motivation,
                self.incident_type,
                self.language,
                self.assignee,
                self.risk,
                self.unread,
                self.awaiting_days,
                self.task_due,
                self.opened_from,
                self.opened_to,
                self.reference,
            )
        )


def _assignee_q(user: User, assignee: str) -> Q:
    if assignee == "me":
        return Q(assigned_to_id=user.pk)
    if assignee == "unassigned":
        return Q(assigned_to__isnull=True)
    return Q(assigned_to_id=int(assignee))


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _filtered(cases: CaseQuerySet, *, user: User, filters: CaseFilters) -> CaseQuerySet:
    if filters.reference:
        code = filters.reference.strip().upper()
        cases = cases.filter(Q(reference=code) | Q(report__reference=code))
    if filters.status == "open":
        cases = cases.open()
    elif filters.status:
        cases = cases.filter(status=filters.status)
    if filters.bias_motivation:
        cases = cases.filter(bias_motivations__has_code=filters.bias_motivation)
    if filters.incident_type:
        cases = cases.filter(incident_types__has_code=filters.incident_type)
    if filters.language:
        cases = cases.filter(language=filters.language)
    if filters.assignee:
        cases = cases.filter(_assignee_q(user, filters.assignee))
    if filters.risk:
        cases = cases.filter(risk_level=filters.risk)
    if filters.unread:
        cases = cases.filter(unread_messages__gt=0)
    if filters.awaiting_days:
        cases = cases.filter(awaiting_reply_since__lte=timezone.now() - timedelta(days=filters.awaiting_days))
    today = timezone.localdate()
    if filters.task_due == "overdue":
        cases = cases.filter(next_task_due__lt=today)
    elif filters.task_due == "week":
        cases = cases.filter(next_task_due__gte=today, next_task_due__lte=today + timedelta(days=7))
    # Whole days in the platform's time zone, as a range on the column (its index serves it).
    if filters.opened_from:
        cases = cases.filter(opened_at__gte=_day_start(filters.opened_from))
    if filters.opened_to:
        cases = cases.filter(opened_at__lt=_day_start(filters.opened_to + timedelta(days=1)))
    return cases


def _with_risk_rank(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.annotate(
        risk_rank=SqlCase(
            *[When(risk_level=level, then=Value(rank)) for level, rank in RISK_ORDER.items()],
            default=Value(0),
            output_field=models.IntegerField(),
        )
    )


# A case's encrypted texts: no list shows them.
CASE_TEXTS = ("summary", "occurred_date", "location", "legal_hold")


def case_list(
    *,
    user: User,
    filters: CaseFilters,
    sort: str = "newest",
    after: str | None = None,
    columns: tuple[str, ...] | None = None,
    scope: CaseScope | None = None,
) -> KeysetPage[Case]:
    """One page of the cases ``user`` works, filtered and sorted (raises
    ``keyset.InvalidCursor`` for a cursor this list did not write). ``columns``: only
    these are read (a page's rows need a third of a case's fields). ``scope``: the
    user's ``CaseScope``, when the page has looked it up already."""
    order = SORTS.get(sort, SORTS["newest"])
    cases: QuerySet[Case] = _filtered(Case.objects.visible_to(user, scope=scope), user=user, filters=filters)
    if order.name == "risk":
        cases = _with_risk_rank(cases)
    # The list shows none of the case's encrypted texts, nor its report's: neither is
    # read nor decrypted (rendering 50 rows cost more than their query). The assignees'
    # names are read once per page (``assignee_names``), not joined to every row.
    cases = cases.only(*columns) if columns else cases.defer(*CASE_TEXTS)
    return keyset_page(cases, order=order, after=after, size=PAGE_SIZE)


def open_totals(*, user: User, scope: CaseScope | None = None) -> list[tuple[str, str, int]]:
    """(status, label, number) of the open cases ``user`` works: one statement over
    the open cases only, never the whole history, counted from the index alone."""
    counts: dict[str, int] = dict.fromkeys(OPEN_STATUSES, 0)
    # One GROUP BY per part of what the user sees (a caseworker's are two: the
    # unassigned intake and their own), joined by UNION ALL into one statement.
    grouped = [
        part.filter(status__in=OPEN_STATUSES)  # each status a range of case_org_status_assignee
        .order_by()
        .values_list("status")
        # COUNT(*), not COUNT(id): the id is not in the index, and counting it made
        # PostgreSQL read each case's row from the table (8 ms, against 1.4).
        .annotate(number=Count("*"))
        .values_list("status", "number")
        for part in Case.objects.visible_parts(user, scope=scope)
    ]
    if grouped:
        rows = grouped[0].union(*grouped[1:], all=True).order_by() if len(grouped) > 1 else grouped[0]
        for status, number in rows:
            counts[status] += number
    return [(status, str(CaseStatus(status).label), counts[status]) for status in OPEN_STATUSES]


@dataclass(frozen=True)
class InboxSection:
    items: list[Any]
    more: bool


@dataclass(frozen=True)
class CaseworkerInbox:
    intake: InboxSection  # the organisation's reports not yet a case
    unassigned: InboxSection
    mine: InboxSection


def _first(rows: QuerySet[Any]) -> InboxSection:
    items = list(rows[: INBOX_SIZE + 1])
    return InboxSection(items=items[:INBOX_SIZE], more=len(items) > INBOX_SIZE)


# A report's encrypted texts: an intake list shows none of them.
REPORT_TEXTS = (
    "narrative",
    "occurred_date",
    "occurred_when",
    "location",
    "online_platform",
    "impact",
    "offender_description",
    "support_language",
    "contact",
    "referred_to",
)


def intake_reports(*, user: User) -> QuerySet[Report]:
    """The reports received by ``user``'s organisations that are not a case yet."""
    # The organisations as ids and ``became_case`` (kept by the services), not a join on
    # the case: the database walks the (organisation, became_case, created_at) index.
    organisations = list(Organisation.objects.handled_by(user).values_list("pk", flat=True))
    return (
        Report.objects.filter(organisation_id__in=organisations, became_case=False)
        .select_related("organisation")
        .defer(*REPORT_TEXTS)
        .order_by("-created_at", "-pk")
    )


def caseworker_inbox(*, user: User, columns: tuple[str, ...] | None = None) -> CaseworkerInbox:
    """Three first pages, each with a link to its whole list: three queries.
    ``columns``: only these of each case are read."""
    open_cases = Case.objects.visible_to(user).open()
    open_cases = open_cases.only(*columns) if columns else open_cases.defer(*CASE_TEXTS)
    return CaseworkerInbox(
        intake=_first(intake_reports(user=user)),
        unassigned=_first(open_cases.filter(assigned_to__isnull=True).order_by("-opened_at", "-id")),
        mine=_first(open_cases.filter(assigned_to_id=user.pk).order_by("-opened_at", "-id")),
    )


def assignee_names(*, user_ids: set[int]) -> dict[int, str]:
    """How the people cases are assigned to are named on a list (full name, else
    e-mail address): one query for a whole page, each name decrypted once."""
    if not user_ids:
        return {}
    people = User.objects.filter(pk__in=user_ids).only("pk", "full_name", "email")
    return {person.pk: person.full_name or person.email for person in people}


def assignee_choices(*, user: User, scope: CaseScope | None = None) -> list[tuple[str, str]]:
    """The colleagues a list may be narrowed to: who works cases where ``user`` does,
    by name. Names are encrypted, so they are sorted here, not by the database."""
    from victory.accounts.models import Membership

    from ..models import CASE_ROLES

    scope = CaseScope.of(user) if scope is None else scope.checked_for(user)
    colleagues = Membership.objects.in_force().filter(organisation_id__in=scope.organisations, role__in=CASE_ROLES)
    users = (
        User.objects.filter(pk__in=colleagues.values("user_id")).exclude(pk=user.pk).only("pk", "full_name", "email")
    )
    named = [(str(colleague.pk), colleague.full_name or colleague.email) for colleague in users]
    return sorted(named, key=lambda choice: (choice[1].casefold(), choice[0]))


# Audit actions that read, rather than change, what a case holds.
_READ_ACTIONS = ("case.read", "report.opened", "report.evidence_opened", "referral.read", "case.person_exported")


def case_access_events(*, case: Case, limit: int) -> list[AuditEvent]:
    """Who looked at or changed this case, newest first: the audit events of the case
    itself and of everything that carries its content elsewhere (its report, the people
    linked to it, its referrals, whose snapshots another organisation reads, and its
    conferences), so a recipient's reads are on the supervisor's list too."""
    from ..models import CaseConference, CasePerson, Referral

    def ids(model: type[models.Model]) -> list[str]:
        return [str(pk) for pk in model._default_manager.filter(case=case).values_list("pk", flat=True)]

    about = Q(object_type=Case._meta.label_lower, object_id=str(case.pk))
    if case.report_id is not None:
        about |= Q(object_type="reports.report", object_id=str(case.report_id))
    for model in (CasePerson, Referral, CaseConference):
        about |= Q(object_type=model._meta.label_lower, object_id__in=ids(model))
    return list(AuditEvent.objects.filter(about).select_related("actor").order_by("-sequence")[:limit])


def audit_event_is_read(event: AuditEvent) -> bool:
    return event.action.startswith(_READ_ACTIONS)


def organisation_names(events: list[AuditEvent]) -> dict[str, str]:
    """The names of the organisations the events were recorded for (their references)."""
    keys = {event.organisation_ref.removeprefix("organisation:") for event in events if event.organisation_ref}
    found = Organisation.objects.filter(pk__in=[int(key) for key in keys if key.isdigit()])
    return {f"organisation:{org.pk}": org.name for org in found}
