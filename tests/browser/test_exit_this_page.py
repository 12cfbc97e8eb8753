"""The "Exit this page" button: a person in danger leaves at once, and Back does not return.

Each test first opens a neutral start page (served by the test, on a host of its own),
then VicTory's home page, then exits. The exit site must take the place of VicTory's
history entry (same history length), and Back must lead to the start page.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect

START_URL = "https://start.invalid/"
START_HTML = '<!doctype html><html lang="en"><title>Start</title><p>Somewhere else</p></html>'
BUTTON = "a[data-exit-this-page]"
HINT = "[data-exit-this-page-hint]"


def home_url(live_server: Any) -> str:
    with translation.override("en"):
        return live_server.url + reverse("core:home")


def open_home_after_start_page(page: Page, live_server: Any) -> int:
    """Open the start page, then the home page; return the history length on the home page."""
    # A page route wins over the context route that blocks other hosts.
    page.route(START_URL, lambda route: route.fulfill(content_type="text/html", body=START_HTML))
    page.goto(START_URL)
    page.goto(home_url(live_server))
    expect(page.locator(BUTTON)).to_be_visible()
    return page.evaluate("history.length")


def assert_left_without_trace(
    page: Page,
    live_server: Any,
    exit_url: str,
    third_party_requests: list[str],
    *,
    history_length: int,
) -> None:
    page.wait_for_url(exit_url)
    expect(page).to_have_title("Neutral")
    # The exit site took the VicTory entry's place instead of being added after it.
    assert page.evaluate("history.length") == history_length, (
        "the exit added a history entry: Back would show the VicTory page again"
    )
    page.go_back()
    assert page.url == START_URL
    assert not page.url.startswith(live_server.url)
    expect(page).to_have_title("Start")
    assert third_party_requests == []


def test_clicking_the_button_leaves_and_back_does_not_return(
    page: Page, live_server: Any, exit_url: str, third_party_requests: list[str]
) -> None:
    history_length = open_home_after_start_page(page, live_server)

    page.locator(BUTTON).click()

    assert_left_without_trace(page, live_server, exit_url, third_party_requests, history_length=history_length)


def test_pressing_shift_three_times_leaves_and_back_does_not_return(
    page: Page, live_server: Any, exit_url: str, third_party_requests: list[str]
) -> None:
    history_length = open_home_after_start_page(page, live_server)
    # The hint is shown by the script once it listens for the key.
    expect(page.locator(HINT)).to_be_visible()

    for _ in range(3):
        page.keyboard.press("Shift")

    assert_left_without_trace(page, live_server, exit_url, third_party_requests, history_length=history_length)


def test_shift_presses_interrupted_by_another_key_do_not_leave(
    page: Page, live_server: Any, third_party_requests: list[str]
) -> None:
    open_home_after_start_page(page, live_server)
    expect(page.locator(HINT)).to_be_visible()

    for key in ("Shift", "Shift", "KeyA", "Shift"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)

    assert page.url == home_url(live_server)
    assert third_party_requests == []


def test_without_javascript_the_button_is_a_link_to_the_exit_site(
    new_context: Any, live_server: Any, exit_url: str, third_party_requests: list[str]
) -> None:
    page = new_context(java_script_enabled=False).new_page()
    page.goto(home_url(live_server))
    button = page.locator(BUTTON)
    expect(button).to_have_attribute("href", exit_url)
    # The Shift shortcut needs the script, so its hint stays hidden.
    expect(page.locator(HINT)).to_be_hidden()

    button.click()

    page.wait_for_url(exit_url)
    expect(page).to_have_title("Neutral")
    assert third_party_requests == []


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
