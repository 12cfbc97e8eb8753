from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "victory.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from victory.core.signals import visit_ending
        from victory.reports.receivers import draft_discard_on_exit

        visit_ending.connect(draft_discard_on_exit, dispatch_uid="reports.draft_discard_on_exit")
