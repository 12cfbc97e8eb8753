"""The public report form: a start page, one topic per page, the files, check your
answers, send, and the confirmation with the receipt (shown once) and the PDF.

The answers live only in the (encrypted) session under ``DRAFT``, never in a URL, and
are cleared after ``DRAFT_SECONDS`` without activity (a timestamp checked here) or when
the browser closes (the cookie of an anonymous person is a browser-session cookie, so
nothing outlives the browser on a shared device). Nothing is stored as a report
until the person presses "Send" on the check page, which calls
``services.report_submit``. Works without JavaScript.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.core import session_keys
from victory.core.vocabulary import country_name
from victory.reports import selectors, services
from victory.reports.consent_sharing import is_sharing
from victory.reports.forms import (
    ORGANISATION_AUTO,
    ContactForm,
    EvidenceForm,
    IntakeForm,
    OrganisationForm,
    PoliceForm,
    SupportForm,
    WhatHappenedForm,
    WhatKindForm,
    WhenForm,
    WhereForm,
    WhoForm,
    WhyForm,
)
from victory.reports.models import ConsentPurpose, Report
from victory.reports.questions import QUESTIONS

# Session keys (core.session_keys), under the names this module has always used.
DRAFT = session_keys.REPORT_DRAFT_KEY
SENT = session_keys.SENT_REPORT_KEY
SENT_RECEIPT = session_keys.SENT_RECEIPT_KEY
NOTICE = session_keys.REPORT_NOTICE_KEY

# In the draft's answers: sharing consents ticked but not yet confirmed. They are never
# sent with the report (``_report_draft`` reads only "consents").
PENDING_CONSENTS = "pending_consents"

DRAFT_SECONDS = 2 * 60 * 60
SENT_SECONDS = 60 * 60
WARN_BEFORE_SECONDS = 5 * 60
NOT_GIVEN = gettext_lazy("Not given")


@dataclass(frozen=True)
class Step:
    slug: str
    form_class: type[IntakeForm]
    template: str
    title: Promise


STEPS = [
    Step("who", WhoForm, "reports/intake/who.html", gettext_lazy("Who is reporting")),
    Step("what-happened", WhatHappenedForm, "reports/intake/what_happened.html", gettext_lazy("What happened")),
    Step("when", WhenForm, "reports/intake/when.html", gettext_lazy("When it happened")),
    Step("where", WhereForm, "reports/intake/where.html", gettext_lazy("Where it happened")),
    Step("why", WhyForm, "reports/intake/why.html", gettext_lazy("Why you think it happened")),
    Step("what-kind", WhatKindForm, "reports/intake/what_kind.html", gettext_lazy("What kind of incident")),
    Step("police", PoliceForm, "reports/intake/police.html", gettext_lazy("The people responsible and the police")),
    Step("support", SupportForm, "reports/intake/support.html", gettext_lazy("Support")),
    Step("contact", ContactForm, "reports/intake/contact.html", gettext_lazy("Contact and your choices")),
    Step("organisation", OrganisationForm, "reports/intake/organisation.html", gettext_lazy("Who receives it")),
    Step("files", EvidenceForm, "reports/intake/files.html", gettext_lazy("Files")),
]
STEP_BY_SLUG = {step.slug: step for step in STEPS}
EVIDENCE_STEP = "files"

# Where each answer named by ``report_submit`` is asked, and the field to link to.
FIELD_STEPS = {
    **{question.name: (question.step, question.anchor) for question in QUESTIONS},
    "consents": ("contact", "id_consents_0"),
    "organisation": ("organisation", "id_organisation_0"),
    "evidence": (EVIDENCE_STEP, "id_evidence"),
}


# --- The draft in the session -------------------------------------------------------


def _draft(request: HttpRequest) -> dict[str, Any] | None:
    """The draft being filled in, or None when there is none or it has expired."""
    draft: dict[str, Any] | None = request.session.get(DRAFT)
    if draft is None:
        return None
    if time.time() - draft.get("touched", 0) > DRAFT_SECONDS:
        _draft_discard(request)
        return None
    return draft


def _draft_start(request: HttpRequest) -> dict[str, Any]:
    draft = {"key": secrets.token_urlsafe(32), "touched": time.time(), "answers": {}}
    request.session[DRAFT] = draft
    _draft_touch(request, draft)
    return draft


def _browser_session_only(request: HttpRequest) -> None:
    """The cookie ends with the browser: on a shared device neither a draft nor a sent
    report outlives it. The time limits are the timestamps kept in the session
    (``touched``, ``until``). A professional's session keeps its own limits, untouched."""
    if not request.user.is_authenticated:
        request.session.set_expiry(0)


def _draft_touch(request: HttpRequest, draft: dict[str, Any]) -> None:
    """Any activity keeps the answers for another two hours."""
    draft["touched"] = time.time()
    request.session[DRAFT] = draft
    _browser_session_only(request)


def _draft_discard(request: HttpRequest) -> None:
    draft = request.session.pop(DRAFT, None)
    if draft and draft.get("key"):
        services.draft_discard(draft_key=draft["key"])


def _report_draft(request: HttpRequest, draft: dict[str, Any]) -> services.ReportDraft:
    answers = draft["answers"]
    organisation = answers.get("organisation") or ORGANISATION_AUTO
    chosen = answers.get("consents") or []
    return services.ReportDraft(
        **{question.name: question.draft_value(answers) for question in QUESTIONS},
        consents={purpose: purpose in chosen for purpose in ConsentPurpose.values},
        organisation_id=None if organisation == ORGANISATION_AUTO else int(organisation),
        language=get_language() or "en",
        draft_key=draft["key"],
    )


def _notice(request: HttpRequest, text: str) -> None:
    request.session[NOTICE] = text


def _returning(request: HttpRequest) -> bool:
    return (request.POST.get("return") or request.GET.get("return")) == "check"


def _step_url(slug: str, *, returning: bool = False) -> str:
    url = reverse("reports:step", args=[slug])
    return f"{url}?return=check" if returning else url


def _confirm_sharing_url(*, returning: bool) -> str:
    url = reverse("reports:confirm_sharing")
    return f"{url}?return=check" if returning else url


def _pending_consents(draft: dict[str, Any]) -> list[str]:
    return [purpose for purpose in draft["answers"].get(PENDING_CONSENTS) or [] if is_sharing(purpose)]


def _hold_sharing_consents(answers: dict[str, Any], *, confirmed_before: list[str]) -> None:
    """A sharing consent newly ticked on the contact page is held as pending, not agreed,
    until its confirmation page says "Yes, share"; one confirmed before and still ticked
    stays agreed; an unticked one is gone."""
    ticked = list(answers.get("consents") or [])
    pending = [purpose for purpose in ticked if is_sharing(purpose) and purpose not in confirmed_before]
    answers["consents"] = [purpose for purpose in ticked if purpose not in pending]
    answers[PENDING_CONSENTS] = pending


def _next_url(slug: str, *, returning: bool) -> str:
    index = [step.slug for step in STEPS].index(slug)
    if returning or index == len(STEPS) - 1:
        return reverse("reports:check")
    return _step_url(STEPS[index + 1].slug)


def _back_url(slug: str, *, returning: bool) -> str:
    index = [step.slug for step in STEPS].index(slug)
    if returning:
        return reverse("reports:check")
    return _step_url(STEPS[index - 1].slug) if index else reverse("reports:start")


def _expired(request: HttpRequest) -> HttpResponse:
    if _sent_report(request) is not None:
        # Back to a page of a report already sent: it was sent, not cleared.
        return redirect("reports:sent")
    return render(request, "reports/intake/expired.html", {"draft_hours": DRAFT_SECONDS // 3600})


def _restarted_notice(request: HttpRequest, kept: str) -> None:
    """Said on the next page when the answers had expired but what was just given was kept."""
    hours = DRAFT_SECONDS // 3600
    cleared = ngettext(
        "To protect you, your earlier answers were cleared after %(hours)s hour without activity.",
        "To protect you, your earlier answers were cleared after %(hours)s hours without activity.",
        hours,
    ) % {"hours": hours}
    _notice(request, f"{cleared} {kept}")


def _page_context(request: HttpRequest, draft: dict[str, Any], step: Step) -> dict[str, Any]:
    returning = _returning(request)
    number = [s.slug for s in STEPS].index(step.slug) + 1
    return {
        "step": step,
        "page_number": number,
        "page_count": len(STEPS),
        "returning": returning,
        "back_url": _back_url(step.slug, returning=returning),
        "expires_in": DRAFT_SECONDS,
        "warn_before": WARN_BEFORE_SECONDS,
        "notice": request.session.pop(NOTICE, None),
    }


def _sent_report(request: HttpRequest) -> Report | None:
    """The report this browser sent, for an hour, unless its deletion was asked for
    (from any device): then the session forgets it at once."""
    sent = request.session.get(SENT)
    report = None
    if sent and sent.get("until", 0) >= time.time() and isinstance(sent.get("pk"), int):
        report = selectors.report_get_for_reporter(report_id=sent["pk"])
    if report is None:
        request.session.pop(SENT, None)
        request.session.pop(SENT_RECEIPT, None)
    return report


def _reporter_report(request: HttpRequest) -> Report | None:
    """The report of a reporter logged in to the inbox, unless their session went idle."""
    value = request.session.get(session_keys.REPORTER_SESSION_KEY)
    last_seen = request.session.get(session_keys.REPORTER_LAST_SEEN_KEY, 0)
    if not isinstance(value, int) or time.time() - last_seen > settings.VICTORY_REPORTER_IDLE_TIMEOUT:
        return None
    return selectors.report_get_for_reporter(report_id=value)


# --- Pages ----------------------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class StartView(View):
    """What to expect; "Start" begins a draft (a POST: it is the first thing stored)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "reports/intake/start.html",
            {
                "draft": _draft(request),
                "first_step_url": _step_url(STEPS[0].slug),
                "draft_hours": DRAFT_SECONDS // 3600,
            },
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("action") == "restart" or _draft(request) is None:
            _draft_discard(request)
            _draft_start(request)
        return redirect(_step_url(STEPS[0].slug))


@method_decorator(never_cache, name="dispatch")
class StepView(View):
    """One question page: pre-filled from the session, saved to it, never to a URL."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        step = STEP_BY_SLUG.get(kwargs["step"])
        if step is None or step.slug == EVIDENCE_STEP:
            raise Http404
        self.step = step
        return super().dispatch(request, *args, **kwargs)

    def form_kwargs(self, draft: dict[str, Any]) -> dict[str, Any]:
        if self.step.form_class is OrganisationForm:
            return {"country": draft["answers"].get("country", "")}
        return {}

    def render_form(self, request: HttpRequest, draft: dict[str, Any], form: IntakeForm) -> HttpResponse:
        context = _page_context(request, draft, self.step)
        context["form"] = form
        if isinstance(form, OrganisationForm):
            country = draft["answers"].get("country", "")
            context["country_name"] = country_name(country) if country else ""
            # Without a country, the platform-wide intake organisation ("*"), if configured.
            default = selectors.intake_organisation_for(country=country)
            context["default_organisation"] = default
            context["default_profile"] = (
                selectors.organisation_profile(organisation=default, country=country) if default else None
            )
            context["options"] = form.options(default)
            context["support_url"] = f"{reverse('support:directory')}?country={country}" if country else ""
            context["where_url"] = _step_url("where", returning=context["returning"])
        return render(request, self.step.template, context)

    def get(self, request: HttpRequest, step: str) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        _draft_touch(request, draft)
        initial = dict(draft["answers"])
        if self.step.form_class is ContactForm:
            # A sharing consent ticked but not yet confirmed stays ticked here, so that
            # coming back from its confirmation page loses nothing.
            initial["consents"] = [*(initial.get("consents") or []), *_pending_consents(draft)]
        form = self.step.form_class(initial=initial, **self.form_kwargs(draft))
        return self.render_form(request, draft, form)

    def post(self, request: HttpRequest, step: str) -> HttpResponse:
        draft = _draft(request)
        restarted = draft is None
        if draft is None:
            if _sent_report(request) is not None:
                return redirect("reports:sent")
            # The answers expired while this page was open: keep what was just typed.
            draft = _draft_start(request)
            _restarted_notice(
                request, _("We kept what you typed on the last page. Please go through the other questions again.")
            )
        form = self.step.form_class(request.POST, **self.form_kwargs(draft))
        if not form.is_valid():
            _draft_touch(request, draft)
            return self.render_form(request, draft, form)
        answers = draft["answers"]
        previous_country = answers.get("country", "")
        confirmed_before = list(answers.get("consents") or [])
        answers.update(form.answers())
        if isinstance(form, ContactForm):
            _hold_sharing_consents(answers, confirmed_before=confirmed_before)
        _draft_touch(request, draft)
        if restarted:
            return redirect(_step_url(STEPS[0].slug))
        returning = _returning(request)
        if isinstance(form, ContactForm) and answers.get(PENDING_CONSENTS):
            return redirect(_confirm_sharing_url(returning=returning))
        country_changed = self.step.slug == "where" and answers.get("country") != previous_country
        if country_changed and self._organisation_no_longer_fits(answers) and returning:
            if answers.get("country"):
                _notice(request, _("You changed the country. Choose again who should receive your report."))
            else:
                _notice(request, _("You removed the country. This page says who will receive your report now."))
            return redirect(_step_url("organisation", returning=True))
        return redirect(_next_url(self.step.slug, returning=returning))

    @staticmethod
    def _organisation_no_longer_fits(answers: dict[str, Any]) -> bool:
        chosen = answers.get("organisation") or ORGANISATION_AUTO
        if chosen == ORGANISATION_AUTO:
            return False
        country = answers.get("country", "")
        # Without a country there is nothing to choose: the platform-wide intake receives it.
        if country and selectors.organisation_list_accepting_reports(country=country).filter(pk=int(chosen)).exists():
            return False
        answers["organisation"] = ORGANISATION_AUTO
        return True


