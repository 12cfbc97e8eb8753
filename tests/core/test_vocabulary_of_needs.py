"""One vocabulary of needs: what a reporter asks for (SupportNeed), what a directory service
offers (ServiceOffer) and what the navigator asks (HelpChoice) are tied by explicit mappings,
and none of the three lists has an entry the others cannot reach."""

from __future__ import annotations

from victory.core.vocabulary import (
    NEEDS_FOR_HELP,
    OFFERS_ASKED_OTHERWISE,
    OFFERS_FOR_NEED,
    SERVICE_GROUPS,
    BiasMotivation,
    HelpChoice,
    ServiceOffer,
    SupportNeed,
    needs_for,
    offers_for,
)


def test_every_need_is_met_by_at_least_one_offer() -> None:
    assert set(OFFERS_FOR_NEED) == set(SupportNeed)
    assert all(OFFERS_FOR_NEED[need] for need in SupportNeed)


def test_every_offer_meets_a_need_or_is_asked_otherwise() -> None:
    met = {offer for offers in OFFERS_FOR_NEED.values() for offer in offers}
    assert met | set(OFFERS_ASKED_OTHERWISE) == set(ServiceOffer)
    assert not met & set(OFFERS_ASKED_OTHERWISE)


def test_every_navigator_answer_stands_for_at_least_one_need() -> None:
    assert set(NEEDS_FOR_HELP) == set(HelpChoice)
    assert all(NEEDS_FOR_HELP[choice] for choice in HelpChoice)


def test_the_mappings_follow_the_codes_and_skip_unknown_ones() -> None:
    assert needs_for(["health", "no-such-answer"]) == [SupportNeed.MEDICAL, SupportNeed.PSYCHOLOGICAL]
    # Offers are listed once, in the order the needs bring them.
    assert offers_for(["safety", "talk", "old-code"]) == [ServiceOffer.EMOTIONAL, ServiceOffer.ACCOMMODATION]


def test_every_group_a_service_can_serve_is_a_bias_motivation_but_not_sure() -> None:
    assert set(SERVICE_GROUPS) == set(BiasMotivation) - {BiasMotivation.UNKNOWN}
