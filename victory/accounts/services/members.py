"""Memberships of an organisation (written by its administrators): adding a member,
changing their role, removing them. A role that reads reports needs a second person's
approval, so asking for one opens a request (decided in ``role_grants``)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from victory.accounts.permissions import (
    can_manage_members,
    is_own_report_access,
    platform_admin_standing_from,
    role_reads_reports,
)
from victory.core.audit import audit_record

from ..models import (
    Membership,
    Organisation,
    Role,
    RoleGrant,
    RoleGrantStatus,
    User,
)
from .role_notices import _organisation_admin_added, _role_lost, _role_notice_enqueue, _welcome_enqueue
from .users import user_create

ROLE_GRANT_REASON_MAX_CHARS = 1000


def _already_requested() -> str:
    return _("A request to give this person that role is already waiting for approval.")


def _audit_reason(role: str, reason: str, previous: str = "") -> str:
    change = f"{previous} -> {role}" if previous else role
    return f"{change}: {reason}" if reason else change


def _role_grant_check(
    *, actor: User, organisation: Organisation, user: User | None, role: Role, reason: str, field: str
) -> str:
    """Why a request for a role that reads reports cannot be made, as form errors (``field``
    names the field that chose the person or role); returns the cleaned reason."""
    errors: dict[str, list[str]] = {}
    if user is not None and is_own_report_access(actor, user, role):
        errors[field] = [
            _(
                "You cannot give yourself a role that reads victims' reports. Ask another administrator "
                "to request it for you."
            )
        ]
    elif (
        user is not None
        and RoleGrant.objects.filter(
            user=user, organisation=organisation, role=role, status=RoleGrantStatus.PENDING
        ).exists()
    ):
        errors[field] = [_already_requested()]
    reason = reason.strip()
    if not reason:
        errors["reason"] = [
            _("Say why this person needs to read victims' reports. The other administrators will see it.")
        ]
    elif len(reason) > ROLE_GRANT_REASON_MAX_CHARS:
        errors["reason"] = [_("Keep the reason to %(max)s characters or fewer.") % {"max": ROLE_GRANT_REASON_MAX_CHARS}]
    if errors:
        raise ValidationError(errors)
    return reason


def _role_grant_create(
    *,
    actor: User,
    organisation: Organisation,
    user: User,
    role: Role,
    reason: str,
    membership: Membership | None = None,
    invite_language: str = "",
) -> RoleGrant:
    grant = RoleGrant(
        organisation=organisation,
        user=user,
        role=role,
        reason=reason,
        requested_by=actor,
        membership=membership,
        previous_role=membership.role if membership else "",
        invite_language=invite_language,
    )
    grant.full_clean()
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError:
        # The same request sent twice at once (a double click): the database keeps one.
        raise ValidationError(_already_requested()) from None
    audit_record(
        action="role_grant.requested",
        actor=actor,
        organisation=organisation,
        obj=grant,
        reason=_audit_reason(role, reason, grant.previous_role),
    )
    _role_notice_enqueue(grant_id=grant.pk, event="requested")
    return grant


@transaction.atomic
def member_add(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    role: str,
    full_name: str = "",
    language: str = "en",
    reason: str = "",
) -> Membership | RoleGrant:
    """Give someone a role in ``organisation``; a new person gets a set-password e-mail.

    A role that reads reports (``REPORT_HANDLER_ROLES``) is not given here but requested,
    with a reason: it takes effect when a second person approves it (``role_grant_approve``),
    and the organisation's other administrators and supervisors are told at once. Nobody
    requests it for themselves. ``actor`` None means the platform itself (demo seeding),
    which gives every role directly."""
    if actor is not None and not can_manage_members(actor, organisation):
        raise PermissionDenied
    role = Role(role)
    user = User.objects.filter_email(email).first()
    if user is not None and Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"email": _("This person already has that role in this organisation.")})
    if actor is not None and role_reads_reports(role):
        reason = _role_grant_check(
            actor=actor, organisation=organisation, user=user, role=role, reason=reason, field="email"
        )
        invite_language = ""
        if user is None:
            user = user_create(actor=actor, email=email, full_name=full_name)
            invite_language = language
        return _role_grant_create(
            actor=actor, organisation=organisation, user=user, role=role, reason=reason, invite_language=invite_language
        )
    is_new = user is None
    if user is None:
        user = user_create(actor=actor, email=email, full_name=full_name)
    membership = _membership_create(actor=actor, organisation=organisation, user=user, role=role, reason=reason.strip())
    if is_new:
        _welcome_enqueue(user=user, language=language)
    _organisation_admin_added(actor=actor, membership=membership)
    return membership


def _last_admin_guard(membership: Membership) -> None:
    if membership.role != Role.ORG_ADMIN:
        return
    others = Membership.objects.filter(organisation=membership.organisation, role=Role.ORG_ADMIN).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(_("An organisation needs at least one administrator. Add another one first."))


def _standing_given_by(*, actor: User, organisation: Organisation) -> set[int]:
    """Whom a role given by ``actor`` has its standing from: ``actor``, and everyone
    ``actor``'s own administrator standing comes from, in the organisation and on the
    platform (``victory.accounts.permissions.role_grant_deciders`` reads it)."""
    standing = {actor.pk} | platform_admin_standing_from(actor)
    own = Membership.objects.filter(user=actor, organisation=organisation, role=Role.ORG_ADMIN).first()
    if own is not None:
        standing |= set(own.standing_from.values_list("pk", flat=True))
    return standing


def _membership_create(
    *, actor: User | None, organisation: Organisation, user: User, role: Role, reason: str
) -> Membership:
    membership = Membership.objects.create(user=user, organisation=organisation, role=role, added_by=actor)
    if actor is not None:
        membership.standing_from.set(_standing_given_by(actor=actor, organisation=organisation))
    audit_record(
        action="membership.created",
        actor=actor,
        organisation=organisation,
        obj=membership,
        reason=_audit_reason(role, reason),
    )
    return membership


def _membership_set_role(*, actor: User, membership: Membership, role: Role, reason: str) -> None:
    previous = membership.role
    membership.role = role
    # Who gave the role it has now, and the chain behind them, as for a new membership.
    membership.added_by = actor
    membership.save(update_fields=["role", "added_by"])
    membership.standing_from.set(_standing_given_by(actor=actor, organisation=membership.organisation))
    audit_record(
        action="membership.role_changed",
        actor=actor,
        organisation=membership.organisation,
        obj=membership,
        reason=_audit_reason(role, reason, previous),
    )
    _role_lost(actor=actor, membership=membership, role=previous)


@transaction.atomic
def member_change_role(*, actor: User, membership: Membership, role: str, reason: str = "") -> Membership | RoleGrant:
    """Change a member's role. A change into a role that reads reports is a request, as in
    ``member_add``: the membership keeps its role until a second person approves."""
    if not can_manage_members(actor, membership.organisation):
        raise PermissionDenied
    role = Role(role)
    if role == membership.role:
        return membership
    _last_admin_guard(membership)
    if Membership.objects.filter(user=membership.user, organisation=membership.organisation, role=role).exists():
        raise ValidationError({"role": _("This person already has that role in this organisation.")})
    if role_reads_reports(role):
        reason = _role_grant_check(
            actor=actor,
            organisation=membership.organisation,
            user=membership.user,
            role=role,
            reason=reason,
            field="role",
        )
        return _role_grant_create(
            actor=actor,
            organisation=membership.organisation,
            user=membership.user,
            role=role,
            reason=reason,
            membership=membership,
        )
    _membership_set_role(actor=actor, membership=membership, role=role, reason=reason.strip())
    _organisation_admin_added(actor=actor, membership=membership)
    return membership


@transaction.atomic
def member_remove(*, actor: User, membership: Membership) -> None:
    """Remove a role. An administrator or a supervisor removed is told, and so are the
    organisation's remaining ones (``_role_lost``)."""
    if not can_manage_members(actor, membership.organisation):
        raise PermissionDenied
    _last_admin_guard(membership)
    audit_record(
        action="membership.removed",
        actor=actor,
        organisation=membership.organisation,
        obj=membership,
        reason=membership.role,
    )
    _role_lost(actor=actor, membership=membership, role=membership.role)
    membership.delete()
