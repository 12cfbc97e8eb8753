"""A reporter changes a consent from the inbox (views/inbox.py has the other pages)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _

from .. import services
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
        services.consent_set(report=self.report, purpose=purpose, granted=granted)
        label = ConsentPurpose(purpose).label
        if granted:
            _notice(request, _("You gave your agreement: “%(choice)s”.") % {"choice": label})
        else:
            _notice(
                request,
                _("You withdrew your agreement: “%(choice)s”. This took effect at once.") % {"choice": label},
            )
        return redirect(reverse("reports:inbox") + "#consents")


urlpatterns = [
    path("inbox/report/consent/", InboxConsentView.as_view(), name="inbox_consent"),
]
