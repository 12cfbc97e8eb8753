"""Issue 7, item 9 in real Chromium: the phone a report was sent from can no longer show
it once the person asked, from another device, for its deletion."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from tests.factories import OrganisationFactory
from victory.reports import services

PRIMARY = "main form button.button:not(.button--secondary)"
NARRATIVE = "Someone wrote threats on my car because of my religion."


def _send_a_report(phone: Page, base: str) -> str:
    """Only the narrative, every other page left empty; returns the receipt shown."""
    phone.goto(f"{base}/en/report/")
    phone.locator("button[value=start]").click()
    phone.wait_for_load_state("load")
    while "/report/sent/" not in phone.url:
        if phone.locator("#id_narrative").count():
            phone.locator("#id_narrative").fill(NARRATIVE)
        button = phone.locator("button[value=continue]")
        (button if button.count() else phone.locator(PRIMARY).first).click()
        phone.wait_for_load_state("load")
    return re.sub(r"\D", "", phone.locator("#receipt").inner_text())


def test_after_a_deletion_request_the_phone_shows_neither_the_sent_page_nor_the_pdf(
    new_context: Callable[..., Any],
    live_server: Any,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    organisation = OrganisationFactory(name="Intake (fictional)", accepts_public_reports=True)
    services.country_intake_set(actor=None, country="*", organisation=organisation)
    base = live_server.url
    phone = new_context(accept_downloads=True).new_page()
    receipt = _send_a_report(phone, base)
    assert len(receipt) == 24
    with phone.expect_download():
        phone.locator("a[href='/en/report/acknowledgement.pdf']").click()

    laptop = new_context().new_page()
    laptop.goto(f"{base}/en/inbox/")
    laptop.locator("#id_receipt").fill(receipt)
    laptop.locator("main form button.button").click()
    laptop.wait_for_load_state("load")
    laptop.locator("a[href='/en/inbox/report/delete/']").click()
    laptop.locator("main form button.button--warning").click()
    laptop.wait_for_load_state("load")
    expect(laptop.locator("h1")).to_have_text("Your report will be deleted")

    phone.reload()
    expect(phone.locator("h1")).to_have_text("This page is no longer available")
    expect(phone.locator("main")).not_to_contain_text("VT-")
    assert_no_axe_violations(phone)
    response = phone.goto(f"{base}/en/report/acknowledgement.pdf")
    assert response is not None and response.status == 404
    expect(phone.locator("h1")).to_have_text("This acknowledgement is no longer available")
    expect(phone.locator("main")).not_to_contain_text(NARRATIVE)
    assert_no_axe_violations(phone)

    assert failed_responses == [f"404 {base}/en/report/acknowledgement.pdf"]
    assert third_party_requests == []
