"""Background work for accounts, run by the task queue: pruning tokens and the e-mails.
E-mails go through the queue so that a page answers at once and as fast whatever they
find (a password reset says nothing about whether the account exists). The services
they call send through ``victory.core.mail.mail_send``; ``mail_failures_hidden`` is the
backstop for anything else they may call, so no refused address reaches the task's
stored failure or the worker's log."""

from django.tasks import task

from victory.core.mail import mail_failures_hidden

from . import services


@task
def api_tokens_prune_expired() -> int:
    return services.api_tokens_prune_expired()


@task
@mail_failures_hidden
def password_link_email_task(*, user_id: int, language: str, kind: str) -> None:
    services.password_link_email_send(user_id=user_id, language=language, kind=kind)


@task
@mail_failures_hidden
def two_factor_notice_email_task(*, user_id: int, language: str, kind: str) -> None:
    services.two_factor_notice_email_send(user_id=user_id, language=language, kind=kind)


@task
@mail_failures_hidden
def password_reset_email_task(*, email_digest: str, language: str) -> None:
    services.password_reset_email_send(email_digest=email_digest, language=language)


@task
@mail_failures_hidden
def role_grant_notify_task(*, grant_id: int, event: str) -> int:
    return services.role_grant_notice_send(grant_id=grant_id, event=event)


@task
@mail_failures_hidden
def organisation_admin_added_notify_task(*, organisation_id: int, user_id: int, actor_id: int) -> int:
    return services.organisation_admin_added_notice_send(
        organisation_id=organisation_id, user_id=user_id, actor_id=actor_id
    )


@task
@mail_failures_hidden
def role_lost_notify_task(*, organisation_id: int, user_id: int, role: str, actor_id: int | None) -> int:
    return services.role_lost_notice_send(
        organisation_id=organisation_id, user_id=user_id, role=role, actor_id=actor_id
    )


@task
@mail_failures_hidden
def platform_admin_created_notify_task(*, user_id: int) -> int:
    return services.platform_admin_created_notice_send(user_id=user_id)
