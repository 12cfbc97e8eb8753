"""Focus is never hidden under the sticky "Exit this page" bar (WCAG 2.2, 2.4.11), on a
360 px wide phone: tabbing forwards and backwards through a page, and following a link of
the error summary, which must show the field's question below the bar, not just the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

PHONE = {"width": 360, "height": 740}
# Stop after this many focus moves: enough to go through a page and back.
MAX_TABS = 60

FOCUSED_BOX = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const box = el.getBoundingClientRect();
    const bar = document.querySelector('.exit-this-page');
    return {
        tag: el.tagName.toLowerCase(), text: (el.textContent || '').trim().slice(0, 40),
        top: box.top, bottom: box.bottom, height: box.height,
        inBar: !!(bar && bar.contains(el)),
        // Drawn above the bar (the skip link shown on focus): nothing covers it.
        onTop: (() => {
            const hit = document.elementFromPoint(box.left + box.width / 2, box.top + Math.min(4, box.height / 2));
            return !!hit && (hit === el || el.contains(hit)) && !(bar && bar.contains(hit));
        })(),
        barBottom: bar ? bar.getBoundingClientRect().bottom : 0,
        viewport: window.innerHeight,
    };
}"""


def _phone(new_context: Callable[..., Any], **kwargs: Any) -> Page:
    page: Page = new_context(viewport=PHONE, **kwargs).new_page()
    return page


def _obscured(box: dict[str, Any]) -> str | None:
    """Why this focused element is (partly) out of sight, or None."""
    if box["inBar"] or box["height"] == 0:
        return None  # the bar's own button; visually hidden or zero-size skip targets
    if box["top"] < box["barBottom"] - 0.5 and not (box["onTop"] and box["top"] >= 0):
        return f"top {box['top']:.0f} is under the exit bar (bottom {box['barBottom']:.0f})"
    if box["top"] >= box["viewport"]:
        return f"top {box['top']:.0f} is below the screen ({box['viewport']})"
    return None


def _tab_through(page: Page, key: str) -> list[str]:
    """Press ``key`` until focus comes back round; return every problem seen."""
    problems: list[str] = []
    seen = 0
    for _ in range(MAX_TABS):
        page.keyboard.press(key)
        box = page.evaluate(FOCUSED_BOX)
        if box is None:
            break
        seen += 1
        why = _obscured(box)
        if why:
            problems.append(f"{key} → <{box['tag']}> {box['text']!r}: {why}")
    assert seen > 5, f"{key} reached only {seen} elements"
    return problems


def _start_report(page: Page, base: str) -> None:
    page.goto(f"{base}/en/report/")
    page.locator("button[value=start]").click()
    page.wait_for_load_state("load")


@pytest.mark.parametrize(
    ("where", "javascript"), [("home", True), ("home", False), ("report step", True), ("report step", False)]
)
def test_tab_and_shift_tab_never_leave_focus_under_the_exit_bar(
    new_context: Callable[..., Any], live_server: Any, where: str, javascript: bool
) -> None:
    """Without JavaScript the stylesheet's padding (in rem) alone keeps focus clear of the bar."""
    page = _phone(new_context, java_script_enabled=javascript)
    if where == "home":
        page.goto(f"{live_server.url}/en/")
    else:
        _start_report(page, live_server.url)
        page.goto(f"{live_server.url}/en/report/where/")
    assert page.locator(".exit-this-page").count() == 1

    forwards = _tab_through(page, "Tab")
    # Now at the end of the page (or past it): walk all the way back up.
    page.keyboard.press("End")
    backwards = _tab_through(page, "Shift+Tab")
    assert forwards + backwards == []


def test_an_error_summary_link_shows_the_question_below_the_bar_and_focuses_the_field(
    new_context: Callable[..., Any], live_server: Any, assert_no_axe_violations: Callable[[Page], Any]
) -> None:
    page = _phone(new_context)
    _start_report(page, live_server.url)
    page.goto(f"{live_server.url}/en/report/what-happened/")
    page.locator("main form button.button").first.click()  # send the only required question empty
    page.wait_for_load_state("load")
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert_no_axe_violations(page)

    # The person has scrolled down a little, then uses the summary's link.
    page.mouse.wheel(0, 200)
    link = summary.locator("a[href='#id_narrative']")
    link.click()

    assert page.evaluate("document.activeElement.id") == "id_narrative"
    positions = page.evaluate(
        """() => ({
            bar: document.querySelector('.exit-this-page').getBoundingClientRect().bottom,
            label: document.querySelector('label[for="id_narrative"]').getBoundingClientRect().top,
            field: document.getElementById('id_narrative').getBoundingClientRect().top,
            viewport: window.innerHeight,
        })"""
    )
    assert positions["label"] >= positions["bar"], positions
    assert positions["field"] < positions["viewport"], positions


def test_a_link_to_a_date_shows_the_legend_of_its_group_below_the_bar(
    new_context: Callable[..., Any], live_server: Any
) -> None:
    """The question of the day, month and year boxes is their group's legend."""
    page = _phone(new_context)
    _start_report(page, live_server.url)
    page.goto(f"{live_server.url}/en/report/when/")
    page.fill("#id_occurred_day", "32")
    page.fill("#id_occurred_month", "13")
    page.fill("#id_occurred_year", "2024")
    page.locator("main form button.button").first.click()
    page.wait_for_load_state("load")
    link = page.locator(".error-summary a[href^='#id_occurred']").first
    target = (link.get_attribute("href") or "#").lstrip("#")
    page.mouse.wheel(0, 400)
    link.click()

    assert page.evaluate("document.activeElement.id") == target
    positions = page.evaluate(
        """(id) => {
            const field = document.getElementById(id);
            return {
                bar: document.querySelector('.exit-this-page').getBoundingClientRect().bottom,
                legend: field.closest('fieldset').querySelector('legend').getBoundingClientRect().top,
                field: field.getBoundingClientRect().bottom,
                viewport: window.innerHeight,
            };
        }""",
        target,
    )
    assert positions["legend"] >= positions["bar"], positions
    assert positions["field"] <= positions["viewport"], positions


def test_the_focused_skip_link_does_not_cover_exit_this_page(
    new_context: Callable[..., Any], live_server: Any, third_party_requests: list[str]
) -> None:
    """The first Tab shows "Skip to main content": it must not hide the way out."""
    for language in ("en", "ar"):
        page = _phone(new_context)
        page.goto(f"{live_server.url}/{language}/")
        page.keyboard.press("Tab")
        expect(page.locator(".skip-link")).to_be_focused()
        covered = page.evaluate(
            """() => {
                const exit = document.querySelector('[data-exit-this-page]').getBoundingClientRect();
                const skip = document.querySelector('.skip-link').getBoundingClientRect();
                const overlap = !(skip.bottom <= exit.top || skip.top >= exit.bottom
                                  || skip.right <= exit.left || skip.left >= exit.right);
                return {overlap, skipRight: skip.right, skipLeft: skip.left, width: window.innerWidth};
            }"""
        )
        assert not covered["overlap"], (language, covered)
        assert covered["skipLeft"] >= 0 and covered["skipRight"] <= covered["width"], (language, covered)
    assert third_party_requests == []
