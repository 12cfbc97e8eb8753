"""The "Exit this page" control: a person in danger leaves at once, and Back does not return.

Each leaving test first opens a neutral start page (served by the test, on a host of its
own), then VicTory's home page, then exits. The exit must take the place of VicTory's
history entry (same history length), and Back must lead to the start page.

Shift pressed 3 times works like GOV.UK's component: within 5 seconds, any other key
starts again, each press shown on the button and announced. The bar stays compact on
a phone at 200 % text in every language. Staff pages carry none of it. What the exit
ends on the server is tested in test_exit_ends_visit.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

START_URL = "https://start.invalid/"
START_HTML = '<!doctype html><html lang="en"><title>Start</title><p>Somewhere else</p></html>'
BUTTON = "a[data-exit-this-page]"
HINT = "[data-exit-this-page-hint]"
STATUS = "[data-exit-this-page-status]"
INDICATOR = "[data-exit-this-page-indicator]"
LIT = ".exit-this-page__light--on"
PHONE = {"width": 360, "height": 740}
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@pytest.fixture
def exit_url(live_server: Any, settings: Any) -> str:
    """The neutral site, here a file of the live server (see test_exit_ends_visit.py:
    Playwright does not reliably route the cross-site redirect of a scripted navigation)."""
    url = f"{live_server.url}/static/favicon.svg"
    settings.VICTORY_EXIT_URL = url
    return url


def home_url(live_server: LiveServer, lang: str = "en") -> str:
    with translation.override(lang):
        return live_server.url + reverse("core:home")


def open_home_after_start_page(page: Page, live_server: Any) -> int:
    """Open the start page, then the home page; return the history length on the home page."""
    # A page route wins over the context route that blocks other hosts.
    page.route(START_URL, lambda route: route.fulfill(content_type="text/html", body=START_HTML))
    page.goto(START_URL)
    page.goto(home_url(live_server))
    expect(page.locator(BUTTON)).to_be_visible()
    length: int = page.evaluate("history.length")
    return length


def assert_left_without_trace(
    page: Page,
    live_server: Any,
    exit_url: str,
    third_party_requests: list[str],
    *,
    history_length: int,
) -> None:
    page.wait_for_url(exit_url)
    # The exit took the VicTory entry's place instead of being added after it.
    assert page.evaluate("history.length") == history_length, (
        "the exit added a history entry: Back would show the VicTory page again"
    )
    page.go_back()
    assert page.url == START_URL
    expect(page).to_have_title("Start")
    assert third_party_requests == []


LEAVING_OBSERVER = """() => new MutationObserver(() => {
    const overlay = document.querySelector('.exit-this-page-overlay');
    if (!overlay || window.recorded) return;
    window.recorded = true;
    const alert = overlay.querySelector('[role=alert]');
    window.recordExit({
        title: document.title, text: overlay.textContent,
        alert: alert ? alert.textContent : null,
        rest: document.querySelectorAll('main, header, footer, a, h1, p:not(.exit-this-page-overlay p)').length,
    });
}).observe(document.documentElement, {childList: true, subtree: true})"""


def press_shift(page: Page, times: int = 1) -> None:
    for _ in range(times):
        page.keyboard.press("Shift")


def test_clicking_the_button_leaves_and_back_does_not_return(
    page: Page, live_server: Any, exit_url: str, third_party_requests: list[str]
) -> None:
    history_length = open_home_after_start_page(page, live_server)

    page.locator(BUTTON).click()

    assert_left_without_trace(page, live_server, exit_url, third_party_requests, history_length=history_length)


def test_shift_pressed_three_times_over_a_few_seconds_leaves_and_back_does_not_return(
    page: Page, live_server: Any, exit_url: str, third_party_requests: list[str]
) -> None:
    page.clock.install()
    history_length = open_home_after_start_page(page, live_server)
    # The hint is shown by the script once it listens for the key.
    expect(page.locator(HINT)).to_be_visible()

    # Like a frightened person: about 3 seconds for the three presses.
    press_shift(page)
    page.clock.run_for(1500)
    press_shift(page)
    page.clock.run_for(1500)
    press_shift(page)

    assert_left_without_trace(page, live_server, exit_url, third_party_requests, history_length=history_length)


def test_each_press_is_shown_and_announced_and_leaving_says_so(
    page: Page,
    live_server: Any,
    exit_url: str,
    assert_no_axe_violations: Callable[[Page], Any],
) -> None:
    open_home_after_start_page(page, live_server)
    status = page.locator(STATUS)
    expect(page.locator(INDICATOR)).to_be_hidden()
    expect(status).to_have_attribute("aria-live", "polite")

    press_shift(page)
    expect(page.locator(INDICATOR)).to_be_visible()
    expect(page.locator(LIT)).to_have_count(1)
    expect(status).to_have_text("Shift, press 2 more times to exit.")
    press_shift(page)
    expect(page.locator(LIT)).to_have_count(2)
    expect(status).to_have_text("Shift, press 1 more time to exit.")
    assert_no_axe_violations(page)  # the bar with its marks lit and the live region

    # What the page shows the moment it starts leaving, recorded from inside it.
    seen: list[dict[str, Any]] = []
    page.expose_function("recordExit", lambda snapshot: seen.append(snapshot))
    page.evaluate(LEAVING_OBSERVER)
    press_shift(page)
    page.wait_for_url(exit_url)

    assert seen, "the third press should have blanked the page before leaving"
    assert seen[0]["title"] == ""
    assert seen[0]["text"].startswith("Loading.")
    assert seen[0]["alert"] == "Exit this page activated"
    assert seen[0]["rest"] == 0  # nothing of the page is left while the neutral site loads


def test_another_key_starts_the_count_again(page: Page, live_server: Any, third_party_requests: list[str]) -> None:
    open_home_after_start_page(page, live_server)
    expect(page.locator(HINT)).to_be_visible()

    for key in ("Shift", "Shift", "KeyA", "Shift"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)

    assert page.url == home_url(live_server)
    expect(page.locator(LIT)).to_have_count(1)  # counting again from the last press
    assert third_party_requests == []


def test_presses_more_than_five_seconds_apart_do_not_leave(page: Page, live_server: Any) -> None:
    page.clock.install()
    open_home_after_start_page(page, live_server)

    press_shift(page, 2)
    page.clock.run_for(5100)
    expect(page.locator(INDICATOR)).to_be_hidden()
    expect(page.locator(STATUS)).to_have_text("")
    press_shift(page)
    page.wait_for_timeout(300)

    assert page.url == home_url(live_server)
    expect(page.locator(LIT)).to_have_count(1)


def test_without_javascript_the_button_is_a_link_to_the_exit_address(
    new_context: Any, live_server: Any, exit_url: str, third_party_requests: list[str]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(home_url(live_server))
    button = page.locator(BUTTON)
    expect(button).to_have_attribute("href", "/en/exit/")
    # The Shift shortcut needs the script, so its hint stays hidden.
    expect(page.locator(HINT)).to_be_hidden()

    button.click()

    page.wait_for_url(exit_url)
    assert third_party_requests == []


def test_a_touch_only_phone_gets_no_keyboard_hint(new_context: Callable[..., BrowserContext], live_server: Any) -> None:
    phone = new_context(has_touch=True, is_mobile=True, viewport=PHONE).new_page()
    phone.goto(home_url(live_server))
    # What Chromium reports for an emulated phone: no hover, a coarse pointer only.
    assert phone.evaluate("matchMedia('(any-hover: hover), (any-pointer: fine)').matches") is False
    expect(phone.locator(BUTTON)).to_be_visible()
    expect(phone.locator(HINT)).to_be_hidden()


def test_a_staff_page_has_no_exit_control_and_no_listener(
    page: Page, live_server: Any, exit_requests: list[str]
) -> None:
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    page.goto(f"{live_server.url}/en/staff/login/")
    page.wait_for_load_state("load")

    assert page.locator("[data-exit-this-page], .exit-this-page").count() == 0
    assert not any("exit-this-page" in url for url in scripts)
    press_shift(page, 3)
    page.wait_for_timeout(300)
    assert page.url == f"{live_server.url}/en/staff/login/"


BAR_BOX = """() => {
    const bar = document.querySelector('.exit-this-page');
    const button = bar.querySelector('[data-exit-this-page]');
    const text = button.querySelector('.exit-this-page__text') || button;
    const b = bar.getBoundingClientRect(), k = button.getBoundingClientRect(), t = text.getBoundingClientRect();
    const overflows = (el) => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    return {
        bar: b.height, buttonHeight: k.height, buttonWidth: k.width,
        fontSize: parseFloat(getComputedStyle(text).fontSize),
        // The words are all there: nothing overflows the button or the bar, nothing is cut.
        clipped: overflows(bar) || overflows(button) || t.left < k.left - 1 || t.right > k.right + 1
            || t.top < k.top - 1 || t.bottom > k.bottom + 1,
        inside: k.left >= b.left - 1 && k.right <= b.right + 1 && k.bottom <= b.bottom + 1,
    };
}"""


@pytest.mark.parametrize("how", ["root-200%", "default-font-doubled"])
@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_bar_stays_compact_on_a_phone_at_200_percent_text(
    new_context: Callable[..., BrowserContext], live_server: Any, lang: str, how: str
) -> None:
    phone = new_context(viewport=PHONE).new_page()
    if how == "default-font-doubled":
        # Chromium's own setting for the default font size (16 px), doubled.
        phone.context.new_cdp_session(phone).send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})
    phone.goto(home_url(live_server, lang))
    if how == "root-200%":
        phone.evaluate("document.documentElement.style.fontSize = '200%'")

    box = phone.evaluate(BAR_BOX)

    assert box["fontSize"] >= 31, box  # the text really is twice the size
    assert box["bar"] <= PHONE["height"] * 0.15, box  # at most about 15 % of the screen (111 px)
    assert box["buttonHeight"] >= 44, box
    assert box["buttonWidth"] >= 44, box
    assert not box["clipped"], box
    assert box["inside"], box


def test_the_safety_page_says_what_exit_ends(
    page: Page, live_server: Any, assert_no_axe_violations: Callable[[Page], Any]
) -> None:
    page.goto(f"{live_server.url}/en/safety/")
    expect(page.locator("[data-exit-ends]")).to_contain_text("you are logged out of your secure inbox")
    expect(page.locator("[data-exit-back]")).to_contain_text("the Back button shows none of this again")
    assert_no_axe_violations(page)


def test_the_home_page_requests_nothing_from_another_host(
    page: Page,
    live_server: Any,
    third_party_requests: list[str],
    exit_requests: list[str],
    failed_responses: list[str],
) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto(home_url(live_server))
    page.wait_for_load_state("networkidle")

    assert requested, "the page made no request at all"
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert third_party_requests == []
    assert exit_requests == []
    assert failed_responses == []
