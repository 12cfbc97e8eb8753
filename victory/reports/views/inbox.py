"""The reporter's inbox: log in with the receipt, follow the report, talk to the
organisation, change a consent, ask for deletion, log out.

No address holds the reference or the receipt: the report is found from the session
only. Every response says ``Cache-Control: no-store``, so the Back button of a shared
computer cannot show the inbox after logging out. The session is the only cookie a
reporter gets beyond the form's CSRF cookie: notices live in the session, not in the
messages framework (whose cookie storage would add one).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from victory.core import session_keys
from victory.core.http import ClientRequest
from victory.core.kept_input import (
    kept_input_carry,
    kept_input_fields,
    kept_input_keep,
    kept_input_peek,
    kept_input_take,
)
from victory.core.messages import throttled_message
from victory.core.ratelimit import Throttled
from victory.core.session_timeout import TOUCH_EVERY
from victory.core.uploads import refused_upload_message

from .. import selectors, services
from ..forms_inbox import ReceiptLoginForm, ReporterMessageForm
from ..models import ConsentPurpose, Report, ReportStatus, Sender
from .intake_files import evidence_throttled_message

# The report's message cap reached (``services.TooManyMessages``).
MESSAGES_THROTTLED = ngettext_lazy(
    "Many messages were sent about this report in a short time. To protect this service, "
    "wait %(minutes)s minute, then send yours. What you typed is kept.",
    "Many messages were sent about this report in a short time. To protect this service, "
    "wait %(minutes)s minutes, then send yours. What you typed is kept.",
    "minutes",
)
# Too many wrong receipts from this client.
RECEIPT_THROTTLED = ngettext_lazy(
    "Too many attempts to open a report from here. Wait %(minutes)s minute, then try again.",
    "Too many attempts to open a report from here. Wait %(minutes)s minutes, then try again.",
    "minutes",
)


def messages_throttled_message(retry_after: int) -> str:
    return throttled_message(MESSAGES_THROTTLED, retry_after)


# Session keys (core.session_keys); the PDF acknowledgement reads the first two too.
REPORTER_SESSION_KEY = session_keys.REPORTER_SESSION_KEY
REPORTER_LAST_SEEN_KEY = session_keys.REPORTER_LAST_SEEN_KEY
REPORTER_NOTICE_KEY = session_keys.REPORTER_NOTICE_KEY
KEPT_NOTICE_KEY = session_keys.REPORTER_KEPT_NOTICE_KEY
MESSAGE_KEPT = gettext_lazy("Your message is not sent yet and is kept below. Choose your files again, then send.")


def _reporter_report(report_id: int) -> Report | None:
    """The logged-in reporter's report, unless it was erased or its deletion asked for."""
    return selectors.report_get_for_reporter(report_id=report_id)


def _notice(request: HttpRequest, text: str) -> None:
    request.session[REPORTER_NOTICE_KEY] = text


class InboxView(View):
    """Base of every inbox page: nothing of it may be kept by the browser or a proxy."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = self.inbox_dispatch(request, *args, **kwargs)
        add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response

    def inbox_dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return super().dispatch(request, *args, **kwargs)


def _kept_owner(report_id: int) -> str:
    return f"report:{report_id}"


class ReporterView(InboxView):
    """Pages of a reporter logged in with their receipt; ends an idle session."""

    report: Report
    # Text fields a POST sent after the timeout keeps for after the next login.
    kept_fields: tuple[str, ...] = ()

    def inbox_dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        report_id = request.session.get(REPORTER_SESSION_KEY)
        if report_id is None:
            return redirect("reports:inbox_login")
        now = time.time()
        last_seen = request.session.get(REPORTER_LAST_SEEN_KEY, 0)
        if now - last_seen > settings.VICTORY_REPORTER_IDLE_TIMEOUT:
            request.session.flush()
            if request.method == "POST" and self.kept_fields and isinstance(report_id, int):
                self._keep_input(request, report_id)
            return redirect(reverse("reports:inbox_login") + "?ended=idle")
        report = _reporter_report(report_id) if isinstance(report_id, int) else None
        if report is None:
            # Its deletion was asked for (maybe from another device) or it was erased.
            # The login page says only that the session ended, as after a logout.
            request.session.flush()
            return redirect(reverse("reports:inbox_login") + "?ended=closed")
        if now - last_seen > TOUCH_EVERY:
            request.session[REPORTER_LAST_SEEN_KEY] = now
        self.report = report
        return super().inbox_dispatch(request, *args, **kwargs)

    def _keep_input(self, request: HttpRequest, report_id: int) -> None:
        """In the new, anonymous session: only for a login with this report's receipt."""
        fields = kept_input_fields(request.POST, allowed=self.kept_fields)
        kept = kept_input_keep(
            request=request,
            owner=_kept_owner(report_id),
            path=request.path,
            page=reverse("reports:inbox") + "#send",
            fields=fields,
            files_dropped=bool(request.FILES),
        )
        if kept:
            # Like the inbox's own session: the cookie ends with the browser.
            request.session.set_expiry(0)
            # Said once, on the login page the writer is sent to now. Said on every
            # visit for an hour, it would tell whoever picks up the phone later that
            # there is a report, and that someone was writing to it.
            request.session[KEPT_NOTICE_KEY] = True


@method_decorator(sensitive_post_parameters("receipt"), name="dispatch")
class InboxLoginView(InboxView):
    template_name = "reports/inbox/login.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        if request.session.get(REPORTER_SESSION_KEY) is not None:
            return redirect("reports:inbox")
        ended = request.GET.get("ended")
        return self._render(request, ReceiptLoginForm(), timed_out=ended == "idle", closed=ended == "closed")

    def _carry_kept_input(self, request: HttpRequest, previous: dict[str, Any], report: Report) -> None:
        kept_input_carry(previous=previous, request=request, owner=_kept_owner(report.pk))

    def post(self, request: ClientRequest) -> HttpResponse:
        form = ReceiptLoginForm(request.POST)
        if not form.is_valid():
            return self._render(request, form)
        try:
            report = services.receipt_login(
                receipt=form.cleaned_data["receipt"],
                client=request.client_fingerprint,
            )
        except services.InvalidReceipt:
            form.add_error("receipt", _("A receipt has 24 digits. Check you copied all of them."))
            return self._render(request, form)
        except services.AuthenticationFailed:
            form.add_error(
                "receipt", _("We could not find a report with this receipt. Check the digits and try again.")
            )
            return self._render(request, form)
        except Throttled as error:
            form.add_error("receipt", throttled_message(RECEIPT_THROTTLED, error.retry_after))
            return self._render(request, form)
        # A fresh session: on a shared computer nothing of an earlier visitor (a draft,
        # a just-sent report) may carry over into this reporter's inbox; only a message
        # typed for this very report when its session timed out is carried over.
        previous = dict(request.session.items())
        request.session.flush()
        self._carry_kept_input(request, previous, report)
        request.session[REPORTER_SESSION_KEY] = report.pk
        request.session[REPORTER_LAST_SEEN_KEY] = time.time()
        # The cookie ends with the browser; the idle timeout ends it sooner on the server.
        request.session.set_expiry(0)
        return redirect("reports:inbox")

    def _render(
        self, request: HttpRequest, form: ReceiptLoginForm, *, timed_out: bool = False, closed: bool = False
    ) -> HttpResponse:
        minutes = settings.VICTORY_REPORTER_IDLE_TIMEOUT // 60
        kept = kept_input_peek(request=request) if request.session.pop(KEPT_NOTICE_KEY, False) else None
        return render(
            request,
            self.template_name,
            {
                "form": form,
                "timed_out": timed_out,
                "closed": closed,
                "idle_minutes": minutes,
                "message_kept": kept is not None,
                "files_dropped": bool(kept and kept.files_dropped),
            },
        )


def _status_now(report: Report) -> str:
    if report.status == ReportStatus.RECEIVED:
        return _("We have received your report")
    if report.status == ReportStatus.IN_REVIEW:
        return _("Someone is looking at your report")
    if report.status == ReportStatus.REFERRED:
        if report.referred_to:
            return _("Your report was referred to %(referred_to)s") % {"referred_to": report.referred_to}
        return _("Your report was referred to another organisation")
    return _("Your report is closed")


def _status_history_text(status: str) -> str:
    """A past status: the organisation referred to then is not kept, so it is not named."""
    texts: dict[str, str] = {
        ReportStatus.RECEIVED: _("We received your report"),
        ReportStatus.IN_REVIEW: _("Someone started looking at your report"),
        ReportStatus.REFERRED: _("Your report was referred to another organisation"),
        ReportStatus.CLOSED: _("Your report was closed"),
    }
    return texts.get(status, status)


def _timeline(report: Report) -> list[dict[str, Any]]:
    """Status changes and messages on one timeline, oldest first (the newest is last)."""
    entries: list[dict[str, Any]] = [
        {"kind": "status", "at": change.changed_at, "text": _status_history_text(change.status)}
        for change in report.status_changes.all()
    ]
    for message in selectors.report_messages(report=report):
        entries.append(
            {
                "kind": "message",
                "at": message.created_at,
                "from_reporter": message.sender == Sender.REPORTER,
                "sender": _("You") if message.sender == Sender.REPORTER else report.organisation.name,
                "body": message.body,
                "files": [evidence.original_name for evidence in message.files.all()],
            }
        )
    entries.sort(key=lambda entry: entry["at"])
    return entries


def _consents(report: Report) -> list[dict[str, Any]]:
    states = {consent.purpose: consent for consent in report.consents.all()}
    rows = []
    for purpose, label in ConsentPurpose.choices:
        consent = states.get(purpose)
        rows.append(
            {
                "purpose": purpose,
                "label": label,
                "granted": bool(consent and consent.granted),
                "changed_at": consent.changed_at if consent else None,
            }
        )
    return rows


def _acknowledgement_url() -> str | None:
    try:
        return reverse("reports:acknowledgement")
    except NoReverseMatch:  # the PDF acknowledgement is not installed
        return None


class InboxPageView(ReporterView):
    template_name = "reports/inbox/inbox.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        services.report_read_by_reporter(report=self.report, what="inbox")
        kept = kept_input_take(
            request=request, owner=_kept_owner(self.report.pk), path=reverse("reports:inbox_message")
        )
        if kept is None:
            return render_inbox(request, self.report, ReporterMessageForm())
        form = ReporterMessageForm(initial={"body": kept.fields.get("body", "")})
        return render_inbox(request, self.report, form, kept_message=True, files_dropped=kept.files_dropped)


def render_inbox(
    request: HttpRequest,
    report: Report,
    message_form: ReporterMessageForm,
    *,
    kept_message: bool = False,
    files_dropped: bool = False,
) -> HttpResponse:
    context = {
        "report": report,
        "organisation": report.organisation,
        "status_now": _status_now(report),
        "timeline": _timeline(report),
        "consents": _consents(report),
        "message_form": message_form,
        "form": message_form,  # for the shared error summary
        "acknowledgement_url": _acknowledgement_url(),
        "notice": request.session.pop(REPORTER_NOTICE_KEY, None),
        "kept_message": kept_message,
        "files_dropped": files_dropped,
        "idle_seconds": settings.VICTORY_REPORTER_IDLE_TIMEOUT,
    }
    return render(request, InboxPageView.template_name, context)


class InboxMessageView(ReporterView):
    http_method_names = ["get", "post"]
    kept_fields = ("body",)

    def get(self, request: HttpRequest) -> HttpResponse:
        """Never a bare 405: the form's address leads to the form."""
        return redirect(reverse("reports:inbox") + "#send")

    def post(self, request: ClientRequest) -> HttpResponse:
        form = ReporterMessageForm(request.POST, request.FILES)
        if not form.is_valid():
            return render_inbox(request, self.report, form)
        # Files too large together were never kept, not even in memory; the message is.
        too_large = refused_upload_message(request)
        if too_large:
            form.add_error("files", too_large)
            form.add_error("files", MESSAGE_KEPT)
            return render_inbox(request, self.report, form)
        try:
            services.reporter_message_send(
                report=self.report,
                body=form.cleaned_data["body"],
                files=request.FILES.getlist("files"),
                client=request.client_fingerprint,
            )
        except services.TooManyMessages as error:
            form.add_error("body", messages_throttled_message(error.retry_after))
            return render_inbox(request, self.report, form)
        except Throttled as error:
            form.add_error("files", evidence_throttled_message(error.retry_after))
            form.add_error("files", MESSAGE_KEPT)
            return render_inbox(request, self.report, form)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = {"evidence": "files", "body": "body"}.get(field)
                for message in messages:
                    form.add_error(target, message)
            if "evidence" in error.message_dict:
                form.add_error("files", MESSAGE_KEPT)
            return render_inbox(request, self.report, form)
        _notice(request, _("Your message was sent. The organisation will answer here."))
        return redirect(reverse("reports:inbox") + "#messages")


class InboxKeepAliveView(InboxView):
    """The "Stay logged in" button: restarts the idle clock (204), or 410 when the session ended."""

    http_method_names = ["post"]

    def inbox_dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST":
            return self.http_method_not_allowed(request, *args, **kwargs)
        report_id = request.session.get(REPORTER_SESSION_KEY)
        if not isinstance(report_id, int):
            return HttpResponse(status=410)
        now = time.time()
        if now - request.session.get(REPORTER_LAST_SEEN_KEY, 0) > settings.VICTORY_REPORTER_IDLE_TIMEOUT:
            request.session.flush()
            return HttpResponse(status=410)
        if _reporter_report(report_id) is None:
            request.session.flush()
            return HttpResponse(status=410)
        request.session[REPORTER_LAST_SEEN_KEY] = now
        return HttpResponse(status=204)


class InboxDeleteView(ReporterView):
    template_name = "reports/inbox/delete_confirm.html"

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, self.template_name, {"report": self.report})

    def post(self, request: HttpRequest) -> HttpResponse:
        services.report_deletion_request(report=self.report)
        request.session.flush()
        return redirect("reports:inbox_deleted")


class InboxDeletedView(InboxView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "reports/inbox/deleted.html")


class InboxLogoutView(InboxView):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        request.session.flush()
        return redirect("reports:inbox_logged_out")


class InboxLoggedOutView(InboxView):
    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "reports/inbox/logged_out.html")
