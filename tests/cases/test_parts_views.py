"""The parts' pages: the case-page section, its forms' addresses, tasks due, reply templates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.cases.test_parts_helpers import make_case, member
from tests.cases.test_parts_urls import PARTS_URLS
from tests.conftest import login
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.models import Case, RiskLevel
from victory.cases.services import parts as services

pytestmark = [pytest.mark.django_db, pytest.mark.urls(PARTS_URLS)]


@pytest.fixture
def case(organisation: Organisation) -> Case:
    return make_case(organisation)


def _addresses(case: Case, foreign: Case, user: Membership) -> list[tuple[str, str]]:
    """Every address of the area, named with ``case``, each with a part of ``foreign``."""
    person = services.person_add(actor=user.user, case=foreign, role="witness", expected_version=None)
    task = services.task_add(actor=user.user, case=foreign, title="T", expected_version=None)
    flag = services.risk_raise(
        actor=user.user, case=foreign, kind="other", level="low", reason="R", expected_version=None
    )
    ref = case.reference
    return [
        ("post", reverse("cases:person_add", args=[ref])),
        ("get", reverse("cases:person_edit", args=[ref, person.pk])),
        ("post", reverse("cases:person_edit", args=[ref, person.pk])),
        ("post", reverse("cases:task_add", args=[ref])),
        ("post", reverse("cases:task_done", args=[ref, task.pk])),
        ("post", reverse("cases:task_reopen", args=[ref, task.pk])),
        ("post", reverse("cases:note_add", args=[ref])),
        ("post", reverse("cases:risk_raise", args=[ref])),
        ("post", reverse("cases:risk_clear", args=[ref, flag.pk])),
    ]


def test_another_organisations_case_is_not_found_at_every_address(
    client: Client, case: Case, caseworker: Membership, other_organisation: Organisation
) -> None:
    foreign = make_case(other_organisation)
    stranger = member(other_organisation)
    login(client, caseworker)
    addresses = _addresses(foreign, foreign, stranger)
    for method, address in addresses:
        response = getattr(client, method)(address, {"note-body": "x", "note-version": "1"})
        assert response.status_code == 404, (method, address)
    assert not foreign.notes.exists()


def test_a_part_of_another_case_is_not_found(client: Client, case: Case, caseworker: Membership) -> None:
    other = make_case(case.organisation)
    login(client, caseworker)
    for method, address in _addresses(case, other, caseworker):
        if address.endswith(("/people/", "/tasks/", "/notes/", "/risks/")):
            continue  # these name no part
        response = getattr(client, method)(address, {"version": "1"})
        assert response.status_code == 404, (method, address)
    assert other.tasks.get().done_at is None
    assert other.risk_flags.get().cleared_at is None


def test_the_section_shows_people_tasks_notes_and_risks(client: Client, case: Case, caseworker: Membership) -> None:
    user = caseworker.user
    services.person_add(actor=user, case=case, role="person_harmed", full_name="Ana Fictícia", expected_version=None)
    services.task_add(actor=user, case=case, title="Call Ana back", due_on=timezone.localdate(), expected_version=None)
    services.note_add(actor=user, case=case, body="She prefers mornings.", expected_version=None)
    services.risk_raise(
        actor=user, case=case, kind="intimidation", level="medium", reason="Neighbour", expected_version=None
    )
    login(client, caseworker)
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    for text in ("Ana Fictícia", "Call Ana back", "She prefers mornings.", "Neighbour", "Medium"):
        assert text in page
    assert 'name="note-version" value="5"' in page


def test_a_note_is_added_and_the_case_page_shown_again(client: Client, case: Case, caseworker: Membership) -> None:
    login(client, caseworker)
    response = client.post(
        reverse("cases:note_add", args=[case.reference]),
        {"note-body": "Called, no answer.", "note-confidential": "on", "note-version": str(case.version)},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.reference]) + "#notes"
    note = case.notes.get()
    assert note.body == "Called, no answer." and note.confidential


def test_a_refused_form_shows_its_error_and_keeps_the_text(client: Client, case: Case, caseworker: Membership) -> None:
    login(client, caseworker)
    response = client.post(
        reverse("cases:risk_raise", args=[case.reference]),
        {
            "risk-kind": "retaliation",
            "risk-level": "",
            "risk-reason": "He said he would come back.",
            "risk-version": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Choose how high the risk is" in page
    assert "He said he would come back." in page
    assert not case.risk_flags.exists()


def test_a_stale_form_is_refused_kept_and_goes_through_once_sent_again(
    client: Client, case: Case, caseworker: Membership
) -> None:
    login(client, caseworker)
    services.note_add(actor=caseworker.user, case=case, body="Meanwhile", expected_version=None)
    data = {"task-title": "Book an interpreter", "task-version": "1"}
    response = client.post(reverse("cases:task_add", args=[case.reference]), data)
    page = response.content.decode()
    assert "Someone else changed this case" in page and "Book an interpreter" in page
    assert 'name="task-version" value="2"' in page
    assert not case.tasks.exists()
    again = client.post(reverse("cases:task_add", args=[case.reference]), {**data, "task-version": "2"})
    assert again.status_code == 302
    assert case.tasks.get().title == "Book an interpreter"


def test_a_get_of_a_form_address_goes_to_the_case_page(client: Client, case: Case, caseworker: Membership) -> None:
    login(client, caseworker)
    response = client.get(reverse("cases:risk_raise", args=[case.reference]))
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", args=[case.reference]) + "#risks"


def test_a_person_is_edited_on_their_page(client: Client, case: Case, caseworker: Membership) -> None:
    person = services.person_add(
        actor=caseworker.user, case=case, role="witness", full_name="Rui", expected_version=None
    )
    login(client, caseworker)
    address = reverse("cases:person_edit", args=[case.reference, person.pk])
    page = client.get(address).content.decode()
    assert 'value="Rui"' in page
    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        address, {"person-role": "supporter", "person-full_name": "Rui Exemplo", "person-version": str(version)}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.role, person.full_name) == ("supporter", "Rui Exemplo")


def test_tasks_are_done_and_reopened(client: Client, case: Case, caseworker: Membership) -> None:
    task = services.task_add(
        actor=caseworker.user, case=case, title="Call", due_on=timezone.localdate(), expected_version=None
    )
    login(client, caseworker)
    version = Case.objects.get(pk=case.pk).version
    client.post(reverse("cases:task_done", args=[case.reference, task.pk]), {f"task{task.pk}-version": str(version)})
    assert Case.objects.get(pk=case.pk).next_task_due is None
    client.post(
        reverse("cases:task_reopen", args=[case.reference, task.pk]), {f"task{task.pk}-version": str(version + 1)}
    )
    assert Case.objects.get(pk=case.pk).next_task_due == timezone.localdate()


def test_a_risk_is_cleared_from_the_case_page(client: Client, case: Case, caseworker: Membership) -> None:
    flag = services.risk_raise(
        actor=caseworker.user, case=case, kind="other", level="high", reason="R", expected_version=None
    )
    login(client, caseworker)
    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        reverse("cases:risk_clear", args=[case.reference, flag.pk]),
        {f"clear{flag.pk}-reason": "Safe now", f"clear{flag.pk}-version": str(version)},
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).risk_level == RiskLevel.NONE


def test_tasks_due_lists_mine_and_the_unassigned_intake_only(
    client: Client, case: Case, caseworker: Membership, other_organisation: Organisation
) -> None:
    today = timezone.localdate()
    colleague = member(case.organisation)
    theirs = make_case(case.organisation, assigned_to=colleague.user)
    foreign = make_case(other_organisation)
    outsider = member(other_organisation)
    user = caseworker.user
    services.task_add(
        actor=user, case=case, title="Mine, due today", due_on=today, assigned_to=user, expected_version=None
    )
    services.task_add(
        actor=user, case=case, title="Intake, due soon", due_on=today + timedelta(days=6), expected_version=None
    )
    services.task_add(
        actor=user, case=case, title="Intake, much later", due_on=today + timedelta(days=30), expected_version=None
    )
    services.task_add(actor=colleague.user, case=theirs, title="Colleague's case", due_on=today, expected_version=None)
    services.task_add(actor=outsider.user, case=foreign, title="Elsewhere", due_on=today, expected_version=None)
    login(client, caseworker)
    page = client.get(reverse("cases:tasks_due")).content.decode()
    assert "Mine, due today" in page and "Intake, due soon" in page
    for hidden in ("much later", "Colleague's case", "Elsewhere"):
        assert hidden not in page


def test_reply_templates_pages(client: Client, organisation: Organisation, other_organisation: Organisation) -> None:
    supervisor = member(organisation, Role.SUPERVISOR)
    elsewhere = member(other_organisation, Role.SUPERVISOR)
    foreign = services.reply_template_save(
        actor=elsewhere.user, organisation=other_organisation, language="es", title="Hola", body="Hola."
    )
    login(client, supervisor)
    listing = reverse("cases:reply_templates")
    response = client.post(
        listing, {"organisation": organisation.pk, "language": "pt", "title": "", "body": "Olá, recebemos."}
    )
    assert "Give the template a short title." in response.content.decode()
    assert "Olá, recebemos." in response.content.decode()
    response = client.post(
        listing, {"organisation": organisation.pk, "language": "pt", "title": "Recebido", "body": "Olá, recebemos."}
    )
    assert response.status_code == 302
    template = organisation.reply_templates.get()
    assert client.get(reverse("cases:reply_template_edit", args=[foreign.pk])).status_code == 404
    assert "Hola" not in client.get(listing).content.decode()
    edit = reverse("cases:reply_template_edit", args=[template.pk])
    client.post(edit, {"language": "pt", "title": "Recebido", "body": "Olá outra vez."})
    template.refresh_from_db()
    assert template.body == "Olá outra vez."
    client.post(edit, {"delete": "1"})
    assert not organisation.reply_templates.exists()


def test_a_caseworker_manages_no_reply_templates(client: Client, caseworker: Membership) -> None:
    login(client, caseworker)
    assert client.get(reverse("cases:reply_templates")).status_code == 404


@pytest.mark.parametrize(
    ("role", "works"),
    [
        (Role.CASEWORKER, True),
        (Role.SUPERVISOR, True),
        (Role.ANALYST, False),
        (Role.JUSTICE_LIAISON, False),
        (Role.ORG_ADMIN, False),
        (Role.FACILITATOR, False),
    ],
)
def test_who_works_the_section_in_their_own_organisation(
    client: Client, case: Case, caseworker: Membership, role: str, works: bool
) -> None:
    """Those who work the case's organisation's cases; an analyst, a justice liaison or
    an administrator of the same organisation reads none: 404 at every address."""
    person = services.person_add(actor=caseworker.user, case=case, role="witness", expected_version=None)
    login(client, member(case.organisation, role))
    expected = 200 if works else 404
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == expected
    assert client.get(reverse("cases:person_edit", args=[case.reference, person.pk])).status_code == expected
    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        reverse("cases:note_add", args=[case.reference]), {"note-body": "A note", "note-version": str(version)}
    )
    assert response.status_code == (302 if works else 404)
    assert case.notes.exists() is works


def test_a_caseworker_does_not_reach_a_colleagues_case(client: Client, case: Case, caseworker: Membership) -> None:
    colleague = member(case.organisation)
    case.assigned_to = colleague.user
    case.save()
    login(client, caseworker)
    assert client.get(reverse("cases:detail", args=[case.reference])).status_code == 404
    assert client.post(reverse("cases:task_add", args=[case.reference]), {"task-title": "x"}).status_code == 404


def test_a_confidential_note_is_not_on_a_colleagues_page(client: Client, case: Case, caseworker: Membership) -> None:
    services.note_add(
        actor=caseworker.user, case=case, body="Only for us two", confidential=True, expected_version=None
    )
    login(client, member(case.organisation))
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Only for us two" not in page


def test_tasks_due_lists_the_unassigned_tasks_of_my_own_cases(client: Client, caseworker: Membership) -> None:
    """A task nobody was given, on a case assigned to me, is mine to see to."""
    user = caseworker.user
    mine = make_case(caseworker.organisation, assigned_to=user)
    services.task_add(
        actor=user, case=mine, title="A task for nobody on my case", due_on=timezone.localdate(), expected_version=None
    )
    login(client, caseworker)
    assert "A task for nobody on my case" in client.get(reverse("cases:tasks_due")).content.decode()
