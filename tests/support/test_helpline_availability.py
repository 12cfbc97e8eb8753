"""Honest about where the law applies: a person who chooses a country outside the EU is
not told that the EU rules apply there, and 116 006 is shown only where it answers."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client

from victory.core.models import AuditEvent
from victory.core.vocabulary import COUNTRIES
from victory.support import content_services
from victory.support.content_services import content_seed
from victory.support.jurisdictions import COUNCIL_OF_EUROPE_MEMBERS, EU_MEMBER_STATES
from victory.support.models import HelplineAvailability, HelplineStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped(db: None) -> None:
    content_seed()


def _country_law(html: str) -> str:
    """The part of the page that speaks about the chosen country: its law, then the
    numbers to call there (the help-now panel right after it)."""
    found = re.search(
        r'<div class="panel country-law"[^>]*>(.*?)</div>\s*<div class="panel help-now"[^>]*>(.*?)</div>', html, re.S
    )
    assert found, "the page says nothing about the chosen country"
    return found.group(1) + found.group(2)


def _navigator(client: Client, country: str) -> str:
    return client.post("/en/navigator/", {"country": country, "help": ["talk"]}).content.decode()


def test_a_country_outside_the_eu_is_not_told_the_eu_rules_apply(client: Client, shipped: None) -> None:
    for html in (_navigator(client, "RS"), client.get("/en/rights/support/?country=RS").content.decode()):
        said = _country_law(html)
        assert "Serbia is not in the European Union, so the EU rules on victims' rights do not apply there" in said
        assert "is in the European Union, so the EU rules" not in said
        assert "member of the Council of Europe" in said
        assert "116 006" not in said and "tel:116006" not in said
        assert "the local emergency number" in said and "tel:112" not in said  # not sure 112 works there
        assert 'href="/en/support/?country=RS"' in said  # pointed to the directory instead


def test_the_rights_page_for_a_country_outside_the_eu_does_not_claim_the_eu_text_applies(
    client: Client, shipped: None
) -> None:
    html = client.get("/en/rights/support/?country=XK").content.decode()
    assert "applies in every EU country" not in html
    said = _country_law(html)
    assert "Kosovo is not in the European Union" in said
    assert "Council of Europe" not in said  # Kosovo is not a member


def test_116_006_is_shown_only_where_it_answers(client: Client, shipped: None) -> None:
    spain = _country_law(_navigator(client, "ES"))  # an EU country without the helpline (yet)
    assert "Spain is in the European Union" in spain
    assert "116 006" not in spain
    assert "tel:112" in spain
    portugal = _country_law(_navigator(client, "PT"))
    assert 'href="tel:116006"' in portugal
    assert "Source: Victim Support Europe" in portugal and "Last checked on" in portugal


def test_a_country_not_known_either_way_is_not_promised_the_helpline(client: Client, shipped: None) -> None:
    norway = _country_law(_navigator(client, "NO"))
    assert not HelplineAvailability.objects.filter(country="NO").exists()
    assert "116 006" not in norway
    assert "tel:112" in norway  # 112 answers in Norway


def test_the_shipped_availability_covers_every_eu_country_with_its_source(shipped: None) -> None:
    entries = {entry.country: entry for entry in HelplineAvailability.objects.all()}
    assert set(entries) == EU_MEMBER_STATES
    assert all(entry.source and entry.last_reviewed_on for entry in entries.values())
    assert entries["ES"].status == HelplineStatus.NOT_AVAILABLE
    assert entries["DE"].status == HelplineStatus.AVAILABLE


def test_an_administrators_correction_shows_at_once_and_survives_a_new_seed(client: Client, shipped: None) -> None:
    content_services.helpline_availability_set(
        actor=None,
        country="ES",
        status=HelplineStatus.AVAILABLE,
        source="A test source (fictional)",
        last_reviewed_on=date(2026, 11, 30),
    )
    assert AuditEvent.objects.filter(action="content.helpline_availability.set").exists()
    content_seed()
    assert HelplineAvailability.objects.get(country="ES").status == HelplineStatus.AVAILABLE
    assert 'href="tel:116006"' in _country_law(_navigator(client, "ES"))


def test_the_membership_lists_are_the_countries_the_platform_serves() -> None:
    assert len(EU_MEMBER_STATES) == 27
    assert EU_MEMBER_STATES <= COUNCIL_OF_EUROPE_MEMBERS <= set(COUNTRIES)
    assert set(COUNTRIES) - COUNCIL_OF_EUROPE_MEMBERS == {"XK"}


def _help_now(client: Client, url: str) -> str:
    """The page's own "talk to someone now / in danger now" panel."""
    found = re.search(r'<div class="panel help-now"[^>]*>(.*?)</div>', client.get(url).content.decode(), re.S)
    assert found, url
    return found.group(1)


def test_a_service_page_and_a_countrys_directory_offer_116_006_only_where_it_answers(
    client: Client, shipped: None
) -> None:
    from victory.support import services as support_services

    for slug, country in (("madrid-help", "ES"), ("lisboa-help", "PT")):
        service = support_services.service_create(
            actor=None,
            slug=slug,
            name=f"Help {country} (fictional)",
            organisation_name="Org (fictional)",
            country=country,
        )
        support_services.service_translation_set(actor=None, service=service, language="en", description="We help.")
        support_services.service_publish(actor=None, service=service)
    assert "tel:116006" not in _help_now(client, "/en/support/madrid-help/")
    assert "tel:116006" not in _help_now(client, "/en/support/?country=ES")
    assert "tel:116006" in _help_now(client, "/en/support/lisboa-help/")
    assert "tel:116006" in _help_now(client, "/en/support/?country=PT")
    assert "tel:112" in _help_now(client, "/en/support/madrid-help/")
