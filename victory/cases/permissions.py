"""Who may do what with cases: one function per rule, asked by views, the API and the
services alike. Each asks the querysets in ``victory.cases.models`` (``Case.objects
.visible_to``, ``Referral.objects.received_by``), so a check and a list cannot disagree.

The rules (issue 10, DESIGN.md "Data protection model"):
- a caseworker works their organisation's unassigned intake and their own cases;
- a supervisor every case of the organisation; approves closing a case with open
  protection needs; sees who looked at a case; may share on a vital-interest ground;
  convenes case conferences;
- a justice liaison (and the caseworkers and supervisors of a recipient) reads only what
  was referred to the organisation, while the referral is in force;
- an analyst, an organisation administrator and a platform administrator read no case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from victory.accounts.models import Membership, Role, User

from .models import (
    CASE_ROLES,
    Case,
    CaseConference,
    CaseNote,
    ProtectionLevel,
    Referral,
    RiskLevel,
    organisations_working_cases_for,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from victory.accounts.models import Organisation


def _holds(user: User | AnonymousUser, organisation_id: int, roles: tuple[str, ...]) -> bool:
    if not isinstance(user, User):
        return False
    return (
        Membership.objects.in_force().filter(user_id=user.pk, organisation_id=organisation_id, role__in=roles).exists()
    )


def can_open_case(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Open a case for the organisation (from a report, or phone, walk-in, third party)."""
    return organisations_working_cases_for(user).filter(pk=organisation.pk).exists()


def can_work_case(user: User | AnonymousUser, case: Case) -> bool:
    """Read and write the case: the rule every case page and endpoint asks."""
    return Case.objects.visible_to(user).filter(pk=case.pk).exists()


def is_supervisor_of(user: User | AnonymousUser, organisation_id: int) -> bool:
    return _holds(user, organisation_id, (Role.SUPERVISOR.value,))


def can_supervise_case(user: User | AnonymousUser, case: Case) -> bool:
    """Approve closing with open protection needs, see who looked at the case, share on a
    vital-interest ground, record a legal hold, review a vital-interest sharing."""
    return is_supervisor_of(user, case.organisation_id)


def can_assign_case(user: User | AnonymousUser, case: Case, assignee: User | None) -> bool:
    """A supervisor assigns anyone who works cases there; a caseworker takes a case for
    themselves or gives their own case back to the intake."""
    if can_supervise_case(user, case):
        return assignee is None or _holds(assignee, case.organisation_id, CASE_ROLES)
    if not can_work_case(user, case):
        return False
    if assignee is None:
        return case.assigned_to_id == getattr(user, "pk", None)
    return assignee.pk == getattr(user, "pk", None)


def can_read_assessment(user: User | AnonymousUser, case: Case) -> bool:
    """The needs assessment's own rule: read by whoever the case is assigned to and by
    the organisation's supervisors, not by every colleague who sees the intake, and never
    by another organisation (a referral carries it only when chosen and consented)."""
    if can_supervise_case(user, case):
        return True
    return (
        case.assigned_to_id is not None
        and case.assigned_to_id == getattr(user, "pk", None)
        and can_work_case(user, case)
    )


def can_read_note(user: User | AnonymousUser, note: CaseNote) -> bool:
    """A confidential note: its author and the supervisors. Any other note: whoever works the case."""
    if not note.confidential:
        return True
    return note.author_id == getattr(user, "pk", None) or is_supervisor_of(user, note.case.organisation_id)


def needs_close_approval(case: Case) -> bool:
    """Closing a case whose protection needs are open waits for a supervisor."""
    return case.protection_level == ProtectionLevel.ENHANCED or case.risk_level == RiskLevel.HIGH


def can_receive_referral(user: User | AnonymousUser, referral: Referral) -> bool:
    """Answer a referral (accept, decline, complete) and read its status."""
    return Referral.objects.received_by(user).filter(pk=referral.pk).exists()


def can_read_referral_content(user: User | AnonymousUser, referral: Referral) -> bool:
    """Read the shared snapshot: a recipient, while the referral is in force. A withdrawn
    consent or a revocation ends it in the same request."""
    return Referral.objects.received_by(user).in_force().filter(pk=referral.pk).exists()


def can_convene_conference(user: User | AnonymousUser, case: Case) -> bool:
    """A supervisor of the case's organisation, for a high-risk case."""
    return can_supervise_case(user, case) and (
        case.risk_level == RiskLevel.HIGH or case.protection_level == ProtectionLevel.ENHANCED
    )


def can_read_conference(user: User | AnonymousUser, conference: CaseConference) -> bool:
    """The case's own side (who works the case), or the receivers of an invited
    organisation (who see the shared plan, never the case file) while a referral of the
    case to that organisation is in force: a withdrawn consent or a revocation ends their
    access in the same request, as for the referral's snapshot."""
    if can_work_case(user, conference.case):
        return True
    if not isinstance(user, User):
        return False
    from .models import organisations_receiving_for

    return (
        Referral.objects.in_force()
        .filter(case_id=conference.case_id, recipient_id__in=organisations_receiving_for(user))
        .filter(recipient__in=conference.organisations.all())
        .exists()
    )


def can_manage_reply_templates(user: User | AnonymousUser, organisation: Organisation) -> bool:
    return _holds(user, organisation.pk, (Role.SUPERVISOR.value, Role.ORG_ADMIN.value))
