"""The case itself: opening it (from a report, or directly for phone, walk-in and
third-party intake), its lifecycle, closing with a supervisor's approval when protection
needs are open, assignment, the incident's coded fields, the thread with the reporter,
and reading it (audited).

Every write checks its rule, claims the case's next version (``case_write``: a stale
form is refused with ``StaleEdit``), audits and writes the timeline, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation, User
from victory.core.audit import audit_record
from victory.core.vocabulary import COUNTRIES, BiasMotivation, IncidentType
from victory.reports import services as report_services
from victory.reports.models import PlaceKind, Report, ReportMessage, Sender

from ..concurrency import version_claim
from ..models import CASE_ROLES, CASE_TRANSITIONS, Case, CaseStatus, CloseReason, IntakeChannel
from ..permissions import can_assign_case, can_open_case, can_supervise_case, needs_close_approval
from ..references import case_reference_new
from ..timeline import event_record
from .common import case_read, case_write, require, require_case_access
from .consent import consents_from_report

DIRECT_CHANNELS = (IntakeChannel.PHONE, IntakeChannel.WALK_IN, IntakeChannel.THIRD_PARTY)
SUMMARY_MAX_CHARS = 20_000
SHORT_TEXT_MAX_CHARS = 300


def status_label(status: str) -> str:
    return str(CaseStatus(status).label) if status in CaseStatus.values else status


def next_statuses(case: Case) -> tuple[str, ...]:
    """Where the case may go from its status (closing and reopening included)."""
    return CASE_TRANSITIONS.get(case.status, ())


def _language_codes() -> set[str]:
    return {code for code, _name in settings.LANGUAGES} | set(getattr(settings, "VICTORY_EXTRA_LANGUAGES", ()))


@dataclass
class IncidentFields:
    """The incident's coded fields and summary, as a form or the API gives them."""

    summary: str = ""
    country: str = ""
    bias_motivations: list[str] = field(default_factory=list)
    incident_types: list[str] = field(default_factory=list)
    online: bool = False
    occurred_on: date | None = None
    location: str = ""


def _incident_check(fields: IncidentFields) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if len(fields.summary) > SUMMARY_MAX_CHARS:
        errors["summary"] = [_("This is too long: keep it under %(limit)s characters.") % {"limit": SUMMARY_MAX_CHARS}]
    if len(fields.location) > SHORT_TEXT_MAX_CHARS:
        errors["location"] = [
            _("This is too long: keep it under %(limit)s characters.") % {"limit": SHORT_TEXT_MAX_CHARS}
        ]
    if fields.country and fields.country.upper() not in COUNTRIES:
        errors["country"] = [_("Choose a country from the list.")]
    for name, choices in (("bias_motivations", BiasMotivation), ("incident_types", IncidentType)):
        unknown = [code for code in getattr(fields, name) if code not in choices.values]
        if unknown:
            errors[name] = [_("“%(value)s” is not one of the listed answers.") % {"value": unknown[0]}]
    if fields.occurred_on and fields.occurred_on > timezone.localdate():
        errors["occurred_on"] = [_("The date cannot be in the future.")]
    return errors


INCIDENT_COLUMNS = (
    "summary",
    "country",
    "bias_motivations",
    "incident_types",
    "online",
    "occurred_date",
    "occurred_month",
    "location",
)


def _incident_apply(case: Case, fields: IncidentFields) -> None:
    case.summary = fields.summary
    case.country = fields.country.upper()
    case.bias_motivations = sorted(set(fields.bias_motivations))
    case.incident_types = sorted(set(fields.incident_types))
    case.online = fields.online
    case.occurred_date = fields.occurred_on.isoformat() if fields.occurred_on else ""
    case.occurred_month = fields.occurred_on.replace(day=1) if fields.occurred_on else None
    case.location = fields.location.strip()


def _case_create(case: Case) -> Case:
    """Save a new case under a fresh reference (retried on the rare collision)."""
    for _attempt in range(5):
        case.reference = case_reference_new()
        try:
            with transaction.atomic():
                case.save()
        except IntegrityError:
            if case.report_id is not None and Case.objects.filter(report_id=case.report_id).exists():
                raise
            continue
        return case
    raise RuntimeError("could not allocate a unique case reference")


def _opened(case: Case, actor: User) -> None:
    audit_record(
        action="case.opened", actor=actor, organisation=case.organisation, obj=case, reason=case.intake_channel
    )
    event_record(case=case, kind="case.opened", actor=actor, channel=case.intake_channel)


def case_open_from_report(*, actor: User, report: Report) -> Case:
    """The report's case: opened now, or the one already opened from it (one per report,
    even when two colleagues press the button at once). The coded fields and the
    language are copied; the narrative and contact details stay the report's."""
    if not can_open_case(actor, report.organisation):
        raise Http404
    existing = Case.objects.filter(report_id=report.pk).first()
    if existing is not None:
        return existing
    try:
        return _case_from_report(actor=actor, report=report)
    except IntegrityError:  # a colleague opened it a moment before
        return Case.objects.get(report_id=report.pk)


@transaction.atomic
def _case_from_report(*, actor: User, report: Report) -> Case:
    if not can_open_case(actor, report.organisation):
        raise Http404
    messages = list(
        ReportMessage.objects.filter(report=report)
        .order_by("-created_at", "-pk")
        .values("sender", "read_at", "created_at")
    )
    unread = sum(1 for message in messages if message["sender"] == Sender.REPORTER and message["read_at"] is None)
    waiting = messages[0]["created_at"] if messages and messages[0]["sender"] == Sender.REPORTER else None
    case = Case(
        organisation=report.organisation,
        report=report,
        intake_channel=IntakeChannel.REPORT,
        language=report.language,
        country=report.country,
        bias_motivations=list(report.bias_motivations),
        incident_types=list(report.incident_types),
        online=report.place_kind == PlaceKind.ONLINE,
        occurred_month=report.occurred_month,
        occurred_date=report.occurred_date,
        location=report.location,
        unread_messages=unread,
        awaiting_reply_since=waiting,
        opened_by=actor,
    )
    _case_create(case)
    report_services.report_case_link_set(report=report, became_case=True)
    _opened(case, actor)
    # The report's own consents (contact, statistics …) become the case's first records.
    consents_from_report(case=case)
    return case


@transaction.atomic
def case_open_direct(
    *,
    actor: User,
    organisation: Organisation,
    channel: str,
    language: str,
    summary: str,
    country: str = "",
    bias_motivations: list[str] | None = None,
    incident_types: list[str] | None = None,
    online: bool = False,
    occurred_on: date | None = None,
    location: str = "",
) -> Case:
    """A case for a person who phoned, walked in, or for whom a third party came."""
    if not can_open_case(actor, organisation):
        raise Http404
    fields = IncidentFields(
        summary=summary,
        country=country,
        bias_motivations=list(bias_motivations or []),
        incident_types=list(incident_types or []),
        online=online,
        occurred_on=occurred_on,
        location=location,
    )
    errors = _incident_check(fields)
    if channel not in DIRECT_CHANNELS:
        errors["channel"] = [_("Choose how the person came to you: phone, in person or through a third party.")]
    if language not in _language_codes():
        errors["language"] = [_("Choose the language the person reads and speaks from the list.")]
    if not summary.strip():
        errors["summary"] = [_("Write in a few words what happened, as the person told it.")]
    if errors:
        raise ValidationError(errors)
    case = Case(organisation=organisation, intake_channel=channel, language=language, opened_by=actor)
    _incident_apply(case, fields)
    _case_create(case)
    _opened(case, actor)
    return case


def _moves_error(case: Case, to: str) -> ValidationError:
    allowed = [status_label(status) for status in next_statuses(case)]
    return ValidationError(
        {
            "status": [
                _("A case that is “%(current)s” cannot go to “%(to)s”. It can go to: %(allowed)s.")
                % {"current": status_label(case.status), "to": status_label(to), "allowed": ", ".join(allowed)}
            ]
        }
    )


@transaction.atomic
def case_transition(*, actor: User, case: Case, to: str, expected_version: int | None) -> Case:
    """Move the case along ``CASE_TRANSITIONS``. Closing needs a reason (``case_close``)
    and reopening is ``case_reopen``."""
    require_case_access(actor, case)
    if to not in CaseStatus.values:
        raise ValidationError({"status": [_("Choose one of the listed statuses.")]})
    if to == CaseStatus.CLOSED and to in next_statuses(case):
        raise ValidationError({"status": [_("To close the case, use “Close the case” and give the reason.")]})
    if to not in next_statuses(case) or to == CaseStatus.CLOSED:
        raise _moves_error(case, to)
    if to == CaseStatus.REOPENED:
        return case_reopen(actor=actor, case=case, expected_version=expected_version)
    case_write(case=case, actor=actor, action="case.status_changed", expected_version=expected_version, reason=to)
    before = case.status
    case.status = to
    case.save(update_fields=["status", "updated_at"])
    moved: dict[str, Any] = {"from": before, "to": to}  # "from" is a keyword: passed as a mapping
    event_record(case=case, kind="case.status_changed", actor=actor, **moved)
    return case


def _close_now(*, case: Case, actor: User, reason: str) -> None:
    case.status = CaseStatus.CLOSED
    case.close_reason = reason
    case.closed_at = timezone.now()
    case.close_requested_by = None
    case.close_requested_at = None
    case.close_requested_reason = ""
    case.save(
        update_fields=[
            "status",
            "close_reason",
            "closed_at",
            "close_requested_by",
            "close_requested_at",
            "close_requested_reason",
            "updated_at",
        ]
    )
    event_record(case=case, kind="case.closed", actor=actor, reason=reason)


@transaction.atomic
def case_close(*, actor: User, case: Case, reason: str, expected_version: int | None) -> Case:
    """Close the case with a reason. With open protection needs (enhanced needs or a high
    risk), a caseworker's close is a request a supervisor approves (``case_close_decide``)."""
    require_case_access(actor, case)
    if reason not in CloseReason.values:
        raise ValidationError({"reason": [_("Choose why the case is closed.")]})
    if CaseStatus.CLOSED not in next_statuses(case):
        raise _moves_error(case, CaseStatus.CLOSED)
    if needs_close_approval(case) and not can_supervise_case(actor, case):
        case_write(
            case=case, actor=actor, action="case.close_requested", expected_version=expected_version, reason=reason
        )
        case.close_requested_by = actor
        case.close_requested_at = timezone.now()
        case.close_requested_reason = reason
        case.save(update_fields=["close_requested_by", "close_requested_at", "close_requested_reason", "updated_at"])
        event_record(case=case, kind="case.close_requested", actor=actor, reason=reason)
        return case
    case_write(case=case, actor=actor, action="case.closed", expected_version=expected_version, reason=reason)
    _close_now(case=case, actor=actor, reason=reason)
    return case


@transaction.atomic
def case_close_decide(*, actor: User, case: Case, approve: bool, expected_version: int | None) -> Case:
    """A supervisor approves or refuses a colleague's request to close the case."""
    require_case_access(actor, case)
    require(can_supervise_case(actor, case))
    if case.close_requested_at is None:
        raise ValidationError({"decision": [_("Nobody has asked to close this case.")]})
    action = "case.close_approved" if approve else "case.close_refused"
    case_write(case=case, actor=actor, action=action, expected_version=expected_version)
    if approve:
        _close_now(case=case, actor=actor, reason=case.close_requested_reason or CloseReason.OTHER)
        return case
    case.close_requested_by = None
    case.close_requested_at = None
    case.close_requested_reason = ""
    case.save(update_fields=["close_requested_by", "close_requested_at", "close_requested_reason", "updated_at"])
    event_record(case=case, kind="case.close_refused", actor=actor)
    return case


@transaction.atomic
def case_reopen(*, actor: User, case: Case, expected_version: int | None) -> Case:
    require_case_access(actor, case)
    if case.status != CaseStatus.CLOSED:
        raise _moves_error(case, CaseStatus.REOPENED)
    case_write(case=case, actor=actor, action="case.reopened", expected_version=expected_version)
    case.status = CaseStatus.REOPENED
    case.closed_at = None
    case.close_reason = ""
    case.save(update_fields=["status", "closed_at", "close_reason", "updated_at"])
    event_record(case=case, kind="case.reopened", actor=actor)
    return case


@transaction.atomic
def case_assign(*, actor: User, case: Case, assignee: User | None, expected_version: int | None) -> Case:
    """Give the case to a colleague, take it, or give it back to the intake (None)."""
    require_case_access(actor, case)
    if not can_assign_case(actor, case, assignee):
        if can_supervise_case(actor, case):
            raise ValidationError({"assignee": [_("Choose a colleague who works cases in your organisation.")]})
        raise PermissionDenied
    if (assignee.pk if assignee else None) == case.assigned_to_id:
        return case
    case_write(
        case=case,
        actor=actor,
        action="case.assigned" if assignee else "case.unassigned",
        expected_version=expected_version,
        reason=str(assignee.pk) if assignee else "",
    )
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to", "updated_at"])
    if assignee is None:
        event_record(case=case, kind="case.unassigned", actor=actor)
    else:
        event_record(case=case, kind="case.assigned", actor=actor, subject_user=assignee)
    return case


def case_assignees(*, case: Case) -> list[User]:
    """Who a supervisor may give the case to: the organisation's caseworkers and supervisors."""
    from victory.accounts.models import Membership

    users = (
        Membership.objects.in_force()
        .filter(organisation_id=case.organisation_id, role__in=CASE_ROLES)
        .values("user_id")
    )
    return list(User.objects.filter(pk__in=users).order_by("full_name", "email"))


@transaction.atomic
def case_update(*, actor: User, case: Case, expected_version: int | None, fields: IncidentFields) -> Case:
    """The incident's coded fields and summary."""
    require_case_access(actor, case)
    errors = _incident_check(fields)
    if errors:
        raise ValidationError(errors)
    case_write(case=case, actor=actor, action="case.updated", expected_version=expected_version)
    _incident_apply(case, fields)
    case.save(update_fields=[*INCIDENT_COLUMNS, "updated_at"])  # never the counters others keep
    event_record(case=case, kind="case.updated", actor=actor)
    return case


@transaction.atomic
def case_message_send(*, actor: User, case: Case, body: str, expected_version: int | None) -> Case:
    """A message to the person who reported, in their inbox (a case from a report only);
    the reporter's messages count as answered."""
    require_case_access(actor, case)
    if case.report is None:
        raise ValidationError(
            {"body": [_("This case did not come from an online report: there is no inbox to write to.")]}
        )
    case_write(case=case, actor=actor, action="case.message_sent", expected_version=expected_version)
    report_services.organisation_message_send(actor=actor, report=case.report, body=body)
    case.unread_messages = 0
    case.awaiting_reply_since = None
    case.save(update_fields=["unread_messages", "awaiting_reply_since", "updated_at"])
    event_record(case=case, kind="message.sent", actor=actor)
    return case


@transaction.atomic
def case_view(*, actor: User, case: Case, channel: str = "page") -> Case:
    """Someone reads the case: audited with how (``"page"`` or ``"api"``); the reporter's
    messages count as read. Not a write to the case: its version stays."""
    require_case_access(actor, case)
    case_read(case=case, actor=actor, channel=channel)
    if case.report is not None:
        report_services.report_open(actor=actor, report=case.report, channel=channel)
    if case.unread_messages:
        Case.objects.filter(pk=case.pk).update(unread_messages=0)
        case.unread_messages = 0
    return case


@transaction.atomic
def case_reporter_wrote(*, report_id: int) -> None:
    """The reporter sent a message: the case (if the report has one) counts it as
    unread and waiting for an answer, and its open forms learn of it (version)."""
    case = Case.objects.filter(report_id=report_id).first()
    if case is None:
        return
    version_claim(case, expected=None)
    Case.objects.filter(pk=case.pk).update(
        unread_messages=F("unread_messages") + 1,
        awaiting_reply_since=Coalesce(F("awaiting_reply_since"), timezone.now()),
    )
    event_record(case=case, kind="message.received", actor=None)


def access_log_read(*, actor: User, case: Case) -> None:
    """A supervisor looked at who looked at the case: that is audited too."""
    require_case_access(actor, case)
    require(can_supervise_case(actor, case))
    case_read(case=case, actor=actor, what="access_log")


def case_list_viewed(*, actor: User, what: str, channel: str = "page", count: int = 0) -> None:
    """A list showing case content across cases (references, task titles …) was read:
    one audit event per showing, with the list (``inbox``, ``list``, ``tasks_due``), how
    it was read and how many rows it showed, so a scraping run through the API stands out."""
    audit_record(action=f"case.{what}_viewed", actor=actor, reason=f"{channel}:{count}")
