"""Issue 8, item 3 in real Chromium: the warning before the idle timeout (WCAG 2.2.1) on
the reporter's inbox and on a staff page, "Stay logged in", and a message typed too late
kept for after the next login.

No test waits for real minutes: the page's timers run on Playwright's clock
(``page.clock``), and the server's idle clock is moved forward by the same amount
through the ``time`` the views read (``ServerClock``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, current_code
from victory.accounts import middleware
from victory.accounts import services as account_services
from victory.accounts.models import AuthenticatorDevice, Role
from victory.core.session_timeout import TOUCH_EVERY, warning_after
from victory.reports import services
from victory.reports.models import Report, ReportStatus
from victory.reports.receipts import receipt_format
from victory.reports.services import ReportDraft
from victory.reports.views import inbox

DIALOG = "[role=alertdialog]"
TYPED = "He was waiting outside my building again this morning."


class ServerClock:
    """Stands in for the ``time`` module of a view: real time plus an offset."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


@pytest.fixture
def server_clock(monkeypatch: pytest.MonkeyPatch) -> ServerClock:
    clock = ServerClock()
    monkeypatch.setattr(inbox, "time", clock)
    monkeypatch.setattr(middleware, "time", clock)
    return clock


def _report() -> tuple[str, str]:
    """A sent report: its receipt and its reference."""
    organisation = OrganisationFactory(name="Intake (fictional)", accepts_public_reports=True, countries=["PT"])
    services.country_intake_set(actor=None, country="PT", organisation=organisation)
    draft = ReportDraft(
        narrative="Two men shouted insults about my headscarf at the bus stop.",
        country="PT",
        reporter_role="victim",
        consents={"contact": False, "statistics": True},
        language="en",
    )
    sent = services.report_submit(draft=draft)
    assert sent.report.status == ReportStatus.RECEIVED
    return sent.receipt, sent.report.reference


def _inbox_login(page: Page, base: str, receipt: str) -> None:
    page.goto(f"{base}/en/inbox/")
    page.locator("#id_receipt").fill(receipt_format(receipt))
    page.locator("main form button.button").click()
    expect(page).to_have_url(f"{base}/en/inbox/report/")
    # The warning's timers are set by a deferred script: a clock moved on before it has
    # run would move past nothing (seen once under CI).
    page.wait_for_load_state("load")


def _assert_warning_shown(page: Page) -> None:
    dialog = page.locator(DIALOG)
    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("You will be logged out soon")
    stay = dialog.get_by_role("button", name="Stay logged in")
    expect(stay).to_be_visible()
    expect(stay).to_be_focused()  # the focus moved into the alert, on the way to stay
    box = stay.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44


def test_inbox_warns_before_the_timeout_and_stay_logged_in_keeps_the_session(
    new_context: Callable[..., Any],
    live_server: Any,
    server_clock: ServerClock,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
) -> None:
    receipt, _reference = _report()
    base = live_server.url
    idle = settings.VICTORY_REPORTER_IDLE_TIMEOUT
    warn_after = warning_after(idle)
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    page.clock.install()
    _inbox_login(page, base, receipt)
    page.locator("#id_body").fill(TYPED)

    expect(page.locator(DIALOG)).to_be_hidden()
    page.clock.fast_forward((warn_after - 5) * 1000)
    expect(page.locator(DIALOG)).to_be_hidden()  # not before its time
    page.clock.fast_forward(10 * 1000)
    _assert_warning_shown(page)
    assert_no_axe_violations(page)
    # At least two minutes before the server could end the session.
    assert idle - TOUCH_EVERY - warn_after >= 120

    server_clock.advance(warn_after + 5)
    page.locator(DIALOG).get_by_role("button", name="Stay logged in").click()
    expect(page.locator(DIALOG)).to_be_hidden()
    expect(page.locator("[data-session-status]")).to_have_text("You are still logged in.")
    expect(page.locator("#id_body")).to_have_value(TYPED)  # nothing typed was touched

    # Past the deadline the login set: the server still accepts the session.
    server_clock.advance(idle - warn_after)
    page.reload()
    expect(page).to_have_url(f"{base}/en/inbox/report/")
    expect(page.locator("h1")).to_have_text("Your report")
    assert third_party_requests == []


def test_inbox_message_typed_too_late_is_kept_for_the_next_login(
    new_context: Callable[..., Any],
    live_server: Any,
    server_clock: ServerClock,
    assert_no_axe_violations: Callable[[Page], Any],
) -> None:
    receipt, _reference = _report()
    base = live_server.url
    idle = settings.VICTORY_REPORTER_IDLE_TIMEOUT
    page = new_context().new_page()
    page.clock.install()
    _inbox_login(page, base, receipt)
    page.locator("#id_body").fill(TYPED)

    # Nobody pressed the button: at the end the alert says so, and that the text is kept.
    page.clock.fast_forward((idle + 1) * 1000)
    dialog = page.locator(DIALOG)
    expect(dialog).to_have_accessible_name("You have been logged out")
    expect(dialog).to_contain_text("What you typed is still on this page")
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    assert_no_axe_violations(page)
    dialog.get_by_role("button", name="Close").click()
    expect(page.locator("#id_body")).to_have_value(TYPED)

    server_clock.advance(idle + 1)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page).to_have_url(re.compile(r"/en/inbox/\?ended=idle$"))
    expect(page.locator("main")).to_contain_text("The message you wrote was not sent, but it is not lost.")
    page.locator("#id_receipt").fill(receipt_format(receipt))
    page.locator("main form button.button").click()
    expect(page.locator("main")).to_contain_text("Your message was not sent: you had been logged out.")
    expect(page.locator("#id_body")).to_have_value(TYPED)
    assert_no_axe_violations(page)


def test_staff_page_warns_before_the_timeout_and_stay_logged_in_keeps_the_session(
    new_context: Callable[..., Any],
    live_server: Any,
    server_clock: ServerClock,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
) -> None:
    _receipt, reference = _report()
    organisation = Report.objects.get(reference=reference).organisation
    membership = MembershipFactory(organisation=organisation, role=Role.CASEWORKER)
    account_services.totp_device_create_confirmed(user=membership.user)
    base = live_server.url
    idle = settings.VICTORY_IDLE_TIMEOUT
    warn_after = warning_after(idle)
    page = new_context().new_page()
    page.clock.install()
    page.goto(f"{base}/en/staff/login/")
    page.locator("#id_email").fill(membership.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/en/staff/login/code/")
    device = AuthenticatorDevice.objects.get(user=membership.user, confirmed=True)
    page.locator("#id_code").fill(current_code(device))
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/en/staff/")
    page.goto(f"{base}/en/staff/reports/{reference}/")
    page.locator("#id_body").fill("We can meet you on Tuesday.")

    page.clock.fast_forward((warn_after + 5) * 1000)
    _assert_warning_shown(page)
    assert_no_axe_violations(page)

    server_clock.advance(warn_after + 5)
    page.locator(DIALOG).get_by_role("button", name="Stay logged in").click()
    expect(page.locator(DIALOG)).to_be_hidden()
    expect(page.locator("#id_body")).to_have_value("We can meet you on Tuesday.")

    server_clock.advance(idle - warn_after)
    page.reload()
    expect(page).to_have_url(f"{base}/en/staff/reports/{reference}/")
    expect(page.locator("h1")).to_contain_text(reference)

    # Left alone past the end: "Stay logged in" now learns the session is over, and says so.
    page.clock.fast_forward((warn_after + 5) * 1000)
    server_clock.advance(idle + 1)
    page.locator(DIALOG).get_by_role("button", name="Stay logged in").click()
    expect(page.locator(DIALOG)).to_have_accessible_name("You have been logged out")
    expect(page.locator(DIALOG)).to_contain_text("What you typed is still on this page")
    assert third_party_requests == []
