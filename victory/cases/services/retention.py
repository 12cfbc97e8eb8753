"""Retention: a closed case past ``VICTORY_CASE_RETENTION_DAYS`` (and under no legal
hold) is reduced to its statistical fields (DESIGN.md "Retention").

What stays: the coded fields that statistics count (status, close reason, country, bias
motivations, incident types, online, month, risk and protection levels, intake channel,
language, organisation, the dates) and the timeline, whose events hold codes only. What
goes: the people, notes and tasks; the needs assessments' answers; the consents' notes;
the conferences' texts; the referrals' shared copies and messages; the case's summary,
exact date and location; the link to the report (which the reports' retention then
erases). Each case is reduced in its own transaction, so an interrupted run leaves every
case either whole or reduced, and the next run goes on where it stopped."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from victory.core.audit import audit_record

from ..models import (
    Case,
    CaseConference,
    CaseStatus,
    ConferenceAction,
    ConsentRecord,
    NeedsAssessment,
    Referral,
    RiskFlag,
)
from ..timeline import event_record
from .rights import _release_report

BATCH_SIZE = 200


def cases_expired(*, now: datetime, skipping: set[int] | frozenset[int] = frozenset()) -> list[int]:
    """Ids of closed cases past retention, not yet reduced (the legal hold, encrypted, is
    checked per case)."""
    cutoff = now - timedelta(days=settings.VICTORY_CASE_RETENTION_DAYS)
    return list(
        Case.objects.filter(status=CaseStatus.CLOSED, closed_at__lt=cutoff, reduced_at__isnull=True)
        .exclude(pk__in=skipping)
        .order_by("closed_at", "pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )


def _texts_erase(case: Case) -> None:
    case.people.all().delete()
    case.notes.all().delete()
    case.tasks.all().delete()
    for assessment in NeedsAssessment.objects.filter(case=case):
        assessment.answers = {}
        assessment.reason = ""
        assessment.save(update_fields=["answers", "reason"], erasing=True)
    for consent in ConsentRecord.objects.filter(case=case).exclude(note=""):
        consent.note = ""
        consent.save(update_fields=["note"])
    RiskFlag.objects.filter(case=case).update(reason="", clear_reason="")
    CaseConference.objects.filter(case=case).update(victim_wishes="", agenda="", minutes="", person_summary="")
    ConferenceAction.objects.filter(conference__case=case).update(description="")
    for referral in Referral.objects.filter(case=case).only("pk"):
        referral.snapshot = {}
        referral.save(update_fields=["snapshot"])
    Referral.objects.filter(case=case).update(message="", answer_note="", revoke_reason="", vital_interest_reason="")


def case_reduce(*, case_id: int, now: datetime) -> bool:
    """Reduce one case, in its own transaction; False if it no longer qualifies (reopened,
    put under a legal hold or reduced since it was listed)."""
    cutoff = now - timedelta(days=settings.VICTORY_CASE_RETENTION_DAYS)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("organisation", "report")
            .filter(pk=case_id, status=CaseStatus.CLOSED, closed_at__lt=cutoff, reduced_at__isnull=True)
            .first()
        )
        if case is None or case.legal_hold:
            return False
        _texts_erase(case)
        _release_report(case, now=now)
        case.summary = ""
        case.occurred_date = ""  # the month stays: statistics count by month
        case.location = ""
        case.reduced_at = now
        case.save(update_fields=["summary", "occurred_date", "location", "reduced_at"])
        audit_record(action="case.reduced", organisation=case.organisation, obj=case, reason="retention period ended")
        event_record(case=case, kind="case.reduced", actor=None)
    return True


def cases_reduce_expired(*, now: datetime | None = None, batches: int | None = None) -> int:
    """Reduce every expired case, a batch at a time; returns how many were reduced.
    ``batches`` caps the run (None: until none is left)."""
    now = now or timezone.now()
    reduced = 0
    done_batches = 0
    skipped: set[int] = set()
    while batches is None or done_batches < batches:
        ids = cases_expired(now=now, skipping=skipped)
        if not ids:
            break
        for pk in ids:
            if case_reduce(case_id=pk, now=now):
                reduced += 1
            else:
                skipped.add(pk)
        done_batches += 1
    return reduced
