"""Check your answers, then send; the confirmation with the receipt (shown once), the
acknowledgement PDF, and keeping the answers alive while the person is still there.

The check page lists every question of ``questions.QUESTIONS`` as the person answered
it; an error from ``services.report_submit`` links back to the page and field to fix."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from victory.core.http import ClientRequest
from victory.core.messages import throttled_message
from victory.core.ratelimit import Throttled
from victory.reports import selectors, services
from victory.reports.forms import CONSENT_CHOICES, ORGANISATION_AUTO, SubmitForm
from victory.reports.models import ConsentPurpose
from victory.reports.pdf import acknowledgement_filename, acknowledgement_pdf
from victory.reports.questions import QUESTIONS, Question
from victory.reports.receipts import receipt_format

from .intake import (
    DRAFT,
    DRAFT_SECONDS,
    EVIDENCE_STEP,
    FIELD_STEPS,
    NOTICE,
    SENT,
    SENT_RECEIPT,
    SENT_SECONDS,
    STEPS,
    WARN_BEFORE_SECONDS,
    _browser_session_only,
    _confirm_sharing_url,
    _draft,
    _draft_touch,
    _expired,
    _pending_consents,
    _report_draft,
    _reporter_report,
    _sent_report,
    _step_url,
)


def _contact_unused(answers: dict[str, Any]) -> bool:
    """Contact details given, but "You may contact me" not ticked: they will not be used."""
    given = any((answers.get(name) or "").strip() for name in ("contact_email", "contact_phone", "contact_safe_times"))
    return given and ConsentPurpose.CONTACT.value not in (answers.get("consents") or [])


def _labels(values: list[str], choices: list[tuple[str, Any]]) -> list[str]:
    names = dict(choices)
    return [str(names[value]) for value in values if value in names]


def _summary_row(slug: str, label: Any, value: Any, anchor: str) -> dict[str, Any]:
    value = [str(v) for v in value if v] if isinstance(value, list) else str(value or "")
    return {
        "label": label,
        "value": value or None,
        "is_list": isinstance(value, list),
        "change_url": f"{_step_url(slug, returning=True)}#{anchor}",
    }


def _question_rows(answers: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per question (``questions.QUESTIONS``). Questions that share a label share
    a row listing each answer given, or saying their ``check_empty`` when none was."""
    groups: dict[str, list[Question]] = {}
    for question in QUESTIONS:
        groups.setdefault(str(question.check_label), []).append(question)
    rows = []
    for group in groups.values():
        first = group[0]
        if len(group) == 1 and not first.check_empty:
            value = first.check_text(answers)
        else:
            texts = [question.check_text(answers) for question in group]
            given = [text.strip() for text in texts if isinstance(text, str) and text.strip()]
            value = given or [str(first.check_empty)]
        rows.append(_summary_row(first.step, first.check_label, value, first.anchor))
    return rows


def _organisation_text(answers: dict[str, Any]) -> str:
    """Who will receive the report, and a word if it works elsewhere than the country."""
    organisation = answers.get("organisation") or ORGANISATION_AUTO
    if organisation == ORGANISATION_AUTO:
        text = _("Let VicTory choose for me")
        default = selectors.intake_organisation_for(country=answers.get("country", ""))
        if default is not None:
            text = _("Let VicTory choose for me (now: %(name)s)") % {"name": default.name}
    else:
        found = selectors.organisation_list_accepting_reports().filter(pk=int(organisation)).first()
        text = found.name if found else _("Let VicTory choose for me")
        default = found
    if default is not None and answers.get("country"):
        profile = selectors.organisation_profile(organisation=default, country=answers["country"])
        if not profile.works_in_country:
            elsewhere = _("It works in %(countries)s, not in %(country)s.") % {
                "countries": profile.countries,
                "country": profile.report_country,
            }
            text = f"{text} {elsewhere}"
    return text


def _summary(draft: dict[str, Any]) -> list[dict[str, Any]]:
    """Each answer as the person gave it, with the page to change it on."""
    answers = draft["answers"]
    files = [evidence.original_name for evidence in selectors.draft_evidence(draft_key=draft["key"])]
    return [
        *_question_rows(answers),
        _summary_row(
            "contact",
            _("What you agree to"),
            _labels(answers.get("consents") or [], CONSENT_CHOICES) or [_("Nothing ticked")],
            "id_consents_0",
        ),
        _summary_row("organisation", _("Who receives your report"), _organisation_text(answers), "id_organisation_0"),
        _summary_row(EVIDENCE_STEP, _("Files"), files, "id_evidence"),
    ]


@dataclass(frozen=True)
class Refusals:
    """The send refused, as the shared error summary shows a form's errors; each item's
    ``href`` leads to the page and field to fix ("" when there is none to change)."""

    error_summary: list[dict[str, str]]

    @property
    def errors(self) -> bool:
        return bool(self.error_summary)


# Several reports from this connection: "Send report" is refused for a while.
SUBMIT_THROTTLED = ngettext_lazy(
    "Several reports were sent from this connection in a short time. To protect this service, "
    "wait %(minutes)s minute and press “Send report” again. Your answers are kept.",
    "Several reports were sent from this connection in a short time. To protect this service, "
    "wait %(minutes)s minutes and press “Send report” again. Your answers are kept.",
    "minutes",
)


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
                # For includes/error_summary.html: each error links to the page of its answer.
                "refusals": Refusals(error_summary=errors),
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

    def post(self, request: ClientRequest) -> HttpResponse:
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
                client=request.client_fingerprint,
            )
        except Throttled as error:
            message = throttled_message(SUBMIT_THROTTLED, error.retry_after)
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
