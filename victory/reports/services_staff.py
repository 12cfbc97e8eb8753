"""The receiving organisation: opening a report, replying, the status, the files; and
the platform administrators' configuration of who receives a country's reports."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Organisation, User
from victory.accounts.permissions import can_handle_reports
from victory.core.audit import audit_record

from . import selectors
from .models import (
    Report,
    ReportEvidence,
    ReportMessage,
    ReportStatus,
    ReportStatusChange,
    Sender,
)
from .services_reporter import _message_body_check


def _require_handler(actor: User, report: Report) -> None:
    if not can_handle_reports(actor, report.organisation):
        raise PermissionDenied


@transaction.atomic
def report_open(*, actor: User, report: Report, channel: str = "page") -> Report:
    """A caseworker reads a report: audited with the way it was read (``"page"`` or
    ``"api"``, so scripted reads stand out), and the reporter's messages count as read."""
    _require_handler(actor, report)
    report.messages.filter(sender=Sender.REPORTER, read_at__isnull=True).update(read_at=timezone.now())
    audit_record(action="report.opened", actor=actor, organisation=report.organisation, obj=report, reason=channel)
    return report


@transaction.atomic
def organisation_message_send(*, actor: User, report: Report, body: str) -> ReportMessage:
    _require_handler(actor, report)
    _message_body_check(body)
    if report.status == ReportStatus.RECEIVED:  # first, so the reporter's timeline reads in order
        _status_change(report=report, status=ReportStatus.IN_REVIEW)
    message = ReportMessage.objects.create(report=report, sender=Sender.ORGANISATION, author=actor, body=body)
    audit_record(action="report.message_to_reporter", actor=actor, organisation=report.organisation, obj=report)
    from .tasks import reporter_reply_notify_task

    transaction.on_commit(lambda: reporter_reply_notify_task.enqueue(report_id=report.pk))
    return message


def _status_change(*, report: Report, status: str, referred_to: str = "") -> None:
    report.status = status
    report.referred_to = referred_to if status == ReportStatus.REFERRED else ""
    report.save(update_fields=["status", "referred_to", "updated_at"])
    ReportStatusChange.objects.create(report=report, status=status)


@transaction.atomic
def report_status_set(*, actor: User, report: Report, status: str, referred_to: str = "") -> Report:
    _require_handler(actor, report)
    if status not in ReportStatus.values:
        raise ValidationError({"status": [_("Choose one of the listed statuses.")]})
    if status == ReportStatus.REFERRED and not referred_to.strip():
        raise ValidationError({"referred_to": [_("Say which organisation the report was referred to.")]})
    if status != report.status or referred_to.strip() != report.referred_to:
        _status_change(report=report, status=status, referred_to=referred_to.strip())
        audit_record(
            action="report.status_changed", actor=actor, organisation=report.organisation, obj=report, reason=status
        )
    return report


def report_list_viewed(*, actor: User, organisation_ids: list[int]) -> None:
    """A caseworker saw the list of their organisations' reports (references, countries,
    statuses): audited once per view."""
    audit_record(action="report.list_viewed", actor=actor, reason=",".join(map(str, organisation_ids)))


def evidence_open(*, actor: User, evidence: ReportEvidence) -> bytes:
    """A caseworker downloads a file: audited, decrypted in memory only."""
    assert evidence.report is not None
    _require_handler(actor, evidence.report)
    audit_record(
        action="report.evidence_opened",
        actor=actor,
        organisation=evidence.report.organisation,
        obj=evidence.report,
        reason=str(evidence.pk),
    )
    with evidence.file.open("rb") as handle:
        data: bytes = handle.read()
    return data


# --- Configuration (platform administrators) --------------------------------------


@transaction.atomic
def country_intake_set(*, actor: User | None, country: str, organisation: Organisation) -> None:
    """Which organisation receives a country's reports by default ("*": any other country).
    ``actor`` None means the platform itself (demo seeding)."""
    from victory.accounts.permissions import administers_platform

    from .models import CountryIntake

    if actor is not None and not administers_platform(actor):
        raise PermissionDenied
    country = country.strip().upper()
    # ASCII letters only: str.upper() and isalpha() accept any script, and a code outside
    # the list would configure an intake no report is ever sent to.
    if country != "*" and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise ValidationError(
            {"country": [_("Enter a two-letter country code, such as PT, or * for every other country.")]}
        )
    if country != "*" and country not in selectors.country_codes():
        raise ValidationError({"country": [_("Choose a country from the list.")]})
    CountryIntake.objects.update_or_create(country=country, defaults={"organisation": organisation})
    audit_record(action="report.intake_configured", actor=actor, organisation=organisation, reason=country)


def report_case_link_set(*, report: Report, became_case: bool, erase_at: datetime | None = None) -> None:
    """The apps built on reports say whether the report is now worked as a case (it then
    leaves the intake lists and is never erased by report retention) or no longer is
    (its case's person asked for erasure, or the case's retention ended): then it is due
    for the reports' retention job at ``erase_at`` if given."""
    updates: dict[str, object] = {"became_case": became_case}
    if erase_at is not None:
        updates["erase_after"] = erase_at
    Report.objects.filter(pk=report.pk).update(**updates)
    report.became_case = became_case
    audit_record(
        action="report.became_case" if became_case else "report.case_released",
        organisation=report.organisation,
        obj=report,
    )
