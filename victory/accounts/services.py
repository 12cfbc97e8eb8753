"""Every write to accounts: logins and their second factor, enrolment, API tokens,
organisations and memberships. Each action checks its permission and is audited."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import gettext_noop
from django_otp import match_token

from victory.accounts.permissions import (
    can_decide_role_grant,
    can_manage_members,
    can_manage_organisations,
    can_withdraw_role_grant,
    is_own_report_access,
    platform_admin_standing_from,
    role_grant_deciders,
    role_grant_standing_conflict,
    role_reads_reports,
)
from victory.core.audit import audit_record
from victory.core.mail import MailNotSent, mail_send
from victory.core.ratelimit import FailureThrottle, Throttled

from .models import (
    ApiToken,
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    RoleGrant,
    RoleGrantStatus,
    User,
    backup_code_digest,
    email_digest,
    new_backup_code,
    normalise_email,
)

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


def _client_succeeded(client: str, *, attempts: int) -> None:
    """A client's own successful login takes back only its own attempts: clearing the
    whole count would let someone with one working account try passwords on other
    accounts from the same address, logging in between tries to wipe the count."""
    CLIENT_THROTTLE.forgive(client, attempts)


def has_confirmed_totp(user: User) -> bool:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_check(*, user: User, code: str, client: str) -> AuthenticatorDevice | BackupCodeDevice:
    """Second step: a code from the authenticator app or an unused backup code."""
    _begin_attempt(email=user.email, client=client)
    device = match_token(user, code.replace(" ", "").strip())
    if device is None:
        _fail(user=user, step="second_factor")
        raise AuthenticationFailed
    ACCOUNT_THROTTLE.succeed(normalise_email(user.email))
    _client_succeeded(client, attempts=2)  # the password step and this one
    audit_record(action="login.succeeded", actor=user, obj=user, reason=type(device).__name__)
    return device


class AlreadyEnrolled(Exception):
    """The user has a confirmed authenticator: a new one is never set up at login, or
    anyone who learnt the password could replace it with their own."""


@transaction.atomic
def totp_enrolment_start(*, user: User) -> AuthenticatorDevice:
    """A new, unconfirmed authenticator for ``user`` (an earlier unfinished one is dropped)."""
    if has_confirmed_totp(user):
        raise AlreadyEnrolled
    AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
    return AuthenticatorDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def totp_enrolment_confirm(*, user: User, device: AuthenticatorDevice, code: str, client: str) -> list[str]:
    """Confirm the authenticator with a first code; returns fresh backup codes (shown once)."""
    if has_confirmed_totp(user):
        raise AlreadyEnrolled
    _begin_attempt(email=user.email, client=client)
    if device.user_id != user.pk or device.confirmed or not device.verify_token(code.replace(" ", "")):
        # Outside any transaction, so the failure's audit event is kept.
        _fail(user=user, step="enrolment")
        raise AuthenticationFailed
    ACCOUNT_THROTTLE.succeed(normalise_email(user.email))
    _client_succeeded(client, attempts=2)  # the password step and this one
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(action="two_factor.enrolled", actor=user, obj=user)
        return _backup_codes_replace(user=user)


def _backup_codes_replace(*, user: User) -> list[str]:
    """New single-use backup codes in place of all earlier ones; only their keyed digests
    are stored, so the codes returned here are shown once and never again."""
    device, _created = BackupCodeDevice.objects.get_or_create(
        user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.codes.all().delete()
    codes = [new_backup_code() for _ in range(settings.VICTORY_BACKUP_CODE_COUNT)]
    BackupCode.objects.bulk_create(
        BackupCode(device=device, digest=backup_code_digest(user_id=user.pk, code=code)) for code in codes
    )
    return codes


def backup_codes_regenerate(*, user: User, password: str, client: str) -> list[str]:
    """Replace all backup codes, after the password again; returns the new codes to show
    once and e-mails the person that it happened.

    A session left open, or taken over, must not be enough to get codes that outlive it:
    the password is asked again, counted like a login attempt (so it cannot be guessed
    here instead), and the notice tells the person if it was not them. Raises Throttled
    or AuthenticationFailed; a failure's audit event is kept (outside the transaction)."""
    from .tasks import two_factor_notice_email_task

    _begin_attempt(email=user.email, client=client)
    if not user.check_password(password):
        audit_record(action="two_factor.backup_codes_refused", actor=user, obj=user)
        raise AuthenticationFailed
    ACCOUNT_THROTTLE.succeed(normalise_email(user.email))
    _client_succeeded(client, attempts=1)
    with transaction.atomic():
        codes = _backup_codes_replace(user=user)
        audit_record(action="two_factor.backup_codes_regenerated", actor=user, obj=user)
        language = user.preferred_language or settings.LANGUAGE_CODE
        transaction.on_commit(
            lambda: two_factor_notice_email_task.enqueue(
                user_id=user.pk, language=language, kind="backup_codes_regenerated"
            )
        )
    return codes


TWO_FACTOR_NOTICE_EMAILS = {
    # kind: (subject, body template)
    "backup_codes_regenerated": (
        _lazy("New backup codes for your VicTory account"),
        "accounts/email/backup_codes_regenerated.txt",
    ),
}


def two_factor_notice_email_send(*, user_id: int, language: str, kind: str) -> None:
    """Tell a person their second factor changed (run by the task queue), in their
    language, with what to do if it was not them. The e-mail never carries a code."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    subject, template = TWO_FACTOR_NOTICE_EMAILS[kind]
    with translation.override(language):
        link = settings.VICTORY_SITE_URL + reverse("accounts:password_reset")
        body = render_to_string(template, {"password_reset_link": link})
        mail_send(subject=str(subject), body=body, to=[user.email])


@transaction.atomic
def totp_device_create_confirmed(*, user: User) -> AuthenticatorDevice:
    """An already confirmed authenticator, for demo users whose secret is handed out in
    the demo credentials file. Real people enrol with a code at their first login."""
    device = AuthenticatorDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
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
    return _organisation_changes_save(actor=actor, organisation=organisation, changed=changed)


def _organisation_changes_save(*, actor: User | None, organisation: Organisation, changed: list[str]) -> Organisation:
    """Validate and save the ``changed`` fields, with one audit event naming them."""
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
    administrator (or the platform itself, ``actor`` None) makes platform administrators;
    who made one is kept (``platform_admin_granted_by``: they never decide a request for
    each other's roles) and every other platform administrator is told at once."""
    if is_platform_admin and actor is not None and not can_manage_organisations(actor):
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
    from .tasks import password_reset_email_task

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


def _role_notice_enqueue(*, grant_id: int, event: str) -> None:
    from .tasks import role_grant_notify_task

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
    from .tasks import role_lost_notify_task

    organisation_id, user_id, actor_id = membership.organisation_id, membership.user_id, actor.pk if actor else None
    transaction.on_commit(
        lambda: role_lost_notify_task.enqueue(
            organisation_id=organisation_id, user_id=user_id, role=role, actor_id=actor_id
        )
    )


def _platform_admin_created(*, user: User) -> None:
    from .tasks import platform_admin_created_notify_task

    user_id = user.pk
    transaction.on_commit(lambda: platform_admin_created_notify_task.enqueue(user_id=user_id))


def _organisation_admin_added(*, actor: User | None, membership: Membership) -> None:
    """Administrators approve who reads reports: a new one never arrives unnoticed."""
    if actor is None or membership.role != Role.ORG_ADMIN:
        return
    from .tasks import organisation_admin_added_notify_task

    organisation_id, user_id, actor_id = membership.organisation_id, membership.user_id, actor.pk
    transaction.on_commit(
        lambda: organisation_admin_added_notify_task.enqueue(
            organisation_id=organisation_id, user_id=user_id, actor_id=actor_id
        )
    )


def _welcome_enqueue(*, user: User, language: str) -> None:
    from .tasks import password_link_email_task

    user_id = user.pk
    transaction.on_commit(lambda: password_link_email_task.enqueue(user_id=user_id, language=language, kind="welcome"))


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
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation=organisation,
            memberships__role__in=(Role.ORG_ADMIN, Role.SUPERVISOR),
        ).distinct()
    )


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
    return list(User.objects.filter(is_active=True, is_platform_admin=True))


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


# --- What a person reporting sees of an organisation -----------------------------

# ISO 639-1 or 639-2/3 codes, optionally with a region: "pt", "rom", "pt-br".
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")


def validate_languages(languages: list[str]) -> list[str]:
    cleaned: list[str] = []
    for code in (value.strip().lower().replace("_", "-") for value in languages):
        if not code:
            continue
        if not _LANGUAGE_CODE.match(code):
            raise ValidationError(
                {"languages": _("“%(code)s” is not a language code such as pt, en or rom.") % {"code": code}}
            )
        if code not in cleaned:
            cleaned.append(code)  # in the order given: the organisation's main language first
    return cleaned


@transaction.atomic
def organisation_public_profile_set(
    *, actor: User | None, organisation: Organisation, languages: list[str], description: str
) -> Organisation:
    """Set the languages and the one-sentence description shown on the report form.
    ``actor`` None means the platform itself (demo seeding, management commands)."""
    if actor is not None and not can_manage_organisations(actor):
        raise PermissionDenied
    values = {"languages": validate_languages(languages), "description": " ".join(description.split())}
    changed = [name for name, value in values.items() if getattr(organisation, name) != value]
    for name in changed:
        setattr(organisation, name, values[name])
    return _organisation_changes_save(actor=actor, organisation=organisation, changed=changed)
