"""The API of a case's people, tasks, notes and risks: scoped like the pages."""

from __future__ import annotations

from typing import Any

import pytest

from tests.cases.test_parts_helpers import api_token, make_case, member
from tests.openapi_check import OpenAPIClient
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.models import Case, RiskLevel
from victory.cases.services import parts as services

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(organisation: Organisation) -> Case:
    return make_case(organisation)


def _api(membership: Membership) -> OpenAPIClient:
    return OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {api_token(membership)}")


def _post(api: OpenAPIClient, path: str, body: dict[str, Any]) -> Any:
    return api.post(f"/api/v1{path}", body, content_type="application/json")


def test_people_are_listed_and_linked(case: Case, caseworker: Membership) -> None:
    api = _api(caseworker)
    base = f"/cases/{case.reference}/people"
    harmed = _post(api, base, {"role": "person_harmed", "full_name": "Ana", "email": "ana@test.victory.example"})
    assert harmed.status_code == 201
    guardian = _post(api, base, {"role": "guardian", "related_to": harmed.json()["id"], "is_child": False})
    assert guardian.status_code == 201 and guardian.json()["related_to"] == harmed.json()["id"]
    listed = api.get(f"/api/v1{base}")
    assert [row["role"] for row in listed.json()] == ["person_harmed", "guardian"]
    assert listed.json()[0]["contact"]["email"] == "ana@test.victory.example"
    wrong = _post(api, base, {"role": "witness", "email": "nope"})
    assert wrong.status_code == 422
    assert wrong.json()["detail"][0]["loc"] == ["body", "email"]


def test_tasks_are_added_and_done_and_a_foreign_task_is_not_found(case: Case, caseworker: Membership) -> None:
    api = _api(caseworker)
    other = make_case(case.organisation)
    foreign_task = services.task_add(actor=caseworker.user, case=other, title="Other", expected_version=None)
    created = _post(api, f"/cases/{case.reference}/tasks", {"title": "Call back", "due_on": "2099-01-31"})
    assert created.status_code == 201
    task_id = created.json()["id"]
    assert str(Case.objects.get(pk=case.pk).next_task_due) == "2099-01-31"
    done = _post(api, f"/cases/{case.reference}/tasks/{task_id}/done", {})
    assert done.status_code == 200 and done.json()["done_at"]
    assert _post(api, f"/cases/{case.reference}/tasks/{task_id}/done", {}).status_code == 422
    assert _post(api, f"/cases/{case.reference}/tasks/{foreign_task.pk}/done", {}).status_code == 404
    assert [row["title"] for row in api.get(f"/api/v1/cases/{case.reference}/tasks").json()] == ["Call back"]
    outsider = member(case.organisation, Role.ANALYST)  # works no case
    refused = _post(api, f"/cases/{case.reference}/tasks", {"title": "X", "assigned_to": outsider.user.pk})
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "assigned_to"]


def test_confidential_notes_through_the_api(case: Case, caseworker: Membership) -> None:
    colleague = member(case.organisation)
    supervisor = member(case.organisation, Role.SUPERVISOR)
    author = _api(caseworker)
    path = f"/cases/{case.reference}/notes"
    assert _post(author, path, {"body": "Open"}).status_code == 201
    assert _post(author, path, {"body": "Secret", "confidential": True}).status_code == 201
    assert [n["body"] for n in author.get(f"/api/v1{path}").json()] == ["Open", "Secret"]
    assert [n["body"] for n in _api(supervisor).get(f"/api/v1{path}").json()] == ["Open", "Secret"]
    assert [n["body"] for n in _api(colleague).get(f"/api/v1{path}").json()] == ["Open"]
    assert _post(author, path, {"body": " "}).status_code == 422


def test_risks_and_a_stale_version(case: Case, caseworker: Membership) -> None:
    api = _api(caseworker)
    path = f"/cases/{case.reference}/risks"
    raised = _post(api, path, {"kind": "retaliation", "level": "high", "reason": "Threats", "version": 1})
    assert raised.status_code == 201
    assert Case.objects.get(pk=case.pk).risk_level == RiskLevel.HIGH
    stale = _post(api, path, {"kind": "other", "level": "low", "reason": "Late", "version": 1})
    assert stale.status_code == 409
    assert [r["kind"] for r in api.get(f"/api/v1{path}").json()] == ["retaliation"]
    assert _post(api, path, {"kind": "other", "level": "none", "reason": "x"}).status_code == 422


@pytest.mark.parametrize("part", ["people", "tasks", "notes", "risks"])
def test_another_organisations_case_is_not_found(case: Case, other_organisation: Organisation, part: str) -> None:
    stranger = _api(member(other_organisation, Role.SUPERVISOR))
    assert stranger.get(f"/api/v1/cases/{case.reference}/{part}").status_code == 404
    body = {
        "people": {"role": "witness"},
        "tasks": {"title": "T"},
        "notes": {"body": "B"},
        "risks": {"kind": "other", "level": "low", "reason": "R"},
    }[part]
    assert _post(stranger, f"/cases/{case.reference}/{part}", body).status_code == 404
    assert not (case.people.exists() or case.tasks.exists() or case.notes.exists() or case.risk_flags.exists())
