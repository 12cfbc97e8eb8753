"""The conference lists ask the database a fixed number of times whatever their length
(the shared measure of tests/test_query_counts.py): the invited organisations' list,
one conference's action plan, the case's conferences in the API, and the case page's
conference and rights sections."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.utils import timezone

from tests.cases.test_conference_support import (
    accepted_referral,
    add_person,
    api_token,
    convened,
    make_case,
    member,
    two_organisations,
)
from tests.conftest import login
from tests.test_query_counts import assert_no_n_plus_one
from victory.accounts.http import ProfessionalRequest
from victory.accounts.models import Role
from victory.cases.models import ConferenceAction
from victory.cases.services.conference import conference_convene
from victory.cases.views import conference as conference_views
from victory.cases.views import rights as rights_views

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def test_the_invited_conference_list(client: Client) -> None:
    own, partner = two_organisations()
    supervisor = member(own, Role.SUPERVISOR)
    login(client, member(partner, Role.JUSTICE_LIAISON))

    def add(count: int) -> list[str]:
        shown = []
        for _ in range(count):
            case = make_case(own)
            accepted_referral(case, partner)
            shown.append(f"/en/staff/conferences/{convened(case, supervisor, [partner]).pk}/")
        return shown

    assert_no_n_plus_one(lambda: client.get("/en/staff/conferences/"), add, cap=20)


def test_a_conference_page_with_its_plan(client: Client) -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    conference = convened(case, member(own, Role.SUPERVISOR), [partner])
    login(client, member(partner, Role.CASEWORKER))

    def add(count: int) -> list[str]:
        shown = []
        for _ in range(count):
            text = f"Action number {next(_numbers)}"
            action = ConferenceAction(
                conference=conference, owner=partner, description=text, due_on=timezone.localdate() + timedelta(days=3)
            )
            action.save()
            shown.append(text)
        return shown

    assert_no_n_plus_one(lambda: client.get(f"/en/staff/conferences/{conference.pk}/"), add, cap=30)


def test_the_case_conferences_endpoint(client: Client) -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    headers = {"Authorization": f"Bearer {api_token(supervisor)}"}

    def add(count: int) -> list[str]:
        shown = []
        for _ in range(count):
            agenda = f"Agenda number {next(_numbers)}"
            conference_convene(
                actor=supervisor.user,
                case=case,
                scheduled_for=timezone.now(),
                organisations=[partner],
                victim_wishes="Safety first.",
                agenda=agenda,
            )
            shown.append(agenda)
        return shown

    def fetch() -> object:
        return client.get(f"/api/v1/cases/{case.reference}/conferences", headers=headers)

    assert_no_n_plus_one(fetch, add, cap=25)


class _Page:
    """The case page's two sections, rendered with their detail_context."""

    status_code = 200

    def __init__(self, content: str) -> None:
        self.content = content.encode()


def test_the_case_page_sections(client: Client) -> None:
    own, partner = two_organisations()
    case = make_case(own)
    accepted_referral(case, partner)
    supervisor = member(own, Role.SUPERVISOR)
    request = RequestFactory().get("/")
    request.user = supervisor.user
    typed: ProfessionalRequest = request  # type: ignore[assignment]

    def fetch() -> _Page:
        context = {"case": case, "request": typed}
        context.update(conference_views.detail_context(request=typed, case=case))
        context.update(rights_views.detail_context(request=typed, case=case))
        html = render_to_string("cases/detail/_conference.html", context)
        html += render_to_string("cases/detail/_rights.html", context)
        return _Page(html)

    def add(count: int) -> list[str]:
        shown = []
        for _ in range(count):
            convened(case, supervisor, [partner])
            shown.append(f"/people/{add_person(case).pk}/export.json")
        return shown

    assert_no_n_plus_one(fetch, add, cap=15)
