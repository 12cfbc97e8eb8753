from django.tasks import task

from . import services


@task
def api_tokens_prune_expired() -> int:
    return services.api_tokens_prune_expired()


@task
def set_password_email_task(*, user_id: int, language: str) -> None:
    services.set_password_email_send(user_id=user_id, language=language)
