"""Platform housekeeping tasks, run by the worker and enqueued by the scheduler."""

from django.contrib.sessions.models import Session
from django.tasks import task
from django.utils import timezone


@task
def sessions_clear_expired() -> int:
    """Delete expired sessions (Django keeps them until someone removes them)."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
