"""No list page or list endpoint asks the database once per item (issue 9, item 8).

Each list is measured with a few items and with three times as many: the number of SQL
queries must not grow (no N+1), and stays under a sane cap. Every item must be on the
page, or a list that shows nothing would pass. Public pages are cached whole, so every
measurement starts with the page caches empty: it counts what the view asks, not what
the cache remembers.

A model added to the admin without a maker in ``ADMIN_MAKERS`` fails here: its list
page is measured too."""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection, models
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    make_content_page,
    make_report,
    make_support_service,
)
from tests.reports.test_inbox_views import inbox_login
from victory.accounts import services as account_services
from victory.accounts.admin_site import admin_site
from victory.accounts.models import Membership, Organisation, Role, User
from victory.core.cache import page_memory
from victory.core.counters import CounterStore
from victory.core.vocabulary import COUNTRIES
from victory.reports import services as report_services
from victory.reports.models import CountryIntake, ReportStatus
from victory.support import content_services
from victory.support.models import ContentKind, ContentPage, HelplineAvailability, HelplineStatus, SupportService

pytestmark = pytest.mark.django_db

FEW = 3
MANY = 3 * FEW

# Adds ``count`` items to a list and returns, for each, a text the page must show.
Adder = Callable[[int], list[str]]


def _empty_page_caches() -> None:
    for alias in settings.CACHES:
        if not isinstance(caches[alias], CounterStore):
            caches[alias].clear()
    page_memory.clear()  # and this worker's own copies of the pages


def _measure(fetch: Callable[[], Any]) -> tuple[int, list[str], str]:
    _empty_page_caches()
    with CaptureQueriesContext(connection) as captured:
        response = fetch()
    assert response.status_code == 200, response.content[:500]
    return len(captured), [query["sql"] for query in captured.captured_queries], response.content.decode()


def assert_no_n_plus_one(fetch: Callable[[], Any], add: Adder, *, cap: int) -> None:
    """``fetch`` the list with FEW items, then with MANY: the same number of queries or
    fewer, at most ``cap``, and every item shown."""
    shown = add(FEW)
    fetch()  # a first request warms what every later one reuses (translations, content types)
    few, _few_sql, _page = _measure(fetch)
    shown += add(MANY - FEW)
    many, many_sql, page = _measure(fetch)
    missing = [text for text in shown if text not in page and html.escape(text) not in page]
    assert not missing, f"the list does not show {missing}: measuring it proves nothing"
    assert many <= few, f"{few} queries for {FEW} items, {many} for {MANY}: one per item?\n" + "\n".join(many_sql)
    assert few <= cap, f"{few} queries for {FEW} items (cap {cap}):\n" + "\n".join(many_sql)


_numbers = itertools.count(1)


# --- Staff and reporters -------------------------------------------------------------


def test_the_staff_reports_list(caseworker_client: Client, organisation: Organisation) -> None:
    def add(count: int) -> list[str]:
        return [make_report(organisation=organisation).report.reference for _ in range(count)]

    assert_no_n_plus_one(lambda: caseworker_client.get("/en/staff/reports/"), add, cap=20)


def test_the_reporters_inbox(client: Client, organisation: Organisation, caseworker: Membership) -> None:
    sent = make_report(organisation=organisation)
    report = sent.report
    inbox_login(client, sent.receipt)

    def add(count: int) -> list[str]:
        bodies = []
        for _ in range(count):
            # Each round adds two steps to the timeline (back to received, then in review
            # with the message) and two messages to the conversation.
            report_services.report_status_set(actor=caseworker.user, report=report, status=ReportStatus.RECEIVED)
            body = f"Message number {next(_numbers)} from the organisation."
            report_services.organisation_message_send(actor=caseworker.user, report=report, body=body)
            answer = f"And my answer to it, {next(_numbers)}."
            report_services.reporter_message_send(report=report, body=answer)
            bodies += [body, answer]
        return bodies

    assert_no_n_plus_one(lambda: client.get("/en/inbox/report/"), add, cap=22)


def test_an_organisations_members(org_admin_client: Client, organisation: Organisation) -> None:
    def add(count: int) -> list[str]:
        return [MembershipFactory(organisation=organisation).user.email for _ in range(count)]

    page = reverse("accounts:members", args=[organisation.pk])
    assert_no_n_plus_one(lambda: org_admin_client.get(page), add, cap=12)


# --- Cases ------------------------------------------------------------------------------


def _case_for(membership: Membership, *, with_report: bool) -> str:
    from victory.cases.services import case as case_services

    if with_report:
        report = make_report(organisation=membership.organisation).report
        case = case_services.case_open_from_report(actor=membership.user, report=report)
    else:
        case = case_services.case_open_direct(
            actor=membership.user,
            organisation=membership.organisation,
            channel="phone",
            language="pt",
            summary="Shouted at in the street.",
        )
    case_services.case_assign(actor=membership.user, case=case, assignee=membership.user, expected_version=case.version)
    if case.report is not None:
        report_services.reporter_message_send(report=case.report, body="Any news?")
    return case.reference


def test_the_case_list(caseworker_client: Client, caseworker: Membership) -> None:
    def add(count: int) -> list[str]:
        return [_case_for(caseworker, with_report=bool(index % 2)) for index in range(count)]

    assert_no_n_plus_one(lambda: caseworker_client.get("/en/staff/cases/"), add, cap=20)
    assert_no_n_plus_one(lambda: caseworker_client.get("/en/staff/cases/?assignee=me&sort=risk"), add, cap=20)


def test_the_caseworkers_inbox(caseworker_client: Client, caseworker: Membership) -> None:
    def add(count: int) -> list[str]:
        shown = [_case_for(caseworker, with_report=True) for _ in range(count)]
        return shown + [make_report(organisation=caseworker.organisation).report.reference for _ in range(count)]

    # The inbox shows the first ten of each list: FEW and MANY stay within them.
    assert_no_n_plus_one(lambda: caseworker_client.get("/en/staff/work/"), add, cap=20)


def test_the_cases_endpoint(client: Client, caseworker: Membership) -> None:
    code = account_services.backup_codes_regenerate(user=caseworker.user, password=PASSWORD, client="test")[0]
    token, _expires = account_services.api_token_issue(
        email=caseworker.user.email, password=PASSWORD, otp=code, client="test"
    )
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def add(count: int) -> list[str]:
        return [_case_for(caseworker, with_report=True) for _ in range(count)]

    assert_no_n_plus_one(lambda: client.get("/api/v1/cases", **headers), add, cap=16)  # type: ignore[arg-type]


def _referrals_to(recipient: Organisation) -> Callable[[int], list[str]]:
    """Referrals from a case of another organisation to ``recipient``, each under its consent."""
    from tests.cases.sharing_helpers import give_consent, make_case, professional
    from victory.cases.services.referral import referral_send

    sender = OrganisationFactory()
    worker = professional(sender)

    def add(count: int) -> list[str]:
        references = []
        for _ in range(count):
            case = make_case(sender)
            give_consent(case, worker, recipient, ["incident"])
            referral = referral_send(
                actor=worker.user, case=case, recipient=recipient, purpose="support", sections=["incident"]
            )
            references.append(referral.reference)
        return references

    return add


def test_the_referrals_received_list(caseworker_client: Client, organisation: Organisation) -> None:
    assert_no_n_plus_one(lambda: caseworker_client.get("/en/staff/referrals/"), _referrals_to(organisation), cap=15)


def test_the_referrals_received_endpoint(client: Client, organisation: Organisation) -> None:
    from tests.cases.sharing_helpers import api_token, professional
    from tests.openapi_check import OpenAPIClient

    api = OpenAPIClient(HTTP_AUTHORIZATION=f"Bearer {api_token(professional(organisation, Role.JUSTICE_LIAISON))}")
    assert_no_n_plus_one(lambda: api.get("/api/v1/referrals"), _referrals_to(organisation), cap=10)


# --- Public pages ----------------------------------------------------------------------


def test_the_rights_index(client: Client) -> None:
    def add(count: int) -> list[str]:
        pages = [make_content_page(kind=kind) for kind in itertools.islice(itertools.cycle(ContentKind), count)]
        return [page.translations.get(language="en").title for page in pages]

    assert_no_n_plus_one(lambda: client.get("/en/rights/"), add, cap=10)


def test_the_directory(client: Client) -> None:
    def add(count: int) -> list[str]:
        return [make_support_service(region="Lisboa").name for _ in range(count)]

    assert_no_n_plus_one(lambda: client.get("/en/support/"), add, cap=8)
    assert_no_n_plus_one(lambda: client.get("/en/support/?country=PT&need=legal"), add, cap=10)


def test_the_site_search(client: Client) -> None:
    def add(count: int) -> list[str]:
        return [make_support_service(description="Lawyers who explain compensation.").name for _ in range(count)]

    assert_no_n_plus_one(lambda: client.post("/en/search/", {"q": "compensation"}), add, cap=8)


def test_the_organisations_endpoint(client: Client) -> None:
    def add(count: int) -> list[str]:
        names = []
        for _ in range(count):
            organisation = OrganisationFactory(countries=["PT"], accepts_public_reports=True)
            names.append(json.dumps(organisation.name)[1:-1])
        return names

    assert_no_n_plus_one(lambda: client.get("/api/v1/organisations?country=PT"), add, cap=5)


# --- Every list page of the admin ---------------------------------------------------------


def _new_organisation() -> Organisation:
    return account_services.organisation_create(
        actor=None, name=f"Listed organisation {next(_numbers)} (fictional)", kind="victim_support", countries=["PT"]
    )


def _new_country(model: type[models.Model]) -> str:
    taken = set(model._default_manager.values_list("country", flat=True))
    return next(code for code in sorted(COUNTRIES) if code not in taken)


def _make_membership() -> str:
    membership = account_services.member_add(
        actor=None,
        organisation=_new_organisation(),
        email=f"listed.member{next(_numbers)}@test.victory.example",
        role=Role.CASEWORKER,
    )
    return membership.organisation.name


def _make_user() -> str:
    return account_services.user_create(actor=None, email=f"listed.user{next(_numbers)}@test.victory.example").email


def _make_intake() -> str:
    organisation = _new_organisation()
    report_services.country_intake_set(actor=None, country=_new_country(CountryIntake), organisation=organisation)
    return organisation.name


def _make_helpline() -> str:
    entry = content_services.helpline_availability_set(
        actor=None,
        country=_new_country(HelplineAvailability),
        status=HelplineStatus.AVAILABLE,
        source="A listed source (fictional)",
        last_reviewed_on=date(2026, 11, 1),
    )
    return entry.country


# Each makes one more object of the model, through its services, and returns a text its
# row in the admin's list shows.
ADMIN_MAKERS: dict[type[models.Model], Callable[[], str]] = {
    Organisation: lambda: _new_organisation().name,
    Membership: _make_membership,
    User: _make_user,
    CountryIntake: _make_intake,
    SupportService: lambda: make_support_service().name,
    ContentPage: lambda: make_content_page().slug,
    HelplineAvailability: _make_helpline,
}


@pytest.fixture
def platform_admin_client(client: Client) -> Client:
    user = account_services.user_create(
        email="listing.admin@test.victory.example", password=PASSWORD, is_platform_admin=True
    )
    account_services.totp_device_create_confirmed(user=user)
    return login(client, user)


@pytest.mark.parametrize("model", list(admin_site._registry), ids=lambda model: model._meta.label_lower)
def test_every_admin_list(platform_admin_client: Client, model: type[models.Model]) -> None:
    make = ADMIN_MAKERS.get(model)
    if make is None:
        pytest.fail(f"{model._meta.label} is in the admin but its list is not measured: add it to ADMIN_MAKERS.")
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    def add(count: int) -> list[str]:
        return [make() for _ in range(count)]

    assert_no_n_plus_one(lambda: platform_admin_client.get(changelist), add, cap=15)


# --- Cases: people, tasks, notes, risks, reply templates ------------------------------------


def _parts_case(organisation: Organisation) -> Any:
    from tests.cases.test_parts_helpers import make_case

    return make_case(organisation)


@pytest.mark.urls("tests.cases.test_parts_urls")
def test_the_tasks_due(caseworker_client: Client, caseworker: Membership, organisation: Organisation) -> None:
    from victory.cases.services import parts as case_parts

    def add(count: int) -> list[str]:
        titles = []
        for _ in range(count):
            case = _parts_case(organisation)
            title = f"Task due number {next(_numbers)}"
            case_parts.task_add(
                actor=caseworker.user, case=case, title=title, due_on=timezone.localdate(), expected_version=None
            )
            titles.append(title)
        return titles

    assert_no_n_plus_one(lambda: caseworker_client.get(reverse("cases:tasks_due")), add, cap=16)


@pytest.mark.urls("tests.cases.test_parts_urls")
def test_the_case_page_parts(caseworker_client: Client, caseworker: Membership, organisation: Organisation) -> None:
    from victory.cases.services import parts as case_parts

    case = _parts_case(organisation)
    user = caseworker.user

    def add(count: int) -> list[str]:
        shown = []
        for _ in range(count):
            n = next(_numbers)
            person = case_parts.person_add(
                actor=user, case=case, role="witness", full_name=f"Witness {n}", expected_version=None
            )
            case_parts.person_add(actor=user, case=case, role="supporter", related_to=person, expected_version=None)
            case_parts.task_add(actor=user, case=case, title=f"Task {n}", assigned_to=user, expected_version=None)
            case_parts.note_add(actor=user, case=case, body=f"Note {n}", expected_version=None)
            flag = case_parts.risk_raise(
                actor=user, case=case, kind="other", level="low", reason=f"Risk {n}", expected_version=None
            )
            case_parts.risk_clear(actor=user, flag=flag, reason=f"Cleared {n}", expected_version=None)
            shown += [f"Witness {n}", f"Task {n}", f"Note {n}", f"Risk {n}", f"Cleared {n}"]
        return shown

    assert_no_n_plus_one(lambda: caseworker_client.get(reverse("cases:detail", args=[case.reference])), add, cap=60)


def test_the_reply_templates(client: Client, organisation: Organisation) -> None:
    from tests.cases.test_parts_helpers import member
    from victory.cases.services import parts as case_parts

    supervisor = member(organisation, Role.SUPERVISOR)
    login(client, supervisor)

    def add(count: int) -> list[str]:
        titles = [f"Template {next(_numbers)}" for _ in range(count)]
        for title in titles:
            case_parts.reply_template_save(
                actor=supervisor.user, organisation=organisation, language="en", title=title, body="Hello."
            )
        return titles

    assert_no_n_plus_one(lambda: client.get(reverse("cases:reply_templates")), add, cap=12)


@pytest.mark.parametrize("part", ["people", "tasks", "notes", "risks"])
def test_the_case_parts_endpoints(
    client: Client, caseworker: Membership, organisation: Organisation, part: str
) -> None:
    from tests.cases.test_parts_helpers import api_token
    from victory.cases.services import parts as case_parts

    case = _parts_case(organisation)
    user = caseworker.user
    token = api_token(caseworker)

    def add(count: int) -> list[str]:
        texts = [f"Part {part} {next(_numbers)}" for _ in range(count)]
        for text in texts:
            if part == "people":
                case_parts.person_add(actor=user, case=case, role="witness", full_name=text, expected_version=None)
            elif part == "tasks":
                case_parts.task_add(actor=user, case=case, title=text, assigned_to=user, expected_version=None)
            elif part == "notes":
                case_parts.note_add(actor=user, case=case, body=text, expected_version=None)
            else:
                case_parts.risk_raise(
                    actor=user, case=case, kind="other", level="low", reason=text, expected_version=None
                )
        return texts

    path = f"/api/v1/cases/{case.reference}/{part}"
    assert_no_n_plus_one(lambda: client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}"), add, cap=14)


# --- Cases: the needs assessment ----------------------------------------------------------


def test_the_versions_of_a_needs_assessment(client: Client, organisation: Organisation) -> None:
    from tests.cases.test_assessment_api import bearer
    from tests.cases.test_assessment_services import make_case, member, record

    supervisor = member(organisation, Role.SUPERVISOR)
    case = make_case(organisation)

    def add(count: int) -> list[str]:
        versions = [record(supervisor.user, case, reason="Circumstances changed.").version for _ in range(count)]
        return [f"Version {version}" for version in versions]

    login(client, supervisor)
    page = reverse("cases:assessment_list", args=[case.reference])
    assert_no_n_plus_one(lambda: client.get(page), add, cap=16)

    def add_more(count: int) -> list[str]:
        versions = [record(supervisor.user, case, reason="Changed again.").version for _ in range(count)]
        return [f'"version": {version}' for version in versions]

    auth = bearer(supervisor)
    endpoint = f"/api/v1/cases/{case.reference}/assessments"
    assert_no_n_plus_one(lambda: client.get(endpoint, headers=auth), add_more, cap=18)
