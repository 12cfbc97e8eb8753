"""Requests for roles that read reports (four eyes): approved or refused by someone
else with standing, never by the person who asked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.permissions import (
    can_decide_role_grant,
    can_withdraw_role_grant,
    role_grant_standing_conflict,
)
from victory.core.audit import audit_record

from ..models import (
    Membership,
    Role,
    RoleGrant,
    RoleGrantStatus,
    User,
)
from .members import _audit_reason, _last_admin_guard, _membership_create, _membership_set_role
from .role_notices import _role_notice_enqueue, _welcome_enqueue

# --- Requests for roles that read reports (four eyes) ---------------------------------


def _role_grant_locked(grant: RoleGrant) -> RoleGrant:
    """The request, locked, as it is now: of two people deciding at once, one decides."""
    locked = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    if locked.status != RoleGrantStatus.PENDING:
        raise ValidationError(_("This request was already decided."))
    return locked


def _role_grant_decider_check(*, actor: User, grant: RoleGrant) -> None:
    if can_decide_role_grant(actor, grant):
        return
    if role_grant_standing_conflict(actor, grant):
        raise PermissionDenied(
            _(
                "You cannot decide this request: you were made an administrator by the person who asked "
                "for it or the person it is for, or by someone they made one. Another administrator decides."
            )
        )
    raise PermissionDenied


def _role_grant_decided(*, actor: User, grant: RoleGrant, status: RoleGrantStatus) -> None:
    grant.status = status
    grant.decided_by = actor
    grant.decided_at = timezone.now()
    grant.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(
        action=f"role_grant.{status}",
        actor=actor,
        organisation=grant.organisation,
        obj=grant,
        reason=_audit_reason(grant.role, grant.reason, grant.previous_role),
    )


@transaction.atomic
def role_grant_approve(*, actor: User, grant: RoleGrant) -> Membership:
    """Give the requested role. Only someone in ``role_grant_deciders``: another
    administrator of the organisation, never the person who asked or the person it is
    for, nor one whose administrator standing comes from either of them."""
    grant = _role_grant_locked(grant)
    _role_grant_decider_check(actor=actor, grant=grant)
    user, organisation, role = grant.user, grant.organisation, Role(grant.role)
    if not user.is_active:
        raise ValidationError(_("This person's account is deactivated, so the role cannot be given."))
    membership = grant.membership
    if grant.previous_role:
        if membership is None or membership.role != grant.previous_role:
            raise ValidationError(
                _("This person's role changed after the request was made. Refuse this request and make a new one.")
            )
        _last_admin_guard(membership)
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError(_("This person already has that role in this organisation."))
    if membership is not None and grant.previous_role:
        _membership_set_role(actor=actor, membership=membership, role=role, reason=grant.reason)
    else:
        membership = _membership_create(
            actor=actor, organisation=organisation, user=user, role=role, reason=grant.reason
        )
    _role_grant_decided(actor=actor, grant=grant, status=RoleGrantStatus.APPROVED)
    if grant.invite_language:
        _welcome_enqueue(user=user, language=grant.invite_language)
    _role_notice_enqueue(grant_id=grant.pk, event="approved")
    return membership


@transaction.atomic
def role_grant_refuse(*, actor: User, grant: RoleGrant) -> RoleGrant:
    """Refuse a pending request (someone who may approve it), or take it back (the person
    who asked for it)."""
    grant = _role_grant_locked(grant)
    if can_decide_role_grant(actor, grant):
        _role_grant_decided(actor=actor, grant=grant, status=RoleGrantStatus.REFUSED)
        _role_notice_enqueue(grant_id=grant.pk, event="refused")
    elif can_withdraw_role_grant(actor, grant):
        _role_grant_decided(actor=actor, grant=grant, status=RoleGrantStatus.WITHDRAWN)
    else:
        _role_grant_decider_check(actor=actor, grant=grant)
    return grant
