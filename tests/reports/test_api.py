"""The reporter API and the public list of organisations, every answer checked against
the OpenAPI document the platform serves."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.factories import OrganisationFactory
from tests.openapi_check import OpenAPIClient, assert_matches_openapi, openapi_document
from tests.reports.conftest import make_draft
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation
from victory.core.models import AuditEvent
from victory.reports import services
from victory.reports.models import (
    BiasMotivation,
    ConsentPurpose,
    IncidentType,
    Report,
    ReporterRole,
    ReporterToken,
    ReportMessage,
    ReportStatus,
)
from victory.reports.receipts import RECEIPT_DIGITS, receipt_format
from victory.reports.services import SubmittedReport

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('x')</script> & <b>bold</b> \"quoted\""


def _report(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "narrative": "Two men shouted insults about my headscarf and pushed me at the bus stop.",
        "country": "PT",
        "reporter_role": "victim",
        "bias_motivations": ["anti_muslim", "gender"],
        "incident_types": ["violent_attack"],
    }
    body.update(overrides)
    return body


def _post(client: Client, path: str, body: object, **headers: Any) -> Any:
    """POST JSON; every answer is checked against the OpenAPI document."""
    response = client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json", **headers)
    assert_matches_openapi(response)
    return response


def _get(client: Client, path: str, query: dict[str, str] | None = None, **headers: Any) -> Any:
    """GET; every answer is checked against the OpenAPI document."""
    response = client.get(f"/api/v1{path}", query or {}, **headers)
    assert_matches_openapi(response)
    return response


def _send(client: Client, **overrides: Any) -> Any:
    return _post(client, "/reports", _report(**overrides))


def _named(response: Any) -> dict[str, list[str]]:
    """Field name -> messages of a 422 body (the last name in ``loc``, list indexes skipped)."""
    named: dict[str, list[str]] = {}
    for error in assert_matches_openapi(response)["detail"]:
        name = [part for part in error["loc"] if isinstance(part, str)][-1]
        named.setdefault(name, []).append(error["msg"])
    return named


def _token(client: Client, receipt: str) -> str:
    response = _post(client, "/reports/session", {"receipt": receipt})
    assert response.status_code == 200, response.content
    return str(assert_matches_openapi(response)["token"])


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _mine(client: Client, token: str, **headers: str) -> Any:
    response = _get(client, "/reports/mine", None, **_bearer(token), **headers)
    assert response.status_code == 200, response.content
    return assert_matches_openapi(response)


# --- The document -------------------------------------------------------------------


def test_document_lists_the_reporter_endpoints_with_summaries() -> None:
    paths = openapi_document()["paths"]
    operations = {
        ("/api/v1/reports", "post"): {"201", "422", "429"},
        ("/api/v1/reports/session", "post"): {"200", "401", "429"},
        ("/api/v1/reports/mine", "get"): {"200", "401"},
        ("/api/v1/reports/mine/messages", "post"): {"201", "401", "422", "429"},
        ("/api/v1/organisations", "get"): {"200", "422"},
    }
    for (path, method), statuses in operations.items():
        operation = paths[path][method]
        assert operation["summary"], path
        assert statuses <= set(operation["responses"]), path
        for status in statuses:
            assert "application/json" in operation["responses"][status]["content"], (path, status)


def test_document_spells_out_every_code() -> None:
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["BiasMotivation"]["enum"] == [
        "racism_xenophobia",
        "anti_roma",
        "antisemitism",
        "anti_muslim",
        "anti_christian",
        "other_religion",
        "anti_lgbti",
        "gender",
        "disability",
        "other",
        "unknown",
    ]
    assert schemas["IncidentType"]["enum"] == ["violent_attack", "threat_harassment", "property_attack", "other"]
    assert schemas["ReporterRole"]["enum"] == ["victim", "witness", "third_party", "organisation"]
    assert set(schemas["ConsentsIn"]["properties"]) == set(ConsentPurpose.values)
    language = schemas["ReportIn"]["properties"]["language"]["anyOf"][0]
    assert language["enum"] == [code for code, _name in settings.LANGUAGES]


def test_reporter_endpoints_need_no_csrf_token_and_set_no_cookie(receiving_organisation: Organisation) -> None:
    client = OpenAPIClient(enforce_csrf_checks=True)
    sent = _send(client)
    assert sent.status_code == 201
    session = _post(client, "/reports/session", {"receipt": sent.json()["receipt"]})
    assert session.status_code == 200
    mine = _get(client, "/reports/mine", None, **_bearer(session.json()["token"]))
    message = _post(client, "/reports/mine/messages", {"body": "Hello"}, **_bearer(session.json()["token"]))
    assert message.status_code == 201
    for response in (sent, session, mine, message):
        assert not response.cookies, response.cookies
    assert not client.cookies


def test_no_api_answer_may_be_kept_in_a_cache(receiving_organisation: Organisation) -> None:
    """The receipt, the token and the story itself pass through these answers: a shared
    computer's browser cache or a proxy must not keep any of them."""
    client = OpenAPIClient()
    sent = _send(client)
    session = _post(client, "/reports/session", {"receipt": sent.json()["receipt"]})
    mine = _get(client, "/reports/mine", None, **_bearer(session.json()["token"]))
    refused = _post(client, "/reports/session", {"receipt": "0" * 24})
    not_json = client.post("/api/v1/reports", data="narrative=x", content_type="text/plain")
    for response in (sent, session, mine, refused, not_json, client.get("/api/v1/organisations")):
        assert response["Cache-Control"] == "no-store", response.request["PATH_INFO"]


# --- Sending a report ---------------------------------------------------------------


def test_a_report_is_stored_routed_and_answered_with_a_receipt(
    client: Client, receiving_organisation: Organisation
) -> None:
    response = _send(client, consents={"contact": True, "statistics": True}, occurred_on="2025-03-02")
    assert response.status_code == 201
    body = assert_matches_openapi(response)
    assert set(body) == {"reference", "receipt"}
    assert len(body["receipt"]) == RECEIPT_DIGITS and body["receipt"].isdigit()
    report = Report.objects.get(reference=body["reference"])
    assert report.organisation == receiving_organisation
    assert report.bias_motivations == ["anti_muslim", "gender"]
    assert report.incident_types == ["violent_attack"]
    assert str(report.occurred_on) == "2025-03-02"
    assert report.language == "en"
    assert report.consent_granted(ConsentPurpose.CONTACT)
    assert report.consent_granted(ConsentPurpose.STATISTICS)
    assert not report.consent_granted(ConsentPurpose.SHARE_POLICE)
    # Only a hash of the receipt is kept.
    assert body["receipt"] not in json.dumps(list(Report.objects.values()), default=str)


def test_only_narrative_country_and_role_are_needed(client: Client, receiving_organisation: Organisation) -> None:
    response = _post(
        client, "/reports", {"narrative": "Someone spat at me.", "country": "pt", "reporter_role": "witness"}
    )
    assert response.status_code == 201
    report = Report.objects.get(reference=assert_matches_openapi(response)["reference"])
    assert (report.country, report.reporter_role) == ("PT", "witness")
    assert not any(report.consent_granted(purpose) for purpose in ConsentPurpose.values)


def test_missing_required_answers_are_named(client: Client) -> None:
    response = _post(client, "/reports", {"bias_motivations": ["anti_roma"]})
    assert response.status_code == 422
    assert set(_named(response)) == {"narrative", "country", "reporter_role"}


@pytest.mark.parametrize("narrative", ["", "   \n\t "])
def test_an_empty_narrative_is_named(client: Client, receiving_organisation: Organisation, narrative: str) -> None:
    response = _send(client, narrative=narrative)
    assert response.status_code == 422
    assert _named(response) == {"narrative": ["Tell us what happened, in your own words."]}
    assert not Report.objects.exists()


def test_a_huge_narrative_is_named(client: Client, receiving_organisation: Organisation) -> None:
    response = _send(client, narrative="x" * (settings.VICTORY_NARRATIVE_MAX_CHARS + 1))
    assert response.status_code == 422
    assert set(_named(response)) == {"narrative"}
    assert not Report.objects.exists()


def test_a_body_over_the_upload_limit_gets_413(client: Client, receiving_organisation: Organisation) -> None:
    response = _send(client, narrative="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1))
    assert response.status_code == 413
    assert assert_matches_openapi(response) == {"detail": "The request is too large."}


def test_a_body_that_is_not_json_gets_400(client: Client) -> None:
    response = client.post("/api/v1/reports", data="{narrative", content_type="application/json")
    assert response.status_code == 400
    assert_matches_openapi(response)


def test_unknown_codes_are_named(client: Client, receiving_organisation: Organisation) -> None:
    response = _send(
        client,
        bias_motivations=["anti_roma", "anti_martian"],
        incident_types=["meteor"],
        reporter_role="boss",
        place_kind="moon",
        consents={"contact": True, "sell_my_data": True},
    )
    assert response.status_code == 422
    assert set(_named(response)) == {
        "bias_motivations",
        "incident_types",
        "reporter_role",
        "place_kind",
        "sell_my_data",
    }


def test_each_wrong_answer_is_named_at_once(client: Client, receiving_organisation: Organisation) -> None:
    response = _send(
        client,
        narrative=" ",
        country="ZZ",
        occurred_on=str(timezone.localdate() + timedelta(days=2)),
        contact_email="not-an-address",
        contact_phone="call me",
        location="y" * 2001,
    )
    assert response.status_code == 422
    named = _named(response)
    assert set(named) == {"narrative", "country", "occurred_on", "contact_email", "contact_phone", "location"}
    assert named["country"] == ["Choose a country from the list."]
    # The errors of the service come as ninja's own: loc ["body", field].
    assert {tuple(error["loc"]) for error in response.json()["detail"]} == {("body", name) for name in named}


def test_a_country_nobody_serves_is_named(client: Client, receiving_organisation: Organisation) -> None:
    response = _send(client, country="FI")
    assert response.status_code == 422
    assert _named(response) == {"country": ["No organisation receives reports for this country yet."]}


def test_the_reporter_may_choose_an_organisation_of_the_country(
    client: Client, receiving_organisation: Organisation
) -> None:
    chosen = OrganisationFactory(name="Second support (fictional)", countries=["PT"], accepts_public_reports=True)
    elsewhere = OrganisationFactory(name="Spanish support (fictional)", countries=["ES"], accepts_public_reports=True)
    response = _send(client, organisation=chosen.pk)
    assert response.status_code == 201
    assert Report.objects.get(reference=response.json()["reference"]).organisation == chosen
    refused = _send(client, organisation=elsewhere.pk)
    assert refused.status_code == 422
    assert set(_named(refused)) == {"organisation"}


def test_every_answer_is_stored_and_shown_exactly_as_typed(
    client: Client, receiving_organisation: Organisation
) -> None:
    typed = {
        "narrative": SCRIPT,
        "occurred_when": SCRIPT,
        "location": SCRIPT,
        "place_kind": "online",
        "online_platform": SCRIPT,
        "impact": SCRIPT,
        "offender_description": SCRIPT,
        "police_aware": "not_sure",
        "wants_police_told": False,
        "support_needs": ["talk", "legal"],
        "support_language": SCRIPT,
        "contact_email": "reporter@example.org",
        "contact_phone": "+351 <b>1</b> 2",
        "contact_safe_times": SCRIPT,
        "email_updates": True,
        "consents": {"contact": True, "share_support": True, "restorative": True},
        "language": "pt",
    }
    response = _send(client, **typed)
    assert response.status_code == 201, response.content
    report = Report.objects.get(reference=response.json()["reference"])
    assert report.narrative == SCRIPT
    assert report.offender_description == SCRIPT
    assert report.contact == {
        "email": "reporter@example.org",
        "phone": "+351 <b>1</b> 2",
        "safe_times": SCRIPT,
        "email_updates": True,
    }
    mine = _mine(client, _token(client, response.json()["receipt"]))
    answers = mine["answers"]
    for name in ("narrative", "occurred_when", "location", "online_platform", "impact", "offender_description"):
        assert answers[name] == SCRIPT, name
    assert answers["support_language"] == answers["contact_safe_times"] == SCRIPT
    assert answers["contact_phone"] == "+351 <b>1</b> 2"
    assert (answers["place_kind"], answers["police_aware"], answers["wants_police_told"]) == (
        "online",
        "not_sure",
        False,
    )
    assert answers["support_needs"] == ["legal", "talk"]
    assert answers["email_updates"] is True
    assert mine["consents"] == {
        "contact": True,
        "share_support": True,
        "share_police": False,
        "statistics": False,
        "restorative": True,
    }
    assert mine["language"] == "pt"


def test_errors_come_in_the_language_of_the_report(client: Client, receiving_organisation: Organisation) -> None:
    response = _post(client, "/reports", _report(narrative="", language="es"), HTTP_ACCEPT_LANGUAGE="pt")
    assert response.status_code == 422
    with translation.override("es"):
        expected = gettext("Tell us what happened, in your own words.")
    assert _named(response) == {"narrative": [expected]}


def test_without_a_language_errors_follow_accept_language(
    client: Client, receiving_organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    spoken: list[str | None] = []
    validate = services.report_draft_validate

    def spy(draft: services.ReportDraft) -> None:
        spoken.append(translation.get_language())
        validate(draft)

    monkeypatch.setattr(services, "report_draft_validate", spy)
    response = _post(client, "/reports", _report(narrative=""), HTTP_ACCEPT_LANGUAGE="fi")
    assert response.status_code == 422
    assert spoken == ["fi"]
    with translation.override("fi"):
        assert _named(response)["narrative"] == [gettext("Tell us what happened, in your own words.")]
    sent = _post(client, "/reports", _report(), HTTP_ACCEPT_LANGUAGE="hu")
    assert Report.objects.get(reference=sent.json()["reference"]).language == "hu"


def test_a_language_the_platform_does_not_speak_is_named(client: Client, receiving_organisation: Organisation) -> None:
    response = _send(client, language="xx")
    assert response.status_code == 422
    assert set(_named(response)) == {"language"}


def test_an_empty_country_is_named_with_the_other_answers(client: Client, receiving_organisation: Organisation) -> None:
    """The service would route a report without a country to the platform-wide intake;
    the API requires one."""
    response = _send(client, country=" ", narrative="")
    assert response.status_code == 422
    assert _named(response) == {
        "country": ["Choose a country from the list."],
        "narrative": ["Tell us what happened, in your own words."],
    }
    assert not Report.objects.exists()


# --- One error shape, in the reporter's language ---------------------------------------------


def _in(language: str, message: str, **values: str) -> str:
    with translation.override(language):
        translated = gettext(message)
    return translated % values if values else translated


def test_schema_errors_have_the_service_errors_shape(client: Client, receiving_organisation: Organisation) -> None:
    response = _post(
        client,
        "/reports",
        {
            "country": "PT",
            "reporter_role": "victim",
            "bias_motivations": ["anti_roma", "anti_martian"],
            "incident_types": "meteor",
            "occurred_on": "last spring",
            "wants_police_told": "maybe",
            "organisation": "the nearest",
            "support_language": 7,
            "consents": {"sell_my_data": True},
            "nickname": "x",
        },
    )
    assert response.status_code == 422
    detail = assert_matches_openapi(response)["detail"]
    assert all(set(error) == {"loc", "msg", "type"} for error in detail)
    assert {(tuple(error["loc"]), error["type"], error["msg"]) for error in detail} == {
        (("body", "narrative"), "missing", "This answer is required."),
        (
            ("body", "bias_motivations", 1),
            "enum",
            "\u201canti_martian\u201d is not one of the listed answers.",
        ),
        (("body", "incident_types"), "list_type", "Give a list of answers, e.g. [\u201canswer\u201d]."),
        (("body", "occurred_on"), "date_from_datetime_parsing", "Give a date as YYYY-MM-DD."),
        (("body", "wants_police_told"), "bool_parsing", "Give true or false."),
        (("body", "organisation"), "int_parsing", "Give a whole number."),
        (("body", "support_language"), "string_type", "Give this answer as text."),
        (("body", "consents", "sell_my_data"), "extra_forbidden", "This field is not known."),
        (("body", "nickname"), "extra_forbidden", "This field is not known."),
    }
    assert not Report.objects.exists()


def test_a_body_that_is_not_an_object_is_named(client: Client) -> None:
    response = _post(client, "/reports", ["narrative"])
    assert response.status_code == 422
    assert assert_matches_openapi(response)["detail"] == [
        {"loc": ["body"], "msg": "Give the answers as a JSON object.", "type": "model_attributes_type"}
    ]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"language": "es"}, {"HTTP_ACCEPT_LANGUAGE": "pt"}),  # the body's language first
        ({}, {"HTTP_ACCEPT_LANGUAGE": "es"}),  # else Accept-Language (LocaleMiddleware)
        ({"language": "xx"}, {"HTTP_ACCEPT_LANGUAGE": "es"}),  # a language not spoken is ignored
    ],
)
def test_schema_errors_come_in_the_reporter_language(
    client: Client, receiving_organisation: Organisation, body: dict[str, str], headers: dict[str, str]
) -> None:
    response = _post(
        client, "/reports", {"country": "PT", "reporter_role": "victim", "bias_motivations": ["bad"], **body}, **headers
    )
    assert response.status_code == 422
    named = _named(response)
    assert named["narrative"] == [_in("es", "This answer is required.")]
    # The services' msgid, already translated: the message is really Spanish.
    listed = _in("es", "\u201c%(value)s\u201d is not one of the listed answers.", value="bad")
    assert listed != "\u201cbad\u201d is not one of the listed answers."
    assert named["bias_motivations"] == [listed]
    narrative = next(error for error in response.json()["detail"] if error["type"] == "missing")
    assert narrative["loc"] == ["body", "narrative"]


def test_a_message_schema_error_comes_in_the_report_language(
    client: Client, receiving_organisation: Organisation
) -> None:
    token = _token(client, _send(client, language="es").json()["receipt"])
    response = _post(client, "/reports/mine/messages", {"body": ["hi"]}, **_bearer(token))
    assert response.status_code == 422
    assert _named(response) == {"body": [_in("es", "Give this answer as text.")]}


def test_fixed_error_messages_come_in_the_request_language(
    client: Client, submitted: SubmittedReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    translated: list[tuple[str | None, str]] = []

    def spy(message: str) -> str:
        translated.append((translation.get_language(), message))
        return f"[{translation.get_language()}] {message}"

    monkeypatch.setattr("victory.reports.api._", spy)
    monkeypatch.setattr("victory.api._", spy)
    spanish = {"HTTP_ACCEPT_LANGUAGE": "es"}
    receipt = _post(client, "/reports/session", {"receipt": "1" * RECEIPT_DIGITS}, **spanish)
    assert assert_matches_openapi(receipt) == {"detail": "[es] Invalid receipt."}
    login = _post(client, "/auth/token", {"email": "nobody@example.org", "password": "x", "otp": "000000"}, **spanish)
    assert assert_matches_openapi(login) == {"detail": "[es] Invalid credentials."}
    monkeypatch.setattr(type(services.SUBMISSION_CLIENT_CAP), "hit", lambda self, client: False)
    throttled = _send(client, language="pt")
    assert throttled.status_code == 429
    assert assert_matches_openapi(throttled) == {"detail": "[pt] Too many attempts. Try again later."}


def test_a_flood_of_reports_gets_429_with_retry_after(client: Client, receiving_organisation: Organisation) -> None:
    limit = services.SUBMISSION_CLIENT_CAP.limit
    assert [_send(client).status_code for _ in range(limit)] == [201] * limit
    response = _send(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert assert_matches_openapi(response) == {"detail": "Too many attempts. Try again later."}
    assert Report.objects.count() == limit


# --- Coming back with the receipt ---------------------------------------------------------


def test_the_receipt_gives_a_token(client: Client, submitted: SubmittedReport) -> None:
    response = _post(client, "/reports/session", {"receipt": receipt_format(submitted.receipt)})
    assert response.status_code == 200
    body = assert_matches_openapi(response)
    assert set(body) == {"token", "expires"}
    token = ReporterToken.objects.get()
    assert token.report == submitted.report
    assert token.digest != body["token"]  # only its digest is stored


@pytest.mark.parametrize("receipt", ["wrong", "malformed", "empty"])
def test_a_wrong_receipt_gets_401(client: Client, submitted: SubmittedReport, receipt: str) -> None:
    value = {
        "wrong": ("1" if submitted.receipt[0] != "1" else "2") + submitted.receipt[1:],
        "malformed": submitted.receipt[:-1] + "x",
        "empty": "",
    }[receipt]
    response = _post(client, "/reports/session", {"receipt": value})
    assert response.status_code == 401
    assert assert_matches_openapi(response) == {"detail": "Invalid receipt."}
    assert not ReporterToken.objects.exists()


def test_the_receipt_of_an_erased_report_gets_401(client: Client, submitted: SubmittedReport) -> None:
    assert _post(client, "/reports/session", {"receipt": submitted.receipt}).status_code == 200
    services.report_deletion_request(report=submitted.report)
    services.reports_erase_expired()
    response = _post(client, "/reports/session", {"receipt": submitted.receipt})
    assert response.status_code == 401
    assert assert_matches_openapi(response) == {"detail": "Invalid receipt."}


def test_the_receipt_of_a_report_awaiting_erasure_gets_401(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    services.report_deletion_request(report=submitted.report)
    response = _post(client, "/reports/session", {"receipt": submitted.receipt})
    assert response.status_code == 401
    assert assert_matches_openapi(response) == {"detail": "Invalid receipt."}
    assert _get(client, "/reports/mine", None, **_bearer(token)).status_code == 401


def test_guessing_receipts_gets_429_with_retry_after(client: Client, submitted: SubmittedReport) -> None:
    statuses = [_post(client, "/reports/session", {"receipt": f"{n:024d}"}).status_code for n in range(7)]
    assert statuses[:5] == [401] * 5
    assert 429 in statuses
    response = _post(client, "/reports/session", {"receipt": submitted.receipt})
    assert response.status_code == 429  # even the right receipt waits
    assert int(response["Retry-After"]) > 0
    assert assert_matches_openapi(response) == {"detail": "Too many attempts. Try again later."}


# --- The reporter's own report --------------------------------------------------------------


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token", "Basic abc"])
def test_my_report_needs_a_live_token(client: Client, submitted: SubmittedReport, authorization: str | None) -> None:
    headers = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = _get(client, "/reports/mine", None, **headers)
    assert response.status_code == 401
    assert_matches_openapi(response)


def test_a_report_without_a_role_can_be_read(client: Client, receiving_organisation: Organisation) -> None:
    """The web form lets "who is reporting" be left unsaid."""
    sent = services.report_submit(draft=make_draft(reporter_role=""))
    assert _mine(client, _token(client, sent.receipt))["answers"]["reporter_role"] is None


def test_reading_my_report_is_audited(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    _mine(client, token)
    _mine(client, token)
    reads = AuditEvent.objects.filter(action="report.read_by_reporter", object_id=str(submitted.report.pk))
    assert [event.reason for event in reads] == ["api", "api"]
    assert token not in json.dumps(list(AuditEvent.objects.values()), default=str)


def test_an_expired_token_gets_401(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    ReporterToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = _get(client, "/reports/mine", None, **_bearer(token))
    assert response.status_code == 401
    assert_matches_openapi(response)
    message = _post(client, "/reports/mine/messages", {"body": "Still there?"}, **_bearer(token))
    assert message.status_code == 401
    assert not ReportMessage.objects.exists()


def test_each_use_of_a_token_extends_it(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    ReporterToken.objects.update(expires_at=timezone.now() + timedelta(seconds=5))
    _mine(client, token)
    assert ReporterToken.objects.get().expires_at > timezone.now() + timedelta(seconds=60)


def test_my_report_shows_status_history_answers_and_messages(
    client: Client, submitted: SubmittedReport, report_caseworker: Membership
) -> None:
    report = submitted.report
    services.organisation_message_send(actor=report_caseworker.user, report=report, body="We read it. <i>Hi</i>")
    services.report_status_set(
        actor=report_caseworker.user, report=report, status=ReportStatus.REFERRED, referred_to="Police (fictional)"
    )
    services.reporter_message_send(report=report, body="Thank you.")
    mine = _mine(client, _token(client, submitted.receipt))
    assert mine["reference"] == report.reference
    assert mine["organisation"] == "Receiving support (fictional)"
    assert mine["status"] == {
        "code": "referred",
        "label": "Referred to another organisation",
        "referred_to": "Police (fictional)",
    }
    assert [change["code"] for change in mine["status_history"]] == ["received", "in_review", "referred"]
    assert [change["label"] for change in mine["status_history"]] == [
        "Received",
        "Being looked at",
        "Referred to another organisation",
    ]
    assert [(m["sender"], m["body"]) for m in mine["messages"]] == [
        ("organisation", "We read it. <i>Hi</i>"),
        ("reporter", "Thank you."),
    ]
    assert mine["answers"]["narrative"] == report.narrative
    assert mine["answers"]["bias_motivations"] == ["anti_muslim", "gender"]
    assert mine["answers"]["reporter_role"] == "victim"
    assert mine["consents"]["contact"] is True and mine["consents"]["share_police"] is False


def test_status_labels_follow_accept_language_else_the_report(
    client: Client, receiving_organisation: Organisation
) -> None:
    sent = _send(client, language="pt")
    token = _token(client, sent.json()["receipt"])
    with translation.override("pt"):
        portuguese = gettext("Received")
    with translation.override("es"):
        spanish = gettext("Received")
    assert _mine(client, token)["status"]["label"] == portuguese
    assert _mine(client, token, HTTP_ACCEPT_LANGUAGE="es")["status"]["label"] == spanish


# --- Writing to the organisation ---------------------------------------------------------------


def test_the_reporter_writes_to_the_organisation(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    response = _post(client, "/reports/mine/messages", {"body": SCRIPT}, **_bearer(token))
    assert response.status_code == 201
    body = assert_matches_openapi(response)
    assert (body["sender"], body["body"]) == ("reporter", SCRIPT)
    assert ReportMessage.objects.get().body == SCRIPT
    assert [m["body"] for m in _mine(client, token)["messages"]] == [SCRIPT]


@pytest.mark.parametrize("text", ["", "  \n ", "x" * (services.MESSAGE_MAX_CHARS + 1)])
def test_an_empty_or_huge_message_is_named(client: Client, submitted: SubmittedReport, text: str) -> None:
    token = _token(client, submitted.receipt)
    response = _post(client, "/reports/mine/messages", {"body": text}, **_bearer(token))
    assert response.status_code == 422
    assert set(_named(response)) == {"body"}
    assert not ReportMessage.objects.exists()


def test_a_message_error_comes_in_the_report_language(client: Client, receiving_organisation: Organisation) -> None:
    sent = _send(client, language="es")
    token = _token(client, sent.json()["receipt"])
    response = _post(client, "/reports/mine/messages", {"body": ""}, **_bearer(token))
    report = Report.objects.get(reference=sent.json()["reference"])
    with translation.override("es"), pytest.raises(ValidationError) as expected:
        services.reporter_message_send(report=report, body="")
    assert _named(response) == expected.value.message_dict


def test_a_message_without_body_is_named(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    response = _post(client, "/reports/mine/messages", {"text": "hi"}, **_bearer(token))
    assert response.status_code == 422
    assert "body" in _named(response)


# --- Organisations that accept reports --------------------------------------------------------


def test_organisations_for_a_country_show_public_fields_only(
    client: Client, receiving_organisation: Organisation
) -> None:
    OrganisationFactory(name="Not taking reports (fictional)", countries=["PT"], accepts_public_reports=False)
    closed = OrganisationFactory(name="Closed (fictional)", countries=["PT"], accepts_public_reports=True)
    account_services.organisation_update(actor=None, organisation=closed, is_active=False)
    OrganisationFactory(name="Spanish support (fictional)", countries=["ES"], accepts_public_reports=True)
    response = _get(client, "/organisations", {"accepts_reports": "true", "country": "pt"})
    assert response.status_code == 200
    body = assert_matches_openapi(response)
    assert body == [
        {
            "id": receiving_organisation.pk,
            "name": "Receiving support (fictional)",
            "kind": receiving_organisation.kind,
            "countries": ["PT"],
        }
    ]


def test_without_a_country_every_accepting_organisation_is_listed(
    client: Client, receiving_organisation: Organisation
) -> None:
    OrganisationFactory(name="Spanish support (fictional)", countries=["ES"], accepts_public_reports=True)
    response = _get(client, "/organisations")
    names = [row["name"] for row in assert_matches_openapi(response)]
    assert names == ["Receiving support (fictional)", "Spanish support (fictional)"]


def test_a_country_served_by_nobody_gives_an_empty_list(client: Client, receiving_organisation: Organisation) -> None:
    response = _get(client, "/organisations", {"country": "FI"})
    assert response.status_code == 200
    assert assert_matches_openapi(response) == []


@pytest.mark.parametrize(
    ("query", "field"), [({"country": "ZZ"}, "country"), ({"accepts_reports": "false"}, "accepts_reports")]
)
def test_an_unknown_country_or_filter_is_named(
    client: Client, receiving_organisation: Organisation, query: dict[str, str], field: str
) -> None:
    response = _get(client, "/organisations", query)
    assert response.status_code == 422
    assert set(_named(response)) == {field}


def test_codes_in_the_api_are_the_models_codes() -> None:
    """The issue fixes these codes; the API documents the models' own choices."""
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["BiasMotivation"]["enum"] == BiasMotivation.values
    assert schemas["IncidentType"]["enum"] == IncidentType.values
    assert schemas["ReporterRole"]["enum"] == ReporterRole.values


# --- Only JSON: no report from another website (issue 7, item 2) --------------------------

# A body another website's page can send without a CORS preflight ("simple" requests:
# text/plain, form-encoded, multipart or no type), and one it cannot fake as JSON.
SIMPLE_CONTENT_TYPES = ["text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", ""]
UNSUPPORTED_JSON_BODY = "Send the body as JSON, with the header Content-Type: application/json."


def _post_as(client: Client, path: str, body: object, content_type: str, **headers: Any) -> Any:
    """POST a JSON text under another content type, as a cross-site form or fetch can."""
    response = client.generic("POST", f"/api/v1{path}", json.dumps(body).encode(), content_type=content_type, **headers)
    assert_matches_openapi(response)
    return response


@pytest.mark.parametrize("content_type", SIMPLE_CONTENT_TYPES)
def test_a_report_in_a_simple_cross_site_request_gets_415(
    client: Client, receiving_organisation: Organisation, content_type: str
) -> None:
    response = _post_as(client, "/reports", _report(), content_type)
    assert response.status_code == 415
    assert response.json() == {"detail": UNSUPPORTED_JSON_BODY}
    assert not Report.objects.exists()


def test_a_report_as_a_multipart_form_gets_415(client: Client, receiving_organisation: Organisation) -> None:
    # What an ordinary <form enctype="multipart/form-data"> on another site sends.
    response = client.post("/api/v1/reports", data=_report(bias_motivations="anti_muslim", incident_types="other"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.status_code == 415
    assert assert_matches_openapi(response) == {"detail": UNSUPPORTED_JSON_BODY}
    assert not Report.objects.exists()


def test_json_with_a_charset_is_json(client: Client, receiving_organisation: Organisation) -> None:
    response = _post_as(client, "/reports", _report(), "application/json; charset=utf-8")
    assert response.status_code == 201
    assert Report.objects.count() == 1


@pytest.mark.parametrize("content_type", [*SIMPLE_CONTENT_TYPES, "multipart/form-data; boundary=x"])
def test_a_receipt_in_a_simple_cross_site_request_gets_415(
    client: Client, submitted: SubmittedReport, content_type: str
) -> None:
    response = _post_as(client, "/reports/session", {"receipt": submitted.receipt}, content_type)
    assert response.status_code == 415
    assert not ReporterToken.objects.exists()


def test_a_message_in_another_content_type_gets_415(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    response = _post_as(client, "/reports/mine/messages", {"body": "Hello"}, "text/plain", **_bearer(token))
    assert response.status_code == 415
    assert not ReportMessage.objects.exists()


def test_the_415_message_comes_in_the_request_language(
    client: Client, receiving_organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("victory.api._", lambda message: f"[{translation.get_language()}] {message}")
    response = _post_as(client, "/reports", _report(), "text/plain", HTTP_ACCEPT_LANGUAGE="es")
    assert response.json() == {"detail": f"[es] {UNSUPPORTED_JSON_BODY}"}


def test_the_document_says_json_only_and_415() -> None:
    for path, operations in openapi_document()["paths"].items():
        for method, operation in operations.items():
            if method in {"post", "put", "patch", "delete"}:
                body = operation.get("requestBody", {"content": {"application/json": {}}})
                assert set(body["content"]) == {"application/json"}, (method, path)
                assert "415" in operation["responses"], (method, path)
