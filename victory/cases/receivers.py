"""What the cases app does when the reports app tells it something."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from victory.reports.models import Report
from victory.reports.signals import reporter_message_sent


@receiver(reporter_message_sent, dispatch_uid="cases.reporter_message_counted")
def reporter_message_counted(sender: Any, *, report: Report, **kwargs: Any) -> None:
    """The reporter wrote: their case counts an unread message waiting for an answer."""
    from .services.case import case_reporter_wrote

    case_reporter_wrote(report_id=report.pk)
