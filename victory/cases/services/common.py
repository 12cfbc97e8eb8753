"""What every case service does around its own change: check the rule, claim the case's
next version (no lost updates), audit, and write the timeline."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from victory.accounts.models import User
from victory.core.audit import audit_record

from ..concurrency import version_claim
from ..models import Case
from ..permissions import can_work_case


def require_case_access(actor: User, case: Case) -> None:
    """A case outside the actor's scope is not found (404), never "forbidden": its
    existence is not confirmed to someone who may not see it."""
    if not can_work_case(actor, case):
        raise Http404


def require(condition: bool) -> None:
    """For rules inside a case the actor sees (a supervisor's approval): 403."""
    if not condition:
        raise PermissionDenied


def case_write(*, case: Case, actor: User | None, action: str, expected_version: int | None, reason: str = "") -> None:
    """Claim the case's next version (``StaleEdit`` if it moved since ``expected_version``)
    and audit the write. Call first in the service's transaction, after its checks."""
    version_claim(case, expected=expected_version)
    audit_record(action=action, actor=actor, organisation=case.organisation, obj=case, reason=reason)


def case_read(*, case: Case, actor: User, what: str = "case", channel: str = "page") -> None:
    """Audit a read of the case (or of one part: ``what``), with how it was read."""
    audit_record(action=f"case.read.{what}", actor=actor, organisation=case.organisation, obj=case, reason=channel)
