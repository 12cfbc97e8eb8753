"""What a person reports, the receipt that lets them come back, and the conversation
with the organisation that receives it. Free text, contact details and the exact day
of the incident are encrypted; the coded answers (bias, incident type, country, month)
stay readable for statistics."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from victory.accounts.models import Organisation
from victory.core.fields import EncryptedFileField, EncryptedJSONField, EncryptedTextField

# The shared vocabulary, re-exported: the report's fields are coded in it.
from victory.core.vocabulary import BiasMotivation as BiasMotivation
from victory.core.vocabulary import IncidentType as IncidentType
from victory.core.vocabulary import SupportNeed as SupportNeed


class ReporterRole(models.TextChoices):
    VICTIM = "victim", _("The person harmed")
    WITNESS = "witness", _("A witness")
    THIRD_PARTY = "third_party", _("Someone reporting for another person, with their agreement")
    ORGANISATION = "organisation", _("An organisation")


class PlaceKind(models.TextChoices):
    STREET = "street", _("In the street or another public place")
    TRANSPORT = "transport", _("On public transport")
    HOME = "home", _("At or near home")
    WORK_SCHOOL = "work_school", _("At work, school or university")
    SHOP_VENUE = "shop_venue", _("In a shop, bar, restaurant or other venue")
    WORSHIP = "worship", _("At or near a place of worship")
    ONLINE = "online", _("Online")
    OTHER = "other", _("Somewhere else")


class PoliceAware(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    NOT_SURE = "not_sure", _("I am not sure")


class ReportStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("Being looked at")
    REFERRED = "referred", _("Referred to another organisation")
    CLOSED = "closed", _("Closed")


class ConsentPurpose(models.TextChoices):
    CONTACT = "contact", _("Contact me by the ways I chose")
    SHARE_SUPPORT = "share_support", _("Share my report with a support organisation")
    SHARE_POLICE = "share_police", _("Share my report with the police")
    STATISTICS = "statistics", _("Count my report, without my identity, in statistics")
    RESTORATIVE = "restorative", _("Tell me about a restorative dialogue")


class Sender(models.TextChoices):
    REPORTER = "reporter", _("You")
    ORGANISATION = "organisation", _("The organisation")


class CountryIntake(models.Model):
    """Which organisation receives a country's reports when the reporter does not choose.
    ``country`` "*" is the fallback for countries without their own entry."""

    country = models.CharField(_("country"), max_length=2, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("default intake organisation")
        verbose_name_plural = _("default intake organisations")

    def __str__(self) -> str:
        return f"{self.country} → {self.organisation}"


class Report(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # Argon2id of the receipt, peppered and with one site-wide salt (see receipts.py).
    receipt_digest = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="reports", verbose_name=_("receiving organisation")
    )
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.RECEIVED)
    referred_to = EncryptedTextField(_("referred to"), blank=True)
    reporter_role = models.CharField(_("who is reporting"), max_length=20, choices=ReporterRole.choices, blank=True)
    narrative = EncryptedTextField(_("what happened"))
    # The exact day, with the place, can single a person out, so it is encrypted (ISO
    # "YYYY-MM-DD", "" when not given); only its month stays readable, for counts by
    # month. Both are read and written through ``occurred_on``, which keeps them in step.
    occurred_date = EncryptedTextField(_("date"), blank=True)
    occurred_month = models.DateField(_("month (its first day)"), null=True, blank=True, db_index=True)
    occurred_when = EncryptedTextField(_("when, in the reporter's words"), blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, db_index=True)
    location = EncryptedTextField(_("region or town"), blank=True)
    place_kind = models.CharField(_("kind of place"), max_length=20, choices=PlaceKind.choices, blank=True)
    online_platform = EncryptedTextField(_("online platform"), blank=True)
    bias_motivations = models.JSONField(_("why it happened"), default=list)
    incident_types = models.JSONField(_("kind of incident"), default=list)
    impact = EncryptedTextField(_("what it did to them"), blank=True)
    offender_description = EncryptedTextField(_("about the people responsible"), blank=True)
    police_aware = models.CharField(_("police know"), max_length=10, choices=PoliceAware.choices, blank=True)
    wants_police_told = models.BooleanField(_("wants police told"), null=True, blank=True)
    support_needs = models.JSONField(_("support wanted"), default=list)
    support_language = EncryptedTextField(_("language for support"), blank=True)
    # {"email": "...", "phone": "...", "safe_times": "..."}: identifying, so encrypted.
    contact = EncryptedJSONField(_("contact details"), null=True, blank=True)
    language = models.CharField(_("reporter's language"), max_length=10, default="en")
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    deletion_requested_at = models.DateTimeField(_("deletion requested at"), null=True, blank=True)
    # Set when a caseworker opens a case from it (later issue); such reports are not erased.
    became_case = models.BooleanField(_("became a case"), default=False)
    erase_after = models.DateTimeField(_("erase after"), db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["organisation", "status", "created_at"]),
            # The caseworker's inbox: the organisation's reports not yet a case, newest first.
            models.Index(fields=["organisation", "became_case", "created_at", "id"], name="report_org_intake"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def occurred_on(self) -> date | None:
        """The day it happened, if the reporter gave it."""
        return date.fromisoformat(self.occurred_date) if self.occurred_date else None

    @occurred_on.setter
    def occurred_on(self, value: date | None) -> None:
        self.occurred_date = value.isoformat() if value else ""
        self.occurred_month = value.replace(day=1) if value else None

    def consent_granted(self, purpose: str) -> bool:
        return any(c.purpose == purpose and c.granted for c in self.consents.all())


class ReportConsent(models.Model):
    """One purpose-specific consent; withdrawing it takes effect at once."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    granted = models.BooleanField(_("granted"))
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [models.UniqueConstraint(fields=["report", "purpose"], name="one_consent_per_purpose")]

    def __str__(self) -> str:
        return f"{self.report} {self.purpose}={self.granted}"


class ReportStatusChange(models.Model):
    """The history the reporter sees: each status with its time."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(max_length=20, choices=ReportStatus.choices)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.status}"


class ReportMessage(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=20, choices=Sender.choices)
    author = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = EncryptedTextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.sender} {self.created_at:%Y-%m-%d}"


class ReportEvidence(models.Model):
    """A file given with a report (or later). Before the report is sent it belongs to a
    draft (``draft_key``); drafts never sent are removed by the retention job."""

    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence")
    draft_key = models.CharField(max_length=64, blank=True, db_index=True)
    message = models.ForeignKey(ReportMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    file = EncryptedFileField(upload_to="evidence/%Y/%m/")
    original_name = EncryptedTextField(_("file name"))
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    added_by = models.CharField(max_length=20, choices=Sender.choices, default=Sender.REPORTER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"evidence {self.pk}"


class ReporterToken(models.Model):
    """A bearer token for the reporter API (``POST /api/v1/reports/session``); only its
    SHA-256 digest is stored, and it expires after the reporter idle timeout."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"reporter token {self.pk}"
