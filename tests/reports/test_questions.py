"""Each report question is declared once (victory/reports/questions.py): walking the
declarations, every question is asked on its page, listed on "check your answers", in
the API's schemas, shown to the receiving organisation and, where declared, in the
acknowledgement PDF. And what staff see comes from one selector, page and API alike."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils.html import escape

from tests.conftest import login
from tests.factories import PASSWORD, OrganisationFactory
from tests.openapi_check import OpenAPIClient, assert_matches_openapi, openapi_document
from tests.reports.conftest import make_draft
from tests.reports.test_acknowledgement_pdf import pdf_text
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation
from victory.reports import services
from victory.reports.models import Report
from victory.reports.questions import QUESTIONS, TEXT_KINDS, Kind, Question
from victory.reports.services import ReportDraft
from victory.reports.views.intake import STEP_BY_SLUG

pytestmark = pytest.mark.django_db

# Every question answered, each text with words found nowhere else on the pages.
ANSWERS: dict[str, Any] = {
    "reporter_role": "witness",
    "narrative": "Quillfeather narrative of what happened.",
    "occurred_day": "3",
    "occurred_month": "2",
    "occurred_year": "2025",
    "occurred_when": "Marrowday evening",
    "country": "PT",
    "location": "Brindlewick quarter",
    "place_kind": "transport",
    "online_platform": "Chatterbox app",
    "bias_motivations": ["anti_muslim"],
    "incident_types": ["other"],
    "impact": "Sleepless Tumbleweed nights.",
    "offender_description": "Two Gristlewood men.",
    "police_aware": "no",
    "wants_police_told": "yes",
    "support_needs": ["legal"],
    "support_language": "Esperantish",
    "contact_email": "reach.me@test.victory.example",
    "contact_phone": "+351 000 111 222",
    "contact_safe_times": "after Vesperbell",
    "email_updates": "on",
}


def _fill_in(client: OpenAPIClient) -> None:
    assert client.post("/en/report/", {"action": "start"}).status_code == 302
    for slug, step in STEP_BY_SLUG.items():
        if slug == "files":
            continue
        data = {name: value for name, value in ANSWERS.items() if name in step.form_class().fields}
        if slug == "contact":
            data["consents"] = ["contact"]
        if slug == "organisation":
            data["organisation"] = "auto"
        response = client.post(f"/en/report/{slug}/", data)
        assert response.status_code == 302, response.content.decode()


def _typed(question: Question) -> str:
    """What the person typed for a text question (a date: as the PDF and pages show it)."""
    return str(ANSWERS[question.name]) if question.kind in TEXT_KINDS else ""


def test_every_question_is_asked_on_its_page() -> None:
    for question in QUESTIONS:
        fields = STEP_BY_SLUG[question.step].form_class().fields
        names = question.date_fields() if question.kind is Kind.DATE else (question.name,)
        for name in names:
            assert name in fields, question.name
        if question.kind is not Kind.DATE:
            assert fields[question.name].label == question.label, question.name


def test_every_question_is_on_the_check_page(client: OpenAPIClient, receiving_organisation: Organisation) -> None:
    _fill_in(client)
    html = client.get("/en/report/check/").content.decode()
    for question in QUESTIONS:
        assert escape(str(question.check_label)) in html, question.name
        assert escape(_typed(question)) in html, question.name
    assert escape("Being Muslim, or seen as Muslim") in html  # the reporter's words for a code
    assert "3 February 2025" in html


def test_every_question_is_in_the_api_schemas() -> None:
    schemas = openapi_document()["components"]["schemas"]
    for question in QUESTIONS:
        assert question.name in schemas["ReportIn"]["properties"], question.name
        assert question.name in schemas["AnswersOut"]["properties"], question.name
        assert (question.name in schemas["ReportIn"].get("required", [])) == question.api_required, question.name


def _sent_through_the_form(client: OpenAPIClient) -> Report:
    _fill_in(client)
    assert client.post("/en/report/check/", {"website": ""}).status_code == 302
    return Report.objects.get()


def test_every_question_is_in_the_staff_view(
    client: OpenAPIClient, report_caseworker: Membership, receiving_organisation: Organisation
) -> None:
    report = _sent_through_the_form(client)
    staff = login(OpenAPIClient(), report_caseworker)
    html = staff.get(f"/en/staff/reports/{report.reference}/").content.decode()
    for question in QUESTIONS:
        assert escape(str(question.staff_label)) in html, question.name
        assert escape(question.staff_text(report)) in html, question.name
    assert escape("Anti-Muslim") in html  # the professional's word for the same code


def test_the_pdf_holds_the_questions_declared_for_it(
    client: OpenAPIClient, receiving_organisation: Organisation
) -> None:
    _sent_through_the_form(client)
    text = " ".join(pdf_text(client.get("/en/report/acknowledgement.pdf").content).split())
    for question in QUESTIONS:
        if question.acknowledgement_label:
            assert str(question.acknowledgement_label) in text, question.name
            assert _typed(question) in text, question.name
        elif question.kind in TEXT_KINDS and question.kind is not Kind.NARRATIVE:
            # Not in a document that may be found on the reporter's device.
            assert _typed(question) not in text, question.name
    assert "Quillfeather narrative" in text
    assert "Being Muslim, or seen as Muslim" in text


def test_each_question_has_a_field_on_the_draft() -> None:
    fields = ReportDraft.__dataclass_fields__
    for question in QUESTIONS:
        assert question.name in fields, question.name
        if not question.contact_key:
            assert hasattr(Report, question.name), question.name


def test_every_code_has_words_for_the_reporter() -> None:
    for question in QUESTIONS:
        if question.choices is not None:
            for code, _label in question.choices.choices:
                assert question.reporter_label(code), (question.name, code)


# --- What staff see: one selector for the page and the API ----------------------------


def _api_token(membership: Membership) -> str:
    user = membership.user
    code = account_services.backup_codes_regenerate(user=user, password=PASSWORD, client="test")[0]
    token, _expires = account_services.api_token_issue(email=user.email, password=PASSWORD, otp=code, client="test")
    return token


def test_withdrawn_contact_consent_hides_the_details_from_page_and_api(
    client: OpenAPIClient, report_caseworker: Membership, receiving_organisation: Organisation
) -> None:
    sent = services.report_submit(
        draft=make_draft(contact_email="reach.me@test.victory.example", consents={"contact": True})
    )
    reference = sent.report.reference
    staff = login(client, report_caseworker)
    api = OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {_api_token(report_caseworker)}")
    path = f"/api/v1/staff/reports/{reference}"

    assert "reach.me@test.victory.example" in staff.get(f"/en/staff/reports/{reference}/").content.decode()
    shown = api.get(path)
    assert shown.status_code == 200
    assert {"label": "E-mail address", "value": "reach.me@test.victory.example"} in assert_matches_openapi(shown)[
        "contact"
    ]

    services.consent_set(report=sent.report, purpose="contact", granted=False)

    page = staff.get(f"/en/staff/reports/{reference}/").content.decode()
    assert "reach.me@test.victory.example" not in page
    assert "The person did not agree to be contacted outside the inbox" in page
    hidden = api.get(path)
    assert hidden.status_code == 200
    assert assert_matches_openapi(hidden)["contact"] is None
    assert "reach.me@test.victory.example" not in json.dumps(hidden.json())


def test_the_staff_api_answers_404_for_another_organisations_report(report_caseworker: Membership) -> None:
    elsewhere = OrganisationFactory(name="Elsewhere (fictional)", countries=["ES"], accepts_public_reports=True)
    services.country_intake_set(actor=None, country="ES", organisation=elsewhere)
    other = services.report_submit(draft=make_draft(country="ES"))
    assert other.report.organisation != report_caseworker.organisation
    api = OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {_api_token(report_caseworker)}")
    response = api.get(f"/api/v1/staff/reports/{other.report.reference}")
    assert response.status_code == 404


def test_a_reporter_who_asked_for_deletion_is_not_shown_with_contact_details(
    client: OpenAPIClient, report_caseworker: Membership, receiving_organisation: Organisation
) -> None:
    """In the hour before erasure the reporter may have lost their phone to the person
    they fear: nobody should write to the address they gave, by page or by script."""
    sent = services.report_submit(
        draft=make_draft(contact_email="reach.me@test.victory.example", consents={"contact": True})
    )
    services.report_deletion_request(report=sent.report)
    reference = sent.report.reference
    page = login(client, report_caseworker).get(f"/en/staff/reports/{reference}/").content.decode()
    assert "reach.me@test.victory.example" not in page
    api = OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {_api_token(report_caseworker)}")
    answer = api.get(f"/api/v1/staff/reports/{reference}")
    assert assert_matches_openapi(answer)["contact"] is None
    assert "reach.me@test.victory.example" not in json.dumps(answer.json())


def test_a_read_through_the_api_is_audited_as_such(
    report_caseworker: Membership, receiving_organisation: Organisation
) -> None:
    from victory.core.models import AuditEvent

    sent = services.report_submit(draft=make_draft())
    api = OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {_api_token(report_caseworker)}")
    assert api.get(f"/api/v1/staff/reports/{sent.report.reference}").status_code == 200
    (event,) = AuditEvent.objects.filter(action="report.opened")
    assert event.actor_id == report_caseworker.user.pk
    assert event.reason == "api"
