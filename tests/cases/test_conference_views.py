"""The conference pages: who sees what, convening with a refused organisation, marking
an action done; and the conferences API."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.cases.test_conference_support import (
    accepted_referral,
    api_token,
    convened,
    make_case,
    member,
    two_organisations,
)
from tests.conftest import login
from tests.factories import OrganisationFactory
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.models import Case, CaseConference, ConferenceAction
from victory.cases.services.conference import ActionDraft, conference_record_minutes
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@dataclass
class Setting:
    own: Organisation
    partner: Organisation
    case: Case
    supervisor: Membership
    conference: CaseConference


@pytest.fixture
def setting() -> Setting:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    conference = convened(case, supervisor, [partner])
    due = timezone.localdate() + timedelta(days=5)
    conference_record_minutes(
        actor=supervisor.user,
        conference=conference,
        minutes="Agreed a safety plan together.",
        actions=[
            ActionDraft(owner=partner, description="Fit a new lock on the door.", due_on=due),
            ActionDraft(owner=own, description="Go with her to the hearing.", due_on=due),
        ],
        expected_version=None,
    )
    return Setting(own=own, partner=partner, case=case, supervisor=supervisor, conference=conference)


def _page(conference: CaseConference) -> str:
    return f"/en/staff/conferences/{conference.pk}/"


@pytest.mark.parametrize("role", [Role.JUSTICE_LIAISON, Role.CASEWORKER, Role.SUPERVISOR])
def test_an_invited_organisation_sees_the_plan_but_not_the_case(client: Client, setting: Setting, role: str) -> None:
    conference = setting.conference
    case = setting.case
    login(client, member(setting.partner, role))
    response = client.get(_page(conference))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.index("She wants to stay in her flat") < page.index("Agreed a safety plan together.")
    assert "Fit a new lock on the door." in page and "Go with her to the hearing." in page
    assert "(yours)" in page and page.count("Mark done") == 1
    assert "Pushed at the bus stop" not in page and case.reference not in page
    assert AuditEvent.objects.filter(action="case.read.conference", object_id=str(case.pk)).exists()
    assert client.get(f"/en/staff/cases/{case.reference}/").status_code == 404


def test_anyone_else_gets_404(client: Client, setting: Setting) -> None:
    conference = setting.conference
    login(client, member(OrganisationFactory(), Role.SUPERVISOR))
    assert client.get(_page(conference)).status_code == 404
    action = conference.actions.first()
    assert action is not None
    response = client.post(f"/en/staff/conferences/{conference.pk}/actions/{action.pk}/done/")
    assert response.status_code == 404


def test_an_analyst_of_the_invited_organisation_gets_404(client: Client, setting: Setting) -> None:
    conference = setting.conference
    login(client, member(setting.partner, Role.ANALYST))
    assert client.get(_page(conference)).status_code == 404


def test_the_owner_marks_its_action_done(client: Client, setting: Setting) -> None:
    conference = setting.conference
    partner = setting.partner
    liaison = member(partner, Role.JUSTICE_LIAISON)
    login(client, liaison)
    theirs = ConferenceAction.objects.get(conference=conference, owner=partner)
    other = ConferenceAction.objects.get(conference=conference, owner=setting.own)
    assert client.post(f"/en/staff/conferences/{conference.pk}/actions/{other.pk}/done/").status_code == 403
    response = client.post(f"/en/staff/conferences/{conference.pk}/actions/{theirs.pk}/done/")
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.done_by == liaison.user


def test_convening_names_a_refused_organisation_and_keeps_the_input(client: Client) -> None:
    own, partner = two_organisations()
    stranger = OrganisationFactory(name="Stranger help (fictional)")
    case = make_case(own)
    accepted_referral(case, partner)
    login(client, member(own, Role.SUPERVISOR))
    url = f"/en/staff/cases/{case.reference}/conferences/new/"
    page = client.get(url).content.decode()
    assert partner.name in page and "Stranger help" not in page
    response = client.post(
        url,
        {
            "victim_wishes": "No meeting with them.",
            "scheduled_for": "2026-12-20T10:00",
            "organisations": [str(partner.pk), str(stranger.pk)],
            "version": str(case.version),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stranger help (fictional) cannot be invited" in page
    assert "No meeting with them." in page
    assert not CaseConference.objects.filter(case=case).exists()
    response = client.post(
        url,
        {
            "victim_wishes": "No meeting with them.",
            "scheduled_for": "2026-12-20T10:00",
            "organisations": [str(partner.pk)],
            "version": str(case.version),
        },
    )
    assert response.status_code == 302
    assert CaseConference.objects.filter(case=case).count() == 1


def test_a_caseworker_cannot_open_the_convening_form(client: Client) -> None:
    own, other = two_organisations()
    case = make_case(own)
    login(client, member(own, Role.CASEWORKER))
    assert client.get(f"/en/staff/cases/{case.reference}/conferences/new/").status_code == 403
    client.logout()
    login(client, member(other, Role.SUPERVISOR))
    assert client.get(f"/en/staff/cases/{case.reference}/conferences/new/").status_code == 404


def test_the_minutes_form_refuses_an_uninvited_owner_and_keeps_the_text(client: Client, setting: Setting) -> None:
    conference = setting.conference
    login(client, setting.supervisor)
    response = client.post(
        f"/en/staff/conferences/{conference.pk}/minutes/",
        {"minutes": "Corrected minutes.", "action_1_description": "Call her", "version": str(conference.version)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose who does this action." in page and "Corrected minutes." in page


def test_the_invited_list(client: Client, setting: Setting) -> None:
    login(client, member(setting.partner, Role.JUSTICE_LIAISON))
    response = client.get("/en/staff/conferences/")
    assert response.status_code == 200
    assert str(setting.conference.pk) in response.content.decode()


# --- API ------------------------------------------------------------------------------


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_api_invited_reads_the_conference_and_marks_its_action(client: Client, setting: Setting) -> None:
    conference = setting.conference
    case = setting.case
    token = api_token(member(setting.partner, Role.JUSTICE_LIAISON))
    response = client.get(f"/api/v1/conferences/{conference.pk}", headers=_auth(token))
    assert response.status_code == 200
    body = response.json()
    assert body["victim_wishes"].startswith("She wants")
    mine = [a for a in body["actions"] if a["yours"]]
    assert len(mine) == 1 and len(body["actions"]) == 2
    done = client.post(
        f"/api/v1/conferences/{conference.pk}/actions/{mine[0]['id']}/done",
        content_type="application/json",
        headers=_auth(token),
    )
    assert done.status_code == 200
    other = next(a for a in body["actions"] if not a["yours"])
    refused = client.post(
        f"/api/v1/conferences/{conference.pk}/actions/{other['id']}/done",
        content_type="application/json",
        headers=_auth(token),
    )
    assert refused.status_code == 403
    assert client.get(f"/api/v1/cases/{case.reference}/conferences", headers=_auth(token)).status_code == 404


def test_api_convene_refuses_an_organisation_without_a_referral(client: Client) -> None:
    own, partner = two_organisations()
    stranger = OrganisationFactory(name="Stranger help (fictional)")
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    token = api_token(supervisor)
    body = {
        "victim_wishes": "No meeting.",
        "scheduled_for": "2026-12-20T10:00:00Z",
        "organisation_ids": [partner.pk, stranger.pk],
    }
    url = f"/api/v1/cases/{case.reference}/conferences"
    refused = client.post(url, json.dumps(body), content_type="application/json", headers=_auth(token))
    assert refused.status_code == 422
    assert "Stranger help (fictional)" in refused.json()["detail"][0]["msg"]
    body["organisation_ids"] = [partner.pk]
    created = client.post(url, json.dumps(body), content_type="application/json", headers=_auth(token))
    assert created.status_code == 201
    listed = client.get(url, headers=_auth(token))
    assert listed.status_code == 200 and len(listed.json()) == 1
    worker_token = api_token(member(own, Role.CASEWORKER))
    forbidden = client.post(url, json.dumps(body), content_type="application/json", headers=_auth(worker_token))
    assert forbidden.status_code == 403
    outsider = api_token(member(OrganisationFactory(), Role.SUPERVISOR))
    assert client.get(f"/api/v1/conferences/{created.json()['id']}", headers=_auth(outsider)).status_code == 404


def test_stale_minutes_keep_the_text_and_say_why(client: Client, setting: Setting) -> None:
    conference = setting.conference
    login(client, setting.supervisor)
    response = client.post(
        f"/en/staff/conferences/{conference.pk}/minutes/",
        {"minutes": "My corrected minutes.", "version": str(conference.version - 1)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this case" in page and "My corrected minutes." in page


def test_a_withdrawn_consent_ends_the_invited_organisations_access_at_once(client: Client, setting: Setting) -> None:
    conference = setting.conference
    login(client, member(setting.partner, Role.JUSTICE_LIAISON))
    assert client.get(_page(conference)).status_code == 200
    referral = setting.case.referrals.get()
    consent = referral.consent
    assert consent is not None
    consent.status = "withdrawn"
    consent.save()
    assert client.get(_page(conference)).status_code == 404
    assert _page(conference) not in client.get("/en/staff/conferences/").content.decode()


def test_the_supervisor_tells_the_person_in_their_inbox_from_the_page(client: Client) -> None:
    from victory.reports.models import ReportMessage, Sender

    own, partner = two_organisations()
    case = make_case(own, with_report=True)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    conference = convened(case, supervisor, [partner])
    conference_record_minutes(actor=supervisor.user, conference=conference, minutes="Held.", expected_version=None)
    conference.refresh_from_db()
    login(client, supervisor)
    page = client.get(_page(conference)).content.decode()
    assert "Record the minutes and the plan" in page and "Send it to their inbox" in page
    empty = client.post(f"/en/staff/conferences/{conference.pk}/tell/", {"summary": " ", "version": conference.version})
    assert empty.status_code == 200 and "Write what was agreed for the person" in empty.content.decode()
    response = client.post(
        f"/en/staff/conferences/{conference.pk}/tell/",
        {"summary": "A new lock is fitted on Friday.", "version": conference.version},
    )
    assert response.status_code == 302
    assert ReportMessage.objects.filter(report=case.report, sender=Sender.ORGANISATION).get().body == (
        "A new lock is fitted on Friday."
    )
