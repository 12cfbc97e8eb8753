"""Who may do what: one function per rule, used by views, the API and services alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from victory.accounts.models import Organisation, User


def is_professional(user: User | AnonymousUser) -> bool:
    """Logged in and past the second factor: the gate to every professional page.

    ``is_verified`` is set by django-otp's middleware on the request's user; the API's
    bearer tokens are only issued after the same second factor."""
    return bool(user.is_authenticated and user.is_active and user.is_verified())  # type: ignore[union-attr,attr-defined]


def _is_active_user(user: User | AnonymousUser) -> bool:
    # Role rules: the second factor is checked once at the door (is_professional), so
    # services called from the API or a command apply the same rules.
    return bool(user.is_authenticated and user.is_active)


def can_manage_members(user: User | AnonymousUser, organisation: Organisation) -> bool:
    from victory.accounts.models import Role

    if not _is_active_user(user):
        return False
    if user.is_platform_admin:  # type: ignore[union-attr]
        return True
    return user.memberships.filter(  # type: ignore[union-attr]
        organisation=organisation, role=Role.ORG_ADMIN, organisation__is_active=True
    ).exists()


def can_manage_organisations(user: User | AnonymousUser) -> bool:
    return _is_active_user(user) and bool(user.is_platform_admin)  # type: ignore[union-attr]


# Who reads and answers an organisation's reports (one rule, used by selectors and e-mails too).
REPORT_HANDLER_ROLES = ("caseworker", "supervisor")


def can_handle_reports(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Caseworkers and supervisors of the receiving organisation read and answer its reports."""
    if not _is_active_user(user) or not organisation.is_active:
        return False
    return user.memberships.filter(  # type: ignore[union-attr]
        organisation=organisation, role__in=REPORT_HANDLER_ROLES
    ).exists()
