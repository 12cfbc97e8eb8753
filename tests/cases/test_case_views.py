"""The case pages: the inbox, the list (filters, keyset pages, lookup), opening a case,
the case page and its forms (stale edits keep the text, input kept after a timeout),
the report's redirect, who looked, and who gets 404."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import MembershipFactory, make_report
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role
from victory.cases.models import Case, CaseStatus, ReplyTemplate
from victory.cases.selectors import case as case_selectors
from victory.cases.services import case as case_services
from victory.cases.services.parts import task_add
from victory.core.kept_input import kept_input_keep
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def member(organisation: Organisation, role: str = Role.CASEWORKER) -> Membership:
    membership = MembershipFactory(organisation=organisation, role=role)
    account_services.totp_device_create_confirmed(user=membership.user)
    return membership


def open_case(membership: Membership, **overrides: object) -> Case:
    values: dict[str, object] = {
        "actor": membership.user,
        "organisation": membership.organisation,
        "channel": "phone",
        "language": "pt",
        "summary": "Insults at the market.",
        "bias_motivations": ["anti_roma"],
    }
    values.update(overrides)
    return case_services.case_open_direct(**values)  # type: ignore[arg-type]


def detail(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])


def test_the_inbox_and_the_list(caseworker_client: Client, caseworker: Membership) -> None:
    report = make_report(organisation=caseworker.organisation).report
    case = open_case(caseworker)
    page = caseworker_client.get(reverse("cases:inbox"))
    assert page.status_code == 200
    assert report.reference in page.content.decode() and case.reference in page.content.decode()
    page = caseworker_client.get(reverse("cases:list"))
    text = page.content.decode()
    assert case.reference in text and "1 case shown" in text


def test_the_inbox_says_of_each_case_what_a_caseworker_triages_by(client: Client, caseworker: Membership) -> None:
    """The inbox's case lines (written from the list's rows, views/rows.py): the
    status and the person's language in the reader's language, unread messages, the
    next task's day in the reader's format, each line linking to its case."""
    supervisor = member(caseworker.organisation, Role.SUPERVISOR)
    mine = open_case(caseworker, language="eu")
    case_services.case_assign(actor=supervisor.user, case=mine, assignee=caseworker.user, expected_version=None)
    due = timezone.localdate() + timedelta(days=3)
    task_add(actor=caseworker.user, case=mine, title="Call back", due_on=due, expected_version=None)
    Case.objects.filter(pk=mine.pk).update(unread_messages=2)
    unassigned = open_case(caseworker, language="fi")
    login(client, caseworker.user)

    text = client.get("/es/staff/work/").content.decode()
    yours = text.split('id="mine"')[1]
    line = re.search(rf'<li><a href="/es/staff/cases/{mine.reference}/" class="reference">.*?</li>', yours, re.S)
    assert line is not None, "your case has its line, linking to its page"
    assert "Nuevo – Euskera" in line.group(0), "status and language in Spanish"
    assert "2 mensajes sin leer" in line.group(0)
    assert due.strftime("%d/%m/%Y") in line.group(0), "the next task's day in the Spanish format"
    nobodys = text.split('id="unassigned"')[1].split('id="mine"')[0]
    assert f'href="/es/staff/cases/{unassigned.reference}/"' in nobodys and "Finés" in nobodys
    assert mine.reference not in nobodys


def test_filters_and_an_invalid_filter(caseworker_client: Client, caseworker: Membership) -> None:
    roma = open_case(caseworker)
    other = open_case(caseworker, bias_motivations=["gender"], language="en")
    text = caseworker_client.get(reverse("cases:list"), {"bias_motivation": "anti_roma"}).content.decode()
    assert roma.reference in text and other.reference not in text
    text = caseworker_client.get(reverse("cases:list"), {"language": "en"}).content.decode()
    assert other.reference in text and roma.reference not in text
    today = timezone.localtime(roma.opened_at).date().isoformat()
    text = caseworker_client.get(reverse("cases:list"), {"opened_from": today, "opened_to": today}).content.decode()
    assert other.reference in text and roma.reference in text
    long_ago = caseworker_client.get(reverse("cases:list"), {"opened_from": "2001-01-01", "opened_to": "2001-01-31"})
    assert roma.reference not in long_ago.content.decode()
    text = caseworker_client.get(reverse("cases:list"), {"reference": roma.reference.lower()}).content.decode()
    assert roma.reference in text and other.reference not in text
    page = caseworker_client.get(reverse("cases:list"), {"awaiting_days": "soon", "status": "bogus"})
    text = page.content.decode()
    assert "Enter a whole number of days" in text and "Choose one of the listed statuses." in text
    assert 'value="soon"' in text  # the typed value stays in the form
    assert roma.reference not in text


def test_keyset_pages(caseworker_client: Client, caseworker: Membership, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(case_selectors, "PAGE_SIZE", 2)
    made = [open_case(caseworker).reference for _ in range(3)]
    first = caseworker_client.get(reverse("cases:list"), {"sort": "oldest"}).content.decode()
    assert made[0] in first and made[1] in first and made[2] not in first
    link = re.search(r'href="\?([^"]*after=[^"]+)">Next page', first)
    assert link is not None
    second = caseworker_client.get(reverse("cases:list") + "?" + link.group(1).replace("&amp;", "&")).content.decode()
    assert made[2] in second and made[0] not in second and "Back to the first page" in second
    broken = caseworker_client.get(reverse("cases:list"), {"after": "garbage"}, follow=True).content.decode()
    assert "That page link no longer works" in broken


def test_opening_a_case_directly_keeps_input_on_error(caseworker_client: Client, caseworker: Membership) -> None:
    url = reverse("cases:open_direct")
    page = caseworker_client.post(url, {"organisation": caseworker.organisation.pk, "summary": "Spat at me."})
    text = page.content.decode()
    assert page.status_code == 200 and "Choose how the person came to you." in text and "Spat at me." in text
    assert not Case.objects.exists()
    page = caseworker_client.post(
        url,
        {"organisation": caseworker.organisation.pk, "summary": "Spat at me.", "channel": "walk_in", "language": "ar"},
    )
    case = Case.objects.get()
    assert page.status_code == 302 and page["Location"] == detail(case)
    assert case.language == "ar" and case.intake_channel == "walk_in"


def test_the_case_page_shows_the_language_and_the_report(caseworker_client: Client, caseworker: Membership) -> None:
    report = make_report(organisation=caseworker.organisation, language="pt").report
    case = case_services.case_open_from_report(actor=caseworker.user, report=report)
    text = caseworker_client.get(detail(case)).content.decode()
    assert "The person&#x27;s language: Portuguese" in text or "The person's language: Portuguese" in text
    assert "headscarf" in text  # the report's answers, under the report's rules
    assert "Case opened" in text  # the timeline
    reads = AuditEvent.objects.filter(action="case.read.case", object_id=str(case.pk))
    assert [event.reason for event in reads] == ["page"]


def test_status_moves_and_an_out_of_order_one(caseworker_client: Client, caseworker: Membership) -> None:
    case = open_case(caseworker)
    url = reverse("cases:status", args=[case.reference])
    page = caseworker_client.post(url, {"status": "support", "version": case.version})
    assert page.status_code == 200 and "cannot go to" in page.content.decode()
    page = caseworker_client.post(url, {"status": "triage", "version": case.version})
    assert page.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.TRIAGE
    # GET on a form's address answers with the page.
    assert caseworker_client.get(url)["Location"].startswith(detail(case))


def test_a_stale_reply_keeps_the_text(caseworker_client: Client, caseworker: Membership) -> None:
    report = make_report(organisation=caseworker.organisation).report
    case = case_services.case_open_from_report(actor=caseworker.user, report=report)
    old = case.version
    case_services.case_transition(actor=caseworker.user, case=case, to="triage", expected_version=old)
    page = caseworker_client.post(
        reverse("cases:reply", args=[case.reference]), {"body": "Here is what we can do.", "version": old}
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "Someone else changed this case" in text and "Here is what we can do." in text
    assert f'name="version" value="{Case.objects.get(pk=case.pk).version}"' in text  # sending again works
    assert len(list(report.messages.all())) == 0


def test_a_reply_template_fills_the_message(caseworker_client: Client, caseworker: Membership) -> None:
    report = make_report(organisation=caseworker.organisation, language="en").report
    case = case_services.case_open_from_report(actor=caseworker.user, report=report)
    template = ReplyTemplate.objects.create(
        organisation=caseworker.organisation, language="en", title="First answer", body="Thank you for telling us."
    )
    ReplyTemplate.objects.create(organisation=caseworker.organisation, language="pt", title="Em português", body="x")
    text = caseworker_client.get(detail(case), {"template": template.pk}).content.decode()
    assert "First answer" in text and "Em português" not in text
    assert "Thank you for telling us.</textarea>" in text


def test_kept_input_after_a_timeout(caseworker_client: Client, caseworker: Membership) -> None:
    report = make_report(organisation=caseworker.organisation).report
    case = case_services.case_open_from_report(actor=caseworker.user, report=report)
    session = caseworker_client.session

    class _Request:
        pass

    request = _Request()
    request.session = session  # type: ignore[attr-defined]
    kept_input_keep(
        request=request,  # type: ignore[arg-type]
        owner=f"user:{caseworker.user.pk}",
        path=reverse("cases:reply", args=[case.reference]),
        page=detail(case),
        fields={"body": "Typed before the timeout."},
    )
    session.save()
    text = caseworker_client.get(detail(case)).content.decode()
    assert "Typed before the timeout." in text and "before you were logged out" in text


def test_the_report_page_of_a_case_redirects_and_the_case_rule_applies(
    caseworker_client: Client, caseworker: Membership
) -> None:
    colleague = member(caseworker.organisation)
    report = make_report(organisation=caseworker.organisation).report
    assert report.reference in caseworker_client.get(reverse("reports:staff_list")).content.decode()
    report_page = caseworker_client.get(reverse("reports:staff_detail", args=[report.reference])).content.decode()
    assert f'action="{reverse("cases:from_report", args=[report.reference])}"' in report_page
    page = caseworker_client.post(reverse("cases:from_report", args=[report.reference]))
    case = Case.objects.get(report=report)
    assert page["Location"] == detail(case)
    assert report.reference not in caseworker_client.get(reverse("reports:staff_list")).content.decode()
    page = caseworker_client.get(reverse("reports:staff_detail", args=[report.reference]))
    assert page["Location"] == reverse("cases:from_report", args=[report.reference])
    assert caseworker_client.get(page["Location"])["Location"] == detail(case)
    # Taken by a colleague: the caseworker no longer reaches it, through the report either.
    case_services.case_assign(actor=colleague.user, case=case, assignee=colleague.user, expected_version=case.version)
    assert caseworker_client.get(reverse("cases:from_report", args=[report.reference])).status_code == 404
    assert caseworker_client.get(detail(case)).status_code == 404


def test_outsiders_get_404(client: Client, caseworker: Membership, other_organisation: Organisation) -> None:
    case = open_case(caseworker)
    outsider = member(other_organisation, Role.SUPERVISOR)
    login(client, outsider)
    for name in ("detail", "access_log"):
        assert client.get(reverse(f"cases:{name}", args=[case.reference])).status_code == 404
    for name in ("status", "close", "assign", "edit", "reply", "close_decision"):
        assert client.post(reverse(f"cases:{name}", args=[case.reference]), {"version": 1}).status_code == 404


def test_the_access_log_is_for_supervisors(client: Client, caseworker: Membership) -> None:
    case = open_case(caseworker)
    login(client, caseworker)
    client.get(detail(case))
    assert client.get(reverse("cases:access_log", args=[case.reference])).status_code == 403
    supervisor = member(caseworker.organisation, Role.SUPERVISOR)
    client.post(reverse("accounts:logout"))
    login(client, supervisor)
    page = client.get(reverse("cases:access_log", args=[case.reference]))
    text = page.content.decode()
    assert page.status_code == 200 and caseworker.user.full_name in text and "On the page" in text
    assert AuditEvent.objects.filter(action="case.read.access_log", object_id=str(case.pk)).exists()


ROLES = [role for role, _label in Role.choices]


@pytest.mark.parametrize("own", [True, False], ids=["own organisation", "other organisation"])
@pytest.mark.parametrize("role", ROLES)
def test_who_reaches_a_case(
    client: Client, caseworker: Membership, other_organisation: Organisation, role: str, own: bool
) -> None:
    """The access matrix of the case's own pages: a supervisor of the organisation, and
    a caseworker while the case is unassigned, get 200; everybody else 404."""
    case = open_case(caseworker)
    person = member(caseworker.organisation if own else other_organisation, role)
    login(client, person)
    expected = 200 if own and role in (Role.CASEWORKER, Role.SUPERVISOR) else 404
    assert client.get(detail(case)).status_code == expected
    status = client.post(reverse("cases:status", args=[case.reference]), {"status": "triage", "version": case.version})
    assert status.status_code == (302 if expected == 200 else 404)
    log = client.get(reverse("cases:access_log", args=[case.reference])).status_code
    assert log == {200: 200 if role == Role.SUPERVISOR else 403, 404: 404}[expected]
    listed = client.get(reverse("cases:list")).content.decode()
    assert (case.reference in listed) is (expected == 200)


def test_a_list_row_shows_the_case_as_a_caseworker_reads_it(client: Client, caseworker: Membership) -> None:
    """Each row's texts are worked out once per list (views/rows.py): the status, risk
    and language in the reader's language, the assignee's name, the days in the
    reader's format, and colleagues offered in alphabetical order of their names."""
    supervisor = member(caseworker.organisation, Role.SUPERVISOR)
    zoe, anna = member(caseworker.organisation), member(caseworker.organisation)
    for person, name in ((zoe, "Zoé Varga"), (anna, "Anna Kovács")):
        person.user.full_name = name
        person.user.save()
    mine = open_case(caseworker, language="eu")
    case_services.case_assign(actor=supervisor.user, case=mine, assignee=anna.user, expected_version=None)
    intake = open_case(caseworker, language="fi")
    login(client, supervisor.user)

    text = client.get("/es/staff/cases/").content.decode()
    row = re.search(
        rf"<tr>\s*<th scope=\"row\"[^>]*><a href=\"(/es/staff/cases/{mine.reference}/)\".*?</tr>", text, re.S
    )
    assert row is not None, "the assigned case has its row, linking to its page"
    assert '<td data-label="Asignado a">Anna Kovács</td>' in row.group(0)
    assert '<td data-label="Idioma">Euskera</td>' in row.group(0), "the person's language, named in Spanish"
    assert '<td data-label="Estado">Nuevo</td>' in row.group(0), "the status in Spanish"
    opened = timezone.localtime(mine.opened_at)
    assert f'datetime="{opened.isoformat()}"' in row.group(0)
    assert opened.strftime("%d/%m/%Y") in row.group(0), "the day in the Spanish format"
    other = re.search(rf"<tr>\s*<th scope=\"row\".*?{intake.reference}.*?</tr>", text, re.S)
    assert other is not None and "Nadie" in other.group(0), "an unassigned case says so, in Spanish"
    assert client.get(f"/es/staff/cases/{mine.reference}/").status_code == 200
    names = re.findall(r'<option value="\d+">([^<]+)</option>', text.split('name="assignee"')[1].split("</select>")[0])
    assert names.index("Anna Kovács") < names.index("Zoé Varga"), "colleagues by name, not by ciphertext"

    # Someone who has left is no longer offered in the filter, but their cases still name them.
    case_services.case_assign(actor=supervisor.user, case=intake, assignee=zoe.user, expected_version=None)
    zoe.user.is_active = False
    zoe.user.save()
    text = client.get("/es/staff/cases/").content.decode()
    row = re.search(rf"<tr>\s*<th scope=\"row\".*?{intake.reference}.*?</tr>", text, re.S)
    assert row is not None and "<td data-label=\"Asignado a\">Zoé Varga</td>" in row.group(0)
    assert "Zoé Varga</option>" not in text


def test_a_list_row_escapes_what_people_typed(client: Client, caseworker: Membership) -> None:
    """The rows are written in Python (views/rows.py), not by the template: a colleague
    whose name is markup is shown as text, in the row and in the filter, never run."""
    supervisor = member(caseworker.organisation, Role.SUPERVISOR)
    caseworker.user.full_name = '<img src=x onerror="alert(1)">'
    caseworker.user.save()
    case = open_case(caseworker)
    case_services.case_assign(actor=supervisor.user, case=case, assignee=caseworker.user, expected_version=None)
    login(client, supervisor.user)

    text = client.get("/en/staff/cases/").content.decode()
    assert "<img src=x" not in text
    row = re.search(rf"<tr>\s*<th scope=\"row\".*?{case.reference}.*?</tr>", text, re.S)
    assert row is not None
    assert '<td data-label="Assigned to">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</td>' in row.group(0)
