"""Every recurring job of the platform, in one place.

The scheduler (``manage.py run_worker`` starts it beside the worker) enqueues each job
when its interval has passed since it was last enqueued; the time is kept in the
database, so restarting the worker or running several does not run a job twice as often.
Later issues add their jobs (retention, statistics) to ``SCHEDULE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import Task
from django.utils import timezone

from victory.accounts.tasks import api_tokens_prune_expired
from victory.core.counters import counters_prune_expired
from victory.core.models import ScheduledJobRun
from victory.core.tasks import sessions_clear_expired
from victory.reports.tasks import reports_erase_expired_task


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    task: Task
    every: timedelta


SCHEDULE: tuple[ScheduledJob, ...] = (
    ScheduledJob("sessions_clear_expired", sessions_clear_expired, every=timedelta(hours=6)),
    ScheduledJob("api_tokens_prune_expired", api_tokens_prune_expired, every=timedelta(hours=1)),
    # Expired rate-limit counters are already ignored; this only keeps the table small.
    ScheduledJob("counters_prune_expired", counters_prune_expired, every=timedelta(hours=1)),
    # Hourly, so a reporter's deletion request is honoured within the hour.
    ScheduledJob("reports_erase_expired", reports_erase_expired_task, every=timedelta(hours=1)),
)


def schedule_enqueue_due(*, now: datetime | None = None, schedule: tuple[ScheduledJob, ...] = SCHEDULE) -> list[str]:
    """Enqueue every job whose interval has passed; returns the names enqueued."""
    now = now or timezone.now()
    enqueued = []
    for job in schedule:
        with transaction.atomic():
            run, created = ScheduledJobRun.objects.select_for_update().get_or_create(
                name=job.name, defaults={"last_enqueued_at": now}
            )
            if not created and now - run.last_enqueued_at < job.every:
                continue
            run.last_enqueued_at = now
            run.save(update_fields=["last_enqueued_at"])
            transaction.on_commit(job.task.enqueue)
            enqueued.append(job.name)
    return enqueued
