"""The professional pages of the restorative programme: the list, one process's page
with a form per action, the ICS invitations, the agreement PDF, a justice organisation's
referral and the supervisor's dashboard.

Views parse input, call one service, and render; the selectors decide who sees what
(404 for anyone else) and audit each read. A refusal (a ``ValidationError``, a
``SafeguardsMissing`` naming each missing safeguard, a ``StaleEdit``) re-shows the page
with the specific messages and what was typed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.accounts.http import ProfessionalRequest
from victory.accounts.views import ProfessionalRequiredMixin
from victory.cases.views.rows import language_name
from victory.core.messages import form_errors_add

from . import forms as rj_forms
from . import ics, pdf, permissions, selectors, services
from .models import STAGE_ORDER, DialogueSession, ParticipantRole, RestorativeProcess, Stage

# Each form of the process page: its name (URL and anchor) and class.
FORMS: dict[str, type[rj_forms._ProcessForm]] = {
    "accept": rj_forms.AcceptForm,
    "decline": rj_forms.DeclineForm,
    "assign": rj_forms.AssignForm,
    "participant_add": rj_forms.ParticipantAddForm,
    "circumstances": rj_forms.CircumstancesForm,
    "assessment": rj_forms.AssessmentForm,
    "information": rj_forms.InformationForm,
    "consent": rj_forms.ConsentForm,
    "acknowledgement": rj_forms.AcknowledgementForm,
    "preparation": rj_forms.PreparationForm,
    "format": rj_forms.FormatForm,
    "advance": rj_forms.VersionOnlyForm,
    "session_schedule": rj_forms.SessionForm,
    "item_add": rj_forms.ItemForm,
    "confirm": rj_forms.ConfirmForm,
    "no_agreement": rj_forms.VersionOnlyForm,
    "follow_up": rj_forms.FollowUpForm,
    "close": rj_forms.CloseForm,
    "note": rj_forms.NoteForm,
    "withdraw": rj_forms.ParticipantActionForm,
    "review": rj_forms.ReviewForm,
}


@dataclass(frozen=True)
class _Choices:
    """What the process page's forms offer, read once for all of them."""

    facilitators: list[Any]
    staff: list[Any]

    @classmethod
    def of(cls, process: RestorativeProcess) -> _Choices:
        return cls(
            facilitators=selectors.facilitator_choices(organisation_id=process.organisation_id),
            staff=selectors.staff_choices(organisation_id=process.organisation_id),
        )


def _form(
    name: str, process: RestorativeProcess, data: Any = None, view: Any = None, choices: _Choices | None = None
) -> rj_forms._ProcessForm:
    choices = choices or _Choices.of(process)
    kwargs: dict[str, Any] = {
        "participants": view.participants if view else list(process.participants.all()),
        "facilitators": choices.facilitators,
        "staff": choices.staff if name == "participant_add" else [],
        "prefix": name,
    }
    if name == "follow_up":
        kwargs["items"] = view.items if view else []
    initial: dict[str, Any] = {"version": process.version}
    if name in ("accept", "assign"):
        initial.update(facilitator=process.facilitator_id, co_facilitator=process.co_facilitator_id)
    return FORMS[name](data, initial=initial, **kwargs)


def _stepper(process: RestorativeProcess) -> list[dict[str, Any]]:
    here = STAGE_ORDER.index(process.stage)
    return [
        {"label": Stage(code).label, "done": index < here, "current": index == here}
        for index, code in enumerate(STAGE_ORDER)
    ]


def render_detail(
    request: ProfessionalRequest,
    process: RestorativeProcess,
    *,
    given: dict[str, rj_forms._ProcessForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.process_view(user=request.user, process=process)
    choices = _Choices.of(process)
    page_forms = {name: _form(name, process, view=view, choices=choices) for name in FORMS}
    page_forms.update(given or {})
    participants = [
        {"participant": p, "language": language_name(p.language), "role": ParticipantRole(p.role).label}
        for p in view.participants
    ]
    context = {
        "process": process,
        "view": view,
        "stepper": _stepper(process),
        "participants": participants,
        "forms": page_forms,
        "errors": [form for form in page_forms.values() if form.errors],
        "languages": settings.LANGUAGES,
        **{f"{name}_form": form for name, form in page_forms.items()},
    }
    return render(request, "restorative/staff/detail.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class ProcessListView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest) -> HttpResponse:
        if not selectors.works_in_any_programme(request.user):
            raise Http404
        processes = selectors.process_list(user=request.user)
        rows = [
            {"process": p, "facilitator": (p.facilitator.full_name or p.facilitator.email) if p.facilitator else ""}
            for p in processes
        ]
        return render(request, "restorative/staff/list.html", {"rows": rows})


@method_decorator(never_cache, name="dispatch")
class ProcessDetailView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        return render_detail(request, selectors.process_get(user=request.user, pk=pk))


@method_decorator(never_cache, name="dispatch")
class ProcessFormView(ProfessionalRequiredMixin, View):
    """One form of the process page. GET goes back to the page; POST calls one service."""

    name: ClassVar[str] = ""

    def get(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        return redirect(reverse("restorative:detail", args=[pk]) + f"#{self.name}")

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        raise NotImplementedError

    def post(self, request: ProfessionalRequest, pk: int, **kwargs: Any) -> HttpResponse:
        process = selectors.process_get(user=request.user, pk=pk, what=self.name)
        view = selectors.process_view(user=request.user, process=process)
        form = _form(self.name, process, request.POST, view=view)
        self.kwargs = kwargs
        if form.is_valid():
            try:
                message = self.act(request, process, form)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, message)
                return redirect(reverse("restorative:detail", args=[pk]) + f"#{self.name}")
        process = RestorativeProcess.objects.get(pk=process.pk)
        return render_detail(request, process, given={self.name: form}, status=400)


def _version(form: Any) -> int | None:
    version: int | None = form.cleaned_data.get("version")
    return version


def _required(participant: Any) -> Any:
    if participant is None:
        raise ValidationError({"participant": [_("Choose a participant.")]})
    return participant


def _facilitators(form: Any) -> dict[str, Any]:
    facilitator = form.user("facilitator")
    if facilitator is None:
        raise ValidationError({"facilitator": [_("Choose the facilitator.")]})
    return {
        "facilitator": facilitator,
        "co_facilitator": form.user("co_facilitator"),
        "expected_version": _version(form),
    }


class AcceptView(ProcessFormView):
    name = "accept"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.process_accept(actor=request.user, process=process, **_facilitators(form))
        return _("The referral was accepted into the programme.")


class DeclineView(ProcessFormView):
    name = "decline"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.process_decline(
            actor=request.user, process=process, reason=form.cleaned_data["reason"], expected_version=_version(form)
        )
        return _("The referral was declined.")


class AssignView(ProcessFormView):
    name = "assign"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.facilitators_assign(actor=request.user, process=process, **_facilitators(form))
        return _("The facilitators were assigned.")


class ParticipantAddView(ProcessFormView):
    name = "participant_add"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        data = form.cleaned_data
        services.participant_add(
            actor=request.user,
            process=process,
            role=data["role"],
            full_name=data["full_name"],
            language=data["language"],
            contact=form.contact() or None,
            interpreter_needed=data["interpreter_needed"],
            accessibility_needs=data["accessibility_needs"],
            is_minor=data["is_minor"],
            supports=form.chosen("supports"),
            linked_staff=[u for pk in data["linked_staff"] if (u := form.users.get(pk)) is not None],
        )
        return _("The participant was added.")


class CircumstancesView(ProcessFormView):
    name = "circumstances"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.circumstances_changed(
            actor=request.user, participant=_required(form.chosen()), note=form.cleaned_data["note"]
        )
        return _("Recorded: the risk and suitability assessment must be done again.")


class AssessmentView(ProcessFormView):
    name = "assessment"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        data = form.cleaned_data
        services.assessment_record(
            actor=request.user,
            process=process,
            risk_level=data["risk_level"],
            suitable=data["suitable"],
            reasoning=data["reasoning"],
            risk_factors=data["risk_factors"],
        )
        return _("The risk and suitability assessment was recorded.")


class InformationView(ProcessFormView):
    name = "information"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.information_record(
            actor=request.user, participant=_required(form.chosen()), language=form.cleaned_data["language"]
        )
        return _("Recorded: the information sheet was given.")


class ConsentView(ProcessFormView):
    name = "consent"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.consent_record(
            actor=request.user,
            participant=_required(form.chosen()),
            method=form.cleaned_data["method"],
            guardian=form.chosen("guardian"),
        )
        return _("The written consent was recorded.")


class AcknowledgementView(ProcessFormView):
    name = "acknowledgement"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.acknowledgement_record(
            actor=request.user, participant=_required(form.chosen()), statement=form.cleaned_data["statement"]
        )
        return _("The acknowledgement of the basic facts was recorded.")


class PreparationView(ProcessFormView):
    name = "preparation"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.preparation_record(
            actor=request.user,
            participant=_required(form.chosen()),
            held_on=form.cleaned_data["held_on"],
            notes=form.cleaned_data["notes"],
        )
        return _("The preparation meeting was recorded.")


class FormatView(ProcessFormView):
    name = "format"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.format_choose(
            actor=request.user,
            process=process,
            dialogue_format=form.cleaned_data["dialogue_format"],
            expected_version=_version(form),
        )
        return _("The dialogue format was chosen.")


class AdvanceView(ProcessFormView):
    name = "advance"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        process = services.process_advance(actor=request.user, process=process, expected_version=_version(form))
        return _("The process moved to the stage: %(stage)s.") % {"stage": Stage(process.stage).label}


class SessionScheduleView(ProcessFormView):
    name = "session_schedule"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        starts, ends = form.times()
        data = form.cleaned_data
        services.session_schedule(
            actor=request.user,
            process=process,
            starts_at=starts,
            ends_at=ends,
            place=data["place"],
            participants=form.chosen_participants("participants"),
            time_zone=data["time_zone"],
            remote=data["remote"],
            interpreter_language=data["interpreter_language"],
        )
        return _("The session was scheduled: download each participant's invitation below.")


def _session(process: RestorativeProcess, session_id: int) -> DialogueSession:
    session = process.sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


class SessionCancelView(ProcessFormView):
    name = "session_cancel"

    def post(self, request: ProfessionalRequest, pk: int, **kwargs: Any) -> HttpResponse:
        process = selectors.process_get(user=request.user, pk=pk, what=self.name)
        try:
            services.session_cancel(actor=request.user, session=_session(process, kwargs["session_id"]))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The session was cancelled; its invitations are withdrawn."))
        return redirect(reverse("restorative:detail", args=[pk]) + "#sessions")


class SessionHeldView(ProcessFormView):
    name = "session_held"

    def post(self, request: ProfessionalRequest, pk: int, **kwargs: Any) -> HttpResponse:
        process = selectors.process_get(user=request.user, pk=pk, what=self.name)
        session = _session(process, kwargs["session_id"])
        form = rj_forms.SessionHeldForm(request.POST, participants=list(process.participants.all()))
        if not form.is_valid():
            raise Http404
        try:
            services.session_held(actor=request.user, session=session, attended=form.chosen_participants("attended"))
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The session was recorded as held, with who attended."))
        return redirect(reverse("restorative:detail", args=[pk]) + "#sessions")


class ItemAddView(ProcessFormView):
    name = "item_add"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        owner = form.chosen("owner")
        if owner is None:
            raise ValidationError({"owner": [_("Choose who does this among the participants.")]})
        services.agreement_item_add(
            actor=request.user,
            process=process,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
            owner=owner,
            due_on=form.cleaned_data["due_on"],
            amount_cents=form.amount_cents(),
        )
        return _("The agreement item was added.")


class ConfirmView(ProcessFormView):
    name = "confirm"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.agreement_confirm(actor=request.user, process=process, role=form.cleaned_data["role"])
        return _("The party's confirmation was recorded.")


class NoAgreementView(ProcessFormView):
    name = "no_agreement"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.no_agreement_record(actor=request.user, process=process)
        return _("Recorded: the dialogue ended without an agreement.")


class FollowUpView(ProcessFormView):
    name = "follow_up"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        item = form.items.get(form.cleaned_data["item"])
        if item is None:
            raise ValidationError({"item": [_("Choose an item of the agreement.")]})
        payment = form.cleaned_data.get("payment")
        services.item_follow_up(
            actor=request.user,
            item=item,
            outcome=form.cleaned_data["outcome"],
            payment_cents=int(payment * 100) if payment else None,
        )
        return _("The follow-up of the item was recorded.")


class CloseView(ProcessFormView):
    name = "close"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.process_close(
            actor=request.user, process=process, reason=form.cleaned_data["reason"], expected_version=_version(form)
        )
        return _("The process was closed.")


class NoteView(ProcessFormView):
    name = "note"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.note_add(actor=request.user, process=process, body=form.cleaned_data["body"])
        return _("The note was added.")


class WithdrawView(ProcessFormView):
    name = "withdraw"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.participant_withdraw(actor=request.user, participant=_required(form.chosen()))
        return _("The withdrawal was recorded. If a party withdrew, the process is halted and its sessions cancelled.")


class ReviewView(ProcessFormView):
    name = "review"

    def act(self, request: ProfessionalRequest, process: RestorativeProcess, form: Any) -> str:
        services.review_record(actor=request.user, process=process, notes=form.cleaned_data["notes"])
        return _("The supervision review was recorded.")


# --- Downloads ------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class InvitationView(ProfessionalRequiredMixin, View):
    """A participant's calendar invitation (or its cancellation), for the facilitators."""

    def get(self, request: ProfessionalRequest, pk: int, session_id: int, participant_id: int) -> HttpResponse:
        process = selectors.process_get(user=request.user, pk=pk, what="invitation")
        if not permissions.can_facilitate(request.user, process):
            raise Http404
        session = _session(process, session_id)
        participant = process.participants.filter(pk=participant_id).first()
        if participant is None or not session.invitations.filter(participant=participant).exists():
            raise Http404
        response = HttpResponse(
            ics.invitation(session=session, participant=participant), content_type="text/calendar; charset=utf-8"
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{process.reference}-{session.pk}-{participant.pk}.ics"'
        )
        return response


@method_decorator(never_cache, name="dispatch")
class AgreementPdfView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        process = selectors.process_get(user=request.user, pk=pk, what="agreement_pdf")
        agreement = getattr(process, "agreement", None)
        if agreement is None:
            raise Http404
        language = pdf.agreement_language(process, request.GET.get("language", ""))
        response = HttpResponse(pdf.agreement_pdf(process=process, language=language), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{process.reference}-agreement-{language}.pdf"'
        return response


# --- Referral from justice, supervision ---------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class ReferView(ProfessionalRequiredMixin, View):
    template_name = "restorative/staff/refer.html"

    def _form(self, request: ProfessionalRequest, data: Any = None) -> rj_forms.ReferForm:
        referrers = selectors.justice_organisations(user=request.user)
        if not referrers:
            raise Http404
        return rj_forms.ReferForm(data, referrers=referrers, services=selectors.restorative_services())

    def get(self, request: ProfessionalRequest) -> HttpResponse:
        return render(request, self.template_name, {"form": self._form(request)})

    def post(self, request: ProfessionalRequest) -> HttpResponse:
        form = self._form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                process = services.process_refer_from_justice(
                    actor=request.user,
                    referrer=form.referrers[data["referrer"]],
                    service=form.services[data["service"]],
                    note=data["note"],
                    victim_interest=data["victim_interest"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(
                    request,
                    _("The case was referred to %(service)s, reference %(reference)s.")
                    % {"service": process.organisation.name, "reference": process.reference},
                )
                return redirect("restorative:refer")
        return render(request, self.template_name, {"form": form}, status=400)


@method_decorator(never_cache, name="dispatch")
class DashboardView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest) -> HttpResponse:
        board = selectors.dashboard(user=request.user)
        return render(request, "restorative/staff/dashboard.html", {"board": board})
