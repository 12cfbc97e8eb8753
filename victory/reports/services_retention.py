"""Retention: reports past their date (or whose reporter asked) are erased, with their
files; drafts' files left for a day and expired reporter tokens go too."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from victory.core.audit import audit_record

from .models import (
    Report,
    ReporterToken,
    ReportEvidence,
)


def reports_erase_expired(*, now: datetime | None = None) -> int:
    """Erase reports past their retention date (or whose reporter asked), that never
    became a case; drafts' files left for a day; expired reporter tokens."""
    now = now or timezone.now()
    erased = 0
    for report in Report.objects.filter(erase_after__lte=now, became_case=False).select_related("organisation"):
        with transaction.atomic():
            files = [(e.file.storage, e.file.name) for e in report.evidence.all()]
            organisation = report.organisation
            audit_record(
                action="report.erased",
                organisation=organisation,
                object_type="reports.report",
                object_id=str(report.pk),
                reason="deletion requested" if report.deletion_requested_at else "retention period ended",
            )
            report.delete()
            for storage, name in files:
                if name:
                    transaction.on_commit(functools.partial(storage.delete, name))
        erased += 1
    stale_drafts = ReportEvidence.objects.filter(report__isnull=True, created_at__lt=now - timedelta(days=1))
    for evidence in stale_drafts:
        storage, name = evidence.file.storage, evidence.file.name
        evidence.delete()
        if name:
            storage.delete(name)
    ReporterToken.objects.filter(expires_at__lte=now).delete()
    return erased
