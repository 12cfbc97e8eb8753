"""Giving a role that reads reports, in real Chromium: the request with its reason, the
list waiting for approval and a second administrator approving it, all without an
accessibility violation (issue 7, item 7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_otp.oath import totp
from playwright.sync_api import BrowserContext, Page, expect

from tests.factories import PASSWORD, MembershipFactory, UserFactory
from victory.accounts import services
from victory.accounts.models import Membership, Role, User


def _log_in(page: Page, base: str, user: User) -> None:
    device = services.totp_device_create_confirmed(user=user)
    page.goto(f"{base}/en/staff/login/")
    page.locator("#id_email").fill(user.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("button[type=submit]").click()
    page.locator("#id_code").fill(f"{totp(device.bin_key):06d}")
    page.locator("button[type=submit]").click()
    expect(page).to_have_url(f"{base}/en/staff/")


def test_a_caseworker_role_is_requested_then_approved_by_a_second_admin(
    page: Page,
    new_context: Callable[..., BrowserContext],
    live_server: Any,
    assert_no_axe_violations: Callable[[Page], Any],
    third_party_requests: list[str],
) -> None:
    admin: Membership = MembershipFactory(role=Role.ORG_ADMIN)
    organisation = admin.organisation
    second: Membership = MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN)
    colleague: User = UserFactory()
    members = f"{live_server.url}/en/staff/organisations/{organisation.pk}/members/"

    _log_in(page, live_server.url, admin.user)
    page.goto(members)
    page.locator("#id_email").fill(colleague.email)
    page.locator("#id_role").select_option("caseworker")
    page.locator("form[action$='/members/'] button[type=submit]").click()
    # No reason: the error summary links to the field, and the address stays.
    expect(page.locator(".error-summary")).to_contain_text("Say why this person needs to read")
    expect(page.locator("#id_email")).to_have_value(colleague.email)
    assert_no_axe_violations(page)

    page.locator("#id_reason").fill("Joins the helpline team; will triage reports.")
    page.locator("form[action$='/members/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("once another administrator approves it")
    expect(page.locator("main")).to_contain_text("Waiting for another administrator.")
    expect(page.locator("button[value=approve]")).to_have_count(0)
    assert_no_axe_violations(page)

    other = new_context().new_page()
    _log_in(other, live_server.url, second.user)
    other.goto(members)
    expect(other.locator("main")).to_contain_text("Joins the helpline team")
    assert_no_axe_violations(other)
    other.locator("button[value=approve]").click()
    expect(other.locator("main")).to_contain_text(f"Approved: {colleague.email} now has the role Caseworker.")
    assert_no_axe_violations(other)
    assert Membership.objects.filter(user=colleague, organisation=organisation, role=Role.CASEWORKER).exists()
    assert third_party_requests == []
