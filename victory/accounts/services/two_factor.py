"""The second factor: enrolling an authenticator, backup codes, and the e-mail that tells
a person their second factor changed."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from victory.core.audit import audit_record
from victory.core.mail import mail_send

from ..models import (
    AuthenticatorDevice,
    BackupCode,
    BackupCodeDevice,
    User,
    backup_code_digest,
    new_backup_code,
    normalise_email,
)
from .login import (
    ACCOUNT_THROTTLE,
    BACKUP_DEVICE_NAME,
    AuthenticationFailed,
    _begin_attempt,
    _client_succeeded,
    _fail,
    has_confirmed_totp,
)


class AlreadyEnrolled(Exception):
    """The user has a confirmed authenticator: a new one is never set up at login, or
    anyone who learnt the password could replace it with their own."""


@transaction.atomic
def totp_enrolment_start(*, user: User) -> AuthenticatorDevice:
    """A new, unconfirmed authenticator for ``user`` (an earlier unfinished one is dropped)."""
    if has_confirmed_totp(user):
        raise AlreadyEnrolled
    AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
    device: AuthenticatorDevice = AuthenticatorDevice.objects.create(
        user=user, name=_("Authenticator app"), confirmed=False
    )
    return device


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
    from ..tasks import two_factor_notice_email_task

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
    device: AuthenticatorDevice = AuthenticatorDevice.objects.create(
        user=user, name="Demo authenticator", confirmed=True
    )
    audit_record(action="two_factor.enrolled", obj=user, reason="demo")
    return device
