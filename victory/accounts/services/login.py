"""Logging in: the password, then the second factor, each attempt counted against the
account and the client so that guessing is slowed, then locked; and the API's bearer
tokens, which take both in one call."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django_otp import match_token

from victory.core.audit import audit_record

# One exception for every wrong credential on the platform (e-mail, password, code,
# receipt): the views and the API answer it alike.
from victory.core.errors import AuthenticationFailed as AuthenticationFailed
from victory.core.ratelimit import FailureThrottle, Throttled

from ..models import (
    ApiToken,
    AuthenticatorDevice,
    BackupCodeDevice,
    User,
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
    return user


def _client_succeeded(client: str, *, attempts: int) -> None:
    """A client's own successful login takes back only its own attempts: clearing the
    whole count would let someone with one working account try passwords on other
    accounts from the same address, logging in between tries to wipe the count."""
    CLIENT_THROTTLE.forgive(client, attempts)


def has_confirmed_totp(user: User) -> bool:
    return bool(AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists())


def second_factor_check(*, user: User, code: str, client: str) -> AuthenticatorDevice | BackupCodeDevice:
    """Second step: a code from the authenticator app or an unused backup code."""
    _begin_attempt(email=user.email, client=client)
    # django-otp is untyped: match_token gives one of the user's devices, or None.
    device: AuthenticatorDevice | BackupCodeDevice | None = match_token(user, code.replace(" ", "").strip())
    if device is None:
        _fail(user=user, step="second_factor")
        raise AuthenticationFailed
    ACCOUNT_THROTTLE.succeed(normalise_email(user.email))
    _client_succeeded(client, attempts=2)  # the password step and this one
    audit_record(action="login.succeeded", actor=user, obj=user, reason=type(device).__name__)
    return device


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
