""" "I was attacked, what can I do?": from the home page to a support service nearby, in a
few taps, in English and Spanish, and with JavaScript switched off. axe on every page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from victory.support.content_services import content_seed
from victory.support.models import PublicationStatus, SupportService, SupportServiceTranslation


@pytest.fixture
def world(transactional_db: None) -> None:
    content_seed()
    service = SupportService.objects.create(
        slug="lisboa-listening",
        name="Lisboa Listening Line (fictional)",
        organisation_name="Apoio Lumen (fictional)",
        country="PT",
        region="Lisboa",
        offers=["emotional", "reporting"],
        languages=["pt", "en", "es"],
        channels=["email"],
        email="listen@demo.victory.example",
        status=PublicationStatus.PUBLISHED,
        last_reviewed_on=date(2026, 11, 1),
        is_fictional=True,
    )
    SupportServiceTranslation.objects.create(service=service, language="en", description="Someone listens to you.")
    SupportServiceTranslation.objects.create(service=service, language="es", description="Alguien te escucha.")


@pytest.mark.parametrize(("lang", "javascript"), [("en", True), ("es", True), ("en", False)])
def test_from_the_home_page_to_a_service_nearby(
    world: None,
    new_context: Callable[..., Any],
    live_server: Any,
    lang: str,
    javascript: bool,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
    failed_responses: list[str],
) -> None:
    page = new_context(java_script_enabled=javascript).new_page()
    page.goto(f"{live_server.url}/{lang}/")
    page.locator(f"main a[href='/{lang}/navigator/']").click()
    page.wait_for_load_state("load")
    if javascript:
        assert_no_axe_violations(page)
    page.locator("#id_country").select_option("PT")
    page.locator("input[name=what][value=violence]").check()
    page.locator("input[name=help][value=talk]").check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("load")
    if javascript:
        assert_no_axe_violations(page)

    # A right that fits, in the reader's language, with what to do now.
    results = page.locator("#results .content-list").first
    expect(results).to_be_visible()
    page.locator(f"main a[href^='/{lang}/rights/support/']").first.click()
    page.wait_for_load_state("load")
    expect(page.locator("article h1")).to_be_visible()
    if javascript:
        assert_no_axe_violations(page)
    page.go_back()
    page.wait_for_load_state("load")
    if page.locator(f"main a[href='/{lang}/support/lisboa-listening/']").count() == 0:
        # Back after a POST may show the empty form again: answer once more.
        page.locator("#id_country").select_option("PT")
        page.locator("input[name=help][value=talk]").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state("load")
    page.locator(f"main a[href='/{lang}/support/lisboa-listening/']").click()
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("Lisboa Listening Line (fictional)")
    expect(page.locator("main")).to_contain_text("Someone listens to you." if lang == "en" else "Alguien te escucha.")
    if javascript:
        assert_no_axe_violations(page)
    assert third_party_requests == []
    assert failed_responses == []
