"""No staff page is kept by the browser (issue 7, item 11): every page under /staff/ and
/admin/, and every page shown to a logged-in professional, says ``Cache-Control:
no-store``, so the Back button or the disk cache of a shared computer does not show a
case list, a member list or a report to the next person.

The staff URLs are read from the URL map, so a page added later is tested too.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import login
from victory.accounts.models import Membership

pytestmark = pytest.mark.django_db

STAFF_PREFIXES = ("staff/", "admin/")


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route


def _url(route: str) -> str | None:
    """A concrete address for a route (``<int:…>`` → 1, ``<…>`` → x), or None for the
    admin's regular expressions, which are covered by the admin's own pages below."""
    route = route.removeprefix("en/")
    if not route.startswith(STAFF_PREFIXES) or "^" in route or "(?P" in route:
        return None
    route = re.sub(r"<int:[^>]+>", "1", route)
    route = re.sub(r"<[^>]+>", "x", route)
    return "/en/" + route


def staff_urls() -> list[str]:
    urls = {_url(route) for route in _routes(get_resolver().url_patterns)}
    admin = ["/en/admin/", "/en/admin/support/supportservice/", "/en/admin/accounts/organisation/"]
    return sorted(url for url in urls | set(admin) if url)


def test_the_staff_pages_are_found() -> None:
    urls = staff_urls()
    assert "/en/staff/" in urls
    assert "/en/staff/organisations/1/members/" in urls
    assert "/en/staff/reports/x/" in urls


def _assert_no_store(client: Client, url: str) -> None:
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert "no-store" in response.get("Cache-Control", ""), (method.upper(), url, response.status_code)


def test_every_staff_page_says_no_store_to_a_professional(client: Client, org_admin: Membership) -> None:
    login(client, org_admin)
    own = f"/en/staff/organisations/{org_admin.organisation_id}/members/"
    for url in [*staff_urls(), own]:
        if url.endswith("/logout/"):
            continue  # tested last: it ends the session the other pages need
        _assert_no_store(client, url)
    _assert_no_store(client, "/en/staff/logout/")


def test_every_staff_page_says_no_store_to_a_visitor(client: Client) -> None:
    for url in staff_urls():
        _assert_no_store(client, url)


def test_the_dashboard_and_the_member_list_say_no_store(client: Client, org_admin: Membership) -> None:
    login(client, org_admin)
    dashboard = client.get("/en/staff/")
    members = client.get(f"/en/staff/organisations/{org_admin.organisation_id}/members/")
    for response in (dashboard, members):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_a_public_page_seen_by_a_professional_says_no_store(client: Client, org_admin: Membership) -> None:
    # Its header can name the person logged in; the next user of the computer must not see it.
    login(client, org_admin)
    assert "no-store" in client.get("/en/").get("Cache-Control", "")


def test_a_public_page_seen_by_a_visitor_stays_cacheable(client: Client) -> None:
    assert "no-store" not in client.get("/en/").get("Cache-Control", "")
