"""A demo caseworker logs in in real Chromium: password, then the code an authenticator
app computes from the secret in the demo credentials file."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect


def _code_from_secret(secret: str) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return f"{TOTP(key).token():06d}"


@pytest.mark.parametrize("lang", ["en", "pt"])
def test_demo_caseworker_logs_in_with_a_totp_code(
    page: Page,
    live_server: Any,
    tmp_path: Path,
    lang: str,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
) -> None:
    credentials = tmp_path / "demo.json"
    call_command("seed_demo", credentials=credentials, verbosity=0)
    demo = next(row for row in json.loads(credentials.read_text()) if row["role"] == "caseworker")

    page.goto(f"{live_server.url}/{lang}/staff/login/")
    page.locator("#id_email").fill(demo["email"])
    page.locator("#id_password").fill("not the password")
    page.locator("button[type=submit]").click()
    # A wrong password: the error summary, the address kept, no hint which part was wrong.
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#id_email")).to_have_value(demo["email"])
    assert_no_axe_violations(page)

    page.locator("#id_password").fill(demo["password"])
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/login/code/")
    assert_no_axe_violations(page)
    page.locator("#id_code").fill(_code_from_secret(demo["totp_secret"]))
    page.locator("button[type=submit]").click()

    expect(page).to_have_url(f"{live_server.url}/{lang}/staff/")
    expect(page.locator("main")).to_contain_text(demo["organisation"])
    assert_no_axe_violations(page)
    assert third_party_requests == []


def test_first_login_enrols_with_the_qr_page(
    page: Page, live_server: Any, assert_no_axe_violations: Callable[[Page], Any]
) -> None:
    from django_otp.oath import totp

    from tests.factories import PASSWORD, MembershipFactory
    from victory.accounts.models import AuthenticatorDevice

    membership = MembershipFactory()
    page.goto(f"{live_server.url}/en/staff/login/")
    page.locator("#id_email").fill(membership.user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/en/staff/login/set-up-app/")
    expect(page.locator(".qr-code svg")).to_be_visible()
    assert_no_axe_violations(page)
    # The key shown under the QR code is what a person would type into their app.
    shown = page.locator("#totp-secret").inner_text().replace(" ", "")
    device = AuthenticatorDevice.objects.get(user=membership.user, confirmed=False)
    assert base64.b32decode(shown + "=" * (-len(shown) % 8)) == device.bin_key
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/en/staff/security/backup-codes/")
    expect(page.locator(".backup-codes li")).to_have_count(10)
    assert_no_axe_violations(page)
    first_set = page.locator(".backup-codes li").all_inner_texts()

    # A new set needs the password again: a wrong one is refused on the page, accessibly.
    page.goto(f"{live_server.url}/en/staff/security/backup-codes/")
    make_new = page.get_by_role("button", name="Make new backup codes")
    page.locator("#id_password").fill("not my password")
    make_new.click()
    expect(page.locator(".error-summary")).to_contain_text("That password is not right")
    expect(page.locator("#id_password")).to_have_attribute("aria-invalid", "true")
    assert_no_axe_violations(page)
    page.locator("#id_password").fill(PASSWORD)
    make_new.click()
    expect(page.locator(".backup-codes li")).to_have_count(10)
    assert set(page.locator(".backup-codes li").all_inner_texts()).isdisjoint(first_set)
