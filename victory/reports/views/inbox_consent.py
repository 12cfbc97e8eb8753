"""A reporter changes a consent from the inbox (views/inbox.py has the other pages).

Agreeing to share the report with the police or another organisation first shows the
confirmation page (``reports/consent/_confirm.html``, the same component as the report
form's); only the POST that says "Yes, share" (``confirmed=yes``) stores it. Withdrawing,
and agreeing to anything that sends nothing elsewhere, stay one step."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from victory.core.vocabulary import country_name

from .. import services
from ..consent_sharing import confirmation, is_sharing, parts_from_report
from ..forms_inbox import ConsentForm
from ..models import ConsentPurpose
from .inbox import ReporterView, _notice


class InboxConsentView(ReporterView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ConsentForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest()
        purpose, granted = form.cleaned_data["purpose"], form.cleaned_data["granted"]
        label = ConsentPurpose(purpose).label
        if granted and is_sharing(purpose) and not self.report.consent_granted(purpose):
            confirmed = form.cleaned_data["confirmed"]
            if confirmed == "no":
                _notice(request, _("Nothing was shared. You did not agree to: “%(choice)s”.") % {"choice": label})
                return redirect(reverse("reports:inbox") + "#consents")
            if confirmed != "yes":
                return self._confirmation(request, purpose)
        services.consent_set(report=self.report, purpose=purpose, granted=granted)
        if granted:
            _notice(request, _("You gave your agreement: “%(choice)s”.") % {"choice": label})
        else:
            _notice(
                request,
                _("You withdrew your agreement: “%(choice)s”. This took effect at once.") % {"choice": label},
            )
        return redirect(reverse("reports:inbox") + "#consents")

    def _confirmation(self, request: HttpRequest, purpose: str) -> HttpResponse:
        report = self.report
        sharing = confirmation(
            purpose=purpose,
            parts=parts_from_report(report),
            country=country_name(report.country) if report.country else "",
            organisation_name=report.organisation.name,
            sent=True,
        )
        return render(
            request,
            "reports/consent/inbox_confirm.html",
            {
                "sharing": sharing,
                "action": reverse("reports:inbox_consent"),
                "hidden": [("purpose", purpose), ("granted", "1")],
            },
        )
