"""What the cases app does when the reports app tells it something."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from victory.reports.models import Report
from victory.reports.signals import report_consent_changed, reporter_message_sent


@receiver(reporter_message_sent, dispatch_uid="cases.reporter_message_counted")
def reporter_message_counted(sender: Any, *, report: Report, **kwargs: Any) -> None:
    """The reporter wrote: their case counts an unread message waiting for an answer."""
    from .services.case import case_reporter_wrote

    case_reporter_wrote(report_id=report.pk)


@receiver(report_consent_changed, dispatch_uid="cases.report_consent_followed")
def report_consent_followed(sender: Any, *, report: Report, purpose: str, granted: bool, **kwargs: Any) -> None:
    """The reporter changed a consent on the report's page: the case's copy follows."""
    from .services.consent import consents_follow_report

    consents_follow_report(report_id=report.pk, purpose=purpose, granted=granted)
