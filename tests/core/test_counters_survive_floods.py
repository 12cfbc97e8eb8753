"""Issue 7, item 1: no visitor can erase a lock-out by filling the page cache.

The attack of the outside test: lock-outs and caps lived in the database cache beside
the public pages; when full it culled a third of its rows in key order, and the
counters' keys sorted first, so about 400 requests to distinct public addresses
emptied every lock. Here the stores are the production ones (database, then Redis),
the locks are reached as an attacker reaches them, and a visitor then requests 1,000
distinct cached addresses.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory
from tests.openapi_check import OpenAPIClient
from victory.accounts import services as account_services
from victory.accounts.models import Role
from victory.accounts.services import login as account_login
from victory.core.cache import PAGES, public_content_changed, public_content_version
from victory.reports import services as report_services
from victory.reports import services_reporter
from victory.reports.receipts import RECEIPT_DIGITS
from victory.settings.base import cache_stores

pytestmark = pytest.mark.django_db

FLOOD = 1_000
# As small as the old shared cache, so that the flood makes the page store cull, again
# and again, in the database pass.
PAGE_STORE_ENTRIES = 300
REPORT = {
    "narrative": "Two men shouted insults about my headscarf and pushed me at the bus stop.",
    "country": "PT",
    "reporter_role": "victim",
    "bias_motivations": ["anti_muslim"],
    "incident_types": ["violent_attack"],
}


@pytest.fixture(params=["database", "redis"])
def production_stores(request: pytest.FixtureRequest, settings: Any) -> str:
    stores = cache_stores(request.getfixturevalue("redis_url") if request.param == "redis" else "")
    stores[PAGES] = {**stores[PAGES], "OPTIONS": {"MAX_ENTRIES": PAGE_STORE_ENTRIES}}
    settings.CACHES = stores
    call_command("createcachetable")
    return str(request.param)


def _api(client: Client, path: str, body: object) -> Any:
    return client.post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")


def _pages_held() -> int:
    # In their own table with or without Redis (see cache_stores).
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM victory_page_cache")
        return int(cursor.fetchone()[0])


def test_a_flood_of_cached_addresses_erases_no_lock(production_stores: str, monkeypatch: pytest.MonkeyPatch) -> None:
    organisation = OrganisationFactory(countries=["PT"], accepts_public_reports=True)
    report_services.country_intake_set(actor=None, country="PT", organisation=organisation)
    caseworker = MembershipFactory(organisation=organisation, role=Role.CASEWORKER)
    attacker = OpenAPIClient()

    # The per-client report cap, reached.
    sent = [_api(attacker, "/reports", REPORT) for _ in range(report_services.SUBMISSION_CLIENT_CAP.limit)]
    assert [response.status_code for response in sent] == [201] * len(sent)
    assert _api(attacker, "/reports", REPORT).status_code == 429
    receipt = sent[0].json()["receipt"]

    # The account and the receipt client, locked. Only the slow-down's waits are left
    # out while locking (same keys, same lock); the checks below use the real throttles.
    with monkeypatch.context() as patch:
        # Patched where the services read them (their own modules, not the re-exports).
        for module, name in ((account_login, "ACCOUNT_THROTTLE"), (services_reporter, "RECEIPT_CLIENT_THROTTLE")):
            throttle = getattr(module, name)
            patch.setattr(module, name, dataclasses.replace(throttle, slowdown_after=throttle.lock_after))
        for _ in range(account_services.ACCOUNT_THROTTLE.lock_after):
            response = attacker.post("/en/staff/login/", {"email": caseworker.user.email, "password": "wrong"})
            assert "is not right" in response.content.decode()
        for _ in range(report_services.RECEIPT_CLIENT_THROTTLE.lock_after):
            assert _api(attacker, "/reports/session", {"receipt": "1" * RECEIPT_DIGITS}).status_code == 401
    response = attacker.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    assert "This account is locked for" in response.content.decode()
    assert _api(attacker, "/reports/session", {"receipt": receipt}).status_code == 429

    # Two content edits: were the version evicted, it would start again at 1, and pages
    # cached before the edits could be served again.
    public_content_changed()
    public_content_changed()
    version = public_content_version()

    visitor = OpenAPIClient()
    for number in range(FLOOD):
        assert visitor.get(f"/en/rights/?x={number}").status_code == 200
    assert _pages_held() <= PAGE_STORE_ENTRIES + 1  # it culled

    response = attacker.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    assert "This account is locked for" in response.content.decode()
    assert _api(attacker, "/reports/session", {"receipt": receipt}).status_code == 429
    assert _api(attacker, "/reports", REPORT).status_code == 429
    assert public_content_version() == version


def test_a_flood_of_pages_cannot_fill_the_redis_that_holds_logins_and_reports(redis_url: str, settings: Any) -> None:
    """The Redis holding the counters must not evict (noeviction), so whatever fills it
    makes every write fail. Were pages kept there, anyone could fill it with one page per
    address, and staff logins and report filing would answer 500 until the pages expired."""
    import redis

    settings.CACHES = cache_stores(redis_url)
    call_command("createcachetable")
    server = redis.Redis.from_url(redis_url)
    server.config_set("maxmemory-policy", "noeviction")
    server.config_set("maxmemory", str(server.info("memory")["used_memory"] + 256 * 1024))
    organisation = OrganisationFactory(countries=["PT"], accepts_public_reports=True)
    report_services.country_intake_set(actor=None, country="PT", organisation=organisation)
    caseworker = MembershipFactory(organisation=organisation, role=Role.CASEWORKER)

    visitor = OpenAPIClient()
    for number in range(400):  # about 2 MB of pages, several times what Redis may take
        assert visitor.get(f"/en/rights/?x={number}").status_code == 200

    staff = OpenAPIClient()
    response = staff.post("/en/staff/login/", {"email": caseworker.user.email, "password": PASSWORD})
    assert response.status_code == 302  # on to the second factor
    assert _api(OpenAPIClient(), "/reports", REPORT).status_code == 201
