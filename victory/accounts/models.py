"""Who may use the professional side: organisations, their members and their roles."""

from __future__ import annotations

import base64
import secrets
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.oath import TOTP
from django_otp.util import random_hex

from victory.core.fields import EncryptedTextField
from victory.core.lookup import lookup_digest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


class OrganisationKind(models.TextChoices):
    VICTIM_SUPPORT = "victim_support", _("Victim support / NGO")
    POLICE = "police", _("Police")
    PROSECUTION = "prosecution", _("Prosecution")
    COURT = "court", _("Court")
    RESTORATIVE_JUSTICE = "restorative_justice", _("Restorative-justice service")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    SUPERVISOR = "supervisor", _("Supervisor")
    FACILITATOR = "facilitator", _("Restorative facilitator")
    JUSTICE_LIAISON = "justice_liaison", _("Justice liaison")
    ANALYST = "analyst", _("Analyst")
    TRAINER = "trainer", _("Trainer")
    ORG_ADMIN = "org_admin", _("Organisation administrator")


# The one list of roles that read and answer an organisation's reports, used by selectors,
# e-mails and the four-eyes rule for giving such a role (role_grant_deciders). A later role
# that reads reports (a case role) joins this list, and is then given only with approval.
REPORT_HANDLER_ROLES = (Role.CASEWORKER.value, Role.SUPERVISOR.value)


class MembershipQuerySet(models.QuerySet["Membership"]):
    """The access rules, each written once as the memberships that confer it. Every check
    (``permissions``), list (selectors) and recipient list (e-mails) derives from these, so
    none can forget a condition the others keep."""

    def in_force(self) -> MembershipQuerySet:
        # A role counts only while its holder and its organisation are both active: a
        # deactivated organisation reads nothing and is told nothing.
        return self.filter(user__is_active=True, organisation__is_active=True)

    def handling_reports(self) -> MembershipQuerySet:
        """Roles that read and answer the organisation's reports."""
        return self.in_force().filter(role__in=REPORT_HANDLER_ROLES)

    def administering_members(self) -> MembershipQuerySet:
        """Roles that manage the organisation's members."""
        return self.in_force().filter(role=Role.ORG_ADMIN)


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def active(self) -> OrganisationQuerySet:
        return self.filter(is_active=True)

    def handled_by(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """The organisations whose reports ``user`` reads and answers."""
        if not isinstance(user, User):
            return self.none()
        return self.filter(
            pk__in=Membership.objects.handling_reports().filter(user_id=user.pk).values("organisation_id")
        )

    def administered_by(self, user: User | AnonymousUser) -> OrganisationQuerySet:
        """The organisations whose members ``user`` manages: every active one for a platform
        administrator, else those where they are an organisation administrator."""
        if not isinstance(user, User) or not user.is_active:
            return self.none()
        if user.is_platform_admin:
            return self.active()
        return self.filter(
            pk__in=Membership.objects.administering_members().filter(user_id=user.pk).values("organisation_id")
        )


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    # ISO 3166-1 alpha-2 codes, e.g. ["PT", "ES"].
    countries = models.JSONField(_("countries served"), default=list)
    accepts_public_reports = models.BooleanField(_("accepts public reports"), default=False)
    # Shown to a person choosing who receives their report, so they know before sending
    # where the organisation works, in which languages and what it does. Public facts
    # about an organisation, not about a person: stored in plain text, like its name.
    # Language codes (ISO 639, e.g. ["pt", "en"]); the page names them in its own language.
    languages = models.JSONField(_("languages it works in"), default=list, blank=True)
    description = models.CharField(
        _("what it does"),
        max_length=300,
        blank=True,
        help_text=_("One plain sentence for the people who report, for example: Free support for victims of crime."),
    )
    is_fictional = models.BooleanField(
        _("fictional (demo data)"), default=False, help_text=_("Demo organisations are labelled as fictional.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


def normalise_email(email: str) -> str:
    """One spelling per address, so spaces or capitals cannot make another account."""
    return email.strip().lower()


def email_digest(email: str) -> str:
    return lookup_digest(normalise_email(email), purpose="user-email")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_by_natural_key(self, username: str | None) -> User:
        # Logins give the e-mail address; the database holds only its keyed digest.
        return self.get(email_digest=email_digest(username or ""))

    def filter_email(self, email: str) -> models.QuerySet[User]:
        return self.filter(email_digest=email_digest(email))

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.update(is_platform_admin=True, is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)

    def handling_reports_of(self, organisation: Organisation) -> models.QuerySet[User]:
        """Who reads and answers ``organisation``'s reports, and so is told when one arrives:
        nobody while the organisation is deactivated."""
        return self.filter(
            pk__in=Membership.objects.handling_reports().filter(organisation_id=organisation.pk).values("user_id")
        )

    def platform_admins(self) -> models.QuerySet[User]:
        """The separate rule for running the platform itself (organisations, the directory,
        the admin site): active accounts marked as platform administrators."""
        return self.filter(is_active=True, is_platform_admin=True)


# The ignore: django-otp is untyped, so mypy cannot see the reverse managers that the
# second-factor devices below (subclasses of its Device) give User.
class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """A professional who logs in by e-mail. Victims never need an account."""

    # Encrypted like every identifying field (staff are targets too); found by its digest.
    email = EncryptedTextField(_("e-mail address"), validators=[validate_email])
    email_digest = models.CharField(max_length=64, unique=True, editable=False)
    # A person's name identifies them, so it is encrypted like every other identifying field.
    full_name = EncryptedTextField(_("full name"), blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, default="en")
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the Django admin"), default=False)
    is_platform_admin = models.BooleanField(_("platform administrator"), default=False)
    # Who made this account a platform administrator (None: the platform itself, or made
    # before this was recorded). A platform administrator never decides a request for
    # the one their standing comes from (victory.accounts.permissions.role_grant_deciders).
    platform_admin_granted_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="platform_admins_granted"
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    # Not stored: django-otp's OTPMiddleware sets it on the request's user (the API's
    # BearerToken too), telling whether this login passed the second factor. A User loaded
    # any other way does not have it; ask permissions.is_professional of a request's user.
    is_verified: Callable[[], bool]

    USERNAME_FIELD = "email_digest"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []  # noqa: RUF012  (Django reads it as a class attribute)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        self.email_digest = email_digest(self.email)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:
            kwargs["update_fields"] = {*update_fields, "email_digest"}
        super().save(*args, **kwargs)

    def get_username(self) -> str:
        return self.email


class Membership(models.Model):
    """A user's role in an organisation; one user may hold several roles."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Who gave this membership its current role (None: the platform itself, or given
    # before this was recorded).
    added_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships_added"
    )
    # Everyone the role's standing comes from: ``added_by``, whoever gave them their own
    # administrator standing in the organisation or on the platform, and so on up. Fixed
    # when the role is given, so removing someone in the middle of the chain does not
    # wash it: an administrator never decides a request of, or for, anyone in it
    # (victory.accounts.permissions.role_grant_deciders).
    standing_from = models.ManyToManyField(User, blank=True, related_name="+")

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation", "role"], name="unique_membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class RoleGrantStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class RoleGrant(models.Model):
    """A request to give someone a role that reads victims' reports. It takes effect only
    when a second person approves it (``victory.accounts.permissions.role_grant_deciders``);
    until then the person has no such role. Kept after the decision, as its record."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="role_grants")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # A change of an existing membership's role: which one, and from which role. Approval
    # checks that it still holds that role, so a request cannot be applied to a membership
    # that changed in the meantime.
    membership = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="role_grants"
    )
    previous_role = models.CharField(_("previous role"), max_length=32, choices=Role.choices, blank=True)
    # Free text about a person's work: encrypted like every other free-text field.
    reason = EncryptedTextField(_("reason"))
    # Set when the request made the person's account: the set-password e-mail goes out, in
    # this language, only once the role takes effect.
    invite_language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=RoleGrantStatus.choices, default=RoleGrantStatus.PENDING
    )
    requested_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="role_grants_requested")
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="role_grants_decided"
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)

    class Meta:
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(status="pending"),
                name="unique_pending_role_grant",
            ),
        ]

    def __str__(self) -> str:
        return f"role request {self.pk}: {self.role} in {self.organisation} ({self.status})"


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its SHA-256 digest is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"token {self.pk} of {self.user}"


# --- Second factor ----------------------------------------------------------------
#
# django-otp's own TOTPDevice and StaticToken keep the TOTP seed and the backup codes in
# clear, so a copy of the database would hand them out. These devices plug into the same
# machinery (``Device``: ``match_token``, ``OTPMiddleware``, ``is_verified``), but store
# the seed encrypted under the keyring and the backup codes only as keyed digests, both
# secrets kept outside the database.


def new_totp_seed() -> str:
    """20 random bytes, hex-encoded, as django-otp's TOTPDevice makes them."""
    seed: str = random_hex(20)  # django-otp is untyped
    return seed


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP, RFC 6238), with its seed encrypted at rest."""

    key = EncryptedTextField(_("secret"), default=new_totp_seed)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    # Steps before or after the current one that are accepted (a phone clock a little off).
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    # The step of the last code accepted: a code is never accepted twice.
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def bin_key(self) -> bytes:
        return bytes.fromhex(self.key)

    def _totp(self) -> TOTP:
        return TOTP(self.bin_key, self.step, self.t0, self.digits, self.drift)

    def verify_token(self, token: Any) -> bool:
        """As django-otp's TOTPDevice.verify_token, on the decrypted seed."""
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        try:
            number = int(token)
        except (TypeError, ValueError):
            number = None
        totp = self._totp()
        totp.time = time.time()
        if number is not None and totp.verify(number, self.tolerance, self.last_t + 1):
            # Claim the time step in one conditional UPDATE: of two requests racing with
            # the same code, only the one that moves last_t forward is let in.
            claimed = type(self).objects.filter(pk=self.pk, last_t__lt=totp.t()).update(last_t=totp.t())
            if not claimed:
                self.throttle_increment(commit=True)
                return False
            self.last_t = totp.t()
            if getattr(settings, "OTP_TOTP_SYNC", True):
                self.drift = totp.drift
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_TOTP_THROTTLE_FACTOR", 1))

    @property
    def config_url(self) -> str:
        """The otpauth:// address an authenticator app reads from the QR code."""
        issuer = str(getattr(settings, "OTP_TOTP_ISSUER", "") or "").replace(":", "")
        label = f"{issuer}:{self.user.get_username()}" if issuer else self.user.get_username()
        params = {
            "secret": base64.b32encode(self.bin_key).decode(),
            "algorithm": "SHA1",
            "digits": self.digits,
            "period": self.step,
        }
        query = urlencode(params) + (f"&issuer={quote(issuer)}" if issuer else "")
        return f"otpauth://totp/{quote(label)}?{query}"


def backup_code_digest(*, user_id: int, code: str) -> str:
    """The stored form of a backup code: an HMAC under the pepper (outside the database),
    bound to its owner so one guess tests one person's codes, not everyone's. Spaces,
    hyphens and capitals do not matter."""
    normalised = code.replace(" ", "").replace("-", "").strip().lower()
    return lookup_digest(f"{user_id}:{normalised}", purpose="backup-code")


def new_backup_code() -> str:
    """8 characters of base32 (40 bits), as django-otp's StaticToken.random_token."""
    return base64.b32encode(secrets.token_bytes(5)).decode().lower()


class BackupCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """A person's set of single-use backup codes (``codes``), for a lost phone."""

    class Meta(Device.Meta):
        verbose_name = _("backup codes")
        verbose_name_plural = _("backup codes")

    def verify_token(self, token: Any) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        # One DELETE: of two requests racing with the same code, only one removes it.
        used, _rows = self.codes.filter(digest=backup_code_digest(user_id=self.user_id, code=str(token))).delete()
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return int(getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1))


class BackupCode(models.Model):
    """One unused backup code, as its digest only (``backup_code_digest``)."""

    device = models.ForeignKey(BackupCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")

    def __str__(self) -> str:
        return f"backup code {self.pk}"
