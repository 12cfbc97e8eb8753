"""Every write to accounts: logins and their second factor, enrolment, API tokens,
organisations and memberships. Each action checks its permission and is audited."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from victory.core.audit import audit_record
from victory.core.permissions import can_manage_members, can_manage_organisations
from victory.core.ratelimit import FailureThrottle, Throttled

from .models import ApiToken, Membership, Organisation, OrganisationKind, Role, User, normalise_email

ACCOUNT_THROTTLE = FailureThrottle(
    scope="login-account",
    slowdown_after=settings.VICTORY_LOGIN_SLOWDOWN_AFTER,
    lock_after=settings.VICTORY_LOGIN_LOCK_AFTER,
    lock_seconds=settings.VICTORY_LOGIN_LOCK_SECONDS,
)
# Per client (by rotating address hash): catches one client trying many accounts.
CLIENT_THROTTLE = FailureThrottle(
    scope="login-client",
    slowdown_after=10,
    lock_after=30,
    lock_seconds=settings.VICTORY_LOGIN_LOCK_SECONDS,
)
BACKUP_DEVICE_NAME = "backup codes"


class AuthenticationFailed(Exception):
    """Wrong e-mail, password or code. Deliberately says no more than that."""


def _begin_attempt(*, email: str, client: str) -> None:
    """Count the attempt against the account and the client before checking it."""
    for throttle, subject in ((ACCOUNT_THROTTLE, normalise_email(email)), (CLIENT_THROTTLE, client)):
        verdict = throttle.begin(subject)
        if not verdict.allowed:
            raise Throttled(verdict.retry_after)


def _fail(*, user: User | None, step: str) -> None:
    # The attempted e-mail is not recorded: it may be a victim's address typed by mistake.
    audit_record(action=f"login.{step}_failed", actor=user, obj=user)


def password_check(*, email: str, password: str, client: str) -> User:
    """First step of a login. Raises Throttled or AuthenticationFailed.

    A right password does not clear the failure count: only a complete login does, so
    knowing the password gives no extra tries at the second factor."""
    email = normalise_email(email)
    _begin_attempt(email=email, client=client)
    user = authenticate(username=email, password=password)
    if user is None:
        _fail(user=None, step="password")
        raise AuthenticationFailed
    return user  # type: ignore[return-value]


def has_confirmed_totp(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_check(*, user: User, code: str, client: str) -> TOTPDevice | StaticDevice:
    """Second step: a code from the authenticator app or an unused backup code."""
    _begin_attempt(email=user.email, client=client)
    device = match_token(user, code.replace(" ", "").strip())
    if device is None:
        _fail(user=user, step="second_factor")
        raise AuthenticationFailed
    ACCOUNT_THROTTLE.succeed(normalise_email(user.email))
    CLIENT_THROTTLE.succeed(client)
    audit_record(action="login.succeeded", actor=user, obj=user, reason=type(device).__name__)
    return device


class AlreadyEnrolled(Exception):
    """The user has a confirmed authenticator: a new one is never set up at login, or
    anyone who learnt the password could replace it with their own."""


@transaction.atomic
def totp_enrolment_start(*, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator for ``user`` (an earlier unfinished one is dropped)."""
    if has_confirmed_totp(user):
        raise AlreadyEnrolled
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_enrolment_confirm(*, user: User, device: TOTPDevice, code: str, client: str) -> list[str]:
    """Confirm the authenticator with a first code; returns fresh backup codes (shown once)."""
    if has_confirmed_totp(user):
        raise AlreadyEnrolled
    _begin_attempt(email=user.email, client=client)
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code.replace(" ", "")):
        # Outside any transaction, so the failure's audit event is kept.
        _fail(user=user, step="enrolment")
        raise AuthenticationFailed
    ACCOUNT_THROTTLE.succeed(normalise_email(user.email))
    CLIENT_THROTTLE.succeed(client)
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action="two_factor.enrolled", actor=user, obj=user)
        return backup_codes_regenerate(user=user)


@transaction.atomic
def backup_codes_regenerate(*, user: User) -> list[str]:
    """Replace all backup codes with new single-use ones; returns them to show once."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.VICTORY_BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    audit_record(action="two_factor.backup_codes_regenerated", actor=user, obj=user)
    return codes


@transaction.atomic
def totp_device_create_confirmed(*, user: User) -> TOTPDevice:
    """An already confirmed authenticator, for demo users whose secret is handed out in
    the demo credentials file. Real people enrol with a code at their first login."""
    device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
    audit_record(action="two_factor.enrolled", obj=user, reason="demo")
    return device


@transaction.atomic
def user_set_password(*, actor: User | None, user: User, password: str) -> None:
    """A new password (the admin's password page, demo seeding): every API token of the
    account ends, so a token taken with the old password does not outlive it."""
    user.set_password(password)
    user.save(update_fields=["password"])
    user.api_tokens.all().delete()
    audit_record(action="user.password_set", actor=actor, obj=user)


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_token_issue(*, email: str, password: str, otp: str, client: str) -> tuple[str, datetime]:
    """Password and second factor in one call; returns the bearer token and its expiry.

    Not one transaction as a whole: a failed attempt's audit event must survive the
    exception that reports it."""
    user = password_check(email=email, password=password, client=client)
    if not has_confirmed_totp(user):
        # Without an enrolled authenticator there is no second factor to check.
        _fail(user=user, step="second_factor")
        raise AuthenticationFailed
    second_factor_check(user=user, code=otp, client=client)
    token = secrets.token_urlsafe(32)
    expires = timezone.now() + timedelta(hours=settings.VICTORY_API_TOKEN_HOURS)
    with transaction.atomic():
        api_token = ApiToken.objects.create(user=user, digest=_token_digest(token), expires_at=expires)
        audit_record(action="api_token.issued", actor=user, obj=api_token)
    return token, expires


@transaction.atomic
def api_tokens_prune_expired() -> int:
    """Remove expired API tokens (run by the scheduler)."""
    deleted, _ = ApiToken.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


def api_token_user(*, token: str) -> User | None:
    """The active user a bearer token belongs to, if it is known and unexpired."""
    api_token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_token_digest(token), expires_at__gt=timezone.now(), user__is_active=True)
        .first()
    )
    return api_token.user if api_token else None


# --- Organisations (platform administrators) ----------------------------------


def _validate_countries(countries: list[str]) -> list[str]:
    cleaned = sorted({code.strip().upper() for code in countries if code.strip()})
    for code in cleaned:
        if len(code) != 2 or not code.isalpha():
            raise ValidationError({"countries": _("“%(code)s” is not a two-letter country code.") % {"code": code}})
    return cleaned


@transaction.atomic
def organisation_create(
    *,
    actor: User | None,
    name: str,
    kind: str,
    countries: list[str],
    accepts_public_reports: bool = False,
    is_fictional: bool = False,
) -> Organisation:
    """``actor`` None means the platform itself (demo seeding, management commands)."""
    if actor is not None and not can_manage_organisations(actor):
        raise PermissionDenied
    organisation = Organisation(
        name=name.strip(),
        kind=OrganisationKind(kind),
        countries=_validate_countries(countries),
        accepts_public_reports=accepts_public_reports,
        is_fictional=is_fictional,
    )
    organisation.full_clean()
    organisation.save()
    audit_record(action="organisation.created", actor=actor, organisation=organisation, obj=organisation)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    actor: User | None,
    organisation: Organisation,
    name: str | None = None,
    kind: str | None = None,
    countries: list[str] | None = None,
    accepts_public_reports: bool | None = None,
    is_active: bool | None = None,
) -> Organisation:
    if actor is not None and not can_manage_organisations(actor):
        raise PermissionDenied
    changed = []
    for field, value in (
        ("name", name.strip() if name is not None else None),
        ("kind", kind),
        ("countries", _validate_countries(countries) if countries is not None else None),
        ("accepts_public_reports", accepts_public_reports),
        ("is_active", is_active),
    ):
        if value is not None and getattr(organisation, field) != value:
            setattr(organisation, field, value)
            changed.append(field)
    if changed:
        organisation.full_clean()
        organisation.save(update_fields=changed)
        audit_record(
            action="organisation.updated",
            actor=actor,
            organisation=organisation,
            obj=organisation,
            reason=", ".join(changed),
        )
    return organisation


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
    administrator (or the platform itself, ``actor`` None) makes platform administrators."""
    if is_platform_admin and actor is not None and not can_manage_organisations(actor):
        raise PermissionDenied
    if User.objects.filter_email(email).exists():
        raise ValidationError({"email": _("An account with this e-mail address already exists.")})
    user = User(email=normalise_email(email), full_name=full_name.strip())
    user.is_platform_admin = is_platform_admin
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
    return user


@transaction.atomic
def user_update(*, actor: User | None, user: User, full_name: str | None = None, is_active: bool | None = None) -> User:
    if actor is not None and not can_manage_organisations(actor):
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
    return user


PASSWORD_LINK_EMAILS = {
    # kind: (subject, body template)
    "welcome": (_lazy("Your VicTory account"), "accounts/email/welcome.txt"),
    "reset": (_lazy("Reset your VicTory password"), "accounts/email/password_reset.txt"),
}
PASSWORD_RESET_THROTTLE = FailureThrottle(scope="password-reset", slowdown_after=3, lock_after=10, lock_seconds=3600)


def password_link_email_send(*, user_id: int, language: str, kind: str) -> None:
    """E-mail a link to choose a password (run by the task queue, so the response time
    of the request does not tell whether the address has an account)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    subject, template = PASSWORD_LINK_EMAILS[kind]
    with translation.override(language):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        body = render_to_string(template, {"link": settings.VICTORY_SITE_URL + path})
        send_mail(str(subject), body, None, [user.email])


def password_reset_request(*, email: str, language: str, client: str) -> None:
    """Send a reset link if the address belongs to an active account; say nothing either way."""
    from .tasks import password_link_email_task

    email = normalise_email(email)
    for subject in (client, email):
        verdict = PASSWORD_RESET_THROTTLE.begin(subject)
        if not verdict.allowed:
            raise Throttled(verdict.retry_after)
    user = User.objects.filter_email(email).filter(is_active=True).first()
    if user is None:
        return
    audit_record(action="user.password_reset_requested", obj=user)
    transaction.on_commit(lambda: password_link_email_task.enqueue(user_id=user.pk, language=language, kind="reset"))


@transaction.atomic
def user_password_reset(*, user: User, password: str) -> None:
    """A new password chosen through an e-mailed link: every API token of the account ends."""
    user.set_password(password)
    user.save(update_fields=["password"])
    user.api_tokens.all().delete()
    audit_record(action="user.password_reset", actor=user, obj=user)


@transaction.atomic
def member_add(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    role: str,
    full_name: str = "",
    language: str = "en",
) -> Membership:
    """Give someone a role in ``organisation``; a new person gets a set-password e-mail.
    ``actor`` None means the platform itself (demo seeding)."""
    if actor is not None and not can_manage_members(actor, organisation):
        raise PermissionDenied
    role = Role(role)
    user = User.objects.filter_email(email).first()
    is_new = user is None
    if user is None:
        user = user_create(actor=actor, email=email, full_name=full_name)
    if Membership.objects.filter(user=user, organisation=organisation, role=role).exists():
        raise ValidationError({"email": _("This person already has that role in this organisation.")})
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    audit_record(action="membership.created", actor=actor, organisation=organisation, obj=membership, reason=role)
    if is_new:
        from .tasks import password_link_email_task

        transaction.on_commit(
            lambda: password_link_email_task.enqueue(user_id=user.pk, language=language, kind="welcome")
        )
    return membership


def _last_admin_guard(membership: Membership) -> None:
    if membership.role != Role.ORG_ADMIN:
        return
    others = Membership.objects.filter(organisation=membership.organisation, role=Role.ORG_ADMIN).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ValidationError(_("An organisation needs at least one administrator. Add another one first."))


@transaction.atomic
def member_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    if not can_manage_members(actor, membership.organisation):
        raise PermissionDenied
    role = Role(role)
    if role == membership.role:
        return membership
    _last_admin_guard(membership)
    if Membership.objects.filter(user=membership.user, organisation=membership.organisation, role=role).exists():
        raise ValidationError(_("This person already has that role in this organisation."))
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        action="membership.role_changed",
        actor=actor,
        organisation=membership.organisation,
        obj=membership,
        reason=f"{previous} -> {role}",
    )
    return membership


@transaction.atomic
def member_remove(*, actor: User, membership: Membership) -> None:
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
    membership.delete()
