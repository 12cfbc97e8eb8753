"""Pages for consent records, referrals sent and received, vital-interest sharing.

The sending side works from the case (``case_get``: 404 outside the user's scope). The
receiving side reads only referrals sent to its organisations, and their snapshot only
while in force, asked afresh on every request; it never reaches the sender's case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.dateparse import parse_datetime
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.accounts.http import ProfessionalRequest
from victory.accounts.views import ProfessionalRequiredMixin
from victory.core.kept_input import kept_input_take
from victory.core.messages import form_errors_add

from ..forms_sharing import (
    CompleteForm,
    ConsentAnswerForm,
    ConsentRecordForm,
    ConsentReplaceForm,
    DeclineForm,
    ReasonForm,
    ReceivedFilterForm,
    ReferralForm,
    VersionForm,
    VitalInterestForm,
)
from ..models import (
    REFERRAL_OPEN_STATUSES,
    REFERRAL_TRANSITIONS,
    Case,
    CaseSection,
    ConsentRecord,
    ConsentStatus,
    Referral,
    ReferralStatus,
)
from ..permissions import can_read_referral_content, can_supervise_case
from ..selectors import sharing as selectors
from ..selectors.common import case_get
from ..services import consent as consent_services
from ..services import referral as referral_services
from ..services.common import case_read
from ..snapshot import snapshot_display


def case_page(case: Case) -> str:
    """The case page, at its sharing section."""
    return reverse("cases:detail", args=[case.reference]) + "#sharing"


def kept_fields(request: ProfessionalRequest, path: str | None = None) -> dict[str, str | list[str]] | None:
    """What this user typed into the form posted to ``path`` (default: this page) when
    their session had ended, offered back once after logging in (None: nothing kept)."""
    kept = kept_input_take(request=request, owner=f"user:{request.user.pk}", path=path or request.path)
    return dict(kept.fields) if kept is not None else None


def kept_offer(form: forms.BaseForm, kept: dict[str, str | list[str]] | None) -> None:
    """Put kept text back into an unbound form, as its initial values."""
    for name, value in (kept or {}).items():
        if name in form.fields:
            multiple = isinstance(form.fields[name], forms.MultipleChoiceField)
            form.initial[name] = [value] if multiple and isinstance(value, str) else value


def _consent_rows(consents: list[ConsentRecord]) -> list[dict[str, Any]]:
    return [
        {
            "consent": consent,
            "sections": [CaseSection(code).label for code in consent.data_categories if code in CaseSection.values],
            "in_force": consent.status == ConsentStatus.GIVEN,
        }
        for consent in consents
    ]


def detail_context(*, request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    """The case page's sharing section: consents with their history, requests waiting,
    referrals sent with their statuses, and the buttons."""
    consents = list(selectors.consent_list(case=case))
    referrals = list(selectors.referral_list_sent(case=case))
    return {
        "sharing_consents": _consent_rows(consents),
        "sharing_requested": [c for c in consents if c.status == ConsentStatus.REQUESTED],
        "sharing_referrals": [
            {
                "referral": referral,
                "sections": [CaseSection(code).label for code in referral.sections],
                "revocable": ReferralStatus.REVOKED in REFERRAL_TRANSITIONS[referral.status],
            }
            for referral in referrals
        ],
        "sharing_is_supervisor": can_supervise_case(request.user, case),
        "sharing_user_id": request.user.pk,
    }


@method_decorator(never_cache, name="dispatch")
class CaseSharingView(ProfessionalRequiredMixin, View):
    """A page about one case the user works: the case, or 404."""

    case: Case

    def setup_case(self, reference: str) -> Case:
        self.case = case_get(user=self.request.user, reference=reference)
        return self.case


class ConsentAddView(CaseSharingView):
    template_name = "cases/sharing/consent_add.html"

    def _form(self, data: Any = None) -> ConsentRecordForm:
        return ConsentRecordForm(data, recipients=selectors.recipient_choices(case=self.case))

    def _render(self, request: ProfessionalRequest, form: ConsentRecordForm, kept: bool = False) -> HttpResponse:
        consents = list(selectors.consent_list(case=self.case))
        case_read(case=self.case, actor=request.user, what="consents")
        return render(
            request,
            self.template_name,
            {
                "case": self.case,
                "form": form,
                "consents": _consent_rows(consents),
                "case_page": case_page(self.case),
                "kept_notice": kept,
            },
        )

    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        self.setup_case(reference)
        kept = kept_fields(request)
        form = self._form()
        kept_offer(form, kept)
        return self._render(request, form, kept=bool(kept))

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = self.setup_case(reference)
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        terms = {
            "actor": request.user,
            "case": case,
            "purpose": data["purpose"],
            "data_categories": data["data_categories"],
            "recipient": data["recipient"],
            "valid_until": data["valid_until"],
            "note": data["note"],
        }
        try:
            if data["mode"] == "requested":
                consent_services.consent_request(**terms)
                messages.success(request, _("The person is asked. They answer in their inbox, or you record it here."))
            else:
                consent_services.consent_record_given(**terms, given_by=data["given_by"], method=data["method"])
                messages.success(request, _("The consent is recorded."))
        except ValidationError as error:
            form_errors_add(form, error)
            return self._render(request, form)
        return redirect(case_page(case))


class ConsentReplaceView(CaseSharingView):
    """A change of terms: a new record replaces the old one, which is withdrawn and kept."""

    template_name = "cases/sharing/consent_replace.html"

    def _render(self, request: ProfessionalRequest, consent: ConsentRecord, form: ConsentReplaceForm) -> HttpResponse:
        case_read(case=self.case, actor=request.user, what="consents")
        return render(
            request,
            self.template_name,
            {"case": self.case, "consent": consent, "form": form, "case_page": case_page(self.case)},
        )

    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        consent = selectors.consent_get(case=self.setup_case(reference), pk=pk)
        initial = {
            "data_categories": consent.data_categories,
            "given_by": consent.given_by,
            "method": consent.method if consent.method != "inbox" else "in_person",
            "valid_until": consent.valid_until,
        }
        return self._render(request, consent, ConsentReplaceForm(initial=initial))

    def post(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        consent = selectors.consent_get(case=self.setup_case(reference), pk=pk)
        form = ConsentReplaceForm(request.POST)
        if form.is_valid():
            try:
                consent_services.consent_replace(actor=request.user, consent=consent, **form.cleaned_data)
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The new terms are recorded. The earlier record is kept, withdrawn."))
                return redirect(case_page(self.case))
        return self._render(request, consent, form)


class ConsentAnswerView(CaseSharingView):
    template_name = "cases/sharing/consent_answer.html"

    def _render(self, request: ProfessionalRequest, consent: ConsentRecord, form: ConsentAnswerForm) -> HttpResponse:
        case_read(case=self.case, actor=request.user, what="consents")
        return render(
            request,
            self.template_name,
            {
                "case": self.case,
                "consent": consent,
                "form": form,
                "case_page": case_page(self.case),
                "sections": [CaseSection(code).label for code in consent.data_categories],
            },
        )

    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        consent = selectors.consent_get(case=self.setup_case(reference), pk=pk)
        return self._render(request, consent, ConsentAnswerForm())

    def post(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        consent = selectors.consent_get(case=self.setup_case(reference), pk=pk)
        form = ConsentAnswerForm(request.POST)
        if form.is_valid():
            try:
                consent_services.consent_answer(
                    actor=request.user,
                    consent=consent,
                    given=form.cleaned_data["answer"] == "given",
                    given_by=form.cleaned_data["given_by"],
                    method=form.cleaned_data["method"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The person's answer is recorded."))
                return redirect(case_page(self.case))
        return self._render(request, consent, form)


class ConsentWithdrawView(CaseSharingView):
    """The person withdrew their consent by phone or in person: one step, it takes effect at once."""

    template_name = "cases/sharing/consent_withdraw.html"

    def _render(self, request: ProfessionalRequest, consent: ConsentRecord, form: ReasonForm) -> HttpResponse:
        case_read(case=self.case, actor=request.user, what="consents")
        ending = consent.referrals.filter(status__in=REFERRAL_OPEN_STATUSES).select_related("recipient")
        return render(
            request,
            self.template_name,
            {
                "case": self.case,
                "consent": consent,
                "form": form,
                "ending": list(ending),
                "case_page": case_page(self.case),
            },
        )

    def _form(self, data: Any = None) -> ReasonForm:
        return ReasonForm(data, required=False, label=_("What did the person say? (optional)"))

    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        consent = selectors.consent_get(case=self.setup_case(reference), pk=pk)
        return self._render(request, consent, self._form())

    def post(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        consent = selectors.consent_get(case=self.setup_case(reference), pk=pk)
        form = self._form(request.POST)
        if form.is_valid():
            try:
                consent_services.consent_withdraw(
                    actor=request.user, consent=consent, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The consent is withdrawn. Referrals resting on it ended at once."))
                return redirect(case_page(self.case))
        return self._render(request, consent, form)


def _covering(case: Case) -> list[dict[str, Any]]:
    """Which consents in force cover what, for the referral page."""
    in_force = ConsentRecord.objects.in_force().filter(case=case, recipient__isnull=False).select_related("recipient")
    return [{"consent": c, "sections": [CaseSection(code).label for code in c.data_categories]} for c in in_force]


class ReferralNewView(CaseSharingView):
    template_name = "cases/sharing/referral_new.html"
    form_class: type[ReferralForm] = ReferralForm
    vital_interest = False

    def _form(self, data: Any = None) -> ReferralForm:
        initial = {"sections": [CaseSection.INCIDENT]}
        return self.form_class(data, initial=initial, recipients=selectors.recipient_choices(case=self.case))

    def _render(self, request: ProfessionalRequest, form: ReferralForm, kept: bool = False) -> HttpResponse:
        case_read(case=self.case, actor=request.user, what="consents")
        return render(
            request,
            self.template_name,
            {
                "case": self.case,
                "form": form,
                "covering": _covering(self.case),
                "case_page": case_page(self.case),
                "vital_interest": self.vital_interest,
                "kept_notice": kept,
            },
        )

    def check_allowed(self, request: ProfessionalRequest) -> None:
        """Whoever works the case may refer it under consent."""

    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        self.setup_case(reference)
        self.check_allowed(request)
        kept = kept_fields(request)
        form = self._form()
        kept_offer(form, kept)
        return self._render(request, form, kept=bool(kept))

    def send(self, request: ProfessionalRequest, data: dict[str, Any]) -> Referral:
        return referral_services.referral_send(
            actor=request.user,
            case=self.case,
            recipient=data["recipient"],
            purpose=data["purpose"],
            sections=data["sections"],
            message=data["message"],
        )

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        self.setup_case(reference)
        self.check_allowed(request)
        form = self._form(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        try:
            referral = self.send(request, form.cleaned_data)
        except ValidationError as error:
            form_errors_add(form, error)
            return self._render(request, form)
        messages.success(
            request,
            _("Referral %(reference)s sent to %(organisation)s.")
            % {"reference": referral.reference, "organisation": referral.recipient.name},
        )
        return redirect(case_page(self.case))


class VitalInterestView(ReferralNewView):
    template_name = "cases/sharing/referral_new.html"
    form_class = VitalInterestForm
    vital_interest = True

    def check_allowed(self, request: ProfessionalRequest) -> None:
        if not can_supervise_case(request.user, self.case):
            raise PermissionDenied

    def send(self, request: ProfessionalRequest, data: dict[str, Any]) -> Referral:
        return referral_services.referral_send_vital_interest(
            actor=request.user,
            case=self.case,
            recipient=data["recipient"],
            purpose=data["purpose"],
            sections=data["sections"],
            message=data["message"],
            reason=data["reason"],
        )


class ReferralRevokeView(CaseSharingView):
    template_name = "cases/sharing/referral_revoke.html"

    def _render(self, request: ProfessionalRequest, referral: Referral, form: ReasonForm) -> HttpResponse:
        case_read(case=self.case, actor=request.user, what="referrals")
        return render(
            request,
            self.template_name,
            {"case": self.case, "referral": referral, "form": form, "case_page": case_page(self.case)},
        )

    def get(self, request: ProfessionalRequest, reference: str, ref: str) -> HttpResponse:
        referral = selectors.referral_get_sent(case=self.setup_case(reference), reference=ref)
        return self._render(request, referral, ReasonForm(initial={"version": referral.version}))

    def post(self, request: ProfessionalRequest, reference: str, ref: str) -> HttpResponse:
        referral = selectors.referral_get_sent(case=self.setup_case(reference), reference=ref)
        form = ReasonForm(request.POST)
        if form.is_valid():
            try:
                referral_services.referral_revoke(
                    actor=request.user,
                    referral=referral,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
                referral.refresh_from_db()
            else:
                messages.success(
                    request, _("The referral is revoked: the organisation no longer sees what was shared.")
                )
                return redirect(case_page(self.case))
        return self._render(request, referral, form)


class ReferralReviewView(CaseSharingView):
    http_method_names = ["post"]

    def post(self, request: ProfessionalRequest, reference: str, ref: str) -> HttpResponse:
        referral = selectors.referral_get_sent(case=self.setup_case(reference), reference=ref)
        try:
            referral_services.referral_review(actor=request.user, referral=referral)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Marked as reviewed."))
        return redirect(case_page(self.case))


# --- The receiving side ---------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class ReceivedListView(ProfessionalRequiredMixin, View):
    template_name = "cases/sharing/received_list.html"

    def get(self, request: ProfessionalRequest) -> HttpResponse:
        form = ReceivedFilterForm(request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        before = None
        sent_at = parse_datetime(request.GET.get("before_at", "") or "")
        before_id = request.GET.get("before_id", "")
        if isinstance(sent_at, datetime) and before_id.isdigit():
            before = (sent_at, int(before_id))
        rows = selectors.referral_list_received(user=request.user, status=status or None, before=before)
        last = rows[-1] if len(rows) == selectors.RECEIVED_PAGE_SIZE else None
        return render(
            request,
            self.template_name,
            {"filter_form": form, "status": status, "rows": rows, "last": last},
        )


@method_decorator(never_cache, name="dispatch")
class ReceivedDetailView(ProfessionalRequiredMixin, View):
    template_name = "cases/sharing/received_detail.html"

    def get(self, request: ProfessionalRequest, ref: str) -> HttpResponse:
        referral = selectors.referral_get_received(user=request.user, reference=ref)
        # A reason or note typed when the session had ended: back in its form, unsent.
        for action, form_class in (("decline", DeclineForm), ("complete", CompleteForm)):
            kept = kept_fields(request, reverse(f"cases:referral_{action}", args=[ref]))
            if kept:
                form = form_class(initial={"version": referral.version})
                kept.pop("version", None)  # the version is the page's, read now
                kept_offer(form, kept)
                return render_received(request, referral, kept_notice=True, given_forms={f"{action}_form": form})
        return render_received(request, referral)


def render_received(
    request: ProfessionalRequest,
    referral: Referral,
    *,
    kept_notice: bool = False,
    given_forms: dict[str, forms.BaseForm] | None = None,
) -> HttpResponse:
    """The referral as its recipient sees it: the snapshot only while in force (asked of
    the database now: a withdrawal a moment ago already shows), each read audited."""
    given_forms = given_forms or {}
    snapshot = selectors.referral_snapshot_for(user=request.user, referral=referral)
    if snapshot is not None:
        referral_services.referral_content_read(actor=request.user, referral=referral)
    allowed = REFERRAL_TRANSITIONS[referral.status]
    context = {
        "referral": referral,
        "in_force": snapshot is not None,
        "shared": snapshot_display(snapshot) if snapshot is not None else None,
        "sections": [CaseSection(code).label for code in referral.sections],
        "can_accept": ReferralStatus.ACCEPTED in allowed and can_read_referral_content(request.user, referral),
        "can_decline": ReferralStatus.DECLINED in allowed,
        "can_complete": ReferralStatus.COMPLETED in allowed,
        "accept_form": given_forms.get("accept_form") or VersionForm(initial={"version": referral.version}),
        "decline_form": given_forms.get("decline_form") or DeclineForm(initial={"version": referral.version}),
        "complete_form": given_forms.get("complete_form") or CompleteForm(initial={"version": referral.version}),
        "kept_notice": kept_notice,
    }
    return render(request, ReceivedDetailView.template_name, context)


@method_decorator(never_cache, name="dispatch")
class ReceivedAnswerView(ProfessionalRequiredMixin, View):
    """Accept, decline or complete: POST only; a GET leads back to the referral."""

    action = ""

    def get(self, request: ProfessionalRequest, ref: str) -> HttpResponse:
        return redirect("cases:referral_detail", ref=ref)

    def post(self, request: ProfessionalRequest, ref: str) -> HttpResponse:
        referral = selectors.referral_get_received(user=request.user, reference=ref)
        form_class = {"accept": VersionForm, "decline": DeclineForm, "complete": CompleteForm}[self.action]
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if self.action == "accept":
                    referral_services.referral_accept(
                        actor=request.user, referral=referral, expected_version=data["version"]
                    )
                elif self.action == "decline":
                    referral_services.referral_decline(
                        actor=request.user, referral=referral, reason=data["reason"], expected_version=data["version"]
                    )
                else:
                    referral_services.referral_complete(
                        actor=request.user, referral=referral, note=data["note"], expected_version=data["version"]
                    )
            except ValidationError as error:
                form_errors_add(form, error)
                referral.refresh_from_db()
            else:
                messages.success(request, _("Your answer is recorded. The organisation that sent it sees it."))
                return redirect("cases:referral_detail", ref=referral.reference)
        return render_received(request, referral, given_forms={f"{self.action}_form": form})


urlpatterns: list[URLPattern] = [
    path("staff/cases/<str:reference>/consents/", ConsentAddView.as_view(), name="consent_add"),
    path(
        "staff/cases/<str:reference>/consents/<int:pk>/withdraw/",
        ConsentWithdrawView.as_view(),
        name="consent_withdraw",
    ),
    path(
        "staff/cases/<str:reference>/consents/<int:pk>/replace/", ConsentReplaceView.as_view(), name="consent_replace"
    ),
    path("staff/cases/<str:reference>/consents/<int:pk>/answer/", ConsentAnswerView.as_view(), name="consent_answer"),
    path("staff/cases/<str:reference>/referrals/new/", ReferralNewView.as_view(), name="referral_new"),
    path(
        "staff/cases/<str:reference>/referrals/vital-interest/",
        VitalInterestView.as_view(),
        name="referral_vital_interest",
    ),
    path(
        "staff/cases/<str:reference>/referrals/<str:ref>/revoke/", ReferralRevokeView.as_view(), name="referral_revoke"
    ),
    path(
        "staff/cases/<str:reference>/referrals/<str:ref>/review/", ReferralReviewView.as_view(), name="referral_review"
    ),
    path("staff/referrals/", ReceivedListView.as_view(), name="referrals_received"),
    path("staff/referrals/<str:ref>/", ReceivedDetailView.as_view(), name="referral_detail"),
    path("staff/referrals/<str:ref>/accept/", ReceivedAnswerView.as_view(action="accept"), name="referral_accept"),
    path("staff/referrals/<str:ref>/decline/", ReceivedAnswerView.as_view(action="decline"), name="referral_decline"),
    path(
        "staff/referrals/<str:ref>/complete/", ReceivedAnswerView.as_view(action="complete"), name="referral_complete"
    ),
]
