"""Pages for the case itself: lists, the caseworker's inbox, opening, lifecycle,
assignment, the reporter thread, the timeline, who looked.

Views parse input, call the selectors and services, and render. Every form carries the
case's version: a stale submission shows ``StaleEdit``'s message with the text kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.accounts.http import ProfessionalRequest
from victory.accounts.models import User
from victory.accounts.views import ProfessionalRequiredMixin
from victory.core.kept_input import kept_input_peek, kept_input_take
from victory.core.messages import form_errors_add
from victory.core.vocabulary import BiasMotivation, IncidentType, country_name
from victory.reports import selectors as report_selectors
from victory.reports.models import Sender
from victory.reports.views.staff import evidence_download

from ..concurrency import StaleEdit
from ..forms_case import (
    AssignForm,
    CaseEditForm,
    CaseFilterForm,
    CaseReplyForm,
    CloseDecisionForm,
    CloseForm,
    OpenDirectForm,
    StatusForm,
)
from ..keyset import InvalidCursor
from ..models import Case, CaseScope, CaseStatus, ReplyTemplate, organisations_working_cases_for
from ..permissions import can_assign_case, can_supervise_case, needs_close_approval
from ..selectors import case as case_selectors
from ..selectors.common import case_get
from ..services import case as case_services
from ..services.common import case_read
from ..timeline import timeline_entries
from .rows import ROW_COLUMNS, case_rows, case_rows_html, language_name

ACCESS_LOG_ROWS = 200


def _query_without(query: QueryDict, *names: str) -> str:
    copy = query.copy()
    for name in names:
        copy.pop(name, None)
    return copy.urlencode()


# --- The caseworker's inbox and the list -----------------------------------------------


@method_decorator(never_cache, name="dispatch")
class InboxView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest) -> HttpResponse:
        user = request.user
        inbox = case_selectors.caseworker_inbox(user=user, columns=ROW_COLUMNS)
        case_services.case_list_viewed(actor=user, what="inbox")
        context = {
            "inbox": inbox,
            "intake": [{"report": report, "language": language_name(report.language)} for report in inbox.intake.items],
            # The cases' rows as a list's rows: labels translated and addresses written
            # once per page (as template look-ups, 20 cases cost a third of the page).
            "unassigned": case_rows(inbox.unassigned.items),
            "mine": case_rows(inbox.mine.items, known_names={user.pk: user.full_name or user.email}),
        }
        return render(request, "cases/inbox.html", context)


@method_decorator(never_cache, name="dispatch")
class CaseListView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest) -> HttpResponse:
        user = request.user
        # Where the user works cases, looked up once for the rows, totals and colleagues.
        scope = CaseScope.of(user)
        colleagues = case_selectors.assignee_choices(user=user, scope=scope)
        form = CaseFilterForm(request.GET or None, assignees=colleagues)
        context: dict[str, Any] = {"form": form, "totals": case_selectors.open_totals(user=user, scope=scope)}
        if request.GET and not form.is_valid():
            return render(request, "cases/list.html", {**context, "rows": [], "invalid": True})
        filters = form.filters() if form.is_bound else case_selectors.CaseFilters()
        sort = form.sort_value() if form.is_bound else "newest"
        after = request.GET.get("after") or None
        try:
            page = case_selectors.case_list(
                user=user, filters=filters, sort=sort, after=after, columns=ROW_COLUMNS, scope=scope
            )
        except InvalidCursor:
            messages.error(request, _("That page link no longer works: here is the first page."))
            page = case_selectors.case_list(
                user=user, filters=filters, sort=sort, after=None, columns=ROW_COLUMNS, scope=scope
            )
        case_services.case_list_viewed(actor=user, what="list", count=len(page.items))
        # The filter's colleagues are already named: only someone no longer among them
        # (moved on, say) is looked up for the rows.
        known = {int(pk): name for pk, name in colleagues} | {user.pk: user.full_name or user.email}
        rows = case_rows(page.items, known_names=known)
        base = _query_without(request.GET, "after")
        context.update(
            rows=rows,
            rows_html=case_rows_html(rows),
            page=page,
            filtered=filters.any(),
            next_query=f"{base}&after={page.next_cursor}" if base and page.next_cursor else f"after={page.next_cursor}",
            first_query=base,
        )
        return render(request, "cases/list.html", context)


# --- Opening a case ----------------------------------------------------------------------


def _case_organisations(user: User) -> list[tuple[int, str]]:
    return list(organisations_working_cases_for(user).order_by("name").values_list("pk", "name"))


@method_decorator(never_cache, name="dispatch")
class OpenDirectView(ProfessionalRequiredMixin, View):
    template_name = "cases/open_direct.html"

    def _form(self, request: ProfessionalRequest, data: Any = None, initial: Any = None) -> OpenDirectForm:
        organisations = _case_organisations(request.user)
        if not organisations:
            raise Http404
        if initial is None:
            initial = {"organisation": organisations[0][0]}
        return OpenDirectForm(data, initial=initial, organisations=organisations)

    def get(self, request: ProfessionalRequest) -> HttpResponse:
        kept = kept_input_take(request=request, owner=f"user:{request.user.pk}", path=request.path)
        if kept is not None:
            form = self._form(request, initial=kept.fields)
            return render(request, self.template_name, {"form": form, "kept_notice": True})
        return render(request, self.template_name, {"form": self._form(request)})

    def post(self, request: ProfessionalRequest) -> HttpResponse:
        form = self._form(request, data=request.POST)
        if form.is_valid():
            organisation = organisations_working_cases_for(request.user).get(pk=form.cleaned_data["organisation"])
            incident = form.incident()
            try:
                case = case_services.case_open_direct(
                    actor=request.user,
                    organisation=organisation,
                    channel=form.cleaned_data["channel"],
                    language=form.cleaned_data["language"],
                    summary=incident.summary,
                    country=incident.country,
                    bias_motivations=incident.bias_motivations,
                    incident_types=incident.incident_types,
                    online=incident.online,
                    occurred_on=incident.occurred_on,
                    location=incident.location,
                )
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                messages.success(request, _("The case %(reference)s was opened.") % {"reference": case.reference})
                return redirect("cases:detail", reference=case.reference)
        return render(request, self.template_name, {"form": form})


@method_decorator(never_cache, name="dispatch")
class FromReportView(ProfessionalRequiredMixin, View):
    """A report's case. GET: the case, if the user may work it (else 404); POST: open it."""

    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        report = report_selectors.report_get_for_staff(user=request.user, reference=reference, with_case=True)
        case = Case.objects.visible_to(request.user).filter(report_id=report.pk).first()
        if case is None:
            if Case.objects.filter(report_id=report.pk).exists():
                raise Http404
            return redirect("reports:staff_detail", reference=report.reference)
        return redirect("cases:detail", reference=case.reference)

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        report = report_selectors.report_get_for_staff(user=request.user, reference=reference, with_case=True)
        case = case_services.case_open_from_report(actor=request.user, report=report)
        visible = Case.objects.visible_to(request.user).filter(pk=case.pk).exists()
        if not visible:
            raise Http404
        messages.success(request, _("The case %(reference)s is open for this report.") % {"reference": case.reference})
        return redirect("cases:detail", reference=case.reference)


# --- The case page -----------------------------------------------------------------------


def _moves(case: Case) -> list[tuple[str, str]]:
    return [
        (status, case_services.status_label(status))
        for status in case_services.next_statuses(case)
        if status not in (CaseStatus.CLOSED, CaseStatus.REOPENED)
    ]


def _people(case: Case, user: User) -> list[tuple[str, str]]:
    if can_supervise_case(user, case):
        return [
            (str(person.pk), person.full_name or person.email) for person in case_services.case_assignees(case=case)
        ]
    people = [(str(user.pk), _("Me"))]
    if case.assigned_to_id not in (None, user.pk) and case.assigned_to is not None:
        people.append((str(case.assigned_to_id), case.assigned_to.full_name or case.assigned_to.email))
    return people


FORM_NAMES = ("status", "close", "close_decision", "assign", "edit", "reply")


def _edit_initial(case: Case) -> dict[str, Any]:
    return {
        "summary": case.summary,
        "country": case.country,
        "occurred_on": case.occurred_date or None,
        "location": case.location,
        "online": case.online,
        "bias_motivations": case.bias_motivations,
        "incident_types": case.incident_types,
    }


MULTIPLE = ("bias_motivations", "incident_types")


def _forms(
    request: ProfessionalRequest,
    case: Case,
    given: dict[str, forms.Form],
    kept: dict[str, dict[str, str | list[str]]] | None = None,
) -> dict[str, forms.Form]:
    """Every form of the page, unbound at the case's version unless ``given``; ``kept``:
    the text a form had when the session timed out, put back in it (unsent)."""
    version = {"version": case.version}
    user = request.user
    reply_initial: dict[str, Any] = {**version}
    template_id = request.GET.get("template")
    if template_id and template_id.isdigit():
        template = ReplyTemplate.objects.filter(
            pk=int(template_id), organisation_id=case.organisation_id, language=case.language
        ).first()
        if template is not None:
            reply_initial["body"] = template.body
    built: dict[str, Callable[[], forms.Form]] = {
        "status": lambda: StatusForm(initial=version, moves=_moves(case)),
        "close": lambda: CloseForm(initial=version),
        "close_decision": lambda: CloseDecisionForm(initial=version),
        "assign": lambda: AssignForm(
            initial={**version, "assignee": str(case.assigned_to_id or "")}, people=_people(case, user)
        ),
        "edit": lambda: CaseEditForm(initial={**version, **_edit_initial(case)}),
        "reply": lambda: CaseReplyForm(initial=reply_initial),
    }
    page_forms = {name: given.get(name) or make() for name, make in built.items()}
    for name, fields in (kept or {}).items():
        restored = {key: [value] if key in MULTIPLE else value for key, value in fields.items()}
        page_forms[name].initial = {**page_forms[name].initial, **restored, **version}
    return page_forms


def _thread(case: Case) -> list[dict[str, Any]]:
    if case.report is None:
        return []
    return [
        {
            "at": message.created_at,
            "from_reporter": message.sender == Sender.REPORTER,
            "sender": (
                _("The person who reported")
                if message.sender == Sender.REPORTER
                else (message.author.full_name or message.author.email if message.author else case.organisation.name)
            ),
            "body": message.body,
            "files": list(message.files.all()),
        }
        for message in report_selectors.report_messages(report=case.report).select_related("author")
    ]


def _areas(request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    from . import assessment, conference, parts, rights, sharing

    context: dict[str, Any] = {}
    for area in (parts, assessment, sharing, conference, rights):
        context.update(area.detail_context(request=request, case=case))
    return context


def _labels(choices: Any, codes: list[str]) -> str:
    return ", ".join(str(choices(code).label) if code in choices.values else code for code in codes)


def render_detail(
    request: ProfessionalRequest,
    case: Case,
    *,
    given: dict[str, forms.Form] | None = None,
    kept: dict[str, dict[str, str | list[str]]] | None = None,
    kept_notice: bool = False,
) -> HttpResponse:
    """The case page. Each showing is a read of the case, so each is audited."""
    user = request.user
    case_services.case_view(actor=user, case=case)
    page_forms = _forms(request, case, given or {}, kept)
    report_view = report_selectors.staff_view_of(report=case.report) if case.report else None
    events = case.events.select_related("actor", "organisation", "subject_user").order_by("at", "pk")
    context: dict[str, Any] = {
        "case": case,
        "language": language_name(case.language),
        "country": country_name(case.country) if case.country else "",
        "bias_labels": _labels(BiasMotivation, case.bias_motivations),
        "incident_labels": _labels(IncidentType, case.incident_types),
        "report_view": report_view,
        "thread": _thread(case),
        "evidence": list(report_selectors.report_evidence(report=case.report)) if case.report else [],
        "moves": _moves(case),
        "can_close": CaseStatus.CLOSED in case_services.next_statuses(case),
        "needs_approval": needs_close_approval(case) and not can_supervise_case(user, case),
        "is_supervisor": can_supervise_case(user, case),
        "can_take": case.assigned_to_id is None and can_assign_case(user, case, user),
        "templates": list(
            ReplyTemplate.objects.filter(organisation_id=case.organisation_id, language=case.language).order_by(
                "title", "pk"
            )
        ),
        "timeline": timeline_entries(events),
        "kept_notice": kept_notice,
        "forms": page_forms,
        "has_errors": any(form.errors for form in page_forms.values()),
        **page_forms_named(page_forms),
    }
    context.update(_areas(request, case))
    response = render(request, "cases/detail.html", context)
    add_never_cache_headers(response)
    return response


def page_forms_named(page_forms: dict[str, forms.Form]) -> dict[str, forms.Form]:
    return {f"{name}_form": form for name, form in page_forms.items()}


def _form_paths(case: Case) -> dict[str, str]:
    return {name: reverse(f"cases:{name}", args=[case.reference]) for name in FORM_NAMES}


@method_decorator(never_cache, name="dispatch")
class CaseDetailView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = case_get(user=request.user, reference=reference)
        owner = f"user:{request.user.pk}"
        kept = kept_input_peek(request=request, owner=owner)
        if kept is not None:
            for name, form_path in _form_paths(case).items():
                if kept.path == form_path:
                    kept_input_take(request=request, owner=owner, path=form_path)
                    return render_detail(request, case, kept={name: kept.fields}, kept_notice=True)
        return render_detail(request, case)


class CaseFormView(ProfessionalRequiredMixin, View):
    """A form on the case page. GET answers with the page (a login that came back here);
    POST checks the form and calls the service; any refusal re-shows the page with the
    text kept and, after a stale edit, the current version (so sending again works)."""

    name = ""

    def get(self, request: HttpRequest, reference: str) -> HttpResponse:
        return redirect(reverse("cases:detail", args=[reference]) + f"#{self.name}")

    def make_form(self, request: ProfessionalRequest, case: Case, data: QueryDict) -> forms.Form:
        raise NotImplementedError

    def act(self, request: ProfessionalRequest, case: Case, form: forms.Form) -> str:
        """Call the service; return the success message."""
        raise NotImplementedError

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = case_get(user=request.user, reference=reference)
        form = self.make_form(request, case, request.POST)
        if form.is_valid():
            try:
                message = self.act(request, case, form)
            except StaleEdit as error:
                case = case_get(user=request.user, reference=reference)
                data = request.POST.copy()
                data["version"] = str(case.version)
                form = self.make_form(request, case, data)
                form.is_valid()
                form_errors_add(form, error)
            except ValidationError as error:
                case = case_get(user=request.user, reference=reference)
                form_errors_add(form, error)
            else:
                messages.success(request, message)
                return redirect(reverse("cases:detail", args=[case.reference]) + f"#{self.name}")
        return render_detail(request, case, given={self.name: form})


def _version(form: forms.Form) -> int:
    version: int = form.cleaned_data["version"]
    return version


@method_decorator(never_cache, name="dispatch")
class StatusView(CaseFormView):
    name = "status"

    def make_form(self, request: ProfessionalRequest, case: Case, data: QueryDict) -> forms.Form:
        return StatusForm(data, moves=_moves(case))

    def act(self, request: ProfessionalRequest, case: Case, form: forms.Form) -> str:
        case_services.case_transition(
            actor=request.user, case=case, to=form.cleaned_data["status"], expected_version=_version(form)
        )
        return _("The case is now “%(status)s”.") % {"status": case_services.status_label(case.status)}


@method_decorator(never_cache, name="dispatch")
class CloseView(CaseFormView):
    name = "close"

    def make_form(self, request: ProfessionalRequest, case: Case, data: QueryDict) -> forms.Form:
        return CloseForm(data)

    def act(self, request: ProfessionalRequest, case: Case, form: forms.Form) -> str:
        case_services.case_close(
            actor=request.user, case=case, reason=form.cleaned_data["reason"], expected_version=_version(form)
        )
        if case.status == CaseStatus.CLOSED:
            return _("The case is closed.")
        return _("A supervisor is asked to approve closing the case, as its protection needs are open.")


@method_decorator(never_cache, name="dispatch")
class CloseDecisionView(CaseFormView):
    name = "close_decision"

    def make_form(self, request: ProfessionalRequest, case: Case, data: QueryDict) -> forms.Form:
        return CloseDecisionForm(data)

    def act(self, request: ProfessionalRequest, case: Case, form: forms.Form) -> str:
        approve = form.cleaned_data["decision"] == "approve"
        case_services.case_close_decide(actor=request.user, case=case, approve=approve, expected_version=_version(form))
        return _("The case is closed.") if approve else _("Closing was not approved: the case stays open.")


@method_decorator(never_cache, name="dispatch")
class AssignView(CaseFormView):
    name = "assign"

    def make_form(self, request: ProfessionalRequest, case: Case, data: QueryDict) -> forms.Form:
        return AssignForm(data, people=_people(case, request.user))

    def act(self, request: ProfessionalRequest, case: Case, form: forms.Form) -> str:
        chosen = form.cleaned_data["assignee"]
        assignee = User.objects.filter(pk=int(chosen)).first() if chosen else None
        case_services.case_assign(actor=request.user, case=case, assignee=assignee, expected_version=_version(form))
        if assignee is None:
            return _("The case is back in the intake, assigned to nobody.")
        return _("The case is assigned to %(name)s.") % {"name": assignee.full_name or assignee.email}


@method_decorator(never_cache, name="dispatch")
class EditView(CaseFormView):
    name = "edit"

    def make_form(self, request: ProfessionalRequest, case: Case, data: QueryDict) -> forms.Form:
        return CaseEditForm(data)

    def act(self, request: ProfessionalRequest, case: Case, form: forms.Form) -> str:
        assert isinstance(form, CaseEditForm)
        case_services.case_update(
            actor=request.user, case=case, expected_version=_version(form), fields=form.incident()
        )
        return _("The details of the incident were saved.")


@method_decorator(never_cache, name="dispatch")
class ReplyView(CaseFormView):
    name = "reply"

    def make_form(self, request: ProfessionalRequest, case: Case, data: QueryDict) -> forms.Form:
        return CaseReplyForm(data)

    def act(self, request: ProfessionalRequest, case: Case, form: forms.Form) -> str:
        case_services.case_message_send(
            actor=request.user, case=case, body=form.cleaned_data["body"], expected_version=_version(form)
        )
        return _("Your message was sent. The person sees it in their inbox.")


# --- Who looked at the case ----------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class AccessLogView(ProfessionalRequiredMixin, View):
    """A supervisor's page: every recorded read and write of the case, newest first."""

    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = case_get(user=request.user, reference=reference)
        case_services.access_log_read(actor=request.user, case=case)
        events = case_selectors.case_access_events(case=case, limit=ACCESS_LOG_ROWS)
        organisations = case_selectors.organisation_names(events)
        rows = [
            {
                "at": event.occurred_at,
                "who": (event.actor.full_name or event.actor.email) if event.actor else _("The platform"),
                "organisation": organisations.get(event.organisation_ref, ""),
                "what": _("Read") if case_selectors.audit_event_is_read(event) else _("Changed"),
                "action": event.action,
                "how": _("Through the API")
                if event.reason == "api"
                else _("On the page")
                if case_selectors.audit_event_is_read(event)
                else "",
            }
            for event in events
        ]
        response = render(request, "cases/access_log.html", {"case": case, "rows": rows, "limit": ACCESS_LOG_ROWS})
        add_never_cache_headers(response)
        return response


class CaseEvidenceView(ProfessionalRequiredMixin, View):
    """A file of the case's report, under the case's rule: decrypted in memory, always a
    download, audited on the report (by the reports service) and on the case."""

    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        case = case_get(user=request.user, reference=reference)
        evidence = case.report.evidence.filter(pk=pk).first() if case.report else None
        if evidence is None:
            raise Http404
        case_read(case=case, actor=request.user, what="evidence")
        return evidence_download(user=request.user, evidence=evidence)


urlpatterns: list[URLPattern] = [
    path("staff/work/", InboxView.as_view(), name="inbox"),
    path("staff/cases/", CaseListView.as_view(), name="list"),
    path("staff/cases/new/", OpenDirectView.as_view(), name="open_direct"),
    path("staff/cases/from-report/<str:reference>/", FromReportView.as_view(), name="from_report"),
    path("staff/cases/<str:reference>/", CaseDetailView.as_view(), name="detail"),
    path("staff/cases/<str:reference>/files/<int:pk>/", CaseEvidenceView.as_view(), name="evidence"),
    path("staff/cases/<str:reference>/status/", StatusView.as_view(), name="status"),
    path("staff/cases/<str:reference>/close/", CloseView.as_view(), name="close"),
    path("staff/cases/<str:reference>/close-decision/", CloseDecisionView.as_view(), name="close_decision"),
    path("staff/cases/<str:reference>/assign/", AssignView.as_view(), name="assign"),
    path("staff/cases/<str:reference>/edit/", EditView.as_view(), name="edit"),
    path("staff/cases/<str:reference>/reply/", ReplyView.as_view(), name="reply"),
    path("staff/cases/<str:reference>/access-log/", AccessLogView.as_view(), name="access_log"),
]


def detail_context(*, request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    """What this area adds to the case page's context (the page itself is this area's)."""
    return {}
