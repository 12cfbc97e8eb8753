"""The receiving organisation's side: the list of its reports, one report (opening it is
audited), a reply to the reporter, the status, and the evidence files.

Views parse input, call the selectors and services, and render; the services check
who may do what and write the audit events."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.accounts.http import ProfessionalRequest
from victory.accounts.views import ProfessionalRequiredMixin
from victory.core.kept_input import kept_input_take
from victory.core.messages import form_errors_add
from victory.core.vocabulary import country_name

from .. import selectors, services
from ..forms_staff import StaffReplyForm, StaffStatusForm, StatusFilterForm
from ..models import Report, Sender

REPORTS_PER_PAGE = 50

# The type stored for a file was found from its content (services.evidence_add); the
# download's name is generic, so nothing the reporter typed reaches the file system.
EVIDENCE_EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "application/pdf": "pdf",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/x-flac": "flac",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "video/x-matroska": "mkv",
    "video/3gpp": "3gp",
}


def render_detail(
    request: ProfessionalRequest,
    report: Report,
    *,
    reply_form: StaffReplyForm | None = None,
    status_form: StaffStatusForm | None = None,
    kept_notice: bool = False,
) -> HttpResponse:
    """The report page. Each showing is a read of the report, so each is audited."""
    user = request.user
    services.report_open(actor=user, report=report)
    # What staff see of it comes from the selector the API uses too: no more here.
    view = selectors.staff_view_of(report=report)
    thread = [
        {
            "at": message.created_at,
            "from_reporter": message.sender == Sender.REPORTER,
            "sender": (
                _("The person who reported")
                if message.sender == Sender.REPORTER
                else (message.author.full_name or message.author.email if message.author else report.organisation.name)
            ),
            "body": message.body,
            "files": list(message.files.all()),
        }
        for message in selectors.report_messages(report=report).select_related("author")
    ]
    context = {
        "report": report,
        "country": country_name(report.country),
        "answers": view.answers,
        "contact": view.contact,
        "consents": view.consents,
        "evidence": list(selectors.report_evidence(report=report)),
        "thread": thread,
        "reply_form": reply_form or StaffReplyForm(),
        "status_form": status_form
        or StaffStatusForm(initial={"status": report.status, "referred_to": report.referred_to}),
        "kept_notice": kept_notice,
    }
    response = render(request, "reports/staff/detail.html", context)
    add_never_cache_headers(response)
    return response


@method_decorator(never_cache, name="dispatch")
class StaffReportListView(ProfessionalRequiredMixin, View):
    template_name = "reports/staff/list.html"

    def get(self, request: ProfessionalRequest) -> HttpResponse:
        form = StatusFilterForm(request.GET or None)
        status = form.cleaned_data["status"] if form.is_valid() else ""
        reports = selectors.report_list_for_staff(user=request.user, status=status or None, without_case=True)
        page = Paginator(reports, REPORTS_PER_PAGE).get_page(request.GET.get("page"))
        services.report_list_viewed(
            actor=request.user,
            organisation_ids=sorted({report.organisation_id for report in page.object_list}),
        )
        rows = [{"report": report, "country": country_name(report.country)} for report in page.object_list]
        return render(
            request,
            self.template_name,
            {"filter_form": form, "status": status, "page": page, "rows": rows},
        )


@method_decorator(never_cache, name="dispatch")
class StaffReportDetailView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        report = selectors.report_get_for_staff(user=request.user, reference=reference)
        if selectors.report_has_case(report=report):
            # Worked as a case now: its page applies the case's rule (a caseworker not
            # assigned to a colleague's case does not reach it through the report).
            return redirect("cases:from_report", reference=report.reference)
        owner = f"user:{request.user.pk}"
        # A reply or a status typed when the session had ended: back in its form, unsent.
        kept_reply = kept_input_take(
            request=request, owner=owner, path=reverse("reports:staff_reply", args=[report.reference])
        )
        if kept_reply is not None:
            reply_form = StaffReplyForm(initial={"body": kept_reply.fields.get("body", "")})
            return render_detail(request, report, reply_form=reply_form, kept_notice=True)
        kept_status = kept_input_take(
            request=request, owner=owner, path=reverse("reports:staff_status", args=[report.reference])
        )
        if kept_status is not None:
            status_form = StaffStatusForm(
                initial={
                    "status": kept_status.fields.get("status", report.status),
                    "referred_to": kept_status.fields.get("referred_to", ""),
                }
            )
            return render_detail(request, report, status_form=status_form, kept_notice=True)
        return render_detail(request, report)


class PostOnlyPageMixin:
    """A form's address answers a GET (a login that came back to it, an old bookmark)
    with the page the form is on, never with a bare 405."""

    page_anchor = ""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        return redirect(reverse("reports:staff_detail", args=[reference]) + self.page_anchor)


@method_decorator(never_cache, name="dispatch")
class StaffReplyView(ProfessionalRequiredMixin, PostOnlyPageMixin, View):
    page_anchor = "#reply"

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        user = request.user
        report = selectors.report_get_for_staff(user=user, reference=reference)
        form = StaffReplyForm(request.POST)
        if form.is_valid():
            try:
                services.organisation_message_send(actor=user, report=report, body=form.cleaned_data["body"])
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("Your reply was sent. The person sees it in their inbox."))
                return redirect("reports:staff_detail", reference=report.reference)
        return render_detail(request, report, reply_form=form)


@method_decorator(never_cache, name="dispatch")
class StaffStatusView(ProfessionalRequiredMixin, PostOnlyPageMixin, View):
    page_anchor = "#status"

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        user = request.user
        report = selectors.report_get_for_staff(user=user, reference=reference)
        form = StaffStatusForm(request.POST)
        if form.is_valid():
            try:
                services.report_status_set(
                    actor=user,
                    report=report,
                    status=form.cleaned_data["status"],
                    referred_to=form.cleaned_data["referred_to"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
                report.refresh_from_db()
            else:
                messages.success(request, _("The status was changed."))
                return redirect("reports:staff_detail", reference=report.reference)
        return render_detail(request, report, status_form=form)


class StaffEvidenceView(ProfessionalRequiredMixin, View):
    """A file, decrypted in memory and always downloaded, never shown in the page."""

    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        user = request.user
        evidence = selectors.evidence_get_for_staff(user=user, reference=reference, evidence_id=pk)
        data = services.evidence_open(actor=user, evidence=evidence)
        extension = EVIDENCE_EXTENSIONS.get(evidence.content_type)
        content_type = evidence.content_type if extension else "application/octet-stream"
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="evidence-{evidence.pk}.{extension or "bin"}"'
        response["X-Content-Type-Options"] = "nosniff"
        add_never_cache_headers(response)
        return response
