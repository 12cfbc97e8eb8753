"""The scheduler of recurring jobs. Each app declares its own jobs in ``<app>/jobs.py``
as ``JOBS`` (a tuple of ``ScheduledJob``), and the scheduler discovers them in every
installed app: core knows no app (the import contracts in pyproject.toml hold it).

The scheduler (``manage.py run_worker`` starts it beside the worker) enqueues each job
when its interval has passed since it was last enqueued; the time is kept in the
database, so restarting the worker or running several does not run a job twice as often.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import transaction
from django.tasks import Task
from django.utils import timezone

from victory.core.models import ScheduledJobRun


@dataclass(frozen=True)
class ScheduledJob:
    name: str
    task: Task[..., Any]
    every: timedelta


def schedule_jobs() -> tuple[ScheduledJob, ...]:
    """Every app's ``jobs.JOBS``, in the order of INSTALLED_APPS."""
    found: list[ScheduledJob] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.jobs"
        if find_spec(module_name) is None:
            continue
        found.extend(import_module(module_name).JOBS)
    names = [job.name for job in found]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"Two scheduled jobs share a name: {', '.join(duplicates)}")
    return tuple(found)


def schedule_enqueue_due(*, now: datetime | None = None, schedule: tuple[ScheduledJob, ...] | None = None) -> list[str]:
    """Enqueue every job whose interval has passed; returns the names enqueued."""
    now = now or timezone.now()
    schedule = schedule_jobs() if schedule is None else schedule
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
