"""The report form's sharing choices: agreeing to share the report with the police or
another organisation is confirmed on its own page, and contact details given without
agreeing to be contacted can be removed from the check page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.core.vocabulary import country_name
from victory.reports import selectors
from victory.reports.consent_sharing import confirmation, parts_from_answers
from victory.reports.forms import CONSENT_CHOICES
from victory.reports.models import ConsentPurpose

from .intake import (
    DRAFT_SECONDS,
    PENDING_CONSENTS,
    WARN_BEFORE_SECONDS,
    _confirm_sharing_url,
    _draft,
    _draft_touch,
    _expired,
    _next_url,
    _notice,
    _pending_consents,
    _returning,
    _step_url,
)


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
