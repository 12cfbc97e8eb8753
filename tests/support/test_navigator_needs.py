"""The navigator's answer to "What would help you now?" finds the directory services that
offer what it stands for, through the one vocabulary of needs, and no others."""

from __future__ import annotations

import pytest
from django.test import Client

from victory.core.vocabulary import HelpChoice, ServiceOffer, needs_for, offers_for
from victory.support.models import PublicationStatus, SupportService


@pytest.fixture
def one_service_per_offer(db: None) -> None:
    for offer in ServiceOffer:
        SupportService.objects.create(
            slug=f"offers-{offer.value}".replace("_", "-"),
            name=f"Service offering {offer.value} (fictional)",
            organisation_name="Test (fictional)",
            country="PT",
            offers=[offer.value],
            status=PublicationStatus.PUBLISHED,
        )


@pytest.mark.parametrize("choice", list(HelpChoice))
def test_navigator_answer_finds_the_services_offering_its_needs(
    client: Client, one_service_per_offer: None, choice: HelpChoice
) -> None:
    html = client.post("/en/navigator/", {"country": "PT", "help": [choice.value]}).content.decode()
    results = html[html.index('id="results-title"') : html.index("</section>")]
    wanted = set(offers_for(needs_for([choice.value])))
    assert wanted
    for offer in ServiceOffer:
        found = f"Service offering {offer.value} (fictional)" in results
        assert found == (offer in wanted), offer
        if found:
            # The directory, filtered by the same offer, lists the same service.
            directory = client.get("/en/support/", {"country": "PT", "need": offer.value}).content.decode()
            assert f"Service offering {offer.value} (fictional)" in directory
