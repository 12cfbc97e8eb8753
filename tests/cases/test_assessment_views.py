"""The needs-assessment pages: the versions, one version, recording a version; who gets
200 and who gets 404; every read audited; bad input and stale forms keep what was typed."""

from __future__ import annotations

import re
import time

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.cases.test_assessment_services import make_case, member, record
from tests.conftest import login
from tests.factories import OrganisationFactory
from victory.accounts.models import AuthenticatorDevice, Membership, Organisation, Role
from victory.cases.models import Case, CasePerson, NeedsAssessment, PersonRole
from victory.cases.views.assessment import detail_context
from victory.core.audit import audit_events_for
from victory.core.session_keys import STAFF_LAST_SEEN_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignee(organisation: Organisation) -> Membership:
    return member(organisation)


@pytest.fixture
def case(organisation: Organisation, assignee: Membership) -> Case:
    return make_case(organisation, assigned_to=assignee.user)


def urls(case: Case) -> dict[str, str]:
    return {
        "list": reverse("cases:assessment_list", args=[case.reference]),
        "screening": reverse("cases:assessment_new", args=[case.reference, "screening"]),
        "detailed": reverse("cases:assessment_new", args=[case.reference, "detailed"]),
        "v1": reverse("cases:assessment_detail", args=[case.reference, 1]),
    }


def test_the_assignee_records_a_screening_and_reads_it(client: Client, case: Case, assignee: Membership) -> None:
    login(client, assignee)
    page = urls(case)
    form = client.get(page["screening"])
    assert form.status_code == 200
    assert "Does the person feel safe now?" in form.content.decode()
    response = client.post(
        page["screening"], {"case_version": case.version, "feels_safe": "no", "screening_notes": "Scared at night."}
    )
    assert response.status_code == 302
    assert response["Location"] == page["v1"]
    detail = client.get(page["v1"]).content.decode()
    assert "Scared at night." in detail
    assert "Needed: the screening shows a need." in detail
    listing = client.get(page["list"]).content.decode()
    assert "Version 1" in listing and "<caption>" in listing


def test_the_detailed_form_keeps_the_bias_indicators_for_the_professional(
    client: Client, case: Case, assignee: Membership
) -> None:
    login(client, assignee)
    html = client.get(urls(case)["detailed"]).content.decode()
    assert "Never ask the person whether it was a hate crime." in html
    assert "<legend><h2>Bias indicators: your observations as a professional</h2></legend>" in html


def test_bad_input_is_named_at_its_field_and_kept(client: Client, case: Case, assignee: Membership) -> None:
    login(client, assignee)
    response = client.post(
        urls(case)["detailed"],
        {"case_version": case.version, "risk_retaliation": "high", "bias_notes": "Shouted a slur."},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say why you rate this risk so." in html
    assert 'href="#id_risk_retaliation_reason"' in html
    assert re.search(r'aria-describedby="[^"]*id_risk_retaliation_reason_error" aria-invalid="true"', html)
    assert "Shouted a slur." in html  # what was typed is still there
    assert re.search(r'<input type="radio" name="risk_retaliation" value="high"[^>]* checked', html)
    assert not NeedsAssessment.objects.exists()


def test_a_redo_without_a_reason_is_refused_with_the_input_kept(
    client: Client, case: Case, assignee: Membership
) -> None:
    record(assignee.user, case)
    login(client, assignee)
    case.refresh_from_db()
    response = client.post(urls(case)["screening"], {"case_version": case.version, "screening_notes": "Moved out."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Say what changed since the last version" in html
    assert "Moved out." in html


def test_a_stale_form_says_so_and_keeps_the_input(client: Client, case: Case, assignee: Membership) -> None:
    login(client, assignee)
    stale = case.version
    record(assignee.user, case)  # someone recorded a version meanwhile
    response = client.post(
        urls(case)["screening"], {"case_version": stale, "reason": "Changed.", "screening_notes": "My notes."}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else changed this case" in html
    assert "My notes." in html
    case.refresh_from_db()
    assert f'name="case_version" value="{case.version}"' in html  # sending again applies to the case as it is


def test_a_new_version_starts_from_the_latest_answers(client: Client, case: Case, assignee: Membership) -> None:
    record(assignee.user, case, screening_notes="First words.")
    login(client, assignee)
    assert "First words." in client.get(urls(case)["screening"]).content.decode()


def test_what_changed_between_two_versions_is_listed(client: Client, case: Case, assignee: Membership) -> None:
    record(assignee.user, case, feels_safe="yes")
    record(assignee.user, case, reason="Circumstances changed: threats.", feels_safe="no")
    login(client, assignee)
    html = client.get(reverse("cases:assessment_detail", args=[case.reference, 2])).content.decode()
    assert "What changed since version 1" in html
    assert "Does the person feel safe now?</strong>: Yes → No" in html
    assert "Circumstances changed: threats." in html


@pytest.mark.parametrize("page", ["list", "screening", "detailed", "v1"])
def test_who_gets_200_and_who_gets_404(
    client: Client, organisation: Organisation, case: Case, assignee: Membership, page: str
) -> None:
    record(assignee.user, case)
    address = urls(case)[page]
    colleague = member(organisation)  # works the intake, not assigned this case
    supervisor = member(organisation, Role.SUPERVISOR)
    outsider = member(OrganisationFactory(countries=["ES"]), Role.SUPERVISOR)
    analyst = member(organisation, Role.ANALYST)
    for person, status in ((assignee, 200), (supervisor, 200), (colleague, 404), (outsider, 404), (analyst, 404)):
        client.logout()
        login(client, person)
        assert client.get(address).status_code == status, (person.role, page)


def test_a_caseworker_who_sees_the_intake_case_does_not_see_its_assessment(
    client: Client, organisation: Organisation
) -> None:
    intake = make_case(organisation)  # unassigned: every caseworker there sees the case
    supervisor = member(organisation, Role.SUPERVISOR)
    record(supervisor.user, intake)
    colleague = member(organisation)
    login(client, colleague)
    for address in urls(intake).values():
        assert client.get(address).status_code == 404


def test_an_unknown_stage_or_version_is_404(client: Client, case: Case, assignee: Membership) -> None:
    login(client, assignee)
    assert client.get(reverse("cases:assessment_new", args=[case.reference, "other"])).status_code == 404
    assert client.get(urls(case)["v1"]).status_code == 404


def test_every_read_is_audited(client: Client, case: Case, assignee: Membership) -> None:
    record(assignee.user, case)
    login(client, assignee)
    before = audit_events_for(case).filter(action="case.read.assessment").count()
    client.get(urls(case)["list"])
    client.get(urls(case)["v1"])
    assert audit_events_for(case).filter(action="case.read.assessment").count() == before + 2


def test_text_typed_after_the_session_ended_comes_back(client: Client, case: Case, assignee: Membership) -> None:
    login(client, assignee)
    page = urls(case)["screening"]
    client.get(page)
    session = client.session
    session[STAFF_LAST_SEEN_KEY] = time.time() - settings.VICTORY_IDLE_TIMEOUT - 1
    session.save()
    response = client.post(
        page,
        {"case_version": case.version, "feels_safe": "no", "screening_notes": "Typed late.", "victory_form_page": page},
    )
    assert response.status_code == 302
    assert not NeedsAssessment.objects.exists()
    AuthenticatorDevice.objects.filter(user=assignee.user).update(last_t=-1)  # a code is never accepted twice
    login(client, assignee)
    html = client.get(page).content.decode()
    assert "Typed late." in html
    assert "What you typed before you were logged out" in html


def test_the_case_page_section_shows_the_result_to_the_assignee_and_only_the_level_to_a_colleague(
    organisation: Organisation, case: Case, assignee: Membership
) -> None:
    record(assignee.user, case, wants_support="yes")
    record(
        assignee.user, case, "detailed", wishes_own_words="No court, please.", refused_measures=["hearing_in_camera"]
    )
    factory = RequestFactory()
    request = factory.get("/")
    request.user = assignee.user
    context = detail_context(request=request, case=case)  # type: ignore[arg-type]
    html = render_to_string("cases/detail/_assessment.html", {"case": case, **context})
    assert "No court, please." in html
    assert "A hearing without the public" in html  # shown as refused
    colleague = member(organisation)
    case.assigned_to = None  # the colleague sees the intake
    request.user = colleague.user
    context = detail_context(request=request, case=case)  # type: ignore[arg-type]
    html = render_to_string("cases/detail/_assessment.html", {"case": case, **context})
    assert "A needs assessment exists (version 2)" in html
    assert "No court, please." not in html


def test_a_first_screening_knows_the_person_harmed_is_a_child_when_the_case_says_so(
    client: Client, case: Case, assignee: Membership
) -> None:
    CasePerson.objects.create(case=case, role=PersonRole.PERSON_HARMED, is_child=True)
    login(client, assignee)
    html = client.get(urls(case)["screening"]).content.decode()
    assert re.search(r'<input type="radio" name="is_child" value="yes"[^>]* checked', html)
