"""Pages for the individual needs assessment (Art. 22): the versions, one version (its
answers, its result and what changed since the one before), and recording a new version
of either stage. Every page asks ``permissions.can_read_assessment`` (the assignee and
the organisation's supervisors): anyone else who works the case gets 404 here, and the
case page shows them only that an assessment exists and its level (see detail_context).

# Manual: link the chapter on the needs assessment here and on the pages once it is
# written (issue 13).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext as _
from django.views import View

from victory.accounts.http import ProfessionalRequest
from victory.accounts.views import ProfessionalRequiredMixin
from victory.core.kept_input import kept_input_take
from victory.core.messages import form_errors_add

from ..assessment import QUESTIONS_BY_NAME, Answer, Kind, Section, answers_changed, questions_for
from ..forms_assessment import AssessmentForm
from ..models import AssessmentStage, Case, CasePerson, NeedsAssessment, PersonRole, ProtectionLevel
from ..permissions import can_read_assessment
from ..selectors.assessment import (
    assessment_get,
    assessment_latest,
    assessment_list,
    assessment_previous,
    require_assessment_access,
    result_view,
)
from ..selectors.common import case_get
from ..services.assessment import assessment_record, reason_required
from ..services.common import case_read


def _case_for_assessment(request: ProfessionalRequest, reference: str) -> Case:
    case = case_get(user=request.user, reference=reference)
    require_assessment_access(user=request.user, case=case)
    return case


def _stage_or_404(stage: str) -> str:
    if stage not in AssessmentStage.values:
        raise Http404
    return stage


class AssessmentListView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = _case_for_assessment(request, reference)
        versions = list(assessment_list(case=case))
        case_read(case=case, actor=request.user, what="assessment")
        rows = [{"assessment": version, "level": result_view(version).level_label} for version in versions]
        return render(request, "cases/assessment/list.html", {"case": case, "rows": rows})


def _answer_rows(assessment: NeedsAssessment) -> list[dict[str, Any]]:
    answers = assessment.answers or {}
    sections: dict[str, dict[str, Any]] = {}
    for question in questions_for(assessment.stage):
        entry = sections.setdefault(
            question.section, {"code": question.section, "legend": Section(question.section).label, "rows": []}
        )
        entry["rows"].append({"label": question.label, "value": question.label_of(answers.get(question.name))})
    return list(sections.values())


class AssessmentDetailView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str, version: int) -> HttpResponse:
        case = _case_for_assessment(request, reference)
        assessment = assessment_get(case=case, version=version)
        previous = assessment_previous(assessment=assessment)
        case_read(case=case, actor=request.user, what="assessment")
        context = {
            "case": case,
            "assessment": assessment,
            "result": result_view(assessment),
            "sections": _answer_rows(assessment),
            "previous": previous,
            "changes": answers_changed(previous.answers or {}, assessment.answers or {}) if previous else [],
        }
        return render(request, "cases/assessment/detail.html", context)


def _initial(case: Case, stage: str) -> dict[str, Any]:
    """A new version starts from the latest one's answers (only what changed is typed);
    a first one knows whether the person harmed is a child when the case says so."""
    initial: dict[str, Any] = {"case_version": case.version}
    latest = assessment_latest(case=case)
    asked = {question.name for question in questions_for(stage)}
    if latest is not None:
        initial |= {name: value for name, value in (latest.answers or {}).items() if name in asked}
    else:
        person = CasePerson.objects.filter(case=case, role=PersonRole.PERSON_HARMED, is_child__isnull=False).first()
        if person is not None:
            initial["is_child"] = Answer.YES if person.is_child else Answer.NO
    return initial


def _kept_initial(fields: dict[str, str | list[str]], case: Case) -> dict[str, Any]:
    """Kept input as the form's initial values (a group of ticked boxes comes back whole)."""
    initial: dict[str, Any] = {"case_version": fields.get("case_version", case.version)}
    for name, value in fields.items():
        question = QUESTIONS_BY_NAME.get(name)
        if question is not None and question.kind is Kind.CHOICES:
            initial[name] = value if isinstance(value, list) else [value]
        elif question is not None or name == "reason":
            initial[name] = value
    return initial


def _render_new(
    request: ProfessionalRequest, case: Case, stage: str, form: AssessmentForm, *, kept_notice: bool = False
) -> HttpResponse:
    context = {
        "case": case,
        "stage": stage,
        "stage_label": AssessmentStage(stage).label,
        "form": form,
        "reason_required": reason_required(case=case, stage=stage),
        "kept_notice": kept_notice,
    }
    return render(request, "cases/assessment/new.html", context)


class AssessmentNewView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str, stage: str) -> HttpResponse:
        stage = _stage_or_404(stage)
        case = _case_for_assessment(request, reference)
        kept = kept_input_take(
            request=request,
            owner=f"user:{request.user.pk}",
            path=reverse("cases:assessment_new", args=[case.reference, stage]),
        )
        initial = _kept_initial(kept.fields, case) if kept is not None else _initial(case, stage)
        # Showing the form shows the latest answers: a read of the assessment.
        case_read(case=case, actor=request.user, what="assessment")
        return _render_new(request, case, stage, AssessmentForm(stage=stage, initial=initial), kept_notice=bool(kept))

    def post(self, request: ProfessionalRequest, reference: str, stage: str) -> HttpResponse:
        stage = _stage_or_404(stage)
        case = _case_for_assessment(request, reference)
        form = AssessmentForm(request.POST, stage=stage)
        if form.is_valid():
            try:
                assessment = assessment_record(
                    actor=request.user,
                    case=case,
                    stage=stage,
                    answers=form.answers(),
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["case_version"],
                )
            except ValidationError as error:
                form_errors_add(form, error)
                case.refresh_from_db(fields=["version"])
                if getattr(error, "code", None) == "stale":
                    # Sent again after checking the page, the form applies to the case as it is now.
                    data = request.POST.copy()
                    data["case_version"] = str(case.version)
                    form.data = data
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the needs assessment is recorded.") % {"version": assessment.version},
                )
                return redirect("cases:assessment_detail", reference=case.reference, version=assessment.version)
        return _render_new(request, case, stage, form)


urlpatterns: list[URLPattern] = [
    path("staff/cases/<str:reference>/assessments/", AssessmentListView.as_view(), name="assessment_list"),
    path(
        "staff/cases/<str:reference>/assessments/new/<slug:stage>/",
        AssessmentNewView.as_view(),
        name="assessment_new",
    ),
    path(
        "staff/cases/<str:reference>/assessments/<int:version>/",
        AssessmentDetailView.as_view(),
        name="assessment_detail",
    ),
]


def detail_context(*, request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    """The case page's section. Whoever may read the assessment sees the latest result
    (level, grounds, measures, refusals, referrals, the person's wishes) and the buttons;
    a colleague who works the case but may not read it sees only that an assessment
    exists, its version and the protection level: the level is on the case record they
    already see (lists filter on it and the closing rule depends on it), while the
    answers, wishes and measures say much about the person and stay with the assignee."""
    latest = assessment_latest(case=case)
    readable = can_read_assessment(request.user, case)
    context: dict[str, Any] = {
        "assessment_readable": readable,
        "assessment_latest": latest,
        "assessment_result": None,
        "assessment_wishes": "",
    }
    if latest is not None and readable:
        case_read(case=case, actor=request.user, what="assessment")
        context["assessment_result"] = result_view(latest)
        context["assessment_wishes"] = (latest.answers or {}).get("wishes_own_words", "")
    if latest is not None and not readable:
        context["assessment_level_label"] = ProtectionLevel(latest.protection_level).label
    context["assessment_next_detailed"] = (
        latest is not None and latest.detailed_needed and latest.stage == AssessmentStage.SCREENING
    )
    return context
