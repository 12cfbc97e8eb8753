"""Core models: encryption-key usage, the audit chain, scheduled-job bookkeeping."""

from .audit import AuditChainHead, AuditEvent
from .keys import EncryptionKeyUse
from .schedule import ScheduledJobRun
from .sessions import EncryptedSession

__all__ = ["AuditChainHead", "AuditEvent", "EncryptedSession", "EncryptionKeyUse", "ScheduledJobRun"]
