"""The cases app's background work, run by the task queue."""

from __future__ import annotations

from django.tasks import task


@task
def cases_reduce_expired_task() -> int:
    from .services.retention import cases_reduce_expired

    return cases_reduce_expired()


@task
def consents_expire_due_task() -> int:
    """Given consents past their end become expired, and what rested on them ends. (Access
    already ended on the day: ``ConsentRecord.objects.in_force`` reads the end date.)"""
    from django.utils import timezone

    from .services.consent import consents_expire_due

    return consents_expire_due(today=timezone.localdate())
