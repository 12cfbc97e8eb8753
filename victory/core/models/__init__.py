"""Core models: encryption-key usage, the audit chain, scheduled-job bookkeeping,
rate-limit counters."""

from .audit import AuditChainHead, AuditEvent
from .counters import Counter
from .keys import EncryptionKeyUse
from .schedule import ScheduledJobRun
from .sessions import EncryptedSession

__all__ = ["AuditChainHead", "AuditEvent", "Counter", "EncryptedSession", "EncryptionKeyUse", "ScheduledJobRun"]
