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
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.core.lists import list_join
from victory.core.uploads import refused_upload_message
from victory.core.vocabulary import country_name
from victory.reports import selectors, services
from victory.reports.consent_sharing import confirmation, is_sharing, parts_from_answers
from victory.reports.forms import (
    BIAS_CHOICES,
    CONSENT_CHOICES,
    INCIDENT_CHOICES,
    ORGANISATION_AUTO,
    YES_NO_CHOICES,
    ContactForm,
    EvidenceForm,
    IntakeForm,
    OrganisationForm,
    PoliceForm,
    SubmitForm,
    SupportForm,
    WhatHappenedForm,
    WhatKindForm,
    WhenForm,
    WhereForm,
    WhoForm,
    WhyForm,
    occurred_on,
)
from victory.reports.models import (
    ConsentPurpose,
    PlaceKind,
    PoliceAware,
    Report,
    ReporterRole,
    SupportNeed,
)
from victory.reports.pdf import acknowledgement_filename, acknowledgement_pdf
from victory.reports.receipts import receipt_format

# Session keys. The draft holds {"key", "touched", "answers"}; the sent report
# {"pk", "until"}; the receipt is kept only until the confirmation page shows it.
DRAFT = "victory_report_draft"
SENT = "victory_sent_report"
SENT_RECEIPT = "victory_sent_receipt"
# One notice for the next page. Kept in the session, not the messages framework, whose
# cookie would be one more cookie on a public page.
NOTICE = "victory_report_notice"
# Set by the reporter inbox (views/inbox.py) for a reporter logged in with their receipt.
REPORTER_REPORT = "victory_reporter_report"
REPORTER_LAST_SEEN = "victory_reporter_last_seen"

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
    "reporter_role": ("who", "id_reporter_role_0"),
    "narrative": ("what-happened", "id_narrative"),
    "occurred_on": ("when", "id_occurred_day"),
    "occurred_when": ("when", "id_occurred_when"),
    "country": ("where", "id_country"),
    "location": ("where", "id_location"),
    "place_kind": ("where", "id_place_kind_0"),
    "online_platform": ("where", "id_online_platform"),
    "bias_motivations": ("why", "id_bias_motivations_0"),
    "incident_types": ("what-kind", "id_incident_types_0"),
    "impact": ("what-kind", "id_impact"),
    "offender_description": ("police", "id_offender_description"),
    "police_aware": ("police", "id_police_aware_0"),
    "wants_police_told": ("police", "id_wants_police_told_0"),
    "support_needs": ("support", "id_support_needs_0"),
    "support_language": ("support", "id_support_language"),
    "contact_email": ("contact", "id_contact_email"),
    "contact_phone": ("contact", "id_contact_phone"),
    "contact_safe_times": ("contact", "id_contact_safe_times"),
    "consents": ("contact", "id_consents_0"),
    "organisation": ("organisation", "id_organisation_0"),
    "evidence": (EVIDENCE_STEP, "id_evidence"),
}


# --- The draft in the session -------------------------------------------------------


def _draft(request: HttpRequest) -> dict[str, Any] | None:
    """The draft being filled in, or None when there is none or it has expired."""
    draft = request.session.get(DRAFT)
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
        narrative=answers.get("narrative", ""),
        country=answers.get("country", ""),
        reporter_role=answers.get("reporter_role") or "",
        occurred_on=occurred_on(answers),
        occurred_when=answers.get("occurred_when", ""),
        location=answers.get("location", ""),
        place_kind=answers.get("place_kind", ""),
        online_platform=answers.get("online_platform", ""),
        bias_motivations=list(answers.get("bias_motivations") or []),
        incident_types=list(answers.get("incident_types") or []),
        impact=answers.get("impact", ""),
        offender_description=answers.get("offender_description", ""),
        police_aware=answers.get("police_aware", ""),
        wants_police_told={"yes": True, "no": False}.get(answers.get("wants_police_told", "")),
        support_needs=list(answers.get("support_needs") or []),
        support_language=answers.get("support_language", ""),
        contact_email=answers.get("contact_email", ""),
        contact_phone=answers.get("contact_phone", ""),
        contact_safe_times=answers.get("contact_safe_times", ""),
        email_updates=bool(answers.get("email_updates")),
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


@method_decorator(never_cache, name="dispatch")
class EvidenceView(View):
    """Files, added one POST at a time (several may be chosen at once)."""

    step = STEP_BY_SLUG[EVIDENCE_STEP]

    def render_page(self, request: HttpRequest, draft: dict[str, Any], form: EvidenceForm) -> HttpResponse:
        context = _page_context(request, draft, self.step)
        context.update(form=form, files=list(selectors.draft_evidence(draft_key=draft["key"])))
        return render(request, self.step.template, context)

    def get(self, request: HttpRequest) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        _draft_touch(request, draft)
        return self.render_page(request, draft, EvidenceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EvidenceForm(request.POST, request.FILES)
        uploads = form.cleaned_data.get("evidence", []) if form.is_valid() else []
        # Files too large together were never kept, not even in memory: say so.
        too_large = refused_upload_message(request)
        draft = _draft(request)
        restarted = draft is None
        if draft is None:
            if not uploads or _sent_report(request) is not None:
                return _expired(request)
            # The answers expired while the files were being chosen: keep the files.
            draft = _draft_start(request)
            _restarted_notice(request, _("We kept the files you chose. Please go through the other questions again."))
        _draft_touch(request, draft)
        added = []
        if too_large:
            form.add_error("evidence", too_large)
            uploads = []
        for upload in uploads:
            try:
                evidence = services.evidence_add(
                    upload=upload,
                    draft_key=draft["key"],
                    client=request.client_fingerprint,  # type: ignore[attr-defined]
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("evidence", message)
            except services.Throttled as error:
                form.add_error("evidence", evidence_throttled_message(error.retry_after))
                break  # the files after it would be refused the same way
            else:
                added.append(evidence.original_name)
        if form.errors:
            return self.render_page(request, draft, form)
        if restarted:
            return redirect(_step_url(STEPS[0].slug))
        if added:
            _notice(request, _("Added: %(names)s") % {"names": list_join(added)})
        returning = _returning(request)
        if request.POST.get("action") == "add":
            return redirect(_step_url(EVIDENCE_STEP, returning=returning))
        return redirect(_next_url(EVIDENCE_STEP, returning=returning))


@method_decorator(never_cache, name="dispatch")
class EvidenceRemoveView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        _draft_touch(request, draft)
        evidence = selectors.draft_evidence(draft_key=draft["key"]).filter(pk=pk).first()
        if evidence is not None:
            name = evidence.original_name
            services.evidence_discard_draft(draft_key=draft["key"], evidence_id=pk)
            _notice(request, _("“%(name)s” was removed.") % {"name": name})
        return redirect(_step_url(EVIDENCE_STEP, returning=_returning(request)))


@method_decorator(never_cache, name="dispatch")
class ConfirmSharingView(View):
    """Agreeing to share the report with the police or another organisation is confirmed
    on its own page, one purpose at a time; it is agreed only after "Yes, share"."""

    def _page(self, request: HttpRequest, draft: dict[str, Any], purpose: str) -> HttpResponse:
        answers = draft["answers"]
        returning = _returning(request)
        country = answers.get("country", "")
        parts = parts_from_answers(
            answers,
            file_count=selectors.draft_evidence(draft_key=draft["key"]).count(),
            contact_agreed=ConsentPurpose.CONTACT.value in (answers.get("consents") or []),
        )
        hidden = [("purpose", purpose), *([("return", "check")] if returning else [])]
        return render(
            request,
            "reports/intake/confirm_sharing.html",
            {
                "sharing": confirmation(
                    purpose=purpose, parts=parts, country=country_name(country) if country else "", sent=False
                ),
                "action": reverse("reports:confirm_sharing"),
                "hidden": hidden,
                "back_url": _step_url("contact", returning=returning),
                "expires_in": DRAFT_SECONDS,
                "warn_before": WARN_BEFORE_SECONDS,
            },
        )

    def _onwards(self, request: HttpRequest, draft: dict[str, Any]) -> HttpResponse:
        returning = _returning(request)
        if _pending_consents(draft):
            return redirect(_confirm_sharing_url(returning=returning))
        return redirect(_next_url("contact", returning=returning))

    def get(self, request: HttpRequest) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        _draft_touch(request, draft)
        pending = _pending_consents(draft)
        if not pending:
            return self._onwards(request, draft)
        return self._page(request, draft, pending[0])

    def post(self, request: HttpRequest) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        answers = draft["answers"]
        purpose = request.POST.get("purpose", "")
        choice = request.POST.get("confirmed", "")
        pending = _pending_consents(draft)
        if purpose not in pending or choice not in {"yes", "no"}:
            # Not a question this draft is waiting for (sent twice, or changed since).
            _draft_touch(request, draft)
            return self._onwards(request, draft)
        answers[PENDING_CONSENTS] = [other for other in pending if other != purpose]
        label = dict(CONSENT_CHOICES)[purpose]
        if choice == "yes":
            answers["consents"] = [*(answers.get("consents") or []), purpose]
            agreed = _("You agreed: “%(choice)s”. You can withdraw it in your inbox at any time.")
            _notice(request, agreed % {"choice": label})
        else:
            _notice(request, _("Not shared. You did not agree to: “%(choice)s”.") % {"choice": label})
        _draft_touch(request, draft)
        return self._onwards(request, draft)


@method_decorator(never_cache, name="dispatch")
class ContactRemoveView(View):
    """From the check page: remove contact details given without agreeing to be contacted."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        answers = draft["answers"]
        for name in ("contact_email", "contact_phone", "contact_safe_times"):
            answers[name] = ""
        answers["email_updates"] = False
        _draft_touch(request, draft)
        _notice(request, _("Your contact details were removed."))
        return redirect(reverse("reports:check") + "#contact-details")


def _contact_unused(answers: dict[str, Any]) -> bool:
    """Contact details given, but "You may contact me" not ticked: they will not be used."""
    given = any((answers.get(name) or "").strip() for name in ("contact_email", "contact_phone", "contact_safe_times"))
    return given and ConsentPurpose.CONTACT.value not in (answers.get("consents") or [])


def _labels(values: list[str], choices: list[tuple[str, Any]]) -> list[str]:
    names = dict(choices)
    return [str(names[value]) for value in values if value in names]


def _summary(draft: dict[str, Any]) -> list[dict[str, Any]]:
    """Each answer as the person gave it, with the page to change it on."""
    answers = draft["answers"]

    def row(slug: str, label: str, value: Any, anchor: str) -> dict[str, Any]:
        value = [str(v) for v in value if v] if isinstance(value, list) else str(value or "")
        return {
            "label": label,
            "value": value or None,
            "is_list": isinstance(value, list),
            "change_url": f"{_step_url(slug, returning=True)}#{anchor}",
        }

    role = answers.get("reporter_role", "")
    exact = occurred_on(answers)
    organisation = answers.get("organisation") or ORGANISATION_AUTO
    if organisation == ORGANISATION_AUTO:
        organisation_text = _("Let VicTory choose for me")
        default = selectors.intake_organisation_for(country=answers.get("country", ""))
        if default is not None:
            organisation_text = _("Let VicTory choose for me (now: %(name)s)") % {"name": default.name}
    else:
        found = selectors.organisation_list_accepting_reports().filter(pk=int(organisation)).first()
        organisation_text = found.name if found else _("Let VicTory choose for me")
        default = found
    if default is not None and answers.get("country"):
        profile = selectors.organisation_profile(organisation=default, country=answers["country"])
        if not profile.works_in_country:
            elsewhere = _("It works in %(countries)s, not in %(country)s.") % {
                "countries": profile.countries,
                "country": profile.report_country,
            }
            organisation_text = f"{organisation_text} {elsewhere}"
    contact_ways = [
        value
        for value in (
            answers.get("contact_email", "").strip(),
            answers.get("contact_phone", "").strip(),
        )
        if value
    ] or [_("Only through my secure inbox, with my receipt")]
    files = [evidence.original_name for evidence in selectors.draft_evidence(draft_key=draft["key"])]
    return [
        row("who", _("Who is reporting"), ReporterRole(role).label if role else "", "id_reporter_role_0"),
        row("what-happened", _("What happened"), answers.get("narrative", ""), "id_narrative"),
        row("when", _("Date it happened"), date_format(exact, "DATE_FORMAT") if exact else "", "id_occurred_day"),
        row("when", _("When, in your words"), answers.get("occurred_when", ""), "id_occurred_when"),
        row(
            "where",
            _("Country"),
            country_name(answers["country"]) if answers.get("country") else "",
            "id_country",
        ),
        row("where", _("Region, town or area"), answers.get("location", ""), "id_location"),
        row(
            "where",
            _("Kind of place"),
            PlaceKind(answers["place_kind"]).label if answers.get("place_kind") else "",
            "id_place_kind_0",
        ),
        row("where", _("Website, app or game"), answers.get("online_platform", ""), "id_online_platform"),
        row(
            "why",
            _("Why you think it happened"),
            _labels(answers.get("bias_motivations") or [], BIAS_CHOICES),
            "id_bias_motivations_0",
        ),
        row(
            "what-kind",
            _("What kind of incident"),
            _labels(answers.get("incident_types") or [], INCIDENT_CHOICES),
            "id_incident_types_0",
        ),
        row("what-kind", _("What it did to you"), answers.get("impact", ""), "id_impact"),
        row(
            "police",
            _("About the people responsible"),
            answers.get("offender_description", ""),
            "id_offender_description",
        ),
        row(
            "police",
            _("The police know"),
            PoliceAware(answers["police_aware"]).label if answers.get("police_aware") else "",
            "id_police_aware_0",
        ),
        row(
            "police",
            _("Tell the police"),
            dict(YES_NO_CHOICES).get(answers.get("wants_police_told", ""), ""),
            "id_wants_police_told_0",
        ),
        row(
            "support",
            _("Support you would like"),
            _labels(answers.get("support_needs") or [], SupportNeed.choices),
            "id_support_needs_0",
        ),
        row("support", _("Language for support"), answers.get("support_language", ""), "id_support_language"),
        row("contact", _("How we may contact you"), contact_ways, "id_contact_email"),
        row("contact", _("Safe times to call"), answers.get("contact_safe_times", ""), "id_contact_safe_times"),
        row(
            "contact",
            _("E-mail when there is a new message"),
            _("Yes") if answers.get("email_updates") else _("No"),
            "id_email_updates",
        ),
        row(
            "contact",
            _("What you agree to"),
            _labels(answers.get("consents") or [], CONSENT_CHOICES) or [_("Nothing ticked")],
            "id_consents_0",
        ),
        row("organisation", _("Who receives your report"), organisation_text, "id_organisation_0"),
        row(EVIDENCE_STEP, _("Files"), files, "id_evidence"),
    ]


def evidence_throttled_message(retry_after: int) -> str:
    """Too many files from this connection: for the form here and the inbox."""
    minutes = max(1, (retry_after + 59) // 60)
    return ngettext(
        "Many files were added from this connection in a short time. To protect this service, "
        "wait %(minutes)s minute, then add your files again. What you typed is kept.",
        "Many files were added from this connection in a short time. To protect this service, "
        "wait %(minutes)s minutes, then add your files again. What you typed is kept.",
        minutes,
    ) % {"minutes": minutes}


def _throttled_message(retry_after: int) -> str:
    minutes = max(1, (retry_after + 59) // 60)
    return ngettext(
        "Several reports were sent from this connection in a short time. To protect this service, "
        "wait %(minutes)s minute and press “Send report” again. Your answers are kept.",
        "Several reports were sent from this connection in a short time. To protect this service, "
        "wait %(minutes)s minutes and press “Send report” again. Your answers are kept.",
        minutes,
    ) % {"minutes": minutes}


@method_decorator(never_cache, name="dispatch")
class CheckView(View):
    """Check your answers, then send. Errors from the service lead back to their page."""

    def render_page(
        self, request: HttpRequest, draft: dict[str, Any], form: SubmitForm, errors: list[dict[str, str]]
    ) -> HttpResponse:
        return render(
            request,
            "reports/intake/check.html",
            {
                "form": form,
                "errors": errors,
                "rows": _summary(draft),
                "contact_unused": _contact_unused(draft["answers"]),
                "contact_change_url": f"{_step_url('contact', returning=True)}#id_consents_0",
                "pending_consents": _labels(_pending_consents(draft), CONSENT_CHOICES),
                "confirm_sharing_url": _confirm_sharing_url(returning=True),
                "back_url": _step_url(STEPS[-1].slug),
                "expires_in": DRAFT_SECONDS,
                "warn_before": WARN_BEFORE_SECONDS,
                "notice": request.session.pop(NOTICE, None),
            },
            status=400 if errors else 200,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        _draft_touch(request, draft)
        return self.render_page(request, draft, SubmitForm(), [])

    def post(self, request: HttpRequest) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return _expired(request)
        _draft_touch(request, draft)
        form = SubmitForm(request.POST)
        if not form.is_valid() or form.cleaned_data["website"]:
            # Most likely a bot. Nothing is stored; a person can simply try again.
            neutral = _("Your report could not be sent. Check your answers and press “Send report” again.")
            return self.render_page(request, draft, SubmitForm(), [{"message": neutral, "href": ""}])
        try:
            submitted = services.report_submit(
                draft=_report_draft(request, draft),
                client=request.client_fingerprint,  # type: ignore[attr-defined]
            )
        except services.Throttled as error:
            message = _throttled_message(error.retry_after)
            return self.render_page(request, draft, form, [{"message": message, "href": ""}])
        except ValidationError as error:
            return self.render_page(request, draft, form, self._error_links(error))
        request.session.pop(DRAFT, None)
        request.session.cycle_key()
        request.session[SENT] = {"pk": submitted.report.pk, "until": time.time() + SENT_SECONDS}
        request.session[SENT_RECEIPT] = submitted.receipt
        _browser_session_only(request)
        return redirect("reports:sent")

    @staticmethod
    def _error_links(error: ValidationError) -> list[dict[str, str]]:
        items: list[dict[str, str]] = []
        fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
        for name, field_messages in fields.items():
            slug, anchor = FIELD_STEPS.get(name, ("", ""))
            href = f"{_step_url(slug, returning=True)}#{anchor}" if slug else ""
            items.extend({"message": message, "href": href} for message in field_messages)
        return items


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


@method_decorator(never_cache, name="dispatch")
class SentView(View):
    """The confirmation. The receipt is popped from the session: shown this once only."""

    def get(self, request: HttpRequest) -> HttpResponse:
        receipt = request.session.pop(SENT_RECEIPT, None)
        report = _sent_report(request)
        return render(
            request,
            "reports/intake/sent.html",
            {"report": report, "receipt": receipt_format(receipt) if receipt and report else None},
        )


def _reporter_report(request: HttpRequest) -> Report | None:
    """The report of a reporter logged in to the inbox, unless their session went idle."""
    value = request.session.get(REPORTER_REPORT)
    last_seen = request.session.get(REPORTER_LAST_SEEN, 0)
    if not isinstance(value, int) or time.time() - last_seen > settings.VICTORY_REPORTER_IDLE_TIMEOUT:
        return None
    return selectors.report_get_for_reporter(report_id=value)


@method_decorator(never_cache, name="dispatch")
class AcknowledgementView(View):
    """The Art. 5 acknowledgement as a PDF: the report just sent, or the reporter's own.

    Without one (never sent from here, the hour is over, logged out, or its deletion
    was asked for) a neutral page, the same in every case, so someone holding the
    device cannot tell a deleted report from none."""

    def get(self, request: HttpRequest) -> HttpResponse:
        report = _sent_report(request) or _reporter_report(request)
        if report is None:
            return render(request, "reports/intake/acknowledgement_gone.html", status=404)
        pdf = acknowledgement_pdf(report=report)
        services.report_read_by_reporter(report=report, what="acknowledgement")
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{acknowledgement_filename(report=report)}"'
        response["Cache-Control"] = "no-store"
        return response


class KeepAliveView(View):
    """For the optional timeout warning: "keep my answers" extends the draft."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        draft = _draft(request)
        if draft is None:
            return HttpResponse(status=410)
        _draft_touch(request, draft)
        return HttpResponse(status=204)


urlpatterns = [
    path("report/", StartView.as_view(), name="start"),
    path("report/check/", CheckView.as_view(), name="check"),
    path("report/sent/", SentView.as_view(), name="sent"),
    path("report/acknowledgement.pdf", AcknowledgementView.as_view(), name="acknowledgement"),
    path("report/keep/", KeepAliveView.as_view(), name="keepalive"),
    path("report/confirm-sharing/", ConfirmSharingView.as_view(), name="confirm_sharing"),
    path("report/contact/remove/", ContactRemoveView.as_view(), name="contact_remove"),
    path(f"report/{EVIDENCE_STEP}/", EvidenceView.as_view(), name="evidence"),
    path("report/files/<int:pk>/remove/", EvidenceRemoveView.as_view(), name="evidence_remove"),
    path("report/<slug:step>/", StepView.as_view(), name="step"),
]
