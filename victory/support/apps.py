from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "victory.support"
    label = "support"
    verbose_name = _("Support")

    def ready(self) -> None:
        # Any change to what public pages show makes every cached public page stale.
        from django.db.models.signals import post_delete, post_save

        from victory.core.cache import public_content_changed

        from . import models

        def changed(**kwargs: object) -> None:
            public_content_changed()

        for model in (
            models.SupportService,
            models.SupportServiceTranslation,
            models.ContentPage,
            models.ContentTranslation,
            models.CountryNote,
            models.HelplineAvailability,
        ):
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"public-cache-{model.__name__}")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"public-cache-del-{model.__name__}")
