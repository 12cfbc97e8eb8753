"""Reading the restorative programme: the processes a user may see, one process for its
page (each showing an audited read), the supervisor's dashboard and the programme's
figures with small counts suppressed. Confidential records (restorative notes, the
acknowledgement's words, preparation notes) are read here for facilitators only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Avg, Case, Count, Exists, IntegerField, Max, Min, OuterRef, Q, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.accounts.models import Membership, Organisation, OrganisationKind, Role, User
from victory.core.audit import audit_record

from . import permissions, safeguards
from .models import (
    PROGRAMME_ROLES,
    Agreement,
    AgreementStatus,
    CloseReason,
    DialogueSession,
    Evaluation,
    FactsAcknowledgement,
    InformationGiven,
    Participant,
    ParticipantConsent,
    ParticipantRole,
    Preparation,
    ReferralDecision,
    RestorativeNote,
    RestorativeProcess,
    SessionStatus,
    SupervisionReview,
    memberships_in_programme,
)

# A published count below this is shown as "fewer than 5", never the number (DESIGN.md).
SMALL_COUNT = 5


def review_weeks() -> int:
    return int(settings.RESTORATIVE_REVIEW_WEEKS)


def works_in_any_programme(user: User) -> bool:
    return memberships_in_programme(user, PROGRAMME_ROLES).exists()


def process_list(*, user: User) -> list[RestorativeProcess]:
    """The processes ``user`` may see, the waiting referrals first, each with its next
    scheduled session (``next_session_at``)."""
    rows = (
        RestorativeProcess.objects.visible_to(user)
        .select_related("organisation", "referred_by", "facilitator", "co_facilitator")
        .annotate(
            next_session_at=Min(
                "sessions__starts_at",
                filter=Q(sessions__status=SessionStatus.SCHEDULED, sessions__starts_at__gte=timezone.now()),
            ),
            waiting=Case(
                When(decision=ReferralDecision.PENDING, then=Value(0)), default=Value(1), output_field=IntegerField()
            ),
        )
        .order_by("waiting", "-referred_at", "-pk")
    )
    return list(rows[:200])


def process_get(
    *, user: User, pk: int | None = None, reference: str | None = None, what: str = "page"
) -> RestorativeProcess:
    """The process by its id (pages) or its reference (the API), if ``user`` may see it
    (else 404, whether it exists or not); each call is an audited read."""
    lookup = {"pk": pk} if reference is None else {"reference": reference}
    process = (
        RestorativeProcess.objects.visible_to(user)
        .select_related("organisation", "referred_by", "facilitator", "co_facilitator", "case_referral")
        .filter(**lookup)
        .first()
    )
    if process is None:
        raise Http404
    audit_record(action="restorative.read", actor=user, organisation=process.organisation, obj=process, reason=what)
    return process


@dataclass
class ProcessView:
    process: RestorativeProcess
    confidential: bool  # the user facilitates: notes, statements and preparation notes shown
    supervises: bool
    can_answer: bool
    participants: list[Participant]
    missing: list[safeguards.Safeguard]
    assessments: list[Any]
    information: list[Any]
    consents: list[Any]
    acknowledgements: list[Any]
    preparations: list[Any]
    sessions: list[DialogueSession]
    agreement: Agreement | None
    items: list[Any]
    reviews: list[SupervisionReview]
    notes: list[RestorativeNote] = field(default_factory=list)


def process_view(*, user: User, process: RestorativeProcess) -> ProcessView:
    """Everything the process page shows ``user`` (call after ``process_get``)."""
    confidential = permissions.can_facilitate(user, process)
    participants = list(process.participants.all())
    by_process = {"participant__process": process}
    agreement = Agreement.objects.filter(process=process).first()
    return ProcessView(
        process=process,
        confidential=confidential,
        supervises=permissions.can_supervise_programme(user, process.organisation_id),
        can_answer=permissions.can_answer_referral(user, process),
        participants=participants,
        missing=safeguards.missing_for(process, safeguards.Action.ADVANCE),
        assessments=list(process.assessments.select_related("performed_by")),
        information=list(InformationGiven.objects.filter(**by_process).select_related("participant")),
        consents=list(ParticipantConsent.objects.filter(**by_process).select_related("participant", "information")),
        acknowledgements=list(FactsAcknowledgement.objects.filter(**by_process).select_related("participant")),
        preparations=list(Preparation.objects.filter(**by_process).select_related("participant")),
        sessions=list(process.sessions.prefetch_related("invitations__participant")),
        agreement=agreement,
        items=list(agreement.items.select_related("owner")) if agreement else [],
        reviews=list(process.reviews.select_related("reviewer")),
        notes=list(process.notes.select_related("author")) if confidential else [],
    )


def facilitator_choices(*, organisation_id: int) -> list[User]:
    """The facilitators of the service (the service refuses a partial one, saying why)."""
    ids = Membership.objects.in_force().filter(organisation_id=organisation_id, role=Role.FACILITATOR.value)
    return list(User.objects.filter(pk__in=ids.values("user_id")).order_by("full_name", "email"))


def staff_choices(*, organisation_id: int) -> list[User]:
    ids = Membership.objects.in_force().filter(organisation_id=organisation_id)
    return list(User.objects.filter(pk__in=ids.values("user_id")).order_by("full_name", "email"))


def supervised_organisations(*, user: User) -> list[Organisation]:
    ids = memberships_in_programme(user, (Role.SUPERVISOR.value,))
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def justice_organisations(*, user: User) -> list[Organisation]:
    ids = Membership.objects.in_force().filter(user_id=user.pk).values("organisation_id")
    return [
        org
        for org in Organisation.objects.filter(pk__in=ids).order_by("name")
        if permissions.can_refer_from_justice(user, org)
    ]


def restorative_services() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.RESTORATIVE_JUSTICE, is_active=True).order_by("name"))


# --- Supervision ------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    label: str
    value: str  # the number, or "fewer than 5"
    suppressed: bool


@dataclass
class Dashboard:
    organisations: list[Organisation]
    open_processes: list[RestorativeProcess]
    overdue: list[RestorativeProcess]
    pending: list[RestorativeProcess]
    figures: list[Figure]
    weeks: int


def _suppressed(label: str, count: int) -> Figure:
    if count < SMALL_COUNT:
        return Figure(label=label, value=_("fewer than %(count)s") % {"count": SMALL_COUNT}, suppressed=True)
    return Figure(label=label, value=str(count), suppressed=False)


def programme_figures(*, organisation_ids: list[int]) -> list[Figure]:
    """Referrals, accepted, reached consent, agreements, completed, mean satisfaction:
    each count below ``SMALL_COUNT`` suppressed; the mean only over enough answers."""
    processes = RestorativeProcess.objects.filter(organisation_id__in=organisation_ids)
    consented = {
        role: ParticipantConsent.objects.filter(participant__process_id=OuterRef("pk"), participant__role=role)
        for role in (ParticipantRole.PERSON_HARMED, ParticipantRole.PERSON_CAUSED_HARM)
    }
    counts = processes.aggregate(
        referrals=Count("pk"),
        accepted=Count("pk", filter=Q(decision=ReferralDecision.ACCEPTED)),
        completed=Count("pk", filter=Q(close_reason=CloseReason.COMPLETED)),
    )
    reached_consent = processes.filter(
        Exists(consented[ParticipantRole.PERSON_HARMED]), Exists(consented[ParticipantRole.PERSON_CAUSED_HARM])
    ).count()
    agreements = Agreement.objects.filter(process__in=processes, status=AgreementStatus.CONFIRMED).count()
    evaluations = Evaluation.objects.filter(process__in=processes).aggregate(n=Count("pk"), mean=Avg("satisfaction"))
    figures = [
        _suppressed(_("Referrals"), counts["referrals"]),
        _suppressed(_("Accepted into the programme"), counts["accepted"]),
        _suppressed(_("Reached the consent of both parties"), reached_consent),
        _suppressed(_("Agreements confirmed by both parties"), agreements),
        _suppressed(_("Completed"), counts["completed"]),
    ]
    if evaluations["n"] < SMALL_COUNT:
        figures.append(
            Figure(
                label=_("Mean satisfaction (1 to 5)"),
                value=_("fewer than %(count)s answers") % {"count": SMALL_COUNT},
                suppressed=True,
            )
        )
    else:
        figures.append(
            Figure(label=_("Mean satisfaction (1 to 5)"), value=f"{evaluations['mean']:.1f}", suppressed=False)
        )
    return figures


def review_due(process: RestorativeProcess) -> datetime | None:
    """When the next supervision review is due: ``review_weeks`` after the latest review,
    or after the acceptance if there was none."""
    since = getattr(process, "last_review_at", None) or process.decided_at or process.referred_at
    return since + timedelta(weeks=review_weeks()) if since else None


def dashboard(*, user: User) -> Dashboard:
    organisations = supervised_organisations(user=user)
    if not organisations:
        raise Http404
    ids = [org.pk for org in organisations]
    open_rows = list(
        RestorativeProcess.objects.filter(organisation_id__in=ids)
        .open()
        .select_related("organisation", "facilitator")
        .annotate(last_review_at=Max("reviews__reviewed_at"))
        .order_by("referred_at", "pk")
    )
    now = timezone.now()
    in_programme = [p for p in open_rows if p.decision == ReferralDecision.ACCEPTED]
    overdue = [p for p in in_programme if (due := review_due(p)) is not None and due < now]
    pending = [p for p in open_rows if p.decision == ReferralDecision.PENDING]
    audit_record(action="restorative.dashboard_read", actor=user, object_type="restorative.dashboard", object_id="-")
    return Dashboard(
        organisations=organisations,
        open_processes=in_programme,
        overdue=overdue,
        pending=pending,
        figures=programme_figures(organisation_ids=ids),
        weeks=review_weeks(),
    )


# --- The reporter's inbox ----------------------------------------------------------------


def reporter_participants(*, report_id: int) -> list[Participant]:
    """For the reporter's inbox: the person harmed of each process opened from this
    report's case (the report is the one of the inbox's session)."""
    return list(
        Participant.objects.filter(report_id=report_id, role=ParticipantRole.PERSON_HARMED)
        .select_related("process__organisation")
        .prefetch_related("information")
        .order_by("-added_at", "-pk")
    )


def reporter_participant(*, report_id: int, pk: int) -> Participant:
    participant = (
        Participant.objects.filter(report_id=report_id, role=ParticipantRole.PERSON_HARMED, pk=pk)
        .select_related("process__organisation")
        .first()
    )
    if participant is None:
        raise Http404
    return participant
