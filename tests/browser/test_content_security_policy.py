"""Without nonces, the strict CSP still blocks nothing the platform itself serves
(issue 9, item 10): every script and stylesheet is a static file from 'self', on the
public pages (from the cache too), the report form, staff pages and the admin."""

from __future__ import annotations

from typing import Any

from django_otp.oath import totp
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.factories import PASSWORD
from victory.accounts import services
from victory.support.content_services import content_seed

PUBLIC = [
    "/en/",
    "/en/rights/",
    "/en/rights/protection/",
    "/en/rights/protection/",  # the second time from the cache
    "/ar/support/?country=PT",
    "/en/report/",
]
ADMIN = ["/en/admin/", "/en/admin/support/contentpage/", "/en/admin/support/supportservice/import/"]


def _watch(page: Page) -> list[str]:
    refused: list[str] = []

    def seen(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{page.url}: {message.text}")

    page.on("console", seen)
    # Listened for from outside the page (DevTools), so the policy does not stop it.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', (event) =>"
        " console.error(`Content Security Policy refused ${event.violatedDirective} ${event.blockedURI}`));"
    )
    return refused


def test_public_pages_run_every_script_and_style_they_load(page: Page, live_server: Any) -> None:
    content_seed()
    refused = _watch(page)
    for address in PUBLIC:
        page.goto(live_server.url + address, wait_until="load")
        assert "nonce" not in page.content()
    assert refused == []
    # The watch does see a refusal: an inline style, as an attacker's injection would be.
    page.evaluate("document.head.append(Object.assign(document.createElement('style'), {textContent: 'p{}'}))")
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert refused
    assert all("style-src" in line for line in refused)


def test_staff_and_admin_pages_run_every_script_and_style_they_load(page: Page, live_server: Any) -> None:
    content_seed()
    admin = services.user_create(email="csp.admin@test.victory.example", password=PASSWORD, is_platform_admin=True)
    device = services.totp_device_create_confirmed(user=admin)
    refused = _watch(page)
    page.goto(f"{live_server.url}/en/staff/login/")
    page.locator("#id_email").fill(admin.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/en/staff/")
    for address in ADMIN:
        response = page.goto(live_server.url + address, wait_until="load")
        assert response is not None
        assert response.status == 200, address
    assert refused == []
