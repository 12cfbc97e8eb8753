"""Pages for the reporter's side: who has what, giving, refusing and withdrawing consent.

Behind the reporter inbox's own login (``victory.reports.views.inbox.ReporterView``:
the report from the session, the idle timeout, ``Cache-Control: no-store``). The case is
the one opened from that report; a consent of any other case is 404. Everything is read
live: a referral accepted a moment ago shows as accepted on the next visit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from victory.reports.views.inbox import REPORTER_NOTICE_KEY, ReporterView

from ..models import Case, CaseSection, ConsentRecord, ConsentStatus, Referral, ReferralStatus
from ..services import consent as consent_services

# A referral's status in the person's words.
REFERRAL_WORDS = {
    ReferralStatus.SENT: gettext_lazy("Sent to them. They have not answered yet."),
    ReferralStatus.ACCEPTED: gettext_lazy("They agreed to help."),
    ReferralStatus.DECLINED: gettext_lazy("They could not take it on."),
    ReferralStatus.COMPLETED: gettext_lazy("They finished their part."),
    ReferralStatus.REVOKED: gettext_lazy("No longer shared: they cannot see it any more."),
}
CONSENT_WORDS = {
    ConsentStatus.REQUESTED: gettext_lazy("We are asking you"),
    ConsentStatus.GIVEN: gettext_lazy("You agreed"),
    ConsentStatus.REFUSED: gettext_lazy("You did not agree"),
    ConsentStatus.WITHDRAWN: gettext_lazy("You took it back"),
    ConsentStatus.EXPIRED: gettext_lazy("It ended on its date"),
}


def _case_of(report_id: int) -> Case | None:
    return Case.objects.filter(report_id=report_id).first()


def _sections(codes: list[str]) -> list[str]:
    return [str(CaseSection(code).label) for code in codes if code in CaseSection.values]


def sharing_context(case: Case | None) -> dict[str, Any]:
    if case is None:
        return {"case": None, "consents": [], "referrals": [], "vital_interest": False}
    consents = ConsentRecord.objects.filter(case=case).select_related("recipient")
    referrals = list(Referral.objects.filter(case=case).select_related("recipient"))
    referral_rows = [
        {"referral": r, "sections": _sections(r.sections), "words": REFERRAL_WORDS[ReferralStatus(r.status)]}
        for r in referrals
    ]
    return {
        "case": case,
        "consents": [
            {"consent": c, "sections": _sections(c.data_categories), "words": CONSENT_WORDS[ConsentStatus(c.status)]}
            for c in consents
        ],
        "referrals": referral_rows,
        "vital_interest": any(referral.vital_interest for referral in referrals),
    }


class InboxSharingView(ReporterView):
    template_name = "cases/inbox/sharing.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        context = sharing_context(_case_of(self.report.pk))
        context["notice"] = request.session.pop(REPORTER_NOTICE_KEY, None)
        context["organisation"] = self.report.organisation
        return render(request, self.template_name, context)


class InboxConsentChangeView(ReporterView):
    """Give or refuse a requested consent, or withdraw a given one: one POST each."""

    http_method_names = ["get", "post"]
    action = ""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return redirect(reverse("cases:inbox_sharing") + "#consents")

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        case = _case_of(self.report.pk)
        consent = ConsentRecord.objects.filter(case=case, pk=pk).first() if case else None
        if consent is None:
            raise Http404
        label = consent.get_purpose_display()
        try:
            if self.action == "withdraw":
                consent_services.consent_withdraw(actor=None, consent=consent)
                notice = _("You took back your agreement: “%(choice)s”. This took effect at once.") % {"choice": label}
            else:
                given = request.POST.get("answer") == "given"
                consent_services.consent_answer(actor=None, consent=consent, given=given)
                notice = (
                    _("You agreed: “%(choice)s”.")
                    if given
                    else _("You did not agree: “%(choice)s”. Nothing is shared.")
                ) % {"choice": label}
        except ValidationError:
            notice = _("This was already answered, so nothing was changed.")
        request.session[REPORTER_NOTICE_KEY] = notice
        return redirect(reverse("cases:inbox_sharing") + "#consents")


urlpatterns: list[URLPattern] = [
    path("inbox/report/sharing/", InboxSharingView.as_view(), name="inbox_sharing"),
    path(
        "inbox/report/sharing/consents/<int:pk>/answer/",
        InboxConsentChangeView.as_view(action="answer"),
        name="inbox_consent_answer",
    ),
    path(
        "inbox/report/sharing/consents/<int:pk>/withdraw/",
        InboxConsentChangeView.as_view(action="withdraw"),
        name="inbox_consent_withdraw",
    ),
]
