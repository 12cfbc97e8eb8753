from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from victory.core.fields import EncryptedTextField

# Updates the chain tolerates: re-encrypting ``reason`` (rotate_keys; the hash covers
# the plaintext, which does not change) and clearing ``actor`` when a user is deleted
# (on_delete=SET_NULL; ``actor_ref`` keeps who it was). The PostgreSQL trigger in
# migration 0002_audit_append_only allows the same two and nothing else.
_TOLERATED_UPDATES = frozenset({"reason", "actor", "actor_id"})


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit event."""


# update and delete stay marked alters_data (QuerySet's AltersData base carries the mark
# over to overrides), so a template never calls them.
class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        if not kwargs.keys() <= _TOLERATED_UPDATES or any(
            kwargs[name] is not None for name in kwargs.keys() & {"actor", "actor_id"}
        ):
            raise AppendOnlyError("Audit events are append-only; only 'reason' may be re-encrypted.")
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit events are append-only and cannot be deleted.")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list["AuditEvent"]:
        raise AppendOnlyError("Append audit events with victory.core.audit.audit_record().")


class AuditEvent(models.Model):
    """One append-only, hash-chained record of who did what to which object, and why.

    ``sequence`` is assigned by the chain (no gaps), ``previous_hash`` links to the
    event before and ``event_hash`` covers this event's content plus that link, so
    an altered, deleted or reordered event is detected by ``manage.py verify_audit``.
    """

    sequence = models.PositiveBigIntegerField(_("sequence"), unique=True)
    occurred_at = models.DateTimeField(_("occurred at"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept beside the foreign key so the chain still verifies after a user is deleted.
    actor_ref = models.CharField(_("actor"), max_length=64, blank=True)
    organisation_ref = models.CharField(_("organisation"), max_length=64, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True, db_index=True)
    # Free text may identify someone, so it is encrypted; the hash covers the plaintext.
    reason = EncryptedTextField(_("reason"), blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    event_hash = models.CharField(_("event hash"), max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError(f"Audit event {self.sequence} is append-only; it cannot change.")
        # Never let a stale primary key turn this insert into an UPDATE of another event.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError(f"Audit event {self.sequence} is append-only; it cannot be deleted.")


class AuditChainHead(models.Model):
    """The single row that holds the chain's last sequence and hash.

    Appending locks this row, so concurrent writers serialise, and truncating
    the newest events is detected because the head still names them.
    """

    last_sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_sequence} {self.last_hash[:12]}"
