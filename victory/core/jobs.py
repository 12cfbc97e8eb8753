"""Core's recurring jobs (found by ``victory.core.schedule``)."""

from datetime import timedelta

from victory.core.counters import counters_prune_expired
from victory.core.schedule import ScheduledJob
from victory.core.tasks import sessions_clear_expired

JOBS = (
    ScheduledJob("sessions_clear_expired", sessions_clear_expired, every=timedelta(hours=6)),
    # Expired rate-limit counters are already ignored; this only keeps the table small.
    ScheduledJob("counters_prune_expired", counters_prune_expired, every=timedelta(hours=1)),
)
