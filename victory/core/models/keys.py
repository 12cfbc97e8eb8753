from django.db import models
from django.utils.translation import gettext_lazy as _


class EncryptionKeyUse(models.Model):
    """A key id that has encrypted data in this database.

    Kept so that start-up can refuse to run when data exists under a key the
    keyring no longer holds, instead of silently generating a new key.
    """

    key_id = models.CharField(_("key id"), max_length=32, unique=True)
    first_used_at = models.DateTimeField(_("first used at"), auto_now_add=True)

    class Meta:
        verbose_name = _("encryption key use")
        verbose_name_plural = _("encryption key uses")

    def __str__(self) -> str:
        return self.key_id
