"""axe-core on every staff page, with data in it, and on the person's "who has your
information" page (issue 10, "Tests that must exist"): in English and in Arabic (right to
left), on a desktop screen and a 360px-wide phone.

One world of two organisations per language (the live server's database is emptied after
each test), one login per role, reused for every page and both widths. Every page is
checked before the test fails, so one run lists every violation of every page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_otp.oath import totp
from playwright.sync_api import BrowserContext, Page, ViewportSize, expect
from playwright.sync_api import Error as PlaywrightError

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, make_report
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Organisation, Role, User
from victory.cases.models import (
    AssessmentStage,
    CaseSection,
    CaseTask,
    ConsentGiver,
    ConsentMethod,
    ConsentPurpose,
    PersonRole,
    ReferralPurpose,
    RiskKind,
    RiskLevel,
)
from victory.cases.services import assessment as assessment_services
from victory.cases.services import case as case_services
from victory.cases.services import conference as conference_services
from victory.cases.services import consent as consent_services
from victory.cases.services import parts as parts_services
from victory.cases.services import referral as referral_services
from victory.reports.receipts import receipt_format

LANGUAGES = ["en", "ar"]
RIGHT_TO_LEFT = {"ar"}
VIEWPORTS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 360, "height": 740},
}


@dataclass
class World:
    home: Organisation
    other: Organisation
    worker: Membership
    supervisor: Membership
    admin: Membership
    receiver: Membership
    receipt: str
    pages: list[tuple[str, str, str]]  # (role, label, address without language)
    # (role, label, address, the words of the button that sends the form empty)
    refused: list[tuple[str, str, str, str]]


def _world() -> World:
    home = OrganisationFactory()
    other = OrganisationFactory(countries=["ES"])
    worker: Membership = MembershipFactory(organisation=home, role=Role.CASEWORKER, user__full_name="Rita Worker")
    supervisor: Membership = MembershipFactory(
        organisation=home, role=Role.SUPERVISOR, user__full_name="Sara Supervisor"
    )
    admin: Membership = MembershipFactory(organisation=home, role=Role.ORG_ADMIN)
    receiver: Membership = MembershipFactory(organisation=other, role=Role.CASEWORKER)
    sent = make_report(organisation=home)
    me = worker.user
    case = case_services.case_open_from_report(actor=me, report=sent.report)
    case = case_services.case_assign(actor=me, case=case, assignee=me, expected_version=None)
    witness = parts_services.person_add(
        actor=me,
        case=case,
        role=PersonRole.WITNESS,
        full_name="Marta Witness",
        email="marta@example.org",
        phone="+351 000 000 001",
        safe_times="Mornings",
        expected_version=None,
    )
    parts_services.task_add(
        actor=me,
        case=case,
        title="Call her back about the hearing",
        due_on=timezone.localdate() + timedelta(days=2),
        assigned_to=me,
        expected_version=None,
    )
    late = parts_services.task_add(
        actor=me, case=case, title="Send the leaflet on legal aid", due_on=timezone.localdate(), expected_version=None
    )
    # Overdue since yesterday: a due date in the past is refused when typed, so set it here.
    CaseTask.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    parts_services.note_add(actor=me, case=case, body="She prefers mornings.", expected_version=None)
    parts_services.note_add(
        actor=me, case=case, body="Her sister is involved.", confidential=True, expected_version=None
    )
    parts_services.risk_raise(
        actor=me,
        case=case,
        kind=RiskKind.INTIMIDATION,
        level=RiskLevel.HIGH,
        reason="The men wait at her bus stop every morning.",
        expected_version=None,
    )
    assessment_services.assessment_record(
        actor=me, case=case, stage=AssessmentStage.SCREENING, answers={}, expected_version=None
    )
    assessment_services.assessment_record(
        actor=me, case=case, stage=AssessmentStage.DETAILED, answers={}, expected_version=None
    )
    consent = consent_services.consent_record_given(
        actor=me,
        case=case,
        purpose=ConsentPurpose.SHARE_ORGANISATION,
        data_categories=[CaseSection.INCIDENT, CaseSection.CONTACT],
        recipient=other,
        given_by=ConsentGiver.PERSON,
        method=ConsentMethod.PHONE,
    )
    asked = consent_services.consent_request(
        actor=me, case=case, purpose=ConsentPurpose.POLICE, data_categories=[CaseSection.INCIDENT], recipient=other
    )
    referral = referral_services.referral_send(
        actor=me,
        case=case,
        recipient=other,
        purpose=ReferralPurpose.SUPPORT,
        sections=[CaseSection.INCIDENT, CaseSection.CONTACT],
        message="Could you offer her legal support?",
    )
    referral_services.referral_accept(actor=receiver.user, referral=referral, expected_version=None)
    case.refresh_from_db()
    case_services.case_message_send(
        actor=me, case=case, body="We are here for you. When may we call?", expected_version=None
    )
    case.refresh_from_db()
    conference = conference_services.conference_convene(
        actor=supervisor.user,
        case=case,
        scheduled_for=timezone.now() + timedelta(days=3),
        organisations=[other],
        victim_wishes="She wants the men kept away from her bus stop.",
        agenda="Safety at the bus stop; legal support.",
    )
    template = parts_services.reply_template_save(
        actor=supervisor.user,
        organisation=home,
        language="en",
        title="First answer",
        body="Thank you for telling us. We read your report.",
    )
    ref = case.reference

    def url(name: str, *args: Any) -> str:
        with translation.override("en"):
            return reverse(name, args=args).removeprefix("/en")

    pages = [
        ("worker", "accounts dashboard", url("accounts:dashboard")),
        ("worker", "backup codes", url("accounts:backup_codes")),
        ("admin", "members", url("accounts:members", home.pk)),
        ("worker", "reports list", url("reports:staff_list")),
        ("worker", "report page", url("reports:staff_detail", sent.report.reference)),
        ("worker", "caseworker's inbox", url("cases:inbox")),
        ("worker", "case list", url("cases:list")),
        ("worker", "case list with filters", url("cases:list") + "?status=open&assignee=me&risk_level=high"),
        ("worker", "open a case directly", url("cases:open_direct")),
        ("worker", "case page (caseworker)", url("cases:detail", ref)),
        ("supervisor", "case page (supervisor)", url("cases:detail", ref)),
        ("worker", "person edit", url("cases:person_edit", ref, witness.pk)),
        ("worker", "tasks due", url("cases:tasks_due")),
        ("worker", "assessment list", url("cases:assessment_list", ref)),
        ("worker", "new screening", url("cases:assessment_new", ref, AssessmentStage.SCREENING)),
        ("worker", "new detailed assessment", url("cases:assessment_new", ref, AssessmentStage.DETAILED)),
        ("worker", "assessment version", url("cases:assessment_detail", ref, 2)),
        ("worker", "consent add", url("cases:consent_add", ref)),
        ("worker", "consent withdraw", url("cases:consent_withdraw", ref, consent.pk)),
        ("worker", "consent replace", url("cases:consent_replace", ref, consent.pk)),
        ("worker", "consent answer", url("cases:consent_answer", ref, asked.pk)),
        ("worker", "referral new", url("cases:referral_new", ref)),
        ("worker", "referral revoke", url("cases:referral_revoke", ref, referral.reference)),
        ("supervisor", "vital-interest sharing", url("cases:referral_vital_interest", ref)),
        ("receiver", "referrals received", url("cases:referrals_received")),
        ("receiver", "referral detail", url("cases:referral_detail", referral.reference)),
        ("supervisor", "conference new", url("cases:conference_new", ref)),
        ("supervisor", "conference list", url("cases:conference_list")),
        ("supervisor", "conference detail", url("cases:conference_detail", conference.pk)),
        ("receiver", "conference detail (invited)", url("cases:conference_detail", conference.pk)),
        ("supervisor", "erase confirmation", url("cases:person_erase", ref, witness.pk)),
        ("supervisor", "legal hold", url("cases:legal_hold", ref)),
        ("supervisor", "access log", url("cases:access_log", ref)),
        ("supervisor", "reply templates", url("cases:reply_templates")),
        ("supervisor", "reply template edit", url("cases:reply_template_edit", template.pk)),
        ("reporter", "who has your information", url("cases:inbox_sharing")),
    ]
    # Each form sent empty: the page with its error summary and messages is checked too.
    refused = [
        ("worker", "consent add, empty", url("cases:consent_add", ref), "Save the consent"),
        ("worker", "referral new, empty", url("cases:referral_new", ref), "Send the referral"),
        (
            "worker",
            "third assessment without a reason",
            url("cases:assessment_new", ref, AssessmentStage.SCREENING),
            "Record this version",
        ),
        ("supervisor", "conference new, empty", url("cases:conference_new", ref), "Convene the conference"),
        ("supervisor", "erase without a reason", url("cases:person_erase", ref, witness.pk), "Erase the data"),
    ]
    return World(home, other, worker, supervisor, admin, receiver, sent.receipt, pages, refused)


def _log_in(page: Page, base: str, user: User) -> None:
    device = account_services.totp_device_create_confirmed(user=user)
    page.goto(f"{base}/en/staff/login/")
    page.locator("#id_email").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/en/staff/")


def _reporter_log_in(page: Page, base: str, receipt: str) -> None:
    page.goto(f"{base}/en/inbox/")
    page.locator("#id_receipt").fill(receipt_format(receipt))
    page.locator("main form button.button").click()
    expect(page).to_have_url(f"{base}/en/inbox/report/")


def _check(
    page: Page,
    url: str,
    language: str,
    check: Callable[[Page], Any],
) -> str | None:
    response = page.goto(url)
    if response is None or response.status != 200:
        return f"answered {response.status if response else 'nothing'}"
    html = page.locator("html")
    direction = "rtl" if language in RIGHT_TO_LEFT else "ltr"
    if (html.get_attribute("lang"), html.get_attribute("dir")) != (language, direction):
        return f"lang={html.get_attribute('lang')} dir={html.get_attribute('dir')}, not {language} {direction}"
    try:
        check(page)
    except AssertionError as error:
        return str(error)
    return None


def _check_refused(page: Page, url: str, language: str, button: str, check: Callable[[Page], Any]) -> str | None:
    response = page.goto(url)
    if response is None or response.status != 200:
        return f"answered {response.status if response else 'nothing'}"
    with translation.override(language):
        name = gettext(button)
    try:
        page.locator("main").get_by_role("button", name=name, exact=True).click()
    except PlaywrightError as error:
        return f"no button {name!r} to send the form: {error.message.splitlines()[0]}"
    page.wait_for_load_state("load")
    if page.locator(".error-summary").count() != 1:
        return "sent empty, the page showed no error summary"
    try:
        check(page)
    except AssertionError as error:
        return str(error)
    return None


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_staff_page_has_no_accessibility_violation(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    language: str,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    world = _world()
    base = live_server.url
    users = {
        "worker": world.worker.user,
        "supervisor": world.supervisor.user,
        "admin": world.admin.user,
        "receiver": world.receiver.user,
    }
    pages: dict[str, Page] = {}
    for role in {role for role, _label, _path in world.pages}:
        page = new_context(viewport=VIEWPORTS["desktop"]).new_page()
        if role == "reporter":
            _reporter_log_in(page, base, world.receipt)
        else:
            _log_in(page, base, users[role])
        pages[role] = page

    problems: list[str] = []
    for width, viewport in VIEWPORTS.items():
        for page in pages.values():
            page.set_viewport_size(viewport)
        for role, label, path in world.pages:
            problem = _check(pages[role], f"{base}/{language}{path}", language, assert_no_axe_violations)
            if problem:
                problems.append(f"[{language} {width}] {label} ({role}, /{language}{path}): {problem}")
        for role, label, path, button in world.refused:
            url = f"{base}/{language}{path}"
            problem = _check_refused(pages[role], url, language, button, assert_no_axe_violations)
            if problem:
                problems.append(f"[{language} {width}] {label} ({role}, /{language}{path}): {problem}")
    assert not problems, "\n\n".join(problems)
    assert third_party_requests == []
    # A form sent empty may answer 4xx; a missing stylesheet or script may not.
    assert [answer for answer in failed_responses if "/static/" in answer] == []
