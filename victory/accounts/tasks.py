from django.tasks import task

from . import services


@task
def api_tokens_prune_expired() -> int:
    return services.api_tokens_prune_expired()
