from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJobRun(models.Model):
    """When the scheduler last enqueued each job of ``victory.core.schedule`` (every app's ``jobs.JOBS``)."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    last_enqueued_at = models.DateTimeField(_("last enqueued at"))

    class Meta:
        verbose_name = _("scheduled job run")
        verbose_name_plural = _("scheduled job runs")

    def __str__(self) -> str:
        return self.name
