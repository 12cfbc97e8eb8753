"""Who may do what in the restorative programme: one function per rule, asked by views,
the API and the services alike, each through the querysets of ``models``.

- a supervisor of the restorative-justice organisation answers referrals into the
  programme, assigns facilitators, reviews every open process (supervision) and reads
  its progress, never the restorative notes;
- a facilitator there sees the waiting referrals and works the processes they facilitate
  or co-facilitate, and only they read what is said in the process;
- a member of a justice organisation (police, prosecution, court) refers a case to a
  restorative service;
- nobody else reads a process: the referring caseworker sees their referral's status.

The facilitator is impartial (Art. 12; CM/Rec(2018)8 § 48): ``facilitator_conflicts``
names each reason a candidate may not facilitate.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import Membership, OrganisationKind, Role, User

from .models import PROGRAMME_ROLES, ReferralDecision, RestorativeProcess

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from victory.accounts.models import Organisation

JUSTICE_KINDS = (OrganisationKind.POLICE, OrganisationKind.PROSECUTION, OrganisationKind.COURT)


def _holds(user: User | AnonymousUser, organisation_id: int, roles: tuple[str, ...]) -> bool:
    if not isinstance(user, User):
        return False
    return (
        Membership.objects.in_force().filter(user_id=user.pk, organisation_id=organisation_id, role__in=roles).exists()
    )


def can_read_process(user: User | AnonymousUser, process: RestorativeProcess) -> bool:
    return RestorativeProcess.objects.visible_to(user).filter(pk=process.pk).exists()


def can_facilitate(user: User | AnonymousUser, process: RestorativeProcess) -> bool:
    """Work the process and read its confidential record: its facilitators only."""
    return RestorativeProcess.objects.facilitated_by(user).filter(pk=process.pk).exists()


def can_supervise_programme(user: User | AnonymousUser, organisation_id: int) -> bool:
    return _holds(user, organisation_id, (Role.SUPERVISOR.value,))


def can_answer_referral(user: User | AnonymousUser, process: RestorativeProcess) -> bool:
    return process.decision == ReferralDecision.PENDING and can_supervise_programme(user, process.organisation_id)


def can_refer_from_justice(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """A member of a police force, prosecution service or court refers from there."""
    return organisation.kind in JUSTICE_KINDS and _holds(
        user, organisation.pk, (Role.JUSTICE_LIAISON.value, Role.CASEWORKER.value, Role.SUPERVISOR.value)
    )


def works_in_programme(user: User | AnonymousUser, organisation_id: int) -> bool:
    return _holds(user, organisation_id, PROGRAMME_ROLES)


def facilitator_conflicts(process: RestorativeProcess, candidate: User) -> list[Promise]:
    """Each reason ``candidate`` may not facilitate ``process``; empty when they may."""
    reasons: list[Promise] = []
    if not _holds(candidate, process.organisation_id, (Role.FACILITATOR.value,)):
        reasons.append(_("They are not a facilitator of this restorative service."))
    case = process.case
    referral = process.case_referral
    if case is not None and referral is not None and candidate.pk in {case.assigned_to_id, referral.sent_by_id}:
        reasons.append(_("They are the person harmed's caseworker: a facilitator is impartial."))
    if process.referred_by_user_id == candidate.pk:
        reasons.append(_("They referred this case: a facilitator is impartial."))
    if (
        _holds(candidate, process.referred_by_id, tuple(Role.values))
        and process.referred_by_id != process.organisation_id
    ):
        reasons.append(_("They work for the organisation that referred the case: a facilitator is impartial."))
    if process.participants.filter(user_id=candidate.pk).exists():
        reasons.append(_("They take part in this process themselves."))
    if process.participants.filter(linked_staff=candidate).exists():
        reasons.append(_("A participant said they know them: a facilitator is impartial."))
    return reasons
