"""The person's side of the restorative programme, and its public pages.

- In the reporter's inbox (``ReporterView``: the report from the session, the idle
  timeout, ``Cache-Control: no-store``): the processes whose person harmed came from
  that report (``Participant.report``), their stage in the person's words, the next
  meeting, the information sheet they were given, "I want to stop" (one confirmation
  page, then ``services.participant_withdraw``) and, after closure, the questionnaire
  (``services.evaluation_submit``). A participant of any other report is 404. Nothing of
  the other participants is shown: not their names, not their answers.
- Public: "What is a restorative dialogue?", the information sheet (one template per
  version, printable) and the facilitators' guidelines, whose safeguards and stages are
  rendered from ``safeguards.Safeguard`` and ``models.Stage`` so the page and the
  software cannot disagree.

Page titles in the inbox are the inbox's own ("Your report"): someone looking over the
person's shoulder learns nothing from the tab.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from victory.core.cache import public_cache
from victory.core.forms import AccessibleFormMixin
from victory.core.messages import form_errors_add
from victory.reports.models import Report
from victory.reports.views.inbox import REPORTER_NOTICE_KEY, ReporterView

from . import selectors, services
from .models import (
    INDIRECT_FORMATS,
    DialogueFormat,
    DialogueSession,
    InformationSheet,
    Participant,
    SessionStatus,
    Stage,
)
from .safeguards import Safeguard

# The stage in the person's words: what is happening and what comes next for them.
STAGE_WORDS = {
    Stage.REFERRAL: gettext_lazy(
        "Your case was passed to a restorative service. They will decide if they can offer a dialogue, and contact you."
    ),
    Stage.ASSESSMENT: gettext_lazy(
        "Your facilitator is checking with you that a dialogue would be safe and would help you."
    ),
    Stage.PREPARATION: gettext_lazy(
        "You are getting ready, in meetings of your own with your facilitator. The other person is prepared separately."
    ),
    Stage.CONSENT: gettext_lazy(
        "Everyone is being asked, in writing, whether they want to go ahead. You decide freely."
    ),
    Stage.DIALOGUE: gettext_lazy("The dialogue is taking place, in the way you chose."),
    Stage.AGREEMENT: gettext_lazy("You are writing down together what was agreed, if anything."),
    Stage.FOLLOW_UP: gettext_lazy("Your facilitator checks that what was agreed is being done."),
    Stage.CLOSED: gettext_lazy("The restorative dialogue has ended."),
}
HALTED_WORDS = gettext_lazy("It stopped because someone decided not to go on. Nothing more will happen in it.")


SCORE_CHOICES = [
    ("1", gettext_lazy("1 – not at all")),
    ("2", "2"),
    ("3", "3"),
    ("4", "4"),
    ("5", gettext_lazy("5 – completely")),
]
QUESTIONS = {
    "felt_safe": gettext_lazy("I felt safe"),
    "was_heard": gettext_lazy("I was heard"),
    "sense_of_justice": gettext_lazy("I feel that justice was done"),
    "satisfaction": gettext_lazy("I am satisfied with how it went"),
}


class EvaluationForm(AccessibleFormMixin, forms.Form):
    """Four answers from 1 to 5; every one needed, each refusal names its question."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in QUESTIONS.items():
            message = _("Choose a number from 1 to 5 for “%(question)s”.") % {"question": label}
            self.fields[name] = forms.TypedChoiceField(
                label=label,
                choices=SCORE_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )

    def error_summary(self) -> list[dict[str, Any]]:
        # A radio group's first option is the place to go back to (its own id ends "_0").
        return [{**item, "target": f"{item['target']}_0" if item["target"] else ""} for item in super().error_summary()]


def _next_session(participant: Participant) -> dict[str, Any] | None:
    """The person's next meeting they are invited to, in the meeting's own time zone."""
    session = (
        DialogueSession.objects.filter(
            process_id=participant.process_id,
            status=SessionStatus.SCHEDULED,
            ends_at__gte=timezone.now(),
            invitations__participant=participant,
            invitations__withdrawn_at__isnull=True,
        )
        .order_by("starts_at", "pk")
        .first()
    )
    if session is None:
        return None
    # Shown in the meeting's own time zone (the template's ``timezone`` tag).
    return {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "time_zone": session.time_zone,
        "remote": session.remote,
    }


def _sheet_links(participant: Participant) -> dict[str, Any] | None:
    """The information sheet the person was given: its page now, and in the language
    they were given it in when that differs."""
    given = participant.information.all()
    latest = max(given, key=lambda g: (g.given_at, g.pk), default=None)
    if latest is None:
        return None
    url = reverse("restorative:information_sheet", kwargs={"version": latest.sheet_version})
    in_their_language = ""
    if latest.language != translation.get_language():
        with translation.override(latest.language):
            in_their_language = reverse("restorative:information_sheet", kwargs={"version": latest.sheet_version})
    language_own_name = translation.get_language_info(latest.language)["name_local"] if in_their_language else ""
    return {"given": latest, "url": url, "in_their_language": in_their_language, "language_name": language_own_name}


def _row(request: HttpRequest, participant: Participant, form: EvaluationForm | None = None) -> dict[str, Any]:
    process = participant.process
    evaluated = participant.has_evaluated
    can_evaluate = not process.is_open and not evaluated
    return {
        "participant": participant,
        "process": process,
        "words": HALTED_WORDS if process.is_halted else STAGE_WORDS[Stage(process.stage)],
        "stage_label": Stage(process.stage).label,
        "format_label": DialogueFormat(process.dialogue_format).label if process.dialogue_format else "",
        "indirect": process.dialogue_format in INDIRECT_FORMATS,
        "next_session": _next_session(participant) if process.is_open and not process.is_halted else None,
        "sheet": _sheet_links(participant),
        "can_withdraw": process.is_open and participant.withdrawn_at is None,
        "evaluated": evaluated,
        "evaluation_form": (form or EvaluationForm(auto_id=f"eval-{participant.pk}-%s")) if can_evaluate else None,
    }


def _inbox_page(
    request: HttpRequest, report: Report, *, failed: tuple[int, EvaluationForm] | None = None, status: int = 200
) -> HttpResponse:
    """The page; with ``failed``, that participant's questionnaire as it was sent back."""
    rows = []
    for participant in selectors.reporter_participants(report_id=report.pk):
        form = failed[1] if failed and failed[0] == participant.pk else None
        rows.append(_row(request, participant, form))
    context = {
        "rows": rows,
        "notice": request.session.pop(REPORTER_NOTICE_KEY, None),
        "organisation": report.organisation,
        "form": failed[1] if failed else None,  # the error summary
    }
    return render(request, "restorative/inbox/inbox.html", context, status=status)


class RestorativeInboxView(ReporterView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return _inbox_page(request, self.report)


class RestorativeWithdrawView(ReporterView):
    """ "I want to stop": a page that says what happens, then one POST."""

    template_name = "restorative/inbox/withdraw_confirm.html"
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = selectors.reporter_participant(report_id=self.report.pk, pk=pk)
        if not participant.process.is_open or participant.withdrawn_at is not None:
            return redirect("restorative:inbox")
        return render(request, self.template_name, {"participant": participant, "process": participant.process})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = selectors.reporter_participant(report_id=self.report.pk, pk=pk)
        try:
            services.participant_withdraw(actor=None, participant=participant)
            notice = _(
                "You have stopped taking part. This took effect at once: the restorative dialogue has stopped "
                "and any meetings are cancelled. Nothing about this is held against you."
            )
        except ValidationError:
            notice = _("This restorative dialogue had already ended, so nothing was changed.")
        request.session[REPORTER_NOTICE_KEY] = notice
        return redirect("restorative:inbox")


class RestorativeEvaluationView(ReporterView):
    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect(reverse("restorative:inbox") + f"#evaluation-{pk}")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        participant = selectors.reporter_participant(report_id=self.report.pk, pk=pk)
        if participant.has_evaluated:
            request.session[REPORTER_NOTICE_KEY] = _("You already sent your answers. Thank you.")
            return redirect("restorative:inbox")
        form = EvaluationForm(request.POST, auto_id=f"eval-{participant.pk}-%s")
        if form.is_valid():
            try:
                services.evaluation_submit(participant=participant, **form.cleaned_data)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                request.session[REPORTER_NOTICE_KEY] = _("Thank you. Your answers were sent without your name.")
                return redirect("restorative:inbox")
        return _inbox_page(request, self.report, failed=(participant.pk, form), status=400)


# --- Public pages ---------------------------------------------------------------------
# The same for every reader, so cached (``public_cache``); the guidelines are not: their
# page carries the professional menu of whoever is logged in.


class WhatIsView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "restorative/public/what_is.html",
            {
                "sheet_url": reverse(
                    "restorative:information_sheet", kwargs={"version": InformationSheet.V2026_12.value}
                )
            },
        )


class InformationSheetView(View):
    """One template per version: a person can read again the very sheet they were given."""

    def get(self, request: HttpRequest, version: str) -> HttpResponse:
        if version not in InformationSheet.values:
            raise Http404
        return render(
            request,
            f"restorative/public/sheet_{version}.html",
            {"version": InformationSheet(version), "formats": list(DialogueFormat)},
        )


class GuidelinesView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "restorative/public/guidelines.html",
            {
                "safeguards": list(Safeguard),
                "stages": list(Stage),
                "formats": list(DialogueFormat),
                "review_weeks": selectors.review_weeks(),
            },
        )


_INBOX = "inbox/report/restorative/"
_PUBLIC = "restorative-dialogue/"

urlpatterns: list[URLPattern] = [
    path(_INBOX, RestorativeInboxView.as_view(), name="inbox"),
    path(_INBOX + "<int:pk>/stop/", RestorativeWithdrawView.as_view(), name="inbox_withdraw"),
    path(_INBOX + "<int:pk>/questionnaire/", RestorativeEvaluationView.as_view(), name="inbox_evaluation"),
    path(_PUBLIC, public_cache(WhatIsView.as_view()), name="what_is"),
    path(
        _PUBLIC + "information-sheet/<str:version>/",
        public_cache(InformationSheetView.as_view()),
        name="information_sheet",
    ),
    path(_PUBLIC + "guidelines/", GuidelinesView.as_view(), name="guidelines"),
]
