"""The demo directory: fictional and labelled so, without invented phone numbers or
addresses, in several countries and languages, and seeded once however often it runs."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from victory.support.models import PublicationStatus, SupportService, SupportServiceTranslation

pytestmark = pytest.mark.django_db


def _seed() -> str:
    stdout = StringIO()
    call_command("seed_demo_services", stdout=stdout, verbosity=0)
    return stdout.getvalue()


def test_demo_services_are_fictional_published_and_without_phone_or_address() -> None:
    _seed()
    demo = list(SupportService.objects.prefetch_related("translations"))
    assert 10 <= len(demo) <= 15
    for service in demo:
        assert service.name.endswith("(fictional)")
        assert service.is_fictional and service.status == PublicationStatus.PUBLISHED
        assert service.phone == "" and service.address == ""
        assert service.email.endswith("@demo.victory.example")
        assert service.website.startswith("https://demo.victory.example/")
        assert "en" in {t.language for t in service.translations.all()}
    countries = {service.country for service in demo}
    assert {"PT", "ES"} <= countries and len(countries) >= 4
    assert any("ar" in service.languages for service in demo)
    assert len({offer for service in demo for offer in service.offers}) >= 7
    assert len({channel for service in demo for channel in service.channels}) >= 3


def test_some_demo_services_are_only_in_english_so_the_fallback_shows() -> None:
    _seed()
    local = SupportServiceTranslation.objects.exclude(language="en").values_list("service__slug", flat=True)
    assert 0 < len(set(local)) < SupportService.objects.count()


def test_seeding_twice_changes_nothing() -> None:
    _seed()
    first = list(SupportService.objects.order_by("slug").values())
    translations = SupportServiceTranslation.objects.count()
    assert "0 created, 0 updated, 12 unchanged" in _seed()
    assert list(SupportService.objects.order_by("slug").values()) == first
    assert SupportServiceTranslation.objects.count() == translations


def test_demo_services_are_linked_to_the_demo_organisations_when_they_exist() -> None:
    call_command("seed_demo", verbosity=0, stdout=StringIO())
    _seed()
    linked = SupportService.objects.filter(organisation__isnull=False)
    assert linked.exists()
    assert all(service.organisation is not None and service.organisation.is_fictional for service in linked)


@override_settings(IS_PRODUCTION=True)
def test_seeding_refuses_in_production() -> None:
    with pytest.raises(CommandError, match="production"):
        _seed()
    assert not SupportService.objects.exists()
