"""The needs-assessment API: ``GET/POST /api/v1/cases/{reference}/assessments`` and
``GET /api/v1/cases/{reference}/assessments/{version}``, scoped like the pages (every
answer checked against the OpenAPI document by the client)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.cases.test_assessment_services import make_case, member, record
from tests.factories import PASSWORD, OrganisationFactory, current_code
from victory.accounts import services as account_services
from victory.accounts.models import AuthenticatorDevice, Membership, Organisation, Role
from victory.cases.models import Case, NeedsAssessment
from victory.core.audit import audit_events_for

pytestmark = pytest.mark.django_db


def bearer(membership: Membership) -> dict[str, str]:
    AuthenticatorDevice.objects.filter(user=membership.user).update(last_t=-1)  # a code is never accepted twice
    device = AuthenticatorDevice.objects.get(user=membership.user, confirmed=True)
    token, _expires = account_services.api_token_issue(
        email=membership.user.email, password=PASSWORD, otp=current_code(device), client="test"
    )
    return {"Authorization": f"Bearer {token}"}


def post(client: Client, case: Case, body: dict[str, Any], auth: dict[str, str]) -> Any:
    return client.post(
        f"/api/v1/cases/{case.reference}/assessments",
        data=json.dumps(body),
        content_type="application/json",
        headers=auth,
    )


@pytest.fixture
def assignee(organisation: Organisation) -> Membership:
    return member(organisation)


@pytest.fixture
def case(organisation: Organisation, assignee: Membership) -> Case:
    return make_case(organisation, assigned_to=assignee.user)


def test_record_list_and_read_a_version(client: Client, case: Case, assignee: Membership) -> None:
    auth = bearer(assignee)
    body = {
        "stage": "detailed",
        "answers": {"is_child": "yes", "risk_retaliation": "high", "risk_retaliation_reason": "Threats at school."},
        "case_version": case.version,
    }
    created = post(client, case, body, auth)
    assert created.status_code == 201, created.content
    assert created.json()["protection_level"] == "enhanced"
    assert "recorded_interview" in created.json()["special_measures"]
    listed = client.get(f"/api/v1/cases/{case.reference}/assessments", headers=auth)
    assert listed.status_code == 200
    assert [item["version"] for item in listed.json()] == [1]
    assert "answers" not in listed.json()[0]  # the list gives results only
    one = client.get(f"/api/v1/cases/{case.reference}/assessments/1", headers=auth)
    assert one.status_code == 200
    assert one.json()["answers"]["risk_retaliation_reason"] == "Threats at school."
    reads = [event.reason for event in audit_events_for(case).filter(action="case.read.assessment")]
    assert reads == ["api", "api"]


def test_wrong_answers_give_422_naming_each_one(client: Client, case: Case, assignee: Membership) -> None:
    body = {"stage": "screening", "answers": {"feels_safe": "perhaps", "mood": "low"}, "case_version": 1}
    response = post(client, case, body, bearer(assignee))
    assert response.status_code == 422
    locs = {tuple(error["loc"]) for error in response.json()["detail"]}
    assert locs == {("body", "answers", "feels_safe"), ("body", "answers", "mood")}
    assert not NeedsAssessment.objects.exists()


def test_a_detailed_question_in_a_screening_and_an_unexplained_risk_give_422(
    client: Client, case: Case, assignee: Membership
) -> None:
    auth = bearer(assignee)
    body = {"stage": "screening", "answers": {"bias_indicators": ["symbols"]}, "case_version": 1}
    response = post(client, case, body, auth)
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "answers", "bias_indicators"]]
    body = {"stage": "detailed", "answers": {"risk_intimidation": "medium"}, "case_version": 1}
    response = post(client, case, body, auth)
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "answers", "risk_intimidation_reason"]]
    assert not NeedsAssessment.objects.exists()


def test_a_redo_without_a_reason_gives_422_on_reason(client: Client, case: Case, assignee: Membership) -> None:
    record(assignee.user, case)
    case.refresh_from_db()
    response = post(client, case, {"stage": "screening", "answers": {}, "case_version": case.version}, bearer(assignee))
    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "reason"]]


def test_an_unknown_stage_gives_422(client: Client, case: Case, assignee: Membership) -> None:
    response = post(client, case, {"stage": "full", "answers": {}, "case_version": 1}, bearer(assignee))
    assert response.status_code == 422


def test_a_stale_case_version_gives_409(client: Client, case: Case, assignee: Membership) -> None:
    stale = case.version
    record(assignee.user, case)
    body = {"stage": "screening", "answers": {}, "reason": "Changed.", "case_version": stale}
    assert post(client, case, body, bearer(assignee)).status_code == 409
    assert NeedsAssessment.objects.count() == 1


def test_who_gets_200_and_who_gets_404(client: Client, organisation: Organisation) -> None:
    intake = make_case(organisation)  # unassigned: every caseworker there sees the case itself
    supervisor = member(organisation, Role.SUPERVISOR)
    record(supervisor.user, intake)
    colleague = member(organisation)
    outsider = member(OrganisationFactory(countries=["ES"]), Role.SUPERVISOR)
    for person, status in ((supervisor, 200), (colleague, 404), (outsider, 404)):
        auth = bearer(person)
        assert client.get(f"/api/v1/cases/{intake.reference}/assessments", headers=auth).status_code == status
        assert client.get(f"/api/v1/cases/{intake.reference}/assessments/1", headers=auth).status_code == status
    body = {"stage": "screening", "answers": {}, "reason": "Changed.", "case_version": 99}
    assert post(client, intake, body, bearer(colleague)).status_code == 404
    assert client.get("/api/v1/cases/CA-NONE-XIST/assessments", headers=bearer(supervisor)).status_code == 404


def test_a_version_that_does_not_exist_is_404(client: Client, case: Case, assignee: Membership) -> None:
    assert client.get(f"/api/v1/cases/{case.reference}/assessments/3", headers=bearer(assignee)).status_code == 404
