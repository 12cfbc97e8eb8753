"""Every public page passes axe-core's WCAG 2.2 A/AA rules, in several languages and on a
320px-wide phone, declares its language and direction, and loads nothing from elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page
from pytest_django.live_server_helper import LiveServer

PUBLIC_PAGES = [
    "core:home",
    "core:safety",
    "core:right_now",
    "accounts:login",
    "accounts:password_reset",
    "reports:start",
    "reports:inbox_login",
    "rights:index",
    "rights:navigator",
    "rights:search",
    "support:directory",
]
# Arabic is laid out right to left: every check below must hold mirrored too.
LANGUAGES = ["en", "es", "eu", "ar"]
RIGHT_TO_LEFT = {"ar"}
NARROW_VIEWPORT = {"width": 320, "height": 640}


@pytest.fixture(autouse=True)
def shipped_content(transactional_db: None) -> None:
    """The rights pages as shipped, so pages are checked with their real content."""
    from victory.support.content_services import content_seed

    content_seed()


def page_url(live_server: LiveServer, url_name: str, language: str) -> str:
    with translation.override(language):
        return live_server.url + reverse(url_name)


def open_page(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url_name", PUBLIC_PAGES)
def test_public_page_has_no_accessibility_violation(
    page: Page,
    live_server: Any,
    url_name: str,
    language: str,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    open_page(page, page_url(live_server, url_name, language))
    # A missing stylesheet or script would test a page nobody sees.
    assert failed_responses == []

    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language in RIGHT_TO_LEFT else "ltr")
    assert_no_axe_violations(page)
    assert third_party_requests == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url_name", ["core:home", "core:safety", "reports:start"])
def test_page_works_on_a_320px_wide_screen(
    new_context: Callable[..., Any],
    live_server: Any,
    url_name: str,
    language: str,
    assert_no_axe_violations: Callable[[Page], Any],
    failed_responses: list[str],
) -> None:
    page = new_context(viewport=NARROW_VIEWPORT).new_page()
    open_page(page, page_url(live_server, url_name, language))
    assert failed_responses == []

    assert_no_axe_violations(page)
    # WCAG 1.4.10 Reflow: nothing makes the reader scroll sideways at 320 CSS pixels.
    overflowing = page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll('body *')]
              .filter((el) => {
                const box = el.getBoundingClientRect();
                return box.right > width + 1 || box.left < -1;
              })
              .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
        }"""
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW_VIEWPORT["width"], (
        f"page is {scroll_width}px wide at a 320px viewport; too wide: {overflowing[:10]}"
    )


def test_numbers_keep_their_order_in_a_right_to_left_page(page: Page, live_server: Any) -> None:
    """In Arabic the page runs right to left, but "116 006" must not become "006 116"."""
    open_page(page, page_url(live_server, "core:home", "ar"))
    directions = page.eval_on_selector_all(".phone", "(links) => links.map((a) => getComputedStyle(a).direction)")
    assert directions and set(directions) == {"ltr"}
    assert page.locator("html").get_attribute("dir") == "rtl"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_rights_page_has_no_accessibility_violation(
    page: Page, live_server: Any, language: str, assert_no_axe_violations: Callable[[Page], Any]
) -> None:
    with translation.override(language):
        url = live_server.url + reverse("rights:page", args=["protection"])
    open_page(page, url)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_the_right_now_page_has_no_accessibility_violation_in_any_language(
    new_context: Callable[..., Any],
    live_server: Any,
    language: str,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
) -> None:
    """The page "I was attacked – what can I do right now?" is read on a phone, in every language."""
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    open_page(page, page_url(live_server, "core:right_now", language))
    assert page.locator("html").get_attribute("dir") == ("rtl" if language in RIGHT_TO_LEFT else "ltr")
    assert_no_axe_violations(page)
    assert third_party_requests == []
