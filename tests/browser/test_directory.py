"""The support-service directory in a real browser: it passes axe-core in English and in
Arabic (right to left), fits a 320px-wide phone, and a person can filter the list and
open a service with JavaScript switched off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page

from victory.support.models import PublicationStatus, SupportService, SupportServiceTranslation

LANGUAGES = ["en", "ar"]
NARROW_VIEWPORT = {"width": 320, "height": 640}
PAGES = [
    "/{lang}/support/",
    "/{lang}/support/?country=ES&need=legal&group=anti_muslim&language=ar",
    "/{lang}/support/?country=ZZ&need=nonsense",  # the note about an ignored filter
    "/{lang}/support/?country=FI",  # no result
    "/{lang}/support/madrid-legal-help/",
    "/{lang}/support/english-only/",  # the English text with a note in the reader's language
]


@pytest.fixture
def services(transactional_db: None) -> None:
    madrid = SupportService.objects.create(
        slug="madrid-legal-help",
        name="Madrid Legal Help (fictional)",
        organisation_name="Fictional Rights Centre with a rather long organisation name",
        country="ES",
        region="Madrid",
        offers=["legal", "reporting", "interpretation", "emotional"],
        groups=["anti_muslim", "racism_xenophobia"],
        languages=["es", "ar", "en", "fr"],
        channels=["phone", "email", "in_person"],
        phone="+34 000 000 000",
        email="help@example.org",
        website="https://example.org/a-very-long-path/that-should-wrap-on-a-small-phone",
        address="Calle Ficticia 1, 28000 Madrid",
        is_free=True,
        accepts_reports_via_victory=True,
        status=PublicationStatus.PUBLISHED,
        last_reviewed_on=date(2025, 2, 3),
        is_fictional=True,
    )
    for language, description in [("en", "We give free legal advice."), ("ar", "نقدم مشورة قانونية مجانية.")]:
        SupportServiceTranslation.objects.create(
            service=madrid,
            language=language,
            description=description,
            opening_hours="Monday to Friday, 9:00 to 17:00",
            accessibility="Step-free entrance.",
        )
    english_only = SupportService.objects.create(
        slug="english-only",
        name="Listening Line (fictional)",
        organisation_name="Fictional Listening Network",
        country="ES",
        region="Bilbao",
        offers=["emotional"],
        languages=["eu", "es"],
        channels=["chat"],
        is_free=False,
        status=PublicationStatus.PUBLISHED,
        is_fictional=True,
    )
    SupportServiceTranslation.objects.create(service=english_only, language="en", description="We listen.")


def open_page(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", PAGES)
def test_directory_pages_have_no_accessibility_violation(
    page: Page,
    live_server: Any,
    services: None,
    path: str,
    language: str,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    open_page(page, live_server.url + path.format(lang=language))
    assert failed_responses == []
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert_no_axe_violations(page)
    assert third_party_requests == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", [PAGES[1], PAGES[4]])
def test_directory_pages_fit_a_320px_wide_phone(
    new_context: Callable[..., Any],
    live_server: Any,
    services: None,
    path: str,
    language: str,
    assert_no_axe_violations: Callable[[Page], Any],
    failed_responses: list[str],
) -> None:
    page = new_context(viewport=NARROW_VIEWPORT).new_page()
    open_page(page, live_server.url + path.format(lang=language))
    assert failed_responses == []
    assert_no_axe_violations(page)
    # WCAG 1.4.10 Reflow: nothing makes the reader scroll sideways at 320 CSS pixels.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= NARROW_VIEWPORT["width"], f"page is {scroll_width}px wide at a 320px viewport"


@pytest.mark.parametrize("language", LANGUAGES)
def test_filter_and_open_a_service_without_javascript(
    new_context: Callable[..., Any],
    live_server: Any,
    services: None,
    language: str,
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    page = new_context(java_script_enabled=False, viewport=NARROW_VIEWPORT).new_page()
    open_page(page, f"{live_server.url}/{language}/support/")
    assert page.locator(".service-card").count() == 2

    page.select_option("#id_country", "ES")
    page.select_option("#id_need", "legal")
    page.locator(".directory-filters button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "country=ES" in page.url and "need=legal" in page.url
    cards = page.locator(".service-card")
    assert cards.count() == 1
    assert page.locator("#id_country").input_value() == "ES"

    cards.first.get_by_role("link", name="Madrid Legal Help (fictional)").click()
    page.wait_for_load_state("load")
    assert page.url.endswith(f"/{language}/support/madrid-legal-help/")
    assert page.locator("h1").inner_text() == "Madrid Legal Help (fictional)"
    description = "نقدم مشورة قانونية مجانية." if language == "ar" else "We give free legal advice."
    assert description in page.locator("main").inner_text()
    assert page.locator("a[href='tel:+34000000000']").count() == 1
    assert page.locator("a[rel='noreferrer noopener'][href^='https://example.org/']").count() == 1
    assert third_party_requests == []
    assert failed_responses == []


def test_the_english_text_is_marked_english_in_an_arabic_page(page: Page, live_server: Any, services: None) -> None:
    open_page(page, f"{live_server.url}/ar/support/english-only/")
    block = page.locator(".service-text").first
    assert block.get_attribute("lang") == "en"
    # Laid out left to right inside the right-to-left page.
    assert block.evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    assert page.locator("html").get_attribute("dir") == "rtl"
