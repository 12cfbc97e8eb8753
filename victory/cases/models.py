"""Cases: the work several organisations do together for one person harmed, and the
records that keep that work within what the person agreed to.

- ``Case``: one organisation's case, opened from a report or directly (phone, walk-in,
  third party); its lifecycle, assignee and the counters its lists filter on.
- ``CasePerson``: people linked to a case, identities encrypted.
- ``CaseTask``, ``CaseNote``, ``RiskFlag``, ``ReplyTemplate``, ``CaseEvent`` (timeline).
- ``NeedsAssessment``: the Art. 22 individual assessment, one immutable row per version.
- ``ConsentRecord``: ISO/IEC TS 27560-style consent; terms never edited once given.
- ``Referral``: a snapshot of chosen sections sent to another organisation.
- ``CaseConference`` and ``ConferenceAction``: the multi-agency plan for a high-risk case.

Who may see which row is written once, as querysets (``CaseQuerySet.visible_to``,
``ReferralQuerySet.received_by`` …); ``victory.cases.permissions`` asks the same ones.

Free text and identities are encrypted (``Encrypted*Field``); the coded fields (status,
bias motivations, incident types, country, month, levels) stay readable: lists filter on
them and statistics count them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from victory.accounts.models import Membership, Organisation, Role, User
from victory.core.fields import EncryptedJSONField, EncryptedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


# --- Vocabulary ---------------------------------------------------------------------


class CaseStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("case status", "New")
    TRIAGE = "triage", pgettext_lazy("case status", "Triage")
    ASSESSMENT = "assessment", pgettext_lazy("case status", "Needs assessment")
    SUPPORT = "support", pgettext_lazy("case status", "Support")
    CLOSED = "closed", pgettext_lazy("case status", "Closed")
    REOPENED = "reopened", pgettext_lazy("case status", "Reopened")


# The lifecycle, in one place: from each status, where a case may go next.
CASE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    CaseStatus.NEW: (CaseStatus.TRIAGE, CaseStatus.CLOSED),
    CaseStatus.TRIAGE: (CaseStatus.ASSESSMENT, CaseStatus.SUPPORT, CaseStatus.CLOSED),
    CaseStatus.ASSESSMENT: (CaseStatus.SUPPORT, CaseStatus.CLOSED),
    CaseStatus.SUPPORT: (CaseStatus.ASSESSMENT, CaseStatus.CLOSED),
    CaseStatus.CLOSED: (CaseStatus.REOPENED,),
    CaseStatus.REOPENED: (CaseStatus.TRIAGE, CaseStatus.ASSESSMENT, CaseStatus.SUPPORT, CaseStatus.CLOSED),
}
OPEN_STATUSES = tuple(s for s in CaseStatus.values if s != CaseStatus.CLOSED)


class CloseReason(models.TextChoices):
    SUPPORT_COMPLETED = "support_completed", _("Support completed")
    PERSON_DECLINED = "person_declined", _("The person declined further support")
    NO_CONTACT = "no_contact", _("No contact could be made")
    REFERRED_ON = "referred_on", _("Referred to another organisation, nothing more to do here")
    DUPLICATE = "duplicate", _("Duplicate of another case")
    OTHER = "other", _("Other reason")


class IntakeChannel(models.TextChoices):
    REPORT = "report", _("Online report")
    PHONE = "phone", _("Phone call")
    WALK_IN = "walk_in", _("In person (walk-in)")
    THIRD_PARTY = "third_party", _("Third party on the person's behalf")
    REFERRAL = "referral", _("Referral from another organisation")


class PersonRole(models.TextChoices):
    PERSON_HARMED = "person_harmed", _("Person harmed")
    WITNESS = "witness", _("Witness")
    PERSON_CAUSED_HARM = "person_caused_harm", _("Person who caused harm")
    SUPPORTER = "supporter", _("Supporter")
    GUARDIAN = "guardian", _("Parent or guardian")


class RiskLevel(models.TextChoices):
    # Ordered: the case's level is the highest of its flags in force.
    NONE = "none", _("None recorded")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


RISK_ORDER = {level: rank for rank, level in enumerate(RiskLevel.values)}


class RiskKind(models.TextChoices):
    REPEAT_VICTIMISATION = "repeat_victimisation", _("Repeat victimisation")
    INTIMIDATION = "intimidation", _("Intimidation")
    RETALIATION = "retaliation", _("Retaliation")
    SELF_HARM = "self_harm", _("Risk to the person's own safety")
    CHILD = "child", _("A child at risk")
    OTHER = "other", _("Other risk")


class ProtectionLevel(models.TextChoices):
    """What a needs assessment concludes, ordered."""

    NONE = "none", _("No specific protection needs")
    STANDARD = "standard", _("Protection needs: standard measures")
    ENHANCED = "enhanced", _("Specific protection needs: special measures")


class AssessmentStage(models.TextChoices):
    SCREENING = "screening", _("Screening")
    DETAILED = "detailed", _("Detailed assessment")


class CaseSection(models.TextChoices):
    """The parts of a case a consent covers and a referral shares: ISO/IEC TS 27560's
    data categories. The needs assessment is its own section, never shared by default."""

    INCIDENT = "incident", _("What happened (date, place, bias, type, account)")
    CONTACT = "contact", _("The person harmed: name and contact details")
    PEOPLE = "people", _("Other people linked to the case")
    RISK = "risk", _("Risk flags")
    NOTES = "notes", _("Internal notes that are not confidential")
    ASSESSMENT = "assessment", _("The individual needs assessment")


class ConsentPurpose(models.TextChoices):
    CONTACT = "contact", _("Contact the person")
    SHARE_ORGANISATION = "share_organisation", _("Share with a named organisation for support")
    POLICE = "police", _("Share with the police")
    STATISTICS = "statistics", _("Count in statistics, without identity")
    RESTORATIVE = "restorative", _("Share for a restorative process")


# Purposes that send case content to another organisation: they name a recipient.
SHARING_PURPOSES = (ConsentPurpose.SHARE_ORGANISATION, ConsentPurpose.POLICE, ConsentPurpose.RESTORATIVE)


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person themselves")
    GUARDIAN = "guardian", _("A parent or guardian")
    THIRD_PARTY = "third_party", _("A third party on their behalf")


class ConsentMethod(models.TextChoices):
    INBOX = "inbox", _("Online, in the report or the inbox")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    WRITTEN = "written", _("Signed written form")


class ConsentStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("consent status", "Requested")
    GIVEN = "given", pgettext_lazy("consent status", "Given")
    REFUSED = "refused", pgettext_lazy("consent status", "Refused")
    WITHDRAWN = "withdrawn", pgettext_lazy("consent status", "Withdrawn")
    EXPIRED = "expired", pgettext_lazy("consent status", "Expired")


# ISO/IEC TS 27560 / OpenSPP: requested → given | refused; given → withdrawn | expired.
CONSENT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ConsentStatus.REQUESTED: (ConsentStatus.GIVEN, ConsentStatus.REFUSED),
    ConsentStatus.GIVEN: (ConsentStatus.WITHDRAWN, ConsentStatus.EXPIRED),
    ConsentStatus.REFUSED: (),
    ConsentStatus.WITHDRAWN: (),
    ConsentStatus.EXPIRED: (),
}


class ReferralPurpose(models.TextChoices):
    SUPPORT = "support", _("Specialist support")
    POLICE = "police", _("Reporting to the police or criminal proceedings")
    RESTORATIVE = "restorative", _("A restorative process")


# Which consent purpose a referral's purpose needs.
CONSENT_FOR_REFERRAL: dict[str, str] = {
    ReferralPurpose.SUPPORT: ConsentPurpose.SHARE_ORGANISATION,
    ReferralPurpose.POLICE: ConsentPurpose.POLICE,
    ReferralPurpose.RESTORATIVE: ConsentPurpose.RESTORATIVE,
}


class ReferralStatus(models.TextChoices):
    SENT = "sent", pgettext_lazy("referral status", "Sent")
    ACCEPTED = "accepted", pgettext_lazy("referral status", "Accepted")
    DECLINED = "declined", pgettext_lazy("referral status", "Declined")
    COMPLETED = "completed", pgettext_lazy("referral status", "Completed")
    REVOKED = "revoked", pgettext_lazy("referral status", "Revoked")


REFERRAL_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ReferralStatus.SENT: (ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.REVOKED),
    ReferralStatus.ACCEPTED: (ReferralStatus.COMPLETED, ReferralStatus.REVOKED),
    ReferralStatus.DECLINED: (),
    ReferralStatus.COMPLETED: (),
    ReferralStatus.REVOKED: (),
}
# While a referral is in one of these, its recipient reads its snapshot.
REFERRAL_OPEN_STATUSES = (ReferralStatus.SENT, ReferralStatus.ACCEPTED)


class ConferenceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held, minutes recorded")
    CANCELLED = "cancelled", _("Cancelled")


# --- Access rules -------------------------------------------------------------------

# Roles that work an organisation's cases. A caseworker sees the unassigned intake and
# their own cases; a supervisor every case of the organisation.
CASE_ROLES = (Role.CASEWORKER.value, Role.SUPERVISOR.value)
# Roles that receive referrals sent to their organisation (and see only the snapshot).
REFERRAL_RECEIVER_ROLES = (Role.CASEWORKER.value, Role.SUPERVISOR.value, Role.JUSTICE_LIAISON.value)


def _memberships(user: User | AnonymousUser, roles: tuple[str, ...]) -> models.QuerySet[Membership, Membership]:
    if not isinstance(user, User):
        return Membership.objects.none()
    return Membership.objects.in_force().filter(user_id=user.pk, role__in=roles)


def organisations_supervised_by(user: User | AnonymousUser) -> models.QuerySet[Membership, Any]:
    return _memberships(user, (Role.SUPERVISOR.value,)).values("organisation_id")


def organisations_working_cases_for(user: User | AnonymousUser) -> models.QuerySet[Organisation]:
    """The organisations where ``user`` opens and works cases (a case role in force)."""
    return Organisation.objects.filter(pk__in=_memberships(user, CASE_ROLES).values("organisation_id"))


def organisations_receiving_for(user: User | AnonymousUser) -> models.QuerySet[Membership, Any]:
    return _memberships(user, REFERRAL_RECEIVER_ROLES).values("organisation_id")


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User | AnonymousUser, *, scope: CaseScope | None = None) -> CaseQuerySet:
        """The cases ``user`` reads and works: for a supervisor every case of their
        organisation; for a caseworker its unassigned intake and the cases assigned to
        them. Nobody else (analyst, justice liaison, platform or organisation
        administrator) reads a case: a justice liaison reads referrals' snapshots.
        ``scope``: ``CaseScope.of(user)``, when the caller has already looked it up."""
        scope = CaseScope.of(user) if scope is None else scope.checked_for(user)
        scopes = []
        if scope.supervised:
            scopes.append(Q(organisation_id__in=scope.supervised))
        if scope.casework:
            # The organisation once, outside the OR (not visible_parts' two parts): the
            # list then walks one (organisation, opened_at) index in its order.
            mine = Q(assigned_to__isnull=True) | Q(assigned_to_id=scope.user_id)
            scopes.append(Q(organisation_id__in=scope.casework) & mine)
        if not scopes:
            return self.none()
        return self.filter(scopes[0] if len(scopes) == 1 else scopes[0] | scopes[1])

    def visible_parts(self, user: User | AnonymousUser, *, scope: CaseScope | None = None) -> list[CaseQuerySet]:
        """``visible_to(user)`` as disjoint parts, each one range of an index: a
        supervisor's organisations, a caseworker's organisations' unassigned intake, the
        cases assigned to them there. Counted part by part, the database counts each
        from an index alone; counted as one filter with OR, it read every open case of
        the caseworker's from the table (docs/performance.md)."""
        scope = CaseScope.of(user) if scope is None else scope.checked_for(user)
        parts = []
        if scope.supervised:
            parts.append(self.filter(organisation_id__in=scope.supervised))
        if scope.casework:
            parts.append(self.filter(organisation_id__in=scope.casework, assigned_to__isnull=True))
            parts.append(self.filter(organisation_id__in=scope.casework, assigned_to_id=scope.user_id))
        return parts

    def supervised_by(self, user: User | AnonymousUser) -> CaseQuerySet:
        return self.filter(organisation_id__in=organisations_supervised_by(user))

    def open(self) -> CaseQuerySet:
        return self.exclude(status=CaseStatus.CLOSED)


@dataclass(frozen=True, slots=True)
class CaseScope:
    """Where a user works cases: the organisations where they supervise, and those
    where they are a caseworker only, as ids. They are looked up first (one small
    query) and written into a case filter as ids: "organisation IN (subquery) OR …"
    lets no index serve the list's order, and with 1,000,000 cases the database scanned
    them all (docs/performance.md). A page that applies the rule several times (the
    case list: its rows, its totals, its colleagues) looks the scope up once, for that
    request only: a role taken away counts from the next request on."""

    user_id: int | None
    supervised: tuple[int, ...] = ()
    casework: tuple[int, ...] = ()

    @classmethod
    def of(cls, user: User | AnonymousUser) -> CaseScope:
        if not isinstance(user, User):
            return cls(user_id=None)
        roles: dict[str, set[int]] = {role: set() for role in CASE_ROLES}
        for organisation_id, role in _memberships(user, CASE_ROLES).values_list("organisation_id", "role"):
            roles[role].add(organisation_id)
        supervised = roles[Role.SUPERVISOR.value]
        return cls(
            user_id=user.pk,
            supervised=tuple(sorted(supervised)),
            casework=tuple(sorted(roles[Role.CASEWORKER.value] - supervised)),
        )

    @property
    def organisations(self) -> tuple[int, ...]:
        """Every organisation where the user works cases, in either role."""
        return tuple(sorted({*self.supervised, *self.casework}))

    def checked_for(self, user: User | AnonymousUser) -> CaseScope:
        # A scope is one user's: applied to another, it would show them the first's cases.
        if self.user_id != (user.pk if isinstance(user, User) else None):
            raise ValueError("This case scope was looked up for another user.")
        return self


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="cases")
    # The report it was opened from, if any: the report and the reporter's inbox go on
    # working; messages to the reporter stay the report's messages.
    report = models.OneToOneField(
        "reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="case"
    )
    # The referral it was opened from, when an organisation takes on a referral as its own case.
    from_referral = models.ForeignKey(
        "Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases_opened"
    )
    intake_channel = models.CharField(_("how it came in"), max_length=20, choices=IntakeChannel.choices)
    status = models.CharField(_("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    close_reason = models.CharField(_("reason for closing"), max_length=30, choices=CloseReason.choices, blank=True)
    assigned_to = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_cases"
    )
    # Closing a case with open protection needs waits for a supervisor's approval
    # (permissions.needs_close_approval): the request, until approved or refused.
    close_requested_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    close_requested_at = models.DateTimeField(null=True, blank=True)
    close_requested_reason = models.CharField(max_length=30, choices=CloseReason.choices, blank=True)
    # The language the person harmed reads and speaks (the report's language when opened
    # from one): shown on every case page and list.
    language = models.CharField(_("the person's language"), max_length=10, default="en")
    # Coded, readable: lists and statistics use them.
    country = models.CharField(_("country"), max_length=2, blank=True)
    bias_motivations = models.JSONField(_("bias motivations"), default=list, blank=True)
    incident_types = models.JSONField(_("incident types"), default=list, blank=True)
    online = models.BooleanField(_("online incident"), default=False)
    occurred_month = models.DateField(_("month of the incident"), null=True, blank=True)
    # Encrypted: the account and the exact day could single a person out.
    summary = EncryptedTextField(_("what happened"), blank=True)
    occurred_date = EncryptedTextField(_("date of the incident"), blank=True)
    location = EncryptedTextField(_("region or town"), blank=True)
    # The highest risk flag in force and the latest assessment's conclusion; kept here
    # so lists filter on them with an index, written only by the services.
    risk_level = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.NONE)
    protection_level = models.CharField(
        _("protection needs"), max_length=10, choices=ProtectionLevel.choices, blank=True
    )
    # Triage counters, kept by the services so that a list filters without joins:
    # the reporter's unread messages, since when a reporter message waits for an answer,
    # and the earliest due date of an open task.
    unread_messages = models.PositiveIntegerField(default=0)
    awaiting_reply_since = models.DateTimeField(null=True, blank=True)
    next_task_due = models.DateField(null=True, blank=True)
    # Optimistic locking: every write checks and bumps it, so a stale edit is refused.
    version = models.PositiveIntegerField(default=1)
    # A recorded reason that personal data must be kept (a court order, proceedings):
    # erasure of a person then keeps their data and says why.
    legal_hold = EncryptedTextField(_("legal hold"), blank=True)
    opened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    updated_at = models.DateTimeField(_("last activity"), auto_now=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set when a closed case past its retention was reduced to its statistical fields.
    reduced_at = models.DateTimeField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # Each matches a list: the organisation's intake and lists by status, one
        # person's cases, and the keyset order (opened_at, pk) after each.
        indexes = [
            models.Index(fields=["organisation", "status", "opened_at", "id"], name="case_org_status_opened"),
            models.Index(fields=["organisation", "opened_at", "id"], name="case_org_opened"),
            models.Index(fields=["organisation", "assigned_to", "opened_at", "id"], name="case_org_assignee_opened"),
            models.Index(fields=["organisation", "risk_level", "opened_at", "id"], name="case_org_risk_opened"),
            models.Index(fields=["organisation", "next_task_due"], name="case_org_task_due"),
            models.Index(fields=["status", "closed_at"], name="case_status_closed"),
            # The open cases by status (open_totals) counted from the index alone, the
            # assignee included: a caseworker sees the intake and their own cases.
            models.Index(fields=["organisation", "status", "assigned_to"], name="case_org_status_assignee"),
            # A caseworker's open cases and the open intake, newest first, without walking
            # past years of closed ones (CaseQuerySet.open() writes this very condition).
            models.Index(
                fields=["organisation", "assigned_to", "opened_at", "id"],
                name="case_open_org_assignee_opened",
                condition=~Q(status="closed"),
            ),
            # A caseworker's whole list (the intake and their own, "assigned_to IS NULL OR
            # = me") newest first: walked in order, skipping colleagues' cases, instead of
            # fetching every matching row and sorting them (PostgreSQL, with the extended
            # statistics of migration 0003: 13 ms to 0.5 ms at 1,000,000 cases).
            models.Index(
                fields=["organisation", "opened_at", "id"],
                name="case_open_org_opened",
                condition=~Q(status="closed"),
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED

    @property
    def occurred_on(self) -> date | None:
        return date.fromisoformat(self.occurred_date) if self.occurred_date else None

    @occurred_on.setter
    def occurred_on(self, value: date | None) -> None:
        self.occurred_date = value.isoformat() if value else ""
        self.occurred_month = value.replace(day=1) if value else None


class CasePerson(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="people")
    role = models.CharField(_("role in the case"), max_length=20, choices=PersonRole.choices)
    full_name = EncryptedTextField(_("name"), blank=True)
    # {"email": ..., "phone": ..., "address": ..., "safe_times": ...}
    contact = EncryptedJSONField(_("contact details"), null=True, blank=True)
    notes = EncryptedTextField(_("about this person"), blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # None: not known. A child is presumed to have protection needs (Art. 22(4)).
    is_child = models.BooleanField(_("a child (under 18)"), null=True, blank=True)
    # For a guardian or supporter: whom they stand beside.
    related_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    # Set when the person's data was erased on their request (Art. 17); the row stays so
    # that the case's history still reads "a person was linked", without who.
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("person in a case")
        verbose_name_plural = _("people in cases")

    def __str__(self) -> str:
        return f"{self.case} {self.role} {self.pk}"


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = EncryptedTextField(_("task"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    assigned_to = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done_at", "due_on", "pk"]
        indexes = [models.Index(fields=["assigned_to", "done_at", "due_on"], name="task_assignee_due")]

    def __str__(self) -> str:
        return f"task {self.pk}"


class CaseNote(models.Model):
    """An internal note: never shown to the reporter (messages to them are the report's
    messages). A confidential note is read only by its author and the supervisors, and is
    never part of a referral or an export for another organisation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = EncryptedTextField(_("note"))
    confidential = models.BooleanField(_("confidential"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"note {self.pk}"


class RiskFlag(models.Model):
    """A risk raised with its reason; clearing it is recorded, never deleted: the flags
    of a case are its risk history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="risk_flags")
    kind = models.CharField(_("risk"), max_length=30, choices=RiskKind.choices)
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    reason = EncryptedTextField(_("reason"))
    raised_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    cleared_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = EncryptedTextField(_("reason for clearing"), blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.level}"


class ReplyTemplate(models.Model):
    """A ready answer to a reporter, per organisation and language."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reply_templates")
    language = models.CharField(_("language"), max_length=10)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "language", "title"], name="one_template_per_title")
        ]

    def __str__(self) -> str:
        return self.title


class CaseEvent(models.Model):
    """The case's timeline: one row per thing that happened, written by the service that
    did it (``victory.cases.timeline.event_record``). ``params`` holds codes and ids only
    (a status, a task's id), never free text: the timeline reads them in the viewer's
    language. The audit chain is the tamper-evident record; this is the readable one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The organisation that acted (for a recipient's answer to a referral).
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The colleague an event is about (an assignment), read with the event in one query.
    subject_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    params = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="case_event_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind}"


class NeedsAssessment(models.Model):
    """One version of a person's individual needs assessment (Art. 22). A version is never
    changed: redoing the assessment writes the next version, and earlier ones stay
    readable. Read under its own rule (``permissions.can_read_assessment``); never part of
    a referral or an export unless the ``assessment`` section is chosen and consented."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assessments")
    version = models.PositiveIntegerField()
    stage = models.CharField(_("stage"), max_length=20, choices=AssessmentStage.choices)
    # Every answer (screening, characteristics, circumstances, the bias-indicator
    # checklist, the person's wishes, the risks): encrypted as one document.
    answers = EncryptedJSONField(_("answers"), default=dict)
    # What it concluded, readable so lists and the closing rule can use it.
    protection_level = models.CharField(_("protection needs"), max_length=10, choices=ProtectionLevel.choices)
    detailed_needed = models.BooleanField(_("a detailed assessment is needed"), default=False)
    special_measures = models.JSONField(_("suggested special measures"), default=list, blank=True)
    suggested_referrals = models.JSONField(_("suggested referrals"), default=list, blank=True)
    # Why it was redone (circumstances changed), for versions after the first.
    reason = EncryptedTextField(_("why it was redone"), blank=True)
    performed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["case", "version"], name="one_assessment_per_version")]

    def __str__(self) -> str:
        return f"{self.case_id} assessment v{self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        erasing = kwargs.pop("erasing", False)  # the one change allowed: erasure (Art. 17)
        if not self._state.adding and not erasing:
            raise ImmutableRecordError("A needs assessment version is never changed: write the next version.")
        super().save(*args, **kwargs)


class ImmutableRecordError(Exception):
    """A write that would change a record whose terms are fixed (a given consent, an
    assessment version): a programming error, never a user's."""


class ConsentRecordQuerySet(models.QuerySet["ConsentRecord"]):
    def in_force(self, *, on: date | None = None) -> ConsentRecordQuerySet:
        """Given, not withdrawn, not past its end: expiry takes effect on its day even
        before the nightly job marks the record expired."""
        today = on or timezone.localdate()
        return self.filter(status=ConsentStatus.GIVEN).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))


# The terms of a consent: fixed once it is given (a change is a new record).
CONSENT_TERMS = ("case_id", "purpose", "data_categories", "recipient_id", "given_by", "method", "valid_until")


class ConsentRecord(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    # CaseSection codes the consent covers.
    data_categories = models.JSONField(_("what it covers"), default=list, blank=True)
    recipient = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient")
    )
    given_by = models.CharField(_("given by"), max_length=20, choices=ConsentGiver.choices)
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    status = models.CharField(_("status"), max_length=20, choices=ConsentStatus.choices)
    valid_until = models.DateField(_("until"), null=True, blank=True)
    # Who wrote it down; None when the person did it themselves in their inbox.
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = EncryptedTextField(_("note"), blank=True)
    # The record this one replaces (a change of terms is a new record).
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField(null=True, blank=True)
    given_at = models.DateTimeField(null=True, blank=True)
    refused_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [models.Index(fields=["case", "purpose", "status"], name="consent_case_purpose")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.purpose} {self.status}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Once given, a consent's terms never change, and a status only moves along
        ``CONSENT_TRANSITIONS``: checked against the stored row on every save."""
        if not self._state.adding:
            stored = type(self).objects.filter(pk=self.pk).values(*CONSENT_TERMS, "status").first()
            if stored is not None:
                if stored["status"] != ConsentStatus.REQUESTED:
                    changed = [term for term in CONSENT_TERMS if stored[term] != getattr(self, term)]
                    if changed:
                        raise ImmutableRecordError(f"The terms of a given consent are never edited: {changed}.")
                if stored["status"] != self.status and self.status not in CONSENT_TRANSITIONS[stored["status"]]:
                    raise ImmutableRecordError(f"A consent cannot go from {stored['status']} to {self.status}.")
        super().save(*args, **kwargs)

    def covers(self, sections: list[str]) -> bool:
        return set(sections) <= set(self.data_categories)


class ReferralQuerySet(models.QuerySet["Referral"]):
    def in_force(self) -> ReferralQuerySet:
        """Referrals whose recipient may read the snapshot now: sent or accepted, and,
        unless shared on a vital-interest ground, under a consent still in force. A
        withdrawn consent or a revocation ends the recipient's access in that request."""
        consent_holds = Q(consent__in=ConsentRecord.objects.in_force())
        return self.filter(status__in=REFERRAL_OPEN_STATUSES).filter(consent_holds | Q(vital_interest=True))

    def received_by(self, user: User | AnonymousUser) -> ReferralQuerySet:
        """Referrals sent to an organisation where ``user`` receives referrals (all
        statuses: a closed one still shows its status, never its snapshot)."""
        return self.filter(recipient_id__in=organisations_receiving_for(user))

    def sent_by(self, user: User | AnonymousUser) -> ReferralQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user))


class Referral(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    sender = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_sent")
    recipient = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_received")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ReferralPurpose.choices)
    # The sender's words to the recipient: why, what is asked.
    message = EncryptedTextField(_("message to the recipient"), blank=True)
    sections = models.JSONField(_("shared sections"), default=list)
    # What the recipient reads: the chosen sections as they were when sent.
    snapshot = EncryptedJSONField(_("shared content"), default=dict)
    consent = models.ForeignKey(
        ConsentRecord, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    # GDPR Art. 6(1)(d): shared without consent by a supervisor, for an imminent risk to
    # life; the reason is mandatory and the referral is flagged until reviewed.
    vital_interest = models.BooleanField(_("shared without consent for a vital interest"), default=False)
    vital_interest_reason = EncryptedTextField(_("vital-interest reason"), blank=True)
    review_needed = models.BooleanField(_("to review"), default=False)
    reviewed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ReferralStatus.choices, default=ReferralStatus.SENT)
    sent_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # The recipient's reason for declining, or its report back on completing.
    answer_note = EncryptedTextField(_("recipient's note"), blank=True)
    revoked_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = EncryptedTextField(_("why it was revoked"), blank=True)
    # True when revoked because the person withdrew the consent it rested on.
    revoked_by_withdrawal = models.BooleanField(default=False)
    # Optimistic locking, as on Case: two answers at once cannot both apply.
    version = models.PositiveIntegerField(default=1)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        indexes = [
            models.Index(fields=["recipient", "status", "sent_at", "id"], name="referral_recipient_status"),
            models.Index(fields=["recipient", "sent_at", "id"], name="referral_recipient_sent"),
        ]

    def __str__(self) -> str:
        return self.reference


class CaseConference(models.Model):
    """A multi-agency case conference for a high-risk case, convened by a supervisor of
    the case's organisation with the organisations holding an accepted referral."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conferences")
    convened_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    scheduled_for = models.DateTimeField(_("when"))
    organisations = models.ManyToManyField(Organisation, related_name="case_conferences", verbose_name=_("invited"))
    # Recorded first, before anything else is decided.
    victim_wishes = EncryptedTextField(_("what the person harmed wishes"))
    agenda = EncryptedTextField(_("agenda"), blank=True)
    minutes = EncryptedTextField(_("minutes"), blank=True)
    # What the person is told in their inbox about what was agreed for them.
    person_summary = EncryptedTextField(_("what the person is told"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ConferenceStatus.choices, default=ConferenceStatus.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-scheduled_for", "-pk"]

    def __str__(self) -> str:
        return f"conference {self.pk}"


class ConferenceAction(models.Model):
    conference = models.ForeignKey(CaseConference, on_delete=models.CASCADE, related_name="actions")
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("who"))
    description = EncryptedTextField(_("action"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"action {self.pk}"
