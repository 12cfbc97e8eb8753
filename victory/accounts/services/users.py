"""People's accounts: creating and updating them, and setting or resetting a password
(the links that do it, and the throttled request for one)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from victory.accounts.permissions import (
    administers_platform,
)
from victory.core.audit import audit_record
from victory.core.mail import mail_send
from victory.core.ratelimit import FailureThrottle, Throttled

from ..models import (
    Membership,
    User,
    email_digest,
    normalise_email,
)
from .role_notices import ROLE_WATCHER_ROLES, _organisation_admin_added, _platform_admin_created, _role_lost


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    """A new password (the admin's password page, demo seeding): every API token of the
    account ends, so a token taken with the old password does not outlive it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    user.api_tokens.all().delete()
    audit_record(action="user.password_set", actor=actor, obj=user)


# --- Users and memberships (organisation administrators) -------------------------


@transaction.atomic
def user_create(
    *,
    actor: User | None = None,
    email: str,
    full_name: str = "",
    password: str | None = None,
    is_platform_admin: bool = False,
) -> User:
    """A new professional account. Without a password it can only be entered through the
    set-password e-mail; the second factor is enrolled at the first login. Only a platform
    administrator (or the platform itself, ``actor`` None) makes platform administrators;
    who made one is kept (``platform_admin_granted_by``: they never decide a request for
    each other's roles) and every other platform administrator is told at once."""
    if is_platform_admin and actor is not None and not administers_platform(actor):
        raise PermissionDenied
    if User.objects.filter_email(email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(email=normalise_email(email), full_name=full_name.strip())
    user.is_platform_admin = is_platform_admin
    user.platform_admin_granted_by = actor if is_platform_admin else None
    user.is_staff = is_platform_admin
    user.is_superuser = is_platform_admin
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_record(action="user.created", actor=actor, obj=user)
    if is_platform_admin:
        audit_record(action="user.platform_admin_granted", actor=actor, obj=user)
        _platform_admin_created(user=user)
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, full_name: str | None = None, is_active: bool | None = None) -> User:
    """Deactivating an account takes its roles away with it: for each organisation where it
    was an administrator or a supervisor, that organisation's remaining ones and the person
    are told at once, as when the role is removed. Activating it again gives administrator
    roles back, announced as a new administrator would be."""
    if actor is not None and not administers_platform(actor):
        raise PermissionDenied
    changed = []
    if full_name is not None and full_name.strip() != user.full_name:
        user.full_name = full_name.strip()
        changed.append("full_name")
    if is_active is not None and is_active != user.is_active:
        user.is_active = is_active
        changed.append("is_active")
        if not is_active:
            user.api_tokens.all().delete()
    if changed:
        user.save(update_fields=changed)
        audit_record(action="user.updated", actor=actor, obj=user, reason=", ".join(changed))
    if "is_active" in changed:
        memberships = Membership.objects.filter(user=user, organisation__is_active=True)
        for membership in memberships.filter(role__in=ROLE_WATCHER_ROLES):
            if user.is_active:
                _organisation_admin_added(actor=actor, membership=membership)
            else:
                _role_lost(actor=actor, membership=membership, role=membership.role)
    return user


PASSWORD_LINK_EMAILS = {
    # kind: (subject, body template)
    "welcome": (_lazy("Your VicTory account"), "accounts/email/welcome.txt"),
    "reset": (_lazy("Reset your VicTory password"), "accounts/email/password_reset.txt"),
}
PASSWORD_RESET_THROTTLE = FailureThrottle(scope="password-reset", slowdown_after=3, lock_after=10, lock_seconds=3600)


def password_link(user: User) -> str:
    """The e-mailed address where ``user`` chooses a password.

    The token travels in the query string, which the documented access logs leave out
    (gunicorn ``%(U)s``, nginx ``$uri``: docs/deployment.md); the page it opens moves it
    into the session at once and continues at an address with ``set-password`` in its
    place (Django's pattern), so no later page, form post or Referer carries it. It works
    for ``PASSWORD_RESET_TIMEOUT`` seconds and only until the password changes."""
    path = reverse("accounts:password_reset_link", kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk))})
    return f"{settings.VICTORY_SITE_URL}{path}?{urlencode({'token': default_token_generator.make_token(user)})}"


def password_link_email_send(*, user_id: int, language: str, kind: str) -> None:
    """E-mail a link to choose a password (run by the task queue)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    subject, template = PASSWORD_LINK_EMAILS[kind]
    with translation.override(language):
        body = render_to_string(
            template, {"link": password_link(user), "hours": settings.PASSWORD_RESET_TIMEOUT // 3600}
        )
        mail_send(subject=str(subject), body=body, to=[user.email])


def password_reset_request(*, email: str, language: str, client: str) -> None:
    """Ask for a reset link; says nothing about whether the address has an account.

    The request does the same work either way: the two throttles, then one task on the
    queue, which looks the account up later (``password_reset_email_send``). The task
    carries the address's keyed digest, never the address: with the database backend the
    queue is a table, and an address typed by mistake may be a victim's."""
    from ..tasks import password_reset_email_task

    email = normalise_email(email)
    for subject in (client, email):
        verdict = PASSWORD_RESET_THROTTLE.begin(subject)
        if not verdict.allowed:
            raise Throttled(verdict.retry_after)
    digest = email_digest(email)
    transaction.on_commit(lambda: password_reset_email_task.enqueue(email_digest=digest, language=language))


def password_reset_email_send(*, email_digest: str, language: str) -> None:
    """Run by the queue: the reset link to an active account with this address, nothing
    otherwise. It returns nothing in both cases, so the task's stored result does not
    tell either."""
    user = User.objects.filter(email_digest=email_digest, is_active=True).first()
    if user is None:
        return
    audit_record(action="user.password_reset_requested", obj=user)
    password_link_email_send(user_id=user.pk, language=language, kind="reset")


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> None:
    """A new password chosen through an e-mailed link: every API token of the account ends."""
    user.set_password(password)
    user.save(update_fields=["password"])
    user.api_tokens.all().delete()
    audit_record(action="user.password_reset", actor=user, obj=user)
