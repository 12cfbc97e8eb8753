"""Fixtures every test may use: organisations, professionals with a second factor, and a
client already logged in as one of them."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, current_code
from tests.openapi_check import OpenAPIClient
from victory.accounts import services
from victory.accounts.models import AuthenticatorDevice, Membership, Organisation, Role, User
from victory.core.cache import page_memory
from victory.core.counters import CounterStore


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # One test's cached pages must not answer the next. The counter store is a table:
    # its rows roll back with each test (or are flushed after a transactional one), so
    # one test's failures never lock the next, and clearing it here would need the
    # database in tests that have none.
    for alias in settings.CACHES:
        if not isinstance(caches[alias], CounterStore):
            caches[alias].clear()
    page_memory.clear()  # each worker's own copies of cached pages (victory.core.cache)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return OrganisationFactory()


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return OrganisationFactory(countries=["ES"])


def _with_totp(membership: Membership) -> Membership:
    services.totp_device_create_confirmed(user=membership.user)
    return membership


@pytest.fixture
def caseworker(organisation: Organisation) -> Membership:
    return _with_totp(MembershipFactory(organisation=organisation, role=Role.CASEWORKER))


@pytest.fixture
def org_admin(organisation: Organisation) -> Membership:
    return _with_totp(MembershipFactory(organisation=organisation, role=Role.ORG_ADMIN))


def login(client: Client, person: Membership | User) -> Client:
    """Log in through the real two-step form, as a person would (a membership's person,
    or a user who holds no membership, such as a platform administrator)."""
    user = person.user if isinstance(person, Membership) else person
    response = client.post("/en/staff/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    device = AuthenticatorDevice.objects.get(user=user, confirmed=True)
    response = client.post("/en/staff/login/code/", {"code": current_code(device)})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def caseworker_client(client: Client, caseworker: Membership) -> Client:
    return login(client, caseworker)


@pytest.fixture
def org_admin_client(client: Client, org_admin: Membership) -> Client:
    return login(client, org_admin)


def require_server(binary: str, package: str) -> str:
    """The path of a server binary; under CI a missing one fails the test, never skips it."""
    path = shutil.which(binary)
    if path is None:
        message = f"{binary} is missing: install Debian's {package} (apt-get install {package})."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A real, throwaway Redis server on a free loopback port."""
    binary = require_server("redis-server", "redis-server")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(  # noqa: S603
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start within 10 seconds")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def client() -> OpenAPIClient:
    """pytest-django's ``client``, checking every answer to an /api/ path against the
    OpenAPI document (tests/openapi_check.py), so no API test can skip the check."""
    return OpenAPIClient()


@pytest.fixture
def api_client(client: OpenAPIClient) -> OpenAPIClient:
    """The same client, by the name API tests read best with."""
    return client
