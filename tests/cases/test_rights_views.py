"""The data-rights pages: exports are supervisors' downloads, never cached; erasure asks
first; the legal hold; a caseworker gets 403 and another organisation 404."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.cases.test_conference_support import add_person, make_case, member, two_organisations
from tests.conftest import login
from victory.accounts.models import Role
from victory.cases.models import CaseEvent, CasePerson, PersonRole
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _base(reference: str, pk: int) -> str:
    return f"/en/staff/cases/{reference}/people/{pk}/"


def test_the_json_export_is_a_private_download_of_that_person_only(client: Client) -> None:
    own, _other = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    add_person(case, PersonRole.WITNESS, full_name="Bruno Witness")
    login(client, member(own, Role.SUPERVISOR))
    response = client.get(_base(case.reference, harmed.pk) + "export.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    export = json.loads(response.content)
    assert export["person"]["full_name"] == "Amina Example"
    assert "Bruno" not in response.content.decode()
    assert [e.reason for e in AuditEvent.objects.filter(action="case.person_exported")] == ["json"]


@pytest.mark.parametrize("language", ["pt", "ar"])
def test_the_pdf_export_is_in_the_persons_language(client: Client, language: str) -> None:
    own, _other = two_organisations()
    case = make_case(own)
    harmed = add_person(case, language=language)
    login(client, member(own, Role.SUPERVISOR))
    response = client.get(_base(case.reference, harmed.pk) + "export.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"]
    assert [e.reason for e in AuditEvent.objects.filter(action="case.person_exported")] == ["pdf"]


@pytest.mark.parametrize("suffix", ["export.json", "export.pdf", "erase/"])
def test_a_caseworker_gets_403_and_another_organisation_404(client: Client, suffix: str) -> None:
    own, other = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    login(client, member(own, Role.CASEWORKER))
    assert client.get(_base(case.reference, harmed.pk) + suffix).status_code == 403
    client.logout()
    login(client, member(other, Role.SUPERVISOR))
    assert client.get(_base(case.reference, harmed.pk) + suffix).status_code == 404


def test_a_person_of_another_case_is_404(client: Client) -> None:
    own, _other = two_organisations()
    case = make_case(own)
    elsewhere = add_person(make_case(own))
    login(client, member(own, Role.SUPERVISOR))
    assert client.get(_base(case.reference, elsewhere.pk) + "export.json").status_code == 404


def test_erasure_asks_then_erases(client: Client) -> None:
    own, _other = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    login(client, member(own, Role.SUPERVISOR))
    url = _base(case.reference, harmed.pk) + "erase/"
    page = client.get(url).content.decode()
    assert "cannot be undone" in page
    refused = client.post(url, {"reason": "  "})
    assert refused.status_code == 200 and "Say why the data is erased" in refused.content.decode()
    assert client.post(url, {"reason": "She asked by phone."}).status_code == 302
    harmed = CasePerson.objects.get(pk=harmed.pk)
    assert harmed.full_name == "" and harmed.erased_at is not None


def test_the_legal_hold_page_sets_and_lifts_and_erasure_is_then_held(client: Client) -> None:
    own, _other = two_organisations()
    case = make_case(own)
    harmed = add_person(case)
    login(client, member(own, Role.SUPERVISOR))
    url = f"/en/staff/cases/{case.reference}/legal-hold/"
    empty = client.post(url, {"reason": "", "version": str(case.version)})
    assert "Say why the data must be kept" in empty.content.decode()
    assert client.post(url, {"reason": "Court order of 3 May.", "version": str(case.version)}).status_code == 302
    case.refresh_from_db()
    assert case.legal_hold == "Court order of 3 May."
    client.post(_base(case.reference, harmed.pk) + "erase/", {"reason": "She asked."})
    harmed.refresh_from_db()
    assert harmed.full_name == "Amina Example"
    assert CaseEvent.objects.filter(case=case, kind="person.erasure_held").exists()
    stale = client.post(url, {"lift": "1", "version": "1"})
    assert stale.status_code == 200 and "Someone else changed this case" in stale.content.decode()
    assert client.post(url, {"lift": "1", "version": str(case.version)}).status_code == 302
    case.refresh_from_db()
    assert case.legal_hold == ""
