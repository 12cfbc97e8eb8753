"""Pages for people, tasks, notes, risk flags and reply templates.

The case page shows this area's section (``detail_context`` and
``cases/detail/_parts.html``): the people, open tasks, notes, risk flags with their
history, each with its small form. Each form posts to its own address; success goes
back to the case page at the section, a refusal shows a small page of its own with the
error summary and what was typed. Views parse and render; the services decide."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.cache import never_cache

from victory.accounts.http import ProfessionalRequest
from victory.accounts.views import ProfessionalRequiredMixin
from victory.core.kept_input import kept_input_take
from victory.core.messages import form_errors_add

from ..concurrency import StaleEdit
from ..forms_parts import (
    CaseVersionForm,
    NoteForm,
    PersonForm,
    ReplyTemplateForm,
    RiskClearForm,
    RiskRaiseForm,
    TaskForm,
)
from ..models import Case, ReplyTemplate
from ..selectors import parts as selectors
from ..selectors.common import case_get
from ..services import parts as services
from ..services.case import case_list_viewed
from ..services.common import case_read

# The forms of the section, each with its prefix (their fields' ids stay unique on the
# case page, beside the other areas' forms) and the anchor it goes back to.
PERSON_PREFIX, TASK_PREFIX, NOTE_PREFIX, RISK_PREFIX = "person", "task", "note", "risk"


def case_page(case: Case, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case.reference]) + anchor


def _people_choices(case: Case, exclude: int | None = None) -> Any:
    people = selectors.person_list(case=case).filter(erased_at__isnull=True)
    return people.exclude(pk=exclude) if exclude else people


def _kept_initial(request: ProfessionalRequest, *, address: str, prefix: str) -> dict[str, str | list[str]] | None:
    """What was typed into this form when the session had ended, as its initial values."""
    kept = kept_input_take(request=request, owner=f"user:{request.user.pk}", path=address)
    if kept is None:
        return None
    start = f"{prefix}-"
    return {name.removeprefix(start): value for name, value in kept.fields.items() if name.startswith(start)}


def detail_context(*, request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    """The section's rows and forms. Reading the people and notes is audited."""
    user = request.user
    case_read(case=case, actor=user, what="parts")
    version = {"version": case.version}
    kept_notice = False
    initial: dict[str, dict[str, Any]] = {}
    for prefix, name in (
        (PERSON_PREFIX, "person_add"),
        (TASK_PREFIX, "task_add"),
        (NOTE_PREFIX, "note_add"),
        (RISK_PREFIX, "risk_raise"),
    ):
        kept = _kept_initial(request, address=reverse(f"cases:{name}", args=[case.reference]), prefix=prefix)
        if kept is not None:
            kept_notice = True
        initial[prefix] = {**(kept or {}), **version}
    tasks = list(selectors.task_list(case=case))
    return {
        "parts": {
            "people": list(selectors.person_list(case=case)),
            "open_tasks": [task for task in tasks if task.done_at is None],
            "done_tasks": [task for task in tasks if task.done_at is not None],
            "notes": list(selectors.note_list(user=user, case=case)),
            "risks": list(selectors.risk_list(case=case)),
            "person_form": PersonForm(
                prefix=PERSON_PREFIX, initial=initial[PERSON_PREFIX], people=_people_choices(case)
            ),
            "task_form": TaskForm(
                prefix=TASK_PREFIX, initial=initial[TASK_PREFIX], assignees=selectors.task_assignees(case=case)
            ),
            "note_form": NoteForm(prefix=NOTE_PREFIX, initial=initial[NOTE_PREFIX]),
            "risk_form": RiskRaiseForm(prefix=RISK_PREFIX, initial=initial[RISK_PREFIX]),
            "version": case.version,
            "kept_notice": kept_notice,
            "today": timezone.localdate(),
        }
    }


@dataclass(frozen=True)
class FormPage:
    """How a refused form is shown on its own page."""

    title: Promise
    submit: Promise
    anchor: str


def _refused(
    request: ProfessionalRequest,
    *,
    case: Case,
    form: CaseVersionForm,
    page: FormPage,
    action: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return render(
        request,
        "cases/parts/form_page.html",
        {
            "case": case,
            "form": form,
            "screen": page,
            "action": action,
            "back": case_page(case, page.anchor),
            **(extra or {}),
        },
        status=200,
    )


def _submit(form: CaseVersionForm, *, case: Case, run: Callable[[], object]) -> bool:
    """Run the service for a valid form; its refusal goes onto the form. After a stale
    edit the form takes the case's current version, so sending it again (once checked)
    goes through."""
    if not form.is_valid():
        return False
    try:
        run()
    except StaleEdit as error:
        case.refresh_from_db(fields=["version"])
        data = QueryDict(mutable=True)
        data.update(form.data)
        data[form.add_prefix("version")] = str(case.version)
        form.data = data
        form_errors_add(form, error)
        return False
    except ValidationError as error:
        form_errors_add(form, error)
        return False
    return True


class _CaseFormView(ProfessionalRequiredMixin, View):
    """A form's address: a GET (a login that came back to it, an old bookmark) goes to
    the case page at the section; a POST runs the service."""

    anchor = "#parts"

    def get(self, request: ProfessionalRequest, reference: str, **kwargs: Any) -> HttpResponse:
        case = case_get(user=request.user, reference=reference)
        return redirect(case_page(case, self.anchor))


def _done(request: ProfessionalRequest, case: Case, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(case_page(case, anchor))


PERSON_PAGE = FormPage(
    title=gettext_lazy("Link a person to the case"), submit=gettext_lazy("Add the person"), anchor="#people"
)
PERSON_EDIT_PAGE = FormPage(
    title=gettext_lazy("Change a linked person's details"), submit=gettext_lazy("Save the changes"), anchor="#people"
)
TASK_PAGE = FormPage(title=gettext_lazy("Add a task"), submit=gettext_lazy("Add the task"), anchor="#tasks")
TASK_DONE_PAGE = FormPage(
    title=gettext_lazy("Mark a task as done"), submit=gettext_lazy("Mark as done"), anchor="#tasks"
)
TASK_REOPEN_PAGE = FormPage(
    title=gettext_lazy("Reopen a task"), submit=gettext_lazy("Reopen the task"), anchor="#tasks"
)
NOTE_PAGE = FormPage(title=gettext_lazy("Add an internal note"), submit=gettext_lazy("Add the note"), anchor="#notes")
RISK_PAGE = FormPage(title=gettext_lazy("Raise a risk"), submit=gettext_lazy("Raise the risk"), anchor="#risks")
RISK_CLEAR_PAGE = FormPage(title=gettext_lazy("Clear a risk"), submit=gettext_lazy("Clear the risk"), anchor="#risks")


@method_decorator(never_cache, name="dispatch")
class PersonAddView(_CaseFormView):
    anchor = "#people"

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        form = PersonForm(request.POST, prefix=PERSON_PREFIX, people=_people_choices(case))
        if _submit(
            form,
            case=case,
            run=lambda: services.person_add(
                actor=user, case=case, expected_version=form.expected_version(), **form.person_values()
            ),
        ):
            return _done(request, case, _("The person was linked to the case."), "#people")
        return _refused(request, case=case, form=form, page=PERSON_PAGE, action=request.path)


@method_decorator(never_cache, name="dispatch")
class PersonEditView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        person = selectors.person_get(case=case, pk=pk)
        case_read(case=case, actor=user, what="person")
        kept = _kept_initial(request, address=request.path, prefix=PERSON_PREFIX)
        initial = {**PersonForm.initial_of(person, version=case.version), **(kept or {}), "version": case.version}
        form = PersonForm(prefix=PERSON_PREFIX, initial=initial, people=_people_choices(case, exclude=person.pk))
        return self._page(request, case=case, form=form, kept_notice=kept is not None)

    def post(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        person = selectors.person_get(case=case, pk=pk)
        form = PersonForm(request.POST, prefix=PERSON_PREFIX, people=_people_choices(case, exclude=person.pk))
        if _submit(
            form,
            case=case,
            run=lambda: services.person_update(
                actor=user, person=person, expected_version=form.expected_version(), **form.person_values()
            ),
        ):
            return _done(request, case, _("The person's details were saved."), "#people")
        return self._page(request, case=case, form=form)

    def _page(
        self, request: ProfessionalRequest, *, case: Case, form: PersonForm, kept_notice: bool = False
    ) -> HttpResponse:
        return _refused(
            request,
            case=case,
            form=form,
            page=PERSON_EDIT_PAGE,
            action=request.path,
            extra={"kept_notice": kept_notice},
        )


@method_decorator(never_cache, name="dispatch")
class TaskAddView(_CaseFormView):
    anchor = "#tasks"

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        form = TaskForm(request.POST, prefix=TASK_PREFIX, assignees=selectors.task_assignees(case=case))
        if _submit(
            form,
            case=case,
            run=lambda: services.task_add(
                actor=user,
                case=case,
                title=form.cleaned_data["title"],
                due_on=form.cleaned_data["due_on"],
                assigned_to=form.cleaned_data["assigned_to"],
                expected_version=form.expected_version(),
            ),
        ):
            return _done(request, case, _("The task was added."), "#tasks")
        return _refused(request, case=case, form=form, page=TASK_PAGE, action=request.path)


@method_decorator(never_cache, name="dispatch")
class TaskStateView(_CaseFormView):
    """Done, or reopened: one button, the case's version in a hidden field."""

    anchor = "#tasks"
    reopen = False

    def post(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        task = selectors.task_get(case=case, pk=pk)
        form = CaseVersionForm(request.POST, prefix=f"task{task.pk}")
        change = services.task_reopen if self.reopen else services.task_done
        if _submit(
            form, case=case, run=lambda: change(actor=user, task=task, expected_version=form.expected_version())
        ):
            message = _("The task was reopened.") if self.reopen else _("The task was marked as done.")
            return _done(request, case, message, "#tasks")
        page = TASK_REOPEN_PAGE if self.reopen else TASK_DONE_PAGE
        return _refused(request, case=case, form=form, page=page, action=request.path, extra={"task": task})


@method_decorator(never_cache, name="dispatch")
class NoteAddView(_CaseFormView):
    anchor = "#notes"

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        form = NoteForm(request.POST, prefix=NOTE_PREFIX)
        if _submit(
            form,
            case=case,
            run=lambda: services.note_add(
                actor=user,
                case=case,
                body=form.cleaned_data["body"],
                confidential=form.cleaned_data["confidential"],
                expected_version=form.expected_version(),
            ),
        ):
            return _done(request, case, _("The note was added."), "#notes")
        return _refused(request, case=case, form=form, page=NOTE_PAGE, action=request.path)


@method_decorator(never_cache, name="dispatch")
class RiskRaiseView(_CaseFormView):
    anchor = "#risks"

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        form = RiskRaiseForm(request.POST, prefix=RISK_PREFIX)
        if _submit(
            form,
            case=case,
            run=lambda: services.risk_raise(
                actor=user,
                case=case,
                kind=form.cleaned_data["kind"],
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                expected_version=form.expected_version(),
            ),
        ):
            return _done(request, case, _("The risk was recorded."), "#risks")
        return _refused(request, case=case, form=form, page=RISK_PAGE, action=request.path)


@method_decorator(never_cache, name="dispatch")
class RiskClearView(_CaseFormView):
    anchor = "#risks"

    def post(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        user = request.user
        case = case_get(user=user, reference=reference)
        flag = selectors.risk_get(case=case, pk=pk)
        form = RiskClearForm(request.POST, prefix=f"clear{flag.pk}")
        if _submit(
            form,
            case=case,
            run=lambda: services.risk_clear(
                actor=user, flag=flag, reason=form.cleaned_data["reason"], expected_version=form.expected_version()
            ),
        ):
            return _done(request, case, _("The risk was cleared. It stays in the risk history."), "#risks")
        return _refused(request, case=case, form=form, page=RISK_CLEAR_PAGE, action=request.path, extra={"flag": flag})


# --- Tasks due, across cases -------------------------------------------------------------


@method_decorator(never_cache, name="dispatch")
class TasksDueView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest) -> HttpResponse:
        page = selectors.tasks_due(user=request.user, after=request.GET.get("after", ""))
        case_list_viewed(actor=request.user, what="tasks_due", count=len(page.tasks))
        return render(request, "cases/parts/tasks_due.html", {"page": page})


# --- Reply templates ------------------------------------------------------------------------


def _template_form(request: ProfessionalRequest, data: Any = None, **kwargs: Any) -> ReplyTemplateForm:
    organisations = list(selectors.organisations_managing_templates(user=request.user))
    if not organisations:  # someone who manages no organisation's templates: nothing here
        raise Http404
    return ReplyTemplateForm(data, organisations=organisations, **kwargs)


def _template_run(form: ReplyTemplateForm, run: Callable[[], object]) -> bool:
    if not form.is_valid():
        return False
    try:
        run()
    except ValidationError as error:
        form_errors_add(form, error)
        return False
    return True


@method_decorator(never_cache, name="dispatch")
class ReplyTemplateListView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest) -> HttpResponse:
        kept = kept_input_take(request=request, owner=f"user:{request.user.pk}", path=request.path)
        form = _template_form(request, initial=kept.fields if kept else None)
        return self._page(request, form, kept_notice=kept is not None)

    def post(self, request: ProfessionalRequest) -> HttpResponse:
        form = _template_form(request, request.POST)
        user = request.user

        def save() -> None:
            organisation = selectors.organisations_managing_templates(user=user).get(
                pk=form.cleaned_data["organisation"]
            )
            services.reply_template_save(
                actor=user,
                organisation=organisation,
                language=form.cleaned_data["language"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            )

        if _template_run(form, save):
            messages.success(request, _("The reply template was added."))
            return redirect("cases:reply_templates")
        return self._page(request, form)

    def _page(
        self, request: ProfessionalRequest, form: ReplyTemplateForm, *, kept_notice: bool = False
    ) -> HttpResponse:
        templates = list(selectors.reply_template_list(user=request.user))
        return render(
            request,
            "cases/parts/reply_templates.html",
            {"form": form, "templates": templates, "kept_notice": kept_notice},
        )


@method_decorator(never_cache, name="dispatch")
class ReplyTemplateEditView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        template = selectors.reply_template_get(user=request.user, pk=pk)
        kept = kept_input_take(request=request, owner=f"user:{request.user.pk}", path=request.path)
        initial = {
            "language": template.language,
            "title": template.title,
            "body": template.body,
            **(kept.fields if kept else {}),
            "organisation": template.organisation_id,
        }
        return self._page(request, template, _template_form(request, initial=initial), kept_notice=kept is not None)

    def post(self, request: ProfessionalRequest, pk: int) -> HttpResponse:
        user = request.user
        template = selectors.reply_template_get(user=user, pk=pk)
        if "delete" in request.POST:
            services.reply_template_delete(actor=user, template=template)
            messages.success(request, _("The reply template was deleted."))
            return redirect("cases:reply_templates")
        data = request.POST.copy()
        data["organisation"] = str(template.organisation_id)  # a template stays with its organisation
        form = _template_form(request, data)
        if _template_run(
            form,
            lambda: services.reply_template_save(
                actor=user,
                organisation=template.organisation,
                template=template,
                language=form.cleaned_data["language"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
            ),
        ):
            messages.success(request, _("The reply template was saved."))
            return redirect("cases:reply_templates")
        return self._page(request, template, form)

    def _page(
        self,
        request: ProfessionalRequest,
        template: ReplyTemplate,
        form: ReplyTemplateForm,
        *,
        kept_notice: bool = False,
    ) -> HttpResponse:
        form.fields["organisation"].disabled = True
        context = {"form": form, "template": template, "kept_notice": kept_notice}
        return render(request, "cases/parts/reply_template_edit.html", context)


urlpatterns: list[URLPattern] = [
    path("staff/cases/<str:reference>/people/", PersonAddView.as_view(), name="person_add"),
    path("staff/cases/<str:reference>/people/<int:pk>/", PersonEditView.as_view(), name="person_edit"),
    path("staff/cases/<str:reference>/tasks/", TaskAddView.as_view(), name="task_add"),
    path("staff/cases/<str:reference>/tasks/<int:pk>/done/", TaskStateView.as_view(), name="task_done"),
    path("staff/cases/<str:reference>/tasks/<int:pk>/reopen/", TaskStateView.as_view(reopen=True), name="task_reopen"),
    path("staff/cases/<str:reference>/notes/", NoteAddView.as_view(), name="note_add"),
    path("staff/cases/<str:reference>/risks/", RiskRaiseView.as_view(), name="risk_raise"),
    path("staff/cases/<str:reference>/risks/<int:pk>/clear/", RiskClearView.as_view(), name="risk_clear"),
    path("staff/tasks/", TasksDueView.as_view(), name="tasks_due"),
    path("staff/reply-templates/", ReplyTemplateListView.as_view(), name="reply_templates"),
    path("staff/reply-templates/<int:pk>/", ReplyTemplateEditView.as_view(), name="reply_template_edit"),
]
