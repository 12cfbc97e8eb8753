"""Who may use the professional side: organisations, their members and their roles."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.validators import validate_email
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from victory.core.fields import EncryptedTextField
from victory.core.lookup import lookup_digest


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


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    # ISO 3166-1 alpha-2 codes, e.g. ["PT", "ES"].
    countries = models.JSONField(_("countries served"), default=list)
    accepts_public_reports = models.BooleanField(_("accepts public reports"), default=False)
    is_fictional = models.BooleanField(
        _("fictional (demo data)"), default=False, help_text=_("Demo organisations are labelled as fictional.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

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


class User(AbstractBaseUser, PermissionsMixin):
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
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

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
    when a second person approves it (``victory.core.permissions.role_grant_deciders``);
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
