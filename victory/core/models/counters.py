from django.db import models
from django.utils.translation import gettext_lazy as _


class Counter(models.Model):
    """One integer of the counter store (``victory.core.counters.CounterStore``): a
    rate-limit count, lock or gate, or the public content version.

    A table of its own, so that nothing but a counter's own expiry removes it: the page
    cache, however full, culls only pages. ``expires_at`` is empty for counters that
    never expire; expired rows are ignored at once and deleted by a scheduled job.
    """

    key = models.CharField(_("key"), max_length=250, primary_key=True)
    value = models.BigIntegerField(_("value"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")

    def __str__(self) -> str:
        return self.key
