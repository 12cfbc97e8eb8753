"""``GET/POST /api/v1/cases`` and ``GET /api/v1/cases/{id}``: the same scope, filters
and services as the pages (the client checks each answer against the OpenAPI document)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.factories import PASSWORD, MembershipFactory, make_report
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role, User
from victory.cases.models import Case
from victory.cases.selectors import case as case_selectors
from victory.cases.services import case as case_services
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def bearer(user: User) -> dict[str, str]:
    account_services.totp_device_create_confirmed(user=user)
    code = account_services.backup_codes_regenerate(user=user, password=PASSWORD, client="test")[0]
    token, _expires = account_services.api_token_issue(email=user.email, password=PASSWORD, otp=code, client="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def open_case(membership: Membership, **overrides: Any) -> Case:
    values: dict[str, Any] = {
        "actor": membership.user,
        "organisation": membership.organisation,
        "channel": "phone",
        "language": "pt",
        "summary": "Insults at the market.",
        "bias_motivations": ["anti_roma"],
    }
    values.update(overrides)
    return case_services.case_open_direct(**values)


def post(client: Client, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json", **headers)  # type: ignore[arg-type]


def test_the_list_filters_and_pages(client: Client, caseworker: Membership, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_selectors, "PAGE_SIZE", 2)
    made = [open_case(caseworker).reference for _ in range(3)]
    open_case(caseworker, bias_motivations=["gender"])
    headers = bearer(caseworker.user)
    answer = client.get("/api/v1/cases", {"bias_motivation": "anti_roma", "sort": "oldest"}, **headers)  # type: ignore[arg-type]
    assert answer.status_code == 200
    body = answer.json()
    assert [item["reference"] for item in body["items"]] == made[:2]
    answer = client.get(
        "/api/v1/cases",
        {"bias_motivation": "anti_roma", "sort": "oldest", "after": body["next"]},
        **headers,  # type: ignore[arg-type]
    )
    assert [item["reference"] for item in answer.json()["items"]] == made[2:]
    assert answer.json()["next"] is None
    assert client.get("/api/v1/cases", {"after": "x"}, **headers).status_code == 422  # type: ignore[arg-type]
    assert client.get("/api/v1/cases", {"status": "nope"}, **headers).status_code == 422  # type: ignore[arg-type]


def test_one_case_is_audited_as_an_api_read(client: Client, caseworker: Membership) -> None:
    report = make_report(organisation=caseworker.organisation).report
    case = case_services.case_open_from_report(actor=caseworker.user, report=report)
    answer = client.get(f"/api/v1/cases/{case.reference}", **bearer(caseworker.user))  # type: ignore[arg-type]
    assert answer.status_code == 200
    body = answer.json()
    assert body["report_reference"] == report.reference
    assert body["allowed_next_statuses"] == ["triage", "closed"]
    assert body["version"] == case.version
    reads = AuditEvent.objects.filter(action="case.read.case", object_id=str(case.pk))
    assert [event.reason for event in reads] == ["api"]


def test_the_staff_report_endpoint_answers_404_once_the_report_is_a_case(
    client: Client, caseworker: Membership
) -> None:
    report = make_report(organisation=caseworker.organisation).report
    headers = bearer(caseworker.user)
    assert client.get(f"/api/v1/staff/reports/{report.reference}", **headers).status_code == 200  # type: ignore[arg-type]
    case_services.case_open_from_report(actor=caseworker.user, report=report)
    assert client.get(f"/api/v1/staff/reports/{report.reference}", **headers).status_code == 404  # type: ignore[arg-type]


def test_direct_intake(client: Client, caseworker: Membership) -> None:
    headers = bearer(caseworker.user)
    answer = post(client, "/api/v1/cases", {"channel": "phone", "language": "xx", "summary": ""}, headers)
    assert answer.status_code == 422
    fields = {error["loc"][-1] for error in answer.json()["detail"]}
    assert {"language", "summary"} <= fields
    answer = post(
        client,
        "/api/v1/cases",
        {
            "channel": "third_party",
            "language": "es",
            "summary": "Graffiti on the door.",
            "incident_types": ["property_attack"],
        },
        headers,
    )
    assert answer.status_code == 201
    case = Case.objects.get(reference=answer.json()["reference"])
    assert case.organisation_id == caseworker.organisation_id and case.summary == "Graffiti on the door."


def test_outsiders_and_other_roles_get_404_or_nothing(
    client: Client, caseworker: Membership, other_organisation: Organisation
) -> None:
    case = open_case(caseworker)
    colleague = MembershipFactory(organisation=caseworker.organisation, role=Role.CASEWORKER)
    case_services.case_assign(actor=caseworker.user, case=case, assignee=caseworker.user, expected_version=case.version)
    for membership in (
        MembershipFactory(organisation=other_organisation, role=Role.SUPERVISOR),
        MembershipFactory(organisation=caseworker.organisation, role=Role.ANALYST),
        colleague,
    ):
        headers = bearer(membership.user)
        assert client.get(f"/api/v1/cases/{case.reference}", **headers).status_code == 404  # type: ignore[arg-type]
        assert client.get("/api/v1/cases", **headers).json()["items"] == []  # type: ignore[arg-type]
    analyst = MembershipFactory(organisation=other_organisation, role=Role.ANALYST)
    answer = post(client, "/api/v1/cases", {"channel": "phone", "language": "en", "summary": "x"}, bearer(analyst.user))
    assert answer.status_code == 404
