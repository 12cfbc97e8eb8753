"""Pages for case conferences and their shared action plan.

The case's side (its supervisors) convenes, records the minutes and the plan, cancels
and tells the person; an invited organisation's caseworkers, supervisors and justice
liaisons read the conference page (the person's wishes first, the plan, the minutes,
every action with its owner, their own marked and markable done), never the case file.
Anyone else gets 404. Each showing of a conference is an audited read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.accounts.http import ProfessionalRequest
from victory.accounts.models import Organisation
from victory.accounts.views import ProfessionalRequiredMixin
from victory.core.kept_input import kept_input_take
from victory.core.messages import form_errors_add

from ..forms_conference import ConferenceForm, MinutesForm, TellPersonForm, VersionOnlyForm
from ..models import Case, CaseConference, ConferenceStatus, Referral, ReferralStatus
from ..permissions import can_convene_conference, can_supervise_case
from ..selectors.common import case_get
from ..selectors.conference import conference_get, conference_list_for_case, conference_list_invited
from ..services import conference as services
from ..services.case import case_list_viewed
from ..services.common import case_read


def invitable_organisations(case: Case) -> list[Organisation]:
    """Organisations holding an accepted referral in force for the case."""
    accepted = Referral.objects.filter(case=case, status=ReferralStatus.ACCEPTED).in_force().values("recipient_id")
    return list(Organisation.objects.filter(pk__in=accepted).exclude(pk=case.organisation_id))


def _owner(request: ProfessionalRequest) -> str:
    return f"user:{request.user.pk}"


@method_decorator(never_cache, name="dispatch")
class ConferenceNewView(ProfessionalRequiredMixin, View):
    template_name = "cases/conference/new.html"

    def _case(self, request: ProfessionalRequest, reference: str) -> Case:
        case = case_get(user=request.user, reference=reference)
        if not can_convene_conference(request.user, case):
            raise PermissionDenied
        return case

    def _render(
        self, request: ProfessionalRequest, case: Case, form: ConferenceForm, kept: bool = False
    ) -> HttpResponse:
        return render(request, self.template_name, {"case": case, "form": form, "kept_notice": kept})

    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        invitable = invitable_organisations(case)
        kept = kept_input_take(request=request, owner=_owner(request), path=request.path)
        initial: dict[str, Any] = {"version": case.version}
        if kept is not None:
            initial.update({k: v for k, v in kept.fields.items() if k in {"victim_wishes", "agenda", "scheduled_for"}})
        return self._render(request, case, ConferenceForm(initial=initial, invitable=invitable), kept is not None)

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = self._case(request, reference)
        form = ConferenceForm(request.POST, invitable=invitable_organisations(case))
        if form.is_valid():
            data = form.cleaned_data
            chosen = list(Organisation.objects.filter(pk__in=data["organisations"]))
            if len(chosen) != len(set(data["organisations"])):
                form.add_error("organisations", _("One of the chosen organisations is not on the platform."))
            else:
                try:
                    conference = services.conference_convene(
                        actor=request.user,
                        case=case,
                        scheduled_for=data["scheduled_for"],
                        organisations=chosen,
                        victim_wishes=data["victim_wishes"],
                        agenda=data["agenda"],
                        expected_version=data["version"],
                    )
                except ValidationError as error:
                    form_errors_add(form, error)
                    case.refresh_from_db()
                else:
                    messages.success(request, _("The case conference was convened."))
                    return redirect("cases:conference_detail", pk=conference.pk)
        return self._render(request, case, form)


def _plan_context(request: ProfessionalRequest, conference: CaseConference) -> dict[str, Any]:
    user = request.user
    actions = list(conference.actions.all())
    own_side = can_supervise_case(user, conference.case)
    answered = services.organisations_answered_for(user, conference)
    mine = {action.pk for action in actions if action.owner_id in answered}
    return {
        "conference": conference,
        "case_side": own_side,
        "organisations": list(conference.organisations.all()),
        "host": conference.case.organisation,
        "actions": [{"action": action, "mine": action.pk in mine} for action in actions],
        "can_act": conference.status != ConferenceStatus.CANCELLED,
    }


def render_conference(
    request: ProfessionalRequest,
    conference: CaseConference,
    *,
    minutes_form: MinutesForm | None = None,
    tell_form: TellPersonForm | None = None,
    kept_notice: bool = False,
    status: int = 200,
) -> HttpResponse:
    case_read(case=conference.case, actor=request.user, what="conference")
    context = _plan_context(request, conference)
    owners = [conference.case.organisation, *context["organisations"]]
    context.update(
        {
            "minutes_form": minutes_form
            or MinutesForm(initial={"minutes": conference.minutes, "version": conference.version}, owners=owners),
            "tell_form": tell_form
            or TellPersonForm(initial={"summary": conference.person_summary, "version": conference.version}),
            "kept_notice": kept_notice,
        }
    )
    return render(request, "cases/conference/detail.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
class ConferenceDetailView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        conference = conference_get(user=request.user, pk=pk)
        for name, form_class in (("conference_minutes", MinutesForm), ("conference_tell", TellPersonForm)):
            kept = kept_input_take(request=request, owner=_owner(request), path=reverse(f"cases:{name}", args=[pk]))
            if kept is not None and can_supervise_case(request.user, conference.case):
                owners = [conference.case.organisation, *conference.organisations.all()]
                initial = {**kept.fields, "version": conference.version}
                if form_class is MinutesForm:
                    return render_conference(
                        request, conference, minutes_form=MinutesForm(initial=initial, owners=owners), kept_notice=True
                    )
                return render_conference(
                    request, conference, tell_form=TellPersonForm(initial=initial), kept_notice=True
                )
        return render_conference(request, conference)


class _ConferencePost(ProfessionalRequiredMixin, View):
    """A form of the conference page: a GET (a login that came back here) shows the page."""

    def get(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        return redirect("cases:conference_detail", pk=pk)


@method_decorator(never_cache, name="dispatch")
class ConferenceMinutesView(_ConferencePost):
    def post(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        conference = conference_get(user=request.user, pk=pk)
        owners = [conference.case.organisation, *conference.organisations.all()]
        form = MinutesForm(request.POST, owners=owners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.conference_record_minutes(
                    actor=request.user,
                    conference=conference,
                    minutes=data["minutes"],
                    actions=[services.ActionDraft(**draft) for draft in data["actions"]],
                    expected_version=data["version"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The minutes and the action plan were recorded."))
                return redirect("cases:conference_detail", pk=pk)
        conference = conference_get(user=request.user, pk=pk)
        return render_conference(request, conference, minutes_form=form)


@method_decorator(never_cache, name="dispatch")
class ConferenceTellView(_ConferencePost):
    def post(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        conference = conference_get(user=request.user, pk=pk)
        form = TellPersonForm(request.POST)
        if form.is_valid():
            try:
                told = services.conference_tell_person(
                    actor=request.user,
                    conference=conference,
                    summary=form.cleaned_data["summary"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                if told:
                    messages.success(request, _("The person was told in their inbox what was agreed for them."))
                else:
                    messages.warning(
                        request,
                        _(
                            "This case has no inbox: what you wrote is recorded. Tell the person by phone or "
                            "in person, as they asked to be contacted."
                        ),
                    )
                return redirect("cases:conference_detail", pk=pk)
        conference = conference_get(user=request.user, pk=pk)
        return render_conference(request, conference, tell_form=form)


@method_decorator(never_cache, name="dispatch")
class ConferenceCancelView(_ConferencePost):
    def post(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        conference = conference_get(user=request.user, pk=pk)
        form = VersionOnlyForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            services.conference_cancel(actor=request.user, conference=conference, expected_version=version)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The case conference was cancelled."))
        return redirect("cases:conference_detail", pk=pk)


@method_decorator(never_cache, name="dispatch")
class ConferenceActionDoneView(_ConferencePost):
    def post(self, request: ProfessionalRequest, pk: int, action_id: int) -> HttpResponse:
        conference = conference_get(user=request.user, pk=pk)
        action = next((a for a in conference.actions.all() if a.pk == action_id), None)
        if action is None:
            raise Http404
        try:
            services.conference_action_done(actor=request.user, action=action)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The action was marked done. Everyone invited sees it."))
        return redirect(reverse("cases:conference_detail", args=[pk]) + "#plan")


@method_decorator(never_cache, name="dispatch")
class ConferenceListView(ProfessionalRequiredMixin, View):
    """The conferences the user's organisations were invited to."""

    def get(self, request: ProfessionalRequest) -> HttpResponse:
        conferences = list(conference_list_invited(user=request.user).order_by("-scheduled_for", "-pk")[:100])
        case_list_viewed(actor=request.user, what="conference_list", count=len(conferences))
        return render(request, "cases/conference/list.html", {"conferences": conferences})


urlpatterns: list[URLPattern] = [
    path("staff/cases/<str:reference>/conferences/new/", ConferenceNewView.as_view(), name="conference_new"),
    path("staff/conferences/", ConferenceListView.as_view(), name="conference_list"),
    path("staff/conferences/<int:pk>/", ConferenceDetailView.as_view(), name="conference_detail"),
    path("staff/conferences/<int:pk>/minutes/", ConferenceMinutesView.as_view(), name="conference_minutes"),
    path("staff/conferences/<int:pk>/tell/", ConferenceTellView.as_view(), name="conference_tell"),
    path("staff/conferences/<int:pk>/cancel/", ConferenceCancelView.as_view(), name="conference_cancel"),
    path(
        "staff/conferences/<int:pk>/actions/<int:action_id>/done/",
        ConferenceActionDoneView.as_view(),
        name="conference_action_done",
    ),
]


def detail_context(*, request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    """The case page's "Case conferences" section: the case's conferences, and whether
    the user may convene one."""
    return {
        "conferences": list(conference_list_for_case(case_id=case.pk)),
        "can_convene_conference": can_convene_conference(request.user, case),
    }
