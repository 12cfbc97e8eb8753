"""The cases app's background work, run by the task queue."""

from __future__ import annotations

from django.tasks import task


@task
def cases_reduce_expired_task() -> int:
    from .services.retention import cases_reduce_expired

    return cases_reduce_expired()
