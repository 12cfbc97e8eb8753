"""Fixtures every test may use: organisations, professionals with a second factor, and a
client already logged in as one of them."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, current_code
from victory.accounts import services
from victory.accounts.models import Membership, Organisation, Role


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    # Rate-limit counters live in the cache; one test's failures must not lock the next.
    cache.clear()


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


def login(client: Client, membership: Membership) -> Client:
    """Log in through the real two-step form, as a person would."""
    user = membership.user
    response = client.post("/en/staff/login/", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post("/en/staff/login/code/", {"code": current_code(device)})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def caseworker_client(client: Client, caseworker: Membership) -> Client:
    return login(client, caseworker)


@pytest.fixture
def org_admin_client(client: Client, org_admin: Membership) -> Client:
    return login(client, org_admin)
