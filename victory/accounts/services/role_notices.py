"""The e-mails about accounts and roles: queued when the change is committed, sent by
the task queue."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from victory.accounts.permissions import (
    can_manage_members,
    role_grant_deciders,
)
from victory.core.mail import MailNotSent, mail_send

from ..models import (
    Membership,
    Organisation,
    Role,
    RoleGrant,
    User,
)


def _role_notice_enqueue(*, grant_id: int, event: str) -> None:
    from ..tasks import role_grant_notify_task

    transaction.on_commit(lambda: role_grant_notify_task.enqueue(grant_id=grant_id, event=event))


# The roles that keep an eye on who may do what in an organisation (``_role_watchers``):
# losing one is told at once, as gaining the administrator role is.
ROLE_WATCHER_ROLES = (Role.ORG_ADMIN, Role.SUPERVISOR)


def _role_lost(*, actor: User | None, membership: Membership, role: str) -> None:
    """Someone stops being an administrator or a supervisor: the organisation's remaining
    ones and the person are told at once. Otherwise a person could remove or demote the
    ones who would see them give access to reports, and nobody would know."""
    if role not in ROLE_WATCHER_ROLES:
        return
    from ..tasks import role_lost_notify_task

    organisation_id, user_id, actor_id = membership.organisation_id, membership.user_id, actor.pk if actor else None
    transaction.on_commit(
        lambda: role_lost_notify_task.enqueue(
            organisation_id=organisation_id, user_id=user_id, role=role, actor_id=actor_id
        )
    )


def _platform_admin_created(*, user: User) -> None:
    from ..tasks import platform_admin_created_notify_task

    user_id = user.pk
    transaction.on_commit(lambda: platform_admin_created_notify_task.enqueue(user_id=user_id))


def _organisation_admin_added(*, actor: User | None, membership: Membership) -> None:
    """Administrators approve who reads reports: a new one never arrives unnoticed."""
    if actor is None or membership.role != Role.ORG_ADMIN:
        return
    from ..tasks import organisation_admin_added_notify_task

    organisation_id, user_id, actor_id = membership.organisation_id, membership.user_id, actor.pk
    transaction.on_commit(
        lambda: organisation_admin_added_notify_task.enqueue(
            organisation_id=organisation_id, user_id=user_id, actor_id=actor_id
        )
    )


def _welcome_enqueue(*, user: User, language: str) -> None:
    from ..tasks import password_link_email_task

    user_id = user.pk
    transaction.on_commit(lambda: password_link_email_task.enqueue(user_id=user_id, language=language, kind="welcome"))


# --- E-mails about roles (run by the task queue) ---------------------------------------
#
# They name nobody and say nothing about any report: a mailbox can be read by someone
# else, and staff are targets too. They say which role, in which organisation, and where
# to look.

ROLE_NOTICES = {
    # event: (subject, first line); translated per recipient
    "requested": (
        gettext_noop("Request for a role that reads reports"),
        gettext_noop(
            "Someone asked to give a person the role “%(role)s” in %(organisation)s. It takes effect "
            "only when a second administrator approves it."
        ),
    ),
    "approved": (
        gettext_noop("A role that reads reports was given"),
        gettext_noop("A person was given the role “%(role)s” in %(organisation)s, approved by a second administrator."),
    ),
    "refused": (
        gettext_noop("Your request for a role was refused"),
        gettext_noop("Your request to give a person the role “%(role)s” in %(organisation)s was refused."),
    ),
    "admin_added": (
        gettext_noop("A new administrator"),
        gettext_noop(
            "A person was made an administrator of %(organisation)s. Administrators manage members "
            "and approve who may read reports."
        ),
    ),
    "approved_by_platform": (
        gettext_noop("A role that reads reports was given"),
        gettext_noop(
            "A person was given the role “%(role)s” in %(organisation)s, approved by a platform administrator."
        ),
    ),
    "refused_by_platform": (
        gettext_noop("Request for a role that reads reports"),
        gettext_noop(
            "A platform administrator refused a request to give a person the role “%(role)s” in %(organisation)s."
        ),
    ),
    "role_lost": (
        gettext_noop("A role was taken away"),
        gettext_noop("A person no longer has the role “%(role)s” in %(organisation)s."),
    ),
    "role_lost_self": (
        gettext_noop("A role was taken away"),
        gettext_noop("You no longer have the role “%(role)s” in %(organisation)s."),
    ),
}
PLATFORM_ADMIN_CREATED_NOTICE = (
    gettext_noop("A new platform administrator"),
    gettext_noop(
        "A person was made a platform administrator. Platform administrators manage organisations "
        "and their members, and decide requests for roles that read reports where an organisation cannot."
    ),
)


def _role_watchers(organisation: Organisation) -> list[User]:
    """Who keeps an eye on who may do what in an organisation: its administrators and
    supervisors."""
    watching = Membership.objects.in_force().filter(organisation=organisation, role__in=ROLE_WATCHER_ROLES)
    return list(User.objects.filter(pk__in=watching.values("user_id")))


WHO_AND_WHY = gettext_noop("Log in to see who and why:")
WHO_HAS_WHICH_ROLE = gettext_noop("Log in to see who has which role now:")


# One e-mail to send: (address, subject, body).
Notice = tuple[str, str, str]


def _notices_send(notices: list[Notice]) -> int:
    """Send each notice. One refused address does not keep the others from being told (an
    account with an address that bounces must not silence the rest); the task fails after,
    naming no address (``victory.core.mail``)."""
    sent, failures = 0, []
    for to, subject, body in notices:
        try:
            mail_send(subject=subject, body=body, to=[to])
        except MailNotSent as error:
            failures.append(str(error))
            continue
        sent += 1
    if failures:
        raise MailNotSent(f"{len(failures)} of {len(notices)}: {'; '.join(sorted(set(failures)))}")
    return sent


def _role_notices(
    *,
    event: str,
    organisation: Organisation,
    role: str,
    recipients: list[User],
    deciders: set[int],
    manager_line: str = WHO_AND_WHY,
) -> list[Notice]:
    """Each recipient's notice, in their language. ``manager_line`` (marked with
    gettext_noop) introduces the members page's address for those who manage the
    organisation's members."""
    subject, line = ROLE_NOTICES[event]
    notices = []
    for user in recipients:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            link = settings.VICTORY_SITE_URL + reverse("accounts:members", kwargs={"organisation_id": organisation.pk})
            parts = [_(line) % {"role": Role(role).label, "organisation": organisation.name}]
            if user.pk in deciders:
                parts += [_("Log in to approve or refuse it:"), link]
            elif can_manage_members(user, organisation):
                parts += [_(manager_line), link]
            else:
                parts.append(_("If you did not expect this, speak to your organisation's administrators."))
            parts.append(_("This e-mail names nobody on purpose."))
            notices.append((user.email, _(subject), "\n\n".join(parts)))
    return notices


def _platform_admins() -> list[User]:
    return list(User.objects.platform_admins())


def role_grant_notice_send(*, grant_id: int, event: str) -> int:
    """Tell the people who should know about a request for a role that reads reports:
    when it is made, its deciders and the organisation's other administrators and
    supervisors; when it is approved, the same people and the one who asked; when it is
    refused, the one who asked. A decision of a platform administrator is told to every
    other platform administrator too. Never the person it is for, never the one who acted."""
    grant = RoleGrant.objects.select_related("organisation", "decided_by").filter(pk=grant_id).first()
    if grant is None:
        return 0
    if event in ("approved", "refused") and grant.decided_by is not None and grant.decided_by.is_platform_admin:
        return _role_grant_platform_decision_send(grant=grant, event=event)
    watchers = _role_watchers(grant.organisation)
    deciders: set[int] = set()
    if event == "requested":
        decider_users = list(role_grant_deciders(grant))
        deciders = {user.pk for user in decider_users}
        recipients = watchers + decider_users
        acted = grant.requested_by_id
    elif event == "approved":
        recipients = watchers + ([grant.requested_by] if grant.requested_by else [])
        acted = grant.decided_by_id
    else:
        recipients = [grant.requested_by] if grant.requested_by else []
        acted = grant.decided_by_id
    unique = {user.pk: user for user in recipients if user.is_active and user.pk not in (acted, grant.user_id)}
    return _notices_send(
        _role_notices(
            event=event,
            organisation=grant.organisation,
            role=grant.role,
            recipients=list(unique.values()),
            deciders=deciders,
        )
    )


def _role_grant_platform_decision_send(*, grant: RoleGrant, event: str) -> int:
    """A platform administrator decided: nobody on the platform decides alone unseen."""
    requester = [grant.requested_by] if grant.requested_by else []
    if event == "approved":
        told = [*_role_watchers(grant.organisation), *requester, *_platform_admins()]
        groups = [("approved_by_platform", told)]
    else:
        groups = [("refused", requester), ("refused_by_platform", _platform_admins())]
    notices: list[Notice] = []
    seen = {grant.decided_by_id, grant.user_id}
    for event_told, people in groups:
        unique = {user.pk: user for user in people if user.is_active and user.pk not in seen}
        seen |= set(unique)
        notices += _role_notices(
            event=event_told,
            organisation=grant.organisation,
            role=grant.role,
            recipients=list(unique.values()),
            deciders=set(),
        )
    return _notices_send(notices)


def role_lost_notice_send(*, organisation_id: int, user_id: int, role: str, actor_id: int | None) -> int:
    """Someone is no longer an administrator or a supervisor (removed, given another role,
    or their account deactivated): the organisation's remaining ones are told, and so is
    the person, whose account may be deactivated (they are the one who would notice it was
    not wanted). Never the one who acted."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    watchers = [user for user in _role_watchers(organisation) if user.pk not in (user_id, actor_id)]
    person = [user for user in User.objects.filter(pk=user_id) if user.pk != actor_id]
    notices: list[Notice] = []
    for event, recipients in (("role_lost", watchers), ("role_lost_self", person)):
        notices += _role_notices(
            event=event,
            organisation=organisation,
            role=role,
            recipients=recipients,
            deciders=set(),
            manager_line=WHO_HAS_WHICH_ROLE,
        )
    return _notices_send(notices)


def platform_admin_created_notice_send(*, user_id: int) -> int:
    """Tell every platform administrator but the new one, the one who made it included: a
    session someone else took over is noticed by its owner. Names nobody."""
    subject, line = PLATFORM_ADMIN_CREATED_NOTICE
    notices: list[Notice] = []
    for user in _platform_admins():
        if user.pk == user_id:
            continue
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            link = settings.VICTORY_SITE_URL + reverse("admin:accounts_user_changelist")
            body = "\n\n".join([_(line), _(WHO_HAS_WHICH_ROLE), link, _("This e-mail names nobody on purpose.")])
            notices.append((user.email, _(subject), body))
    return _notices_send(notices)


def organisation_admin_added_notice_send(*, organisation_id: int, user_id: int, actor_id: int) -> int:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return 0
    recipients = [user for user in _role_watchers(organisation) if user.pk not in (user_id, actor_id)]
    return _notices_send(
        _role_notices(
            event="admin_added", organisation=organisation, role=Role.ORG_ADMIN, recipients=recipients, deciders=set()
        )
    )
