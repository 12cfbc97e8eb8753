from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "victory.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the start-up checks)
        from .keyring import keyring_validate

        # Here rather than only in a system check: gunicorn and the commands that skip
        # checks (shell, the worker) start through ready() too, and must not start on a
        # keyring that cannot encrypt the first report.
        keyring_validate()
