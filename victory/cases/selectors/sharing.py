"""Reads of consents and referrals, scoped: the case's own side reads its consents and
the referrals it sent; a recipient reads the referrals sent to its organisations (their
status always, the snapshot only while in force). Anything else is 404."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from victory.accounts.models import Organisation, User
from victory.reports.selectors import report_contact_allowed

from ..models import Case, ConsentRecord, Referral, ReferralStatus
from ..permissions import can_read_referral_content

RECEIVED_PAGE_SIZE = 50


def consent_list(*, case: Case) -> QuerySet[ConsentRecord]:
    """Every consent record of the case, its history included, newest first."""
    return ConsentRecord.objects.filter(case=case).select_related("recipient", "recorded_by")


def consent_get(*, case: Case, pk: int) -> ConsentRecord:
    consent = consent_list(case=case).filter(pk=pk).first()
    if consent is None:
        raise Http404
    return consent


def referral_list_sent(*, case: Case) -> QuerySet[Referral]:
    return Referral.objects.filter(case=case).select_related("recipient", "sent_by", "consent")


def referral_get_sent(*, case: Case, reference: str) -> Referral:
    referral = referral_list_sent(case=case).filter(reference=reference).first()
    if referral is None:
        raise Http404
    return referral


def referral_list_received(
    *,
    user: User,
    status: str | None = None,
    before: tuple[datetime, int] | None = None,
    limit: int = RECEIVED_PAGE_SIZE,
) -> list[Referral]:
    """Referrals received by ``user``'s organisations, newest first, one keyset page
    (``before``: the (sent_at, pk) of the last row of the previous page)."""
    rows = Referral.objects.received_by(user).select_related("sender", "recipient")
    if status in ReferralStatus.values:
        rows = rows.filter(status=status)
    if before is not None:
        sent_at, pk = before
        rows = rows.filter(sent_at__lt=sent_at) | rows.filter(sent_at=sent_at, pk__lt=pk)
    return list(rows.order_by("-sent_at", "-pk")[:limit])


def referral_get_received(*, user: User, reference: str) -> Referral:
    """A referral sent to one of ``user``'s organisations (any status), or 404."""
    referral = (
        Referral.objects.received_by(user)
        .select_related("sender", "recipient", "consent")
        .filter(reference=reference)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def referral_snapshot_for(*, user: User, referral: Referral) -> dict[str, Any] | None:
    """The snapshot, asked afresh of the database on each call: None once the consent
    was withdrawn or the referral revoked, declined or completed."""
    if not can_read_referral_content(user, referral):
        return None
    fresh = (
        Referral.objects.filter(pk=referral.pk).select_related("case").only("pk", "snapshot", "case__report").first()
    )
    if fresh is None or not fresh.snapshot:
        return {}
    snapshot = dict(fresh.snapshot)
    contact = snapshot.get("contact")
    # The report's contact details were copied when the referral was sent; they are
    # shown only while the reporter still agrees to be contacted, as on the sender's page.
    report_id = fresh.case.report_id
    if isinstance(contact, dict) and contact.get("report_contact") and report_id is not None:
        allowed = report_contact_allowed(report_id=report_id)
        snapshot["contact"] = contact if allowed else {**contact, "report_contact": None}
    return snapshot


def recipient_choices(*, case: Case) -> QuerySet[Organisation]:
    """The organisations a case may be referred to: every other active one."""
    return Organisation.objects.active().exclude(pk=case.organisation_id).order_by("name")
