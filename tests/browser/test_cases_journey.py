"""Two organisations work one victim's case together, in real Chromium (issue 10, "Tests that
must exist"): a caseworker of A opens a case from a report received, takes it, assesses the
person's needs, records their consent and refers to B with only the agreed parts; B reads
exactly those parts and accepts; A sees it on the timeline; the person sees who has what in
their inbox and takes their agreement back; B's page no longer shows what was shared.

Run in two languages: every heading and button is found by its translated words (gettext
under ``translation.override``), so the test holds whatever the wording."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django_otp.oath import totp
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, make_report
from victory.accounts import services as account_services
from victory.accounts.models import Membership, Role, User
from victory.cases.models import (
    Case,
    CaseSection,
    ConsentPurpose,
    ConsentRecord,
    ConsentStatus,
    PersonRole,
    Referral,
    ReferralPurpose,
    ReferralStatus,
)
from victory.cases.services import parts as parts_services
from victory.reports.receipts import receipt_format

NARRATIVE = "Two men shouted insults about my headscarf and pushed me at the bus stop."
WITNESS = "Marta Witness"
NOTE = "She prefers to be called in the mornings."


def _url(lang: str, name: str, *args: Any) -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def _t(lang: str, text: str) -> str:
    with translation.override(lang):
        return gettext(text)


def _log_in(page: Page, base: str, user: User, lang: str) -> None:
    device = account_services.totp_device_create_confirmed(user=user)
    page.goto(f"{base}/{lang}/staff/login/")
    page.locator("#id_email").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{lang}/staff/")


def _submit(page: Page, label: str) -> None:
    page.locator("main").get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state("load")


def _a_side(page: Page, base: str, lang: str, report_reference: str, b_name: str, b_pk: int) -> Case:
    page.goto(base + _url(lang, "reports:staff_detail", report_reference))
    _submit(page, _t(lang, "Open a case"))
    expect(page).to_have_url(re.compile(r"/staff/cases/[^/]+/$"))
    case = Case.objects.get(report__reference=report_reference)
    case_page = base + _url(lang, "cases:detail", case.reference)

    # Take the case: "Me" in the list of who works it.
    page.locator("#assign-assignee").select_option(label=_t(lang, "Me"))
    page.locator("form[action$='/assign/'] button[type=submit]").click()
    page.wait_for_load_state("load")
    case.refresh_from_db()
    assert case.assigned_to is not None
    # A witness and a note, which the person did not agree to share.
    parts_services.person_add(
        actor=case.assigned_to, case=case, role=PersonRole.WITNESS, full_name=WITNESS, expected_version=None
    )
    parts_services.note_add(actor=case.assigned_to, case=case, body=NOTE, expected_version=None)

    # A screening, then a detailed assessment.
    page.goto(base + _url(lang, "cases:assessment_new", case.reference, "screening"))
    expect(page.locator("h1")).to_contain_text(_t(lang, "Screening"))
    _submit(page, _t(lang, "Record this version"))
    expect(page).to_have_url(re.compile(r"/assessments/1/$"))
    page.goto(base + _url(lang, "cases:assessment_new", case.reference, "detailed"))
    expect(page.locator("h1")).to_contain_text(_t(lang, "Detailed assessment"))
    _submit(page, _t(lang, "Record this version"))
    expect(page).to_have_url(re.compile(r"/assessments/2/$"))
    assert list(case.assessments.order_by("version").values_list("stage", flat=True)) == [
        "screening",
        "detailed",
    ]

    # The person agreed, on the phone, to share what happened and their contact details with B.
    page.goto(case_page)
    expect(page.locator("#sharing-heading")).to_have_text(_t(lang, "Consent and referrals"))
    page.get_by_role("link", name=_t(lang, "Record or ask for a consent"), exact=True).click()
    page.locator("input[name=mode][value=given]").check()
    page.locator("#id_purpose").select_option(ConsentPurpose.SHARE_ORGANISATION)
    page.locator(f"input[name=data_categories][value={CaseSection.INCIDENT}]").check()
    page.locator(f"input[name=data_categories][value={CaseSection.CONTACT}]").check()
    page.locator("#id_recipient").select_option(str(b_pk))
    page.locator("#id_method").select_option("phone")
    _submit(page, _t(lang, "Save the consent"))
    # The report's own consents (contact, statistics) are the case's first records; this
    # one names organisation B.
    consent = ConsentRecord.objects.get(case=case, recipient_id=b_pk)
    assert consent.status == ConsentStatus.GIVEN
    assert sorted(consent.data_categories) == ["contact", "incident"]

    # Refer to B with those two parts.
    page.goto(case_page)
    page.get_by_role("link", name=_t(lang, "Refer to another organisation"), exact=True).click()
    expect(page.locator("h1")).to_contain_text(_t(lang, "Refer to another organisation"))
    page.locator("#id_recipient").select_option(str(b_pk))
    page.locator("#id_purpose").select_option(ReferralPurpose.SUPPORT)
    page.locator(f"input[name=sections][value={CaseSection.INCIDENT}]").check()
    page.locator(f"input[name=sections][value={CaseSection.CONTACT}]").check()
    page.locator("#id_message").fill("Could you offer her legal support?")
    _submit(page, _t(lang, "Send the referral"))
    referral = Referral.objects.get(case=case)
    assert referral.status == ReferralStatus.SENT
    with translation.override(lang):
        sent_line = gettext("Referred to %(organisation)s for %(purpose)s.") % {
            "organisation": b_name,
            "purpose": ReferralPurpose.SUPPORT.label,
        }
    page.goto(case_page)
    expect(page.locator("main")).to_contain_text(sent_line)
    return case


@pytest.mark.parametrize("lang", ["en", "es"])
def test_two_organisations_work_one_case_with_the_persons_consent(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    lang: str,
    third_party_requests: list[str],
) -> None:
    base = live_server.url
    home = OrganisationFactory()
    other = OrganisationFactory(countries=["ES"])
    worker: Membership = MembershipFactory(organisation=home, role=Role.CASEWORKER)
    receiver: Membership = MembershipFactory(organisation=other, role=Role.CASEWORKER)
    sent = make_report(organisation=home, narrative=NARRATIVE, language=lang)

    # --- Organisation A ------------------------------------------------------------------
    _log_in(page, base, worker.user, lang)
    page.goto(base + _url(lang, "reports:staff_list"))
    page.get_by_role("link", name=sent.report.reference).click()
    page.wait_for_load_state("load")
    expect(page.locator("h1")).to_contain_text(sent.report.reference)
    case = _a_side(page, base, lang, sent.report.reference, other.name, other.pk)
    referral = Referral.objects.get(case=case)

    # --- Organisation B: the referral received, only the agreed parts, accepted ----------
    b_page = new_context().new_page()
    _log_in(b_page, base, receiver.user, lang)
    b_page.goto(base + _url(lang, "cases:referrals_received"))
    b_page.get_by_role("link", name=referral.reference).click()
    b_page.wait_for_load_state("load")
    main = b_page.locator("main")
    expect(main.get_by_role("heading", name=_t(lang, "What was shared"), exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name=_t(lang, "What happened"), exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name=_t(lang, "The person harmed"), exact=True)).to_be_visible()
    expect(main).to_contain_text("Could you offer her legal support?")
    # Nothing else of the case: no needs assessment, no other people, no notes.
    expect(main.get_by_role("heading", name=_t(lang, "Other people linked to the case"), exact=True)).to_have_count(0)
    expect(main).to_contain_text(NARRATIVE)
    b_text = main.inner_text()
    assert case.reference not in b_text
    assert WITNESS not in b_text and NOTE not in b_text
    _submit(b_page, _t(lang, "Accept the referral"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED

    # --- A sees "accepted" on the case's timeline -----------------------------------------
    with translation.override(lang):
        accepted_line = gettext("%(organisation)s accepted the referral.") % {"organisation": other.name}
    page.goto(base + _url(lang, "cases:detail", case.reference))
    expect(page.locator("main")).to_contain_text(accepted_line)

    # --- The person, with the receipt: who has what, and taking it back -------------------
    reporter = new_context().new_page()
    reporter.goto(base + _url(lang, "reports:inbox_login"))
    reporter.locator("#id_receipt").fill(receipt_format(sent.receipt))
    reporter.locator("main form button.button").click()
    reporter.wait_for_load_state("load")
    reporter.goto(base + _url(lang, "cases:inbox_sharing"))
    expect(reporter.locator("h1")).to_have_text(_t(lang, "Who has your information"))
    expect(reporter.locator("#referrals")).to_have_text(_t(lang, "Organisations your case was shared with"))
    expect(reporter.locator("main")).to_contain_text(other.name)
    expect(reporter.locator("main")).to_contain_text(_t(lang, "They agreed to help."))
    reporter.locator(f"form[action$='/consents/{referral.consent_id}/withdraw/'] button").click()
    reporter.wait_for_load_state("load")
    expect(reporter.locator("main")).to_contain_text(_t(lang, "No longer shared"))
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED

    # --- B's page no longer shows what was shared -----------------------------------------
    b_page.reload()
    main = b_page.locator("main")
    expect(main.get_by_role("heading", name=_t(lang, "No longer shared"), exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name=_t(lang, "What was shared"), exact=True)).to_have_count(0)
    assert NARRATIVE not in main.inner_text()
    assert "Could you offer her legal support?" not in main.inner_text()
    assert third_party_requests == []
