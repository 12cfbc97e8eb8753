"""The programme's entry points on "Your work": each shown to whom it answers, so no
professional is sent to a page that would be "not found" for them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.cases.sharing_helpers import professional
from tests.conftest import login
from tests.factories import OrganisationFactory
from victory.accounts.models import OrganisationKind, Role

from .helpers import programme

pytestmark = pytest.mark.django_db


def _your_work(client: Client) -> str:
    return client.get(reverse("accounts:dashboard")).content.decode()


def test_a_facilitator_finds_the_programme_and_a_caseworker_is_not_sent_there() -> None:
    p = programme()
    facilitator_page = _your_work(login(Client(), p.facilitator))
    assert reverse("restorative:list") in facilitator_page
    assert reverse("restorative:dashboard") not in facilitator_page
    caseworker = login(Client(), p.caseworker)
    assert reverse("restorative:list") not in _your_work(caseworker)
    assert caseworker.get(reverse("restorative:list")).status_code == 404


def test_each_link_answers_the_person_it_is_shown_to() -> None:
    p = programme()
    police = professional(OrganisationFactory(kind=OrganisationKind.POLICE), Role.JUSTICE_LIAISON)
    for person, shown in ((p.supervisor, ("list", "dashboard")), (police, ("refer",))):
        client = login(Client(), person)
        page = _your_work(client)
        for name in shown:
            address = reverse(f"restorative:{name}")
            assert address in page
            assert client.get(address).status_code == 200
