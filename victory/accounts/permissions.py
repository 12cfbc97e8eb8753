"""Who may do what: one function per rule, used by views, the API and services alike.

A rule about organisations is a queryset in ``accounts.models`` (``Organisation.objects
.handled_by``, ``.administered_by``; ``User.objects.handling_reports_of``); the yes/no
checks here ask that same queryset, so a check, a list and an e-mail cannot disagree."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeGuard

from victory.accounts.models import REPORT_HANDLER_ROLES as REPORT_HANDLER_ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from victory.accounts.models import Organisation, RoleGrant, User


def is_professional(user: User | AnonymousUser) -> TypeGuard[User]:
    """Logged in and past the second factor: the gate to every professional page.

    ``is_verified`` is set by django-otp's middleware on the request's user; the API's
    bearer tokens are only issued after the same second factor. Past this check the type
    checker knows ``user`` is the platform's User (see ``victory.accounts.http``)."""
    return _is_active_user(user) and user.is_verified()


def _is_active_user(user: User | AnonymousUser) -> TypeGuard[User]:
    # Role rules: the second factor is checked once at the door (is_professional), so
    # services called from the API or a command apply the same rules.
    return bool(user.is_authenticated and user.is_active)


def can_manage_members(user: User | AnonymousUser, organisation: Organisation) -> bool:
    from victory.accounts.models import Organisation

    return Organisation.objects.administered_by(user).filter(pk=organisation.pk).exists()


def administers_platform(user: User | AnonymousUser) -> bool:
    """The rule for running the platform itself, apart from any organisation's role:
    organisations, the directory, the content pages and the admin site."""
    return _is_active_user(user) and user.is_platform_admin


def role_reads_reports(role: str) -> bool:
    return role in REPORT_HANDLER_ROLES


def is_own_report_access(actor: User | AnonymousUser, grantee: User, role: str) -> bool:
    """Nobody gives themselves a role that reads reports, whatever their rights: a platform
    or organisation administrator asks a colleague to request it for them."""
    return bool(actor.is_authenticated and actor.pk == grantee.pk and role_reads_reports(role))


def _platform_admin_chains() -> dict[int, set[int]]:
    """For each platform administrator, everyone their standing comes from: who made them
    one, who made that one, and so on (None, the platform itself, ends a chain)."""
    from victory.accounts.models import User

    granted_by: dict[int, int | None] = dict(
        User.objects.filter(is_platform_admin=True).values_list("pk", "platform_admin_granted_by_id")
    )
    chains: dict[int, set[int]] = {}
    for pk, first in granted_by.items():
        chain: set[int] = set()
        current = first
        while current is not None and current not in chain:
            chain.add(current)
            current = granted_by.get(current)
        chains[pk] = chain
    return chains


def platform_admin_standing_from(user: User) -> set[int]:
    return _platform_admin_chains().get(user.pk, set()) if user.is_platform_admin else set()


def _role_grant_involved(grant: RoleGrant) -> set[int]:
    return {pk for pk in (grant.requested_by_id, grant.user_id) if pk is not None}


def _organisation_deciders(grant: RoleGrant, involved: set[int]) -> QuerySet[User]:
    from victory.accounts.models import Membership, Role, User

    appointed_by_involved = Membership.objects.filter(
        organisation_id=grant.organisation_id, role=Role.ORG_ADMIN, standing_from__in=involved
    ).values("user_id")
    administrators = Membership.objects.administering_members().filter(organisation_id=grant.organisation_id)
    return (
        User.objects.filter(pk__in=administrators.values("user_id"))
        .exclude(pk__in=involved)
        .exclude(pk__in=appointed_by_involved)
    )


def role_grant_deciders(grant: RoleGrant) -> QuerySet[User]:
    """Who may approve or refuse a request to give a role that reads reports: another
    administrator of the organisation, never the person who asked, never the person it is
    for, and never one whose standing comes from either of them (made administrator by
    them, or by someone they made, and so on: ``Membership.standing_from``), or one person
    could approve through an account they made. Only where the organisation has no such
    administrator (a new or very small one) does a platform administrator decide, on the
    same terms (``User.platform_admin_granted_by``): the organisation decides who reads
    its victims' reports whenever it can."""
    from victory.accounts.models import User

    if not grant.organisation.is_active:
        return User.objects.none()
    involved = _role_grant_involved(grant)
    organisation_admins = _organisation_deciders(grant, involved)
    if organisation_admins.exists():
        return organisation_admins
    appointed_by_involved = [pk for pk, chain in _platform_admin_chains().items() if chain & involved]
    return User.objects.platform_admins().exclude(pk__in=involved).exclude(pk__in=appointed_by_involved)


def role_grant_standing_conflict(user: User | AnonymousUser, grant: RoleGrant) -> bool:
    """Whether ``user`` would decide this request but for where their standing comes from
    (the person who asked or the person it is for): the reason to give when they try."""
    from victory.accounts.models import Membership, Role

    if not _is_active_user(user) or not grant.organisation.is_active:
        return False
    involved = _role_grant_involved(grant)
    if user.pk in involved:
        return False
    if Membership.objects.filter(
        user=user, organisation_id=grant.organisation_id, role=Role.ORG_ADMIN, standing_from__in=involved
    ).exists():
        return True
    return bool(platform_admin_standing_from(user) & involved and not _organisation_deciders(grant, involved).exists())


def can_decide_role_grant(user: User | AnonymousUser, grant: RoleGrant) -> bool:
    from victory.accounts.models import RoleGrantStatus

    if not _is_active_user(user) or grant.status != RoleGrantStatus.PENDING:
        return False
    return user.pk in role_grant_deciders(grant).values_list("pk", flat=True)


def can_withdraw_role_grant(user: User | AnonymousUser, grant: RoleGrant) -> bool:
    """The person who asked may take a pending request back."""
    from victory.accounts.models import RoleGrantStatus

    return bool(_is_active_user(user) and grant.status == RoleGrantStatus.PENDING and grant.requested_by_id == user.pk)


def can_handle_reports(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Caseworkers and supervisors of the receiving organisation read and answer its reports."""
    from victory.accounts.models import Organisation

    return Organisation.objects.handled_by(user).filter(pk=organisation.pk).exists()
