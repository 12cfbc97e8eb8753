from django.tasks import task

from . import services


@task
def api_tokens_prune_expired() -> int:
    return services.api_tokens_prune_expired()


@task
def password_link_email_task(*, user_id: int, language: str, kind: str) -> None:
    services.password_link_email_send(user_id=user_id, language=language, kind=kind)
