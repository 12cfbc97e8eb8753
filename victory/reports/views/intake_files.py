"""The report form's files page: files added one POST at a time (several may be chosen
at once) and removed one by one, before the report is sent."""

from __future__ import annotations

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
from victory.core.lists import list_join
from victory.core.messages import throttled_message
from victory.core.ratelimit import Throttled
from victory.core.uploads import refused_upload_message
from victory.reports import selectors, services
from victory.reports.forms import EvidenceForm

from .intake import (
    EVIDENCE_STEP,
    STEP_BY_SLUG,
    STEPS,
    _draft,
    _draft_start,
    _draft_touch,
    _expired,
    _next_url,
    _notice,
    _page_context,
    _restarted_notice,
    _returning,
    _sent_report,
    _step_url,
)

# Too many files from this connection: for the form here and the inbox.
EVIDENCE_THROTTLED = ngettext_lazy(
    "Many files were added from this connection in a short time. To protect this service, "
    "wait %(minutes)s minute, then add your files again. What you typed is kept.",
    "Many files were added from this connection in a short time. To protect this service, "
    "wait %(minutes)s minutes, then add your files again. What you typed is kept.",
    "minutes",
)


def evidence_throttled_message(retry_after: int) -> str:
    return throttled_message(EVIDENCE_THROTTLED, retry_after)


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

    def post(self, request: ClientRequest) -> HttpResponse:
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
                    client=request.client_fingerprint,
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error("evidence", message)
            except Throttled as error:
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
