from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RestorativeConfig(AppConfig):
    name = "victory.restorative"
    verbose_name = _("Restorative programme")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects them)
