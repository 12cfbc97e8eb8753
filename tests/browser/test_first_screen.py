"""A phone's first screen helps a person in a hurry, in every shipped language: on a
360 × 740 screen, without scrolling, they can report, call 112 or 116 006 (large targets),
and open "I was attacked – what can I do right now?". The language choice is compact but
reachable, and at 200 % text nothing makes the page scroll sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import Page

PHONE = {"width": 360, "height": 740}
LANGUAGES = [code for code, _name in settings.LANGUAGES]
TARGET = 44  # px, WCAG 2.5.5 enhanced size, GOV.UK's minimum for a tap target

FIRST_SCREEN = {
    "report": "main a[href='/{lang}/report/']",
    "112": "main a[href='tel:112']",
    "116 006": "main a[href='tel:116006']",
    "right now": "main a[href='/{lang}/right-now/']",
}


def _phone(new_context: Callable[..., Any], **kwargs: Any) -> Page:
    page: Page = new_context(viewport=PHONE, **kwargs).new_page()
    return page


def test_the_shipped_languages_are_the_eight() -> None:
    assert sorted(LANGUAGES) == sorted(["en", "es", "pt", "it", "fi", "hu", "eu", "ar"])


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report_help_and_right_now_are_on_the_first_screen(
    new_context: Callable[..., Any], live_server: Any, lang: str, third_party_requests: list[str]
) -> None:
    page = _phone(new_context)
    page.goto(f"{live_server.url}/{lang}/")
    for what, selector in FIRST_SCREEN.items():
        link = page.locator(selector.format(lang=lang)).first
        assert link.is_visible(), f"{lang}: no visible {what} link"
        box = link.bounding_box()
        assert box is not None
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], (
            f"{lang}: the {what} link ends {box['y'] + box['height']:.0f}px down, below the first screen"
        )
        if what in {"112", "116 006"}:
            assert box["width"] >= TARGET and box["height"] >= TARGET, f"{lang}: {what} is {box}"
    # Each number reads left to right, also in Arabic.
    directions = page.eval_on_selector_all(
        "main a[href^='tel:'] .phone", "(numbers) => numbers.map((n) => getComputedStyle(n).direction)"
    )
    assert directions and set(directions) == {"ltr"}
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert third_party_requests == []


def test_the_language_choice_is_reachable_with_the_keyboard(new_context: Callable[..., Any], live_server: Any) -> None:
    page = _phone(new_context)
    page.goto(f"{live_server.url}/en/")
    choice = page.locator("summary.language-switcher__toggle")
    assert choice.is_visible()
    # Closed, the other languages take no room on the screen.
    assert not page.locator("a[hreflang='es']").first.is_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('summary.language-switcher__toggle')"):
            break
    else:
        pytest.fail("the language choice cannot be reached with Tab")
    page.keyboard.press("Enter")
    spanish = page.locator(".language-switcher a[hreflang='es']")
    assert spanish.is_visible()
    assert spanish.get_attribute("lang") == "es"
    assert spanish.inner_text().strip() == "español"
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('hreflang') === 'es'"):
            break
    else:
        pytest.fail("Español cannot be reached with Tab once the choice is open")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/es/"
    assert page.locator("html").get_attribute("lang") == "es"


def test_the_language_choice_works_without_javascript(new_context: Callable[..., Any], live_server: Any) -> None:
    page = _phone(new_context, java_script_enabled=False)
    page.goto(f"{live_server.url}/hu/right-now/")
    page.locator("summary.language-switcher__toggle").click()
    page.locator(".language-switcher a[hreflang='eu']").click()
    page.wait_for_load_state("load")
    assert page.url == f"{live_server.url}/eu/right-now/"


def test_axe_with_the_language_choice_open(
    new_context: Callable[..., Any], live_server: Any, assert_no_axe_violations: Callable[[Page], Any]
) -> None:
    for lang in ("en", "ar"):
        page = _phone(new_context)
        page.goto(f"{live_server.url}/{lang}/")
        page.locator("summary.language-switcher__toggle").click()
        assert page.locator(".language-switcher a[hreflang='fi']").is_visible()
        assert_no_axe_violations(page)


@pytest.fixture
def directory_content(transactional_db: None) -> None:
    from victory.support.content_services import content_seed

    content_seed()


def _scroll_width(page: Page) -> tuple[int, list[str]]:
    width = page.evaluate("document.documentElement.scrollWidth")
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .slice(0, 8)
            .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                + (el.className ? '.' + el.className : ''))"""
    )
    return width, too_wide


# Text that runs out of its own box (a long word in a narrow column) is cut off or overlaps
# what is next to it even when the page itself does not scroll sideways.
SPILLING_TEXT = """() => [...document.querySelectorAll('main *, header *')]
    .filter((el) => {
        const style = getComputedStyle(el);
        if (style.display === 'inline' || el.clientWidth === 0) return false;
        if (['select', 'input', 'textarea', 'svg'].includes(el.tagName.toLowerCase())) return false;
        if (el.closest('.visually-hidden') || !el.checkVisibility()) return false;
        return el.scrollWidth > el.clientWidth + 1;
    })
    .slice(0, 8)
    .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '')
        + ' ' + el.textContent.trim().slice(0, 30))"""


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_sideways_scrolling_at_360px_even_at_200_percent_text(
    new_context: Callable[..., Any], live_server: Any, lang: str, directory_content: None
) -> None:
    page = _phone(new_context)
    base = f"{live_server.url}/{lang}"
    page.goto(f"{base}/report/")
    page.locator("button[value=start]").click()
    page.wait_for_load_state("load")
    for path in ("/", "/right-now/", "/report/where/", "/support/"):
        page.goto(base + path)
        for size in ("100%", "200%"):
            page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", size)
            width, too_wide = _scroll_width(page)
            assert width <= PHONE["width"], f"{lang}{path} at {size} text is {width}px wide: {too_wide}"
            spilling = page.evaluate(SPILLING_TEXT)
            assert spilling == [], f"{lang}{path} at {size} text: text runs out of its box: {spilling}"
        # The country list is there and fits on the screen.
        if path in {"/report/where/", "/support/"}:
            country = page.locator("main select[name='country']")
            assert country.count() == 1, f"{lang}{path}: no country list"
            box = country.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
