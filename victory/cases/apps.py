from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "victory.cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects them)
