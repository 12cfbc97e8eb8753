"""Background work for accounts, run by the task queue: pruning tokens and the e-mails.
E-mails go through the queue so that a page answers at once and as fast whatever they
find (a password reset says nothing about whether the account exists)."""

from django.tasks import task

from . import services


@task
def api_tokens_prune_expired() -> int:
    return services.api_tokens_prune_expired()


@task
def password_link_email_task(*, user_id: int, language: str, kind: str) -> None:
    services.password_link_email_send(user_id=user_id, language=language, kind=kind)


@task
def two_factor_notice_email_task(*, user_id: int, language: str, kind: str) -> None:
    services.two_factor_notice_email_send(user_id=user_id, language=language, kind=kind)


@task
def password_reset_email_task(*, email_digest: str, language: str) -> None:
    services.password_reset_email_send(email_digest=email_digest, language=language)


@task
def role_grant_notify_task(*, grant_id: int, event: str) -> int:
    return services.role_grant_notice_send(grant_id=grant_id, event=event)


@task
def organisation_admin_added_notify_task(*, organisation_id: int, user_id: int, actor_id: int) -> int:
    return services.organisation_admin_added_notice_send(
        organisation_id=organisation_id, user_id=user_id, actor_id=actor_id
    )
