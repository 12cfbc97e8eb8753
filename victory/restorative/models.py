"""The restorative programme: mediation, conferencing, circles and indirect dialogue run
by a restorative-justice service, with the safeguards of Directive 2012/29/EU Art. 12 and
CoE Recommendation CM/Rec(2018)8 as records the software checks (``safeguards.py``).

- ``RestorativeProcess``: one process, from the referral into the programme to closure;
  its stage, dialogue format, facilitators and whether a withdrawal halted it.
- ``Participant``: the person harmed, the person who caused harm, their supporters,
  community members and a minor's parent or guardian, each with their own language,
  interpreter and accessibility needs; identities encrypted.
- The safeguard records, one row per fact, never edited: ``SuitabilityAssessment``,
  ``InformationGiven``, ``ParticipantConsent``, ``FactsAcknowledgement``, ``Preparation``.
- ``DialogueSession`` and ``SessionInvitation`` (ICS, RFC 5545), ``Agreement`` and
  ``AgreementItem``, ``RestorativeNote`` (facilitators only), ``SupervisionReview``,
  ``Evaluation``.

Who may see which process is written once, as ``RestorativeProcessQuerySet``;
``victory.restorative.permissions`` asks the same querysets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from victory.accounts.models import Membership, Organisation, Role, User
from victory.cases.models import Case, Referral
from victory.core.fields import EncryptedJSONField, EncryptedTextField

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


# --- Vocabulary ---------------------------------------------------------------------


class Stage(models.TextChoices):
    """The stages, in their order (DESIGN.md "Restorative justice")."""

    REFERRAL = "referral", pgettext_lazy("restorative stage", "Referral")
    ASSESSMENT = "assessment", pgettext_lazy("restorative stage", "Suitability and risk assessment")
    PREPARATION = "preparation", pgettext_lazy("restorative stage", "Separate preparation of each party")
    CONSENT = "consent", pgettext_lazy("restorative stage", "Consent of both parties")
    DIALOGUE = "dialogue", pgettext_lazy("restorative stage", "Dialogue")
    AGREEMENT = "agreement", pgettext_lazy("restorative stage", "Agreement")
    FOLLOW_UP = "follow_up", pgettext_lazy("restorative stage", "Follow-up of the agreement")
    CLOSED = "closed", pgettext_lazy("restorative stage", "Closure and evaluation")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
OPEN_STAGES = tuple(s for s in STAGE_ORDER if s != Stage.CLOSED)
# From each stage, the next one. A process moves forward one stage at a time; closure
# is possible from any open stage (``process_close``), with a neutral reason.
NEXT_STAGE: dict[str, str] = {STAGE_ORDER[i]: STAGE_ORDER[i + 1] for i in range(len(STAGE_ORDER) - 2)}
# The stages at and after which the parties meet or agree: entering them, scheduling a
# session in them and recording an agreement all need every safeguard (safeguards.py).
DIALOGUE_STAGES = (Stage.DIALOGUE, Stage.AGREEMENT, Stage.FOLLOW_UP)


class ReferralSource(models.TextChoices):
    CASE = "case", _("From a victim-support case, with the person's consent")
    JUSTICE = "justice", _("From a justice organisation (police, prosecution, court)")


class ReferralDecision(models.TextChoices):
    PENDING = "pending", pgettext_lazy("programme referral", "Waiting for an answer")
    ACCEPTED = "accepted", pgettext_lazy("programme referral", "Accepted into the programme")
    DECLINED = "declined", pgettext_lazy("programme referral", "Declined")


class DialogueFormat(models.TextChoices):
    MEDIATION = "mediation", _("Victim–offender mediation")
    CONFERENCE = "conference", _("Restorative conference")
    CIRCLE = "circle", _("Circle")
    SHUTTLE = "shuttle", _("Indirect: shuttle dialogue through the facilitator")
    LETTERS = "letters", _("Indirect: exchange of letters")
    RECORDED = "recorded", _("Indirect: recorded messages")


INDIRECT_FORMATS = (DialogueFormat.SHUTTLE, DialogueFormat.LETTERS, DialogueFormat.RECORDED)


class CloseReason(models.TextChoices):
    """Neutral words: none says who was at fault, and none is held against anyone."""

    COMPLETED = "completed", _("Completed")
    PARTY_DECLINED = "party_declined", _("A party decided not to take part")
    NO_CONTACT = "no_contact", _("No contact could be made")
    WITHDRAWN = "withdrawn", _("A participant withdrew")
    ENDED_FOR_SAFETY = "ended_for_safety", _("Ended by the facilitator for safety")
    NOT_SUITABLE = "not_suitable", _("Not suitable for a restorative process")


class ParticipantRole(models.TextChoices):
    PERSON_HARMED = "person_harmed", _("Person harmed")
    PERSON_CAUSED_HARM = "person_caused_harm", _("Person who caused harm")
    SUPPORTER_HARMED = "supporter_harmed", _("Supporter of the person harmed")
    SUPPORTER_CAUSED_HARM = "supporter_caused_harm", _("Supporter of the person who caused harm")
    COMMUNITY = "community", _("Community member")
    GUARDIAN = "guardian", _("Parent or guardian")


# The two parties: each must be informed, consent and be prepared separately.
PARTY_ROLES = (ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM)


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RiskFactor(models.TextChoices):
    """What the facilitator weighs (Restorative Justice Council; CM/Rec(2018)8 §§ 26–27)."""

    REPEAT_HARM = "repeat_harm", _("Risk of repeat victimisation")
    INTIMIDATION = "intimidation", _("Risk of intimidation or retaliation")
    POWER_IMBALANCE = "power_imbalance", _("A power imbalance between the parties")
    SEXUAL_OR_DOMESTIC = "sexual_or_domestic", _("Sexual or domestic violence, or stalking")
    ORGANISED_HATE = "organised_hate", _("Links to an organised hate or extremist group")
    DENIAL = "denial", _("The person who caused harm minimises or denies the harm")
    WELLBEING = "wellbeing", _("A participant's health or emotional state")
    MINOR = "minor", _("A participant is a child")


class ConsentMethod(models.TextChoices):
    """Consent to take part is written (Restorative Justice Council)."""

    SIGNED_FORM = "signed_form", _("Signed written form")
    INBOX = "inbox", _("Written in their VicTory inbox")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", pgettext_lazy("restorative session", "Scheduled")
    HELD = "held", pgettext_lazy("restorative session", "Held")
    CANCELLED = "cancelled", pgettext_lazy("restorative session", "Cancelled")


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("restorative agreement", "Draft")
    CONFIRMED = "confirmed", pgettext_lazy("restorative agreement", "Agreed by both parties")


class ItemKind(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    REPARATION = "reparation", _("Reparation")
    RESTITUTION = "restitution", _("Restitution (payments)")
    COMMUNITY_SERVICE = "community_service", _("Community service")
    BEHAVIOUR = "behaviour", _("Behaviour")
    OTHER = "other", _("Other")


class ItemOutcome(models.TextChoices):
    """Recorded neutrally: "not done" is a fact of the follow-up, never a flag on a person."""

    OPEN = "open", pgettext_lazy("agreement item", "Not yet due or not yet followed up")
    DONE = "done", pgettext_lazy("agreement item", "Done")
    PARTLY_DONE = "partly_done", pgettext_lazy("agreement item", "Partly done")
    NOT_DONE = "not_done", pgettext_lazy("agreement item", "Not done")


# --- Access rules -------------------------------------------------------------------

# A facilitator works the processes of their restorative organisation; a supervisor
# there sees every process (never the restorative notes) and reviews them.
PROGRAMME_ROLES = (Role.FACILITATOR.value, Role.SUPERVISOR.value)


def memberships_in_programme(user: User | AnonymousUser, roles: tuple[str, ...]) -> models.QuerySet[Membership, Any]:
    if not isinstance(user, User):
        return Membership.objects.none()
    return Membership.objects.in_force().filter(user_id=user.pk, role__in=roles).values("organisation_id")


class RestorativeProcessQuerySet(models.QuerySet["RestorativeProcess"]):
    def visible_to(self, user: User | AnonymousUser) -> RestorativeProcessQuerySet:
        """The processes ``user`` reads: a supervisor of the restorative organisation
        every one of it; a facilitator there the waiting referrals and the processes they
        facilitate or co-facilitate. Nobody else: the referring caseworker learns the
        outcome through the case's referral, never the process."""
        if not isinstance(user, User):
            return self.none()
        supervised = Q(organisation_id__in=memberships_in_programme(user, (Role.SUPERVISOR.value,)))
        facilitated = Q(organisation_id__in=memberships_in_programme(user, (Role.FACILITATOR.value,))) & (
            Q(decision=ReferralDecision.PENDING) | Q(facilitator_id=user.pk) | Q(co_facilitator_id=user.pk)
        )
        return self.filter(supervised | facilitated)

    def facilitated_by(self, user: User | AnonymousUser) -> RestorativeProcessQuerySet:
        """The processes whose confidential record ``user`` reads: as facilitator or
        co-facilitator, while they hold the facilitator role there."""
        if not isinstance(user, User):
            return self.none()
        return self.filter(
            Q(facilitator_id=user.pk) | Q(co_facilitator_id=user.pk),
            organisation_id__in=memberships_in_programme(user, (Role.FACILITATOR.value,)),
        )

    def open(self) -> RestorativeProcessQuerySet:
        return self.exclude(stage=Stage.CLOSED)


class RestorativeProcess(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # The restorative-justice service that runs it.
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="restorative_processes")
    source = models.CharField(_("referred from"), max_length=10, choices=ReferralSource.choices)
    referred_by = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="restorative_referrals_sent", verbose_name=_("referred by")
    )
    # From a case: the case's referral with purpose "restorative", which rests on the
    # person's consent for that purpose. While it is not in force the process cannot go on.
    case_referral = models.OneToOneField(
        Referral, null=True, blank=True, on_delete=models.PROTECT, related_name="restorative_process"
    )
    # The victim's interest in a restorative process, as the referrer recorded it.
    victim_interest = EncryptedTextField(_("the person harmed's interest, as recorded"), blank=True)
    referral_note = EncryptedTextField(_("why it is referred"), blank=True)
    referred_by_user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referred_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(
        _("answer to the referral"), max_length=10, choices=ReferralDecision.choices, default=ReferralDecision.PENDING
    )
    decision_note = EncryptedTextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.REFERRAL)
    dialogue_format = models.CharField(_("dialogue format"), max_length=20, choices=DialogueFormat.choices, blank=True)
    facilitator = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    co_facilitator = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # Set by a participant's withdrawal: everything stops until the process is closed.
    halted_at = models.DateTimeField(null=True, blank=True)
    # When a party's circumstances last changed: a risk assessment older than this is
    # not current (safeguards.py).
    circumstances_changed_at = models.DateTimeField(null=True, blank=True)
    # "No agreement" is an outcome of the dialogue, recorded neutrally.
    no_agreement_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=20, choices=CloseReason.choices, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Both parties agreed that the facilitator's summary may go into the referring case
    # file (confidentiality, Art. 12(1)(e)); until then nothing of the process does.
    shared_summary = EncryptedTextField(_("summary both parties agreed to share"), blank=True)
    stage_changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    objects = RestorativeProcessQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_at", "-pk"]
        verbose_name = _("restorative process")
        verbose_name_plural = _("restorative processes")
        indexes = [
            models.Index(fields=["organisation", "decision", "referred_at"], name="rj_org_decision"),
            models.Index(fields=["organisation", "stage"], name="rj_org_stage"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage != Stage.CLOSED

    @property
    def is_halted(self) -> bool:
        return self.halted_at is not None

    @property
    def case(self) -> Case | None:
        return self.case_referral.case if self.case_referral is not None else None


class Participant(models.Model):
    process = models.ForeignKey(RestorativeProcess, on_delete=models.CASCADE, related_name="participants")
    role = models.CharField(_("role"), max_length=30, choices=ParticipantRole.choices)
    full_name = EncryptedTextField(_("name"))
    # {"email": ..., "phone": ...}
    contact = EncryptedJSONField(_("contact details"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10)
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    accessibility_needs = EncryptedTextField(_("accessibility needs"), blank=True)
    is_minor = models.BooleanField(_("a child (under 18)"), default=False)
    # For a supporter or a guardian: whom they stand beside.
    supports = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supporters")
    # The report the person harmed sent, when the process came from its case: they then
    # see the process and can withdraw from their inbox.
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The platform user, when a participant also works on the platform (impartiality).
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Staff the participant knows personally (family, neighbour, colleague): none of them
    # may facilitate (permissions.facilitator_conflicts).
    linked_staff = models.ManyToManyField(User, blank=True, related_name="+", verbose_name=_("staff they know"))
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    # They answered the questionnaire after closure: once only. A flag, not a time, so it
    # cannot be matched to their answers (``Evaluation`` keeps the role only).
    has_evaluated = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return f"{self.process_id} {self.role} {self.pk}"

    @property
    def is_party(self) -> bool:
        return self.role in PARTY_ROLES


class SuitabilityAssessment(models.Model):
    """A risk and suitability assessment, at a stage. Redone at each stage and whenever
    a party's circumstances change; earlier ones stay."""

    process = models.ForeignKey(RestorativeProcess, on_delete=models.CASCADE, related_name="assessments")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    risk_level = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices)
    risk_factors = models.JSONField(_("risk factors"), default=list, blank=True)
    suitable = models.BooleanField(_("suitable for a restorative process"))
    # The victim's interest and safety, as the facilitator found them.
    reasoning = EncryptedTextField(_("reasoning"))
    performed_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    performed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-performed_at", "-pk"]

    def __str__(self) -> str:
        return f"suitabilityassessment {self.pk}"


class InformationSheet(models.TextChoices):
    """The versions of the information sheet on process, outcomes, implications for
    criminal proceedings and supervision of agreements (templates/restorative/sheet/).
    A new version gets a new code; the old ones stay, as people were given them."""

    V2026_12 = "2026-12", _("Information sheet, December 2026")


CURRENT_INFORMATION_SHEET = InformationSheet.V2026_12


class InformationGiven(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="information")
    sheet_version = models.CharField(_("version"), max_length=20, choices=InformationSheet.choices)
    language = models.CharField(_("language"), max_length=10)
    given_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return f"informationgiven {self.pk}"


class ParticipantConsent(models.Model):
    """Written, free and informed consent to take part, given after the information."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="consents")
    method = models.CharField(_("how"), max_length=20, choices=ConsentMethod.choices)
    # The information this consent was given after (which version, in which language).
    information = models.ForeignKey(InformationGiven, on_delete=models.PROTECT, related_name="+")
    # For a minor: the parent or guardian who consented beside them.
    guardian = models.ForeignKey(Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]

    def __str__(self) -> str:
        return f"participantconsent {self.pk}"


class FactsAcknowledgement(models.Model):
    """The person who caused harm acknowledged the basic facts (Art. 12(1)(c))."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="acknowledgements")
    # Their words, kept with the facilitators' confidential record.
    statement = EncryptedTextField(_("what they acknowledged"))
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-pk"]

    def __str__(self) -> str:
        return f"factsacknowledgement {self.pk}"


class Preparation(models.Model):
    """A preparation meeting with one party alone: one participant per row, so "both were
    prepared separately" is two rows, never one meeting."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="preparations")
    held_on = models.DateField(_("held on"))
    notes = EncryptedTextField(_("preparation notes"), blank=True)
    recorded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"preparation {self.pk}"


class DialogueSession(models.Model):
    process = models.ForeignKey(RestorativeProcess, on_delete=models.CASCADE, related_name="sessions")
    # The calendar identity of the session (RFC 5545 UID) and its revision (SEQUENCE):
    # an updated or cancelled invitation replaces the one people already have.
    uid = models.CharField(max_length=80, unique=True)
    sequence = models.PositiveIntegerField(default=0)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    time_zone = models.CharField(_("time zone"), max_length=60, default="Europe/Brussels")
    remote = models.BooleanField(_("remote"), default=False)
    # The place or the link: who meets where is sensitive.
    place = EncryptedTextField(_("place or link"))
    interpreter_language = models.CharField(_("interpreter for"), max_length=10, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"dialoguesession {self.pk}"


class SessionInvitation(models.Model):
    """One participant invited to a session (their supporters are invited as participants
    of their own). Cancelled with the session, or when the participant withdraws."""

    session = models.ForeignKey(DialogueSession, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="invitations")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["session", "participant"], name="one_invitation_each")]

    def __str__(self) -> str:
        return f"sessioninvitation {self.pk}"


class Agreement(models.Model):
    process = models.OneToOneField(RestorativeProcess, on_delete=models.CASCADE, related_name="agreement")
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    # Each party's voluntary confirmation, recorded by the facilitator (Art. 12(1)(d)).
    harmed_confirmed_at = models.DateTimeField(null=True, blank=True)
    caused_harm_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"agreement {self.pk}"


class AgreementItem(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("kind"), max_length=20, choices=ItemKind.choices)
    description = EncryptedTextField(_("what is agreed"))
    owner = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+", verbose_name=_("who"))
    due_on = models.DateField(_("due on"), null=True, blank=True)
    # Restitution: the amount in cents, paid in instalments recorded in ``payments``.
    amount_cents = models.PositiveIntegerField(_("amount (cents)"), null=True, blank=True)
    payments = EncryptedJSONField(_("payments"), default=list, blank=True)
    outcome = models.CharField(_("follow-up"), max_length=20, choices=ItemOutcome.choices, default=ItemOutcome.OPEN)
    followed_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return f"agreementitem {self.pk}"


class RestorativeNote(models.Model):
    """A facilitator's note, or what was said in a session: read by the process's
    facilitators only, never part of the case file, a referral, an export or statistics."""

    process = models.ForeignKey(RestorativeProcess, on_delete=models.CASCADE, related_name="notes")
    session = models.ForeignKey(DialogueSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    author = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body = EncryptedTextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"restorativenote {self.pk}"


class SupervisionReview(models.Model):
    process = models.ForeignKey(RestorativeProcess, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    notes = EncryptedTextField(_("review notes"), blank=True)
    reviewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-reviewed_at", "-pk"]

    def __str__(self) -> str:
        return f"supervisionreview {self.pk}"


class Evaluation(models.Model):
    """A participant's answers after closure. Kept with the role only, not the person:
    the programme's figures count them, never single anyone out."""

    process = models.ForeignKey(RestorativeProcess, on_delete=models.CASCADE, related_name="evaluations")
    role = models.CharField(_("role"), max_length=30, choices=ParticipantRole.choices)
    language = models.CharField(_("language"), max_length=10)
    # 1 (not at all) to 5 (completely).
    felt_safe = models.PositiveSmallIntegerField(_("I felt safe"))
    was_heard = models.PositiveSmallIntegerField(_("I was heard"))
    sense_of_justice = models.PositiveSmallIntegerField(_("Justice was done"))
    satisfaction = models.PositiveSmallIntegerField(_("I am satisfied with the process"))
    submitted_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"evaluation {self.pk}"
