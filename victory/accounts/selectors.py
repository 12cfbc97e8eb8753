"""Reads for accounts, already limited to what the asking user may see."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from victory.accounts.permissions import can_manage_members

from .models import Membership, Organisation, RoleGrant, RoleGrantStatus, User


def organisation_list_handled_by(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose reports ``user`` reads and answers."""
    return Organisation.objects.handled_by(user)


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    """The user's own roles, with their organisations."""
    return (
        Membership.objects.filter(user=user, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def organisation_list_managed_by(*, user: User) -> QuerySet[Organisation]:
    """Organisations whose members ``user`` may manage."""
    return Organisation.objects.administered_by(user)


def organisation_get_managed(*, user: User, organisation_id: int) -> Organisation:
    """404 unless ``user`` may manage this organisation's members: an outsider cannot
    even learn that it exists from this address."""
    return get_object_or_404(organisation_list_managed_by(user=user), pk=organisation_id)


def member_list(*, user: User, organisation: Organisation) -> QuerySet[Membership]:
    if not can_manage_members(user, organisation):
        return Membership.objects.none()
    # E-mail addresses are encrypted, so the database cannot sort by them: newest last.
    return Membership.objects.filter(organisation=organisation).select_related("user").order_by("created_at", "pk")


def membership_get_managed(*, user: User, organisation: Organisation, membership_id: int) -> Membership:
    return get_object_or_404(member_list(user=user, organisation=organisation), pk=membership_id)


def organisation_list_public() -> QuerySet[Organisation]:
    return Organisation.objects.active()


def role_grant_list_pending(*, user: User, organisation: Organisation) -> QuerySet[RoleGrant]:
    """Requests for roles that read reports still waiting in ``organisation``, for those
    who manage its members (who may decide each is ``can_decide_role_grant``)."""
    if not can_manage_members(user, organisation):
        return RoleGrant.objects.none()
    return RoleGrant.objects.filter(organisation=organisation, status=RoleGrantStatus.PENDING).select_related(
        "organisation", "user", "requested_by"
    )


def role_grant_get(*, user: User, organisation: Organisation, grant_id: int) -> RoleGrant:
    """A request of ``organisation``, pending or decided (a second click on "Approve" is
    told it was already decided); 404 for anyone who does not manage its members."""
    if not can_manage_members(user, organisation):
        raise Http404
    return get_object_or_404(RoleGrant.objects.filter(organisation=organisation), pk=grant_id)
