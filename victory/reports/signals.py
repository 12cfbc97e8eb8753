"""What the reports app tells the apps built on it, without knowing them (the layers:
cases build on reports, never the other way)."""

from __future__ import annotations

from django.dispatch import Signal

# The reporter sent a message; sent inside the transaction that stored it.
# Arguments: ``report`` (the Report), ``message`` (the ReportMessage).
reporter_message_sent = Signal()
