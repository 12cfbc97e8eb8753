"""Platform housekeeping tasks, run by the worker and enqueued by the scheduler."""

from django.tasks import task

from victory.core.sessions import SessionStore


@task
def sessions_clear_expired() -> None:
    """Delete expired sessions (Django keeps them until someone removes them)."""
    SessionStore.clear_expired()
