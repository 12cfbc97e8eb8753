""""Exit this page" ends the visit on this device, in real Chromium: from the inbox,
from the "your report was sent" page (and its PDF), and half-way through the form with
a file added; with JavaScript (the button, or Shift pressed 3 times) and without it.

After each exit:
(a) Back, pressed until it leaves the site, shows nothing of the visit (no story, no
    file name, no reference, no receipt, not even in a form field): what the safety
    page promises;
(b) the server refuses the session cookie captured before the exit (replayed in a
    fresh browser context): it opens no inbox, sent page, PDF or draft;
(c) an unsent report's files are gone from the database and from storage.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import BrowserContext, Page, expect

from tests.reports import conftest as reports_fixtures
from victory.reports.models import Report, ReportEvidence
from victory.reports.receipts import receipt_format
from victory.reports.services import SubmittedReport

START_URL = "https://start.invalid/"
START_HTML = '<!doctype html><html lang="en"><title>Start</title><p>Somewhere else</p></html>'
BUTTON = "a[data-exit-this-page]"
NARRATIVE = "A man spat at me on the 28 tram and called me a dirty foreigner."
FILE_NAME = "bruise-on-my-arm.png"
MODES = ["button", "shift", "no-javascript"]



@pytest.fixture
def exit_url(live_server: Any, settings: Any) -> str:
    """The neutral site, here a file of the live server itself.

    Playwright does not reliably hand the cross-site redirect of a navigation started by
    a script (``location.replace``) to its routes (microsoft/playwright#33882), so the
    conftest's stub for the real neutral site would not answer it. A same-server address
    needs no stub; the exit address, its redirect and its headers are the real ones.
    """
    url = f"{live_server.url}/static/favicon.svg"
    settings.VICTORY_EXIT_URL = url
    return url


# The reports tests' fixtures: an organisation receiving reports from Portugal, a sent report.
receiving_organisation = reports_fixtures.receiving_organisation
submitted = reports_fixtures.submitted


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def _open(new_context: Callable[..., BrowserContext], mode: str) -> tuple[BrowserContext, Page]:
    context = new_context(java_script_enabled=mode != "no-javascript")
    page = context.new_page()
    # A page route wins over the context route that blocks other hosts.
    page.route(START_URL, lambda route: route.fulfill(content_type="text/html", body=START_HTML))
    page.goto(START_URL)
    return context, page


def _session_cookie(context: BrowserContext) -> str:
    values = [c["value"] for c in context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    assert values, "the visit should have a session before the exit"
    return values[0]


def _exit(page: Page, mode: str, exit_url: str) -> None:
    expect(page.locator(BUTTON)).to_be_visible()
    if mode == "shift":
        # Like a person in a hurry: not all within one second.
        for press in range(3):
            if press:
                page.wait_for_timeout(600)
            page.keyboard.press("Shift")
    else:
        page.locator(BUTTON).click()
    page.wait_for_url(exit_url)


def _what_is_shown(page: Page) -> str:
    """Everything a person could read on the page, form fields' values included."""
    parts = [page.title(), page.locator("body").inner_text()]
    fields = page.locator("input:not([type=hidden]):not([type=file]), textarea")
    parts += [fields.nth(index).input_value() for index in range(fields.count())]
    return "\n".join(parts)


def _back_shows_nothing(page: Page, live_server: Any, secrets: list[str]) -> list[str]:
    """Press Back until the page before the visit; return the VicTory addresses seen."""
    seen = []
    for _ in range(20):
        page.go_back(wait_until="load")
        if page.url == START_URL:
            break
        if page.url.startswith(live_server.url) and "/static/" not in page.url:
            shown = _what_is_shown(page)
            for secret in secrets:
                assert secret not in shown, f"Back showed {secret!r} at {page.url}"
            seen.append(page.url)
    else:
        pytest.fail("Back never reached the page before the visit")
    return seen


def _replayed(new_context: Callable[..., BrowserContext], live_server: Any, cookie: str) -> Page:
    """A fresh browser holding only the session cookie the exited one had."""
    context = new_context()
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context.new_page()


def _assert_cookies_gone(context: BrowserContext) -> None:
    names = {c["name"] for c in context.cookies()}
    assert settings.SESSION_COOKIE_NAME not in names
    assert settings.CSRF_COOKIE_NAME not in names


@pytest.mark.parametrize("mode", MODES)
def test_exit_from_the_inbox_logs_out(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    exit_url: str,
    submitted: SubmittedReport,
    third_party_requests: list[str],
    mode: str,
) -> None:
    base = live_server.url
    reference = submitted.report.reference
    receipt = receipt_format(submitted.receipt)
    context, page = _open(new_context, mode)
    page.goto(f"{base}/en/inbox/")
    page.locator("#id_receipt").fill(receipt)
    page.locator("main form button.button").first.click()
    page.wait_for_url(f"{base}/en/inbox/report/")
    expect(page.locator("main")).to_contain_text(reference)
    cookie = _session_cookie(context)

    _exit(page, mode, exit_url)

    _assert_cookies_gone(context)
    seen = _back_shows_nothing(page, live_server, [reference, receipt, submitted.receipt, NARRATIVE[:20]])
    assert any("/en/inbox/" in url for url in seen)
    # Back to the inbox address: the login page, asking for the receipt again.
    page.goto(f"{base}/en/inbox/report/")
    expect(page.locator("#id_receipt")).to_be_visible()
    replay = _replayed(new_context, live_server, cookie)
    replay.goto(f"{base}/en/inbox/report/")
    expect(replay.locator("#id_receipt")).to_be_visible()
    expect(replay.locator("main")).not_to_contain_text(reference)
    assert third_party_requests == []


def _send_a_short_report(page: Page, base: str) -> None:
    page.goto(f"{base}/en/report/")
    page.locator("button[value=start]").click()
    page.wait_for_url(f"{base}/en/report/who/")
    page.goto(f"{base}/en/report/what-happened/")
    page.locator("#id_narrative").fill(NARRATIVE)
    page.locator("main form button.button:not(.button--secondary)").first.click()
    page.wait_for_load_state("load")
    page.goto(f"{base}/en/report/where/")
    page.locator("#id_country").select_option("PT")
    page.locator("main form button.button:not(.button--secondary)").first.click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize("mode", MODES)
def test_exit_from_the_sent_page_ends_it_and_the_pdf(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    exit_url: str,
    receiving_organisation: Any,
    third_party_requests: list[str],
    mode: str,
) -> None:
    base = live_server.url
    context, page = _open(new_context, mode)
    _send_a_short_report(page, base)
    page.goto(f"{base}/en/report/check/")
    page.get_by_role("button", name="Send report").click()
    page.wait_for_url(f"{base}/en/report/sent/")
    receipt = page.locator("#receipt").inner_text().strip()
    report = Report.objects.get()
    expect(page.locator("main")).to_contain_text(report.reference)
    pdf_url = f"{base}/en/report/acknowledgement.pdf"
    pdf = context.request.get(pdf_url)
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    cookie = _session_cookie(context)

    _exit(page, mode, exit_url)

    _assert_cookies_gone(context)
    _back_shows_nothing(page, live_server, [report.reference, receipt, NARRATIVE[:20]])
    # The PDF's address now gives the same neutral page as for a report never sent.
    assert context.request.get(pdf_url).status == 404
    replay = _replayed(new_context, live_server, cookie)
    assert replay.request.get(pdf_url).status == 404
    replay.goto(f"{base}/en/report/sent/")
    expect(replay.locator("main")).not_to_contain_text(report.reference)
    expect(replay.locator("#receipt")).to_have_count(0)
    assert third_party_requests == []


@pytest.mark.parametrize("mode", MODES)
def test_exit_half_way_through_the_form_discards_the_draft_and_its_files(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    exit_url: str,
    receiving_organisation: Any,
    third_party_requests: list[str],
    tmp_path: Any,
    mode: str,
) -> None:
    base = live_server.url
    context, page = _open(new_context, mode)
    _send_a_short_report(page, base)  # answered, not sent
    photo = tmp_path / FILE_NAME
    photo.write_bytes(_png())
    page.goto(f"{base}/en/report/files/")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.locator("button[value=add]").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text(FILE_NAME)
    evidence = ReportEvidence.objects.get()
    storage, name = evidence.file.storage, evidence.file.name
    assert name is not None
    assert storage.exists(name)
    # The person is on the page with their story when they need to leave.
    page.goto(f"{base}/en/report/what-happened/")
    expect(page.locator("#id_narrative")).to_have_value(NARRATIVE)
    cookie = _session_cookie(context)

    _exit(page, mode, exit_url)

    assert not ReportEvidence.objects.exists()
    assert not storage.exists(name)
    assert not Report.objects.exists()
    _assert_cookies_gone(context)
    _back_shows_nothing(page, live_server, [NARRATIVE[:20], FILE_NAME])
    page.goto(f"{base}/en/report/")
    expect(page.locator("main")).not_to_contain_text("Continue your report")
    replay = _replayed(new_context, live_server, cookie)
    replay.goto(f"{base}/en/report/")
    expect(replay.locator("main")).not_to_contain_text("Continue your report")
    replay.goto(f"{base}/en/report/what-happened/")
    assert NARRATIVE[:20] not in _what_is_shown(replay)
    assert third_party_requests == []


def test_the_sites_other_open_tabs_leave_too(
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    exit_url: str,
    submitted: SubmittedReport,
    third_party_requests: list[str],
) -> None:
    """The inbox left open in another tab must not stay on screen after the exit."""
    context = new_context()
    inbox = context.new_page()
    inbox.goto(f"{live_server.url}/en/inbox/")
    inbox.locator("input[name=receipt]").fill(submitted.receipt)
    inbox.locator("main form button[type=submit]").click()
    inbox.wait_for_url(f"{live_server.url}/en/inbox/report/")
    expect(inbox.locator("main")).to_contain_text(submitted.report.reference)

    other = context.new_page()
    other.goto(f"{live_server.url}/en/rights/")
    other.locator(BUTTON).click()
    other.wait_for_url(exit_url)

    inbox.wait_for_url(exit_url)
    assert submitted.report.reference not in inbox.content()
    assert third_party_requests == []
