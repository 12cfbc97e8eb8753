"""Pages for data-subject rights: export and erasure of a person, the legal hold.

Supervisors only (see services/rights.py for why): a colleague who works the case gets
403 (they see the case, not these actions); anyone outside the case's scope 404.
Exports are downloads, never cached, each an audited read."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from victory.accounts.http import ProfessionalRequest
from victory.accounts.views import ProfessionalRequiredMixin
from victory.core.messages import form_errors_add

from ..forms_conference import EraseForm, LegalHoldForm
from ..models import Case, CasePerson
from ..pdf import export_language, person_export_pdf
from ..permissions import can_supervise_case
from ..selectors.common import case_get
from ..services import rights as services
from ..services.common import case_read


def _supervised_case(request: ProfessionalRequest, reference: str) -> Case:
    case = case_get(user=request.user, reference=reference)  # 404 outside the scope
    if not can_supervise_case(request.user, case):
        raise PermissionDenied
    return case


def _person(request: ProfessionalRequest, reference: str, pk: int) -> CasePerson:
    case = _supervised_case(request, reference)
    person = CasePerson.objects.filter(case=case, pk=pk).first()
    if person is None:
        raise Http404
    person.case = case
    return person


def _case_page(case: Case) -> str:
    """The case page's section on rights."""
    return reverse("cases:detail", args=[case.reference]) + "#rights"


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, " + response["Cache-Control"]
    return response


def _with_assessment(request: ProfessionalRequest) -> bool:
    """The needs assessment goes into an export only when chosen for it (its own link)."""
    return request.GET.get("assessment") == "1"


class PersonExportJsonView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        person = _person(request, reference, pk)
        export = services.person_export(
            actor=request.user, person=person, channel="json", with_assessment=_with_assessment(request)
        )
        content = json.dumps(export, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()
        return _download(content, content_type="application/json", filename=f"export-{person.pk}.json")


class PersonExportPdfView(ProfessionalRequiredMixin, View):
    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        person = _person(request, reference, pk)
        language = export_language(person.language, person.case.language)
        with translation.override(language):  # the timeline's sentences too
            export = services.person_export(
                actor=request.user, person=person, channel="pdf", with_assessment=_with_assessment(request)
            )
        pdf = person_export_pdf(export=export, language=language)
        return _download(pdf, content_type="application/pdf", filename=f"export-{person.pk}.pdf")


@method_decorator(never_cache, name="dispatch")
class PersonEraseView(ProfessionalRequiredMixin, View):
    """A confirmation page (what goes, what stays), then the POST that erases."""

    template_name = "cases/rights/erase.html"

    def _render(self, request: ProfessionalRequest, person: CasePerson, form: EraseForm) -> HttpResponse:
        return render(request, self.template_name, {"case": person.case, "person": person, "form": form})

    def get(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        return self._render(request, _person(request, reference, pk), EraseForm())

    def post(self, request: ProfessionalRequest, reference: str, pk: int) -> HttpResponse:
        person = _person(request, reference, pk)
        form = EraseForm(request.POST)
        if form.is_valid():
            try:
                erased = services.person_erase(actor=request.user, person=person, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form_errors_add(form, error)
            else:
                if erased:
                    messages.success(request, _("The person's data was erased. The case keeps a line saying so."))
                else:
                    messages.warning(
                        request,
                        _(
                            "The data was not erased: the case is under a legal hold. The request and the refusal "
                            "are recorded; tell the person why their data is kept and until when."
                        ),
                    )
                return redirect(_case_page(person.case))
        return self._render(request, person, form)


@method_decorator(never_cache, name="dispatch")
class LegalHoldView(ProfessionalRequiredMixin, View):
    template_name = "cases/rights/legal_hold.html"

    def _render(self, request: ProfessionalRequest, case: Case, form: LegalHoldForm) -> HttpResponse:
        # The page shows the hold's reason, which is case content: a read, audited.
        case_read(case=case, actor=request.user, what="legal_hold")
        return render(request, self.template_name, {"case": case, "form": form})

    def get(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = _supervised_case(request, reference)
        return self._render(request, case, LegalHoldForm(initial={"version": case.version}))

    def post(self, request: ProfessionalRequest, reference: str) -> HttpResponse:
        case = _supervised_case(request, reference)
        form = LegalHoldForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["lift"]:
                    services.legal_hold_lift(actor=request.user, case=case, expected_version=data["version"])
                    messages.success(request, _("The legal hold was lifted."))
                else:
                    services.legal_hold_set(
                        actor=request.user, case=case, reason=data["reason"], expected_version=data["version"]
                    )
                    messages.success(request, _("The legal hold was recorded: personal data is kept."))
            except ValidationError as error:
                form_errors_add(form, error)
                case.refresh_from_db()
            else:
                return redirect(_case_page(case))
        return self._render(request, case, form)


urlpatterns: list[URLPattern] = [
    path(
        "staff/cases/<str:reference>/people/<int:pk>/export.json",
        PersonExportJsonView.as_view(),
        name="person_export_json",
    ),
    path(
        "staff/cases/<str:reference>/people/<int:pk>/export.pdf",
        PersonExportPdfView.as_view(),
        name="person_export_pdf",
    ),
    path("staff/cases/<str:reference>/people/<int:pk>/erase/", PersonEraseView.as_view(), name="person_erase"),
    path("staff/cases/<str:reference>/legal-hold/", LegalHoldView.as_view(), name="legal_hold"),
]


def detail_context(*, request: ProfessionalRequest, case: Case) -> dict[str, Any]:
    """The case page's "Data protection rights" section: for a supervisor, each person
    with export and erase links, and the legal hold."""
    supervises = can_supervise_case(request.user, case)
    return {
        "rights_supervisor": supervises,
        "rights_people": list(CasePerson.objects.filter(case=case)) if supervises else [],
    }
