"""Rights pages, explainers, the needs navigator and search, as a reader meets them."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from victory.support.content_services import content_seed
from victory.support.models import (
    ContentPage,
    ContentTranslation,
    CountryNote,
    PublicationStatus,
    SupportService,
    SupportServiceTranslation,
)
from victory.support.text import render_plain

pytestmark = pytest.mark.django_db

CONTENT: dict[str, list[dict[str, Any]]] = {
    "en": [
        {
            "slug": "protection",
            "kind": "right",
            "right_letter": "c",
            "need": "emotional",
            "title": "Being protected",
            "summary": "You can ask for protection.",
            "body": "You have the right to be safe.\n\n## Who can help\n\n- The police\n- A support service",
            "what_you_can_do": "- Call 112 if you are in danger.",
        },
        {
            "slug": "support-without-reporting",
            "kind": "explainer",
            "right_letter": "",
            "need": "emotional",
            "title": "Support is yours even if you do not report",
            "summary": "Support does not depend on the police.",
            "body": "You can get support without reporting.",
            "what_you_can_do": "- Call 116 006.",
        },
    ],
    "es": [
        {
            "slug": "protection",
            "title": "Estar protegida o protegido",
            "summary": "Puedes pedir protección.",
            "body": "Tienes derecho a estar a salvo.",
            "what_you_can_do": "- Llama al 112 si estás en peligro.",
        }
    ],
}


@pytest.fixture
def content() -> None:
    content_seed(content=CONTENT)


def test_seeding_is_idempotent_and_keeps_edits(content: None) -> None:
    text = ContentTranslation.objects.get(page__slug="protection", language="en")
    text.title = "Being protected (edited)"
    text.save()
    assert content_seed(content=CONTENT) == 0
    assert ContentTranslation.objects.get(pk=text.pk).title == "Being protected (edited)"
    assert ContentPage.objects.count() == 2


def test_rights_page_in_the_readers_language(client: Client, content: None) -> None:
    html = client.get("/es/rights/protection/").content.decode()
    assert "Tienes derecho a estar a salvo." in html
    assert "not yet available" not in html


def test_untranslated_page_says_so_and_shows_english(client: Client, content: None) -> None:
    response = client.get("/fi/rights/support-without-reporting/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<article lang="en">' in html
    assert "You can get support without reporting." in html


def test_draft_pages_are_not_shown(client: Client, content: None) -> None:
    ContentTranslation.objects.filter(page__slug="protection").update(status=PublicationStatus.DRAFT)
    assert client.get("/en/rights/protection/").status_code == 404
    assert "Being protected" not in client.get("/en/rights/").content.decode()


def test_country_notes_show_source_and_review_date(client: Client, content: None) -> None:
    page = ContentPage.objects.get(slug="protection")
    CountryNote.objects.create(
        page=page,
        country="PT",
        language="en",
        text="A note for Portugal.",
        source="Fictional test source",
        last_reviewed_on="2026-10-01",
        status=PublicationStatus.PUBLISHED,
    )
    html = client.get("/en/rights/protection/?country=PT").content.decode()
    assert "A note for Portugal." in html
    assert "Fictional test source" in html
    unknown = client.get("/en/rights/protection/?country=ZZ")
    assert unknown.status_code == 200
    assert "did not recognise that country" in unknown.content.decode()


def test_plain_text_renders_structure_and_never_markup() -> None:
    html = render_plain("Hello <script>x</script>\n\n## Title\n\n- one\n- two")
    assert "&lt;script&gt;" in html
    assert "<h2>Title</h2>" in html
    assert "<li>one</li><li>two</li>" in html


def test_navigator_leads_to_the_right_pages_and_services(client: Client, content: None) -> None:
    service = SupportService.objects.create(
        slug="talk-pt",
        name="Listening line (fictional)",
        organisation_name="Test (fictional)",
        country="PT",
        offers=["emotional"],
        status=PublicationStatus.PUBLISHED,
    )
    SupportServiceTranslation.objects.create(service=service, language="en", description="We listen.")
    SupportService.objects.create(
        slug="legal-es",
        name="Lawyers (fictional)",
        organisation_name="Test (fictional)",
        country="ES",
        offers=["legal"],
        status=PublicationStatus.PUBLISHED,
    )
    response = client.post("/en/navigator/", {"country": "PT", "help": ["safety", "talk"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Being protected" in html
    assert "Listening line (fictional)" in html
    assert "Lawyers (fictional)" not in html
    assert response["Cache-Control"].startswith("max-age=0")
    assert not response.cookies  # nothing about the answers is kept


def test_someone_attacked_is_offered_the_steps_for_right_now_first(client: Client, content: None) -> None:
    attacked = client.post("/en/navigator/", {"what": "violence"}).content.decode()
    results = attacked[attacked.index('id="results-title"') :]
    assert '<a href="/en/right-now/">I was attacked – what can I do right now?</a>' in results.split("</p>")[0]
    threatened = client.post("/en/navigator/", {"what": "threats"}).content.decode()
    section = threatened[threatened.index('id="results-title"') : threatened.index("</section>")]
    assert "/en/right-now/" not in section  # (the footer links to it on every page)


def test_navigator_drops_only_the_unknown_answer(client: Client, content: None) -> None:
    response = client.post("/en/navigator/", {"country": "ZZ", "help": ["safety"]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Being protected" in html  # the known answer still leads to its right
    import re

    assert re.search(r'<input[^>]*value="safety"[^>]*checked', html)  # and it stays ticked


def test_search_finds_published_pages_in_the_readers_language(client: Client, content: None) -> None:
    html = client.post("/es/search/", {"q": "derecho"}).content.decode()
    assert "Estar protegida o protegido" in html
    english_only = client.post("/es/search/", {"q": "reporting"}).content.decode()
    assert "Support is yours even if you do not report" in english_only
    nothing = client.post("/en/search/", {"q": "zebra"}).content.decode()
    assert "Nothing found" in nothing


def test_platform_admin_edits_a_translation_in_the_admin(client: Client, content: None) -> None:
    from tests.conftest import login
    from tests.factories import PASSWORD
    from victory.accounts import services as account_services
    from victory.core.models import AuditEvent

    admin = account_services.user_create(
        email="content@test.victory.example", password=PASSWORD, is_platform_admin=True
    )
    account_services.totp_device_create_confirmed(user=admin)
    login(client, admin)
    page = ContentPage.objects.get(slug="protection")
    html = client.get(f"/en/admin/support/contentpage/{page.pk}/change/").content.decode()
    assert "Estar protegida o protegido" in html  # every language's text is edited on the page
    text = ContentTranslation.objects.get(page=page, language="es")
    text.status = PublicationStatus.DRAFT
    from victory.support import content_services

    content_services.content_object_save(actor=admin, instance=text)
    assert AuditEvent.objects.filter(action="content.contenttranslation.updated", actor=admin).exists()
    html = client.get("/es/rights/protection/").content.decode()
    assert '<article lang="en">' in html  # the Spanish draft is hidden: English, with the notice
    assert "Estar protegida o protegido" not in html


def test_shipped_content_is_complete_in_every_language() -> None:
    """Every rights page and explainer ships written in each interface language."""
    from django.conf import settings

    from victory.support.content_services import shipped_content

    shipped = shipped_content()
    assert set(shipped) == {code for code, _name in settings.LANGUAGES}
    english = {item["slug"]: item for item in shipped["en"]}
    assert len(english) == 16
    assert sum(item["kind"] == "right" for item in english.values()) == 11
    for language, items in shipped.items():
        assert [item["slug"] for item in items] == list(english), language
        for item in items:
            for key in ("title", "summary", "body", "what_you_can_do"):
                assert item[key].strip(), (language, item["slug"], key)
                if language != "en":
                    assert item[key] != english[item["slug"]][key], (language, item["slug"], key)
            assert "<" not in item["body"], (language, item["slug"])


def test_a_cached_page_never_carries_one_persons_data_and_edits_show_at_once(client: Client, content: None) -> None:
    first = client.get("/en/rights/protection/").content.decode()
    assert "Being protected" in first
    text = ContentTranslation.objects.get(page__slug="protection", language="en")
    text.title = "Being protected, edited"
    text.save()
    assert "Being protected, edited" in client.get("/en/rights/protection/").content.decode()


def test_one_persons_message_never_reaches_the_cache(org_admin_client: Client, org_admin: Any, content: None) -> None:
    """A professional's page may show their own message; an anonymous reader of the same
    address must never be served that page from the cache."""
    org_admin_client.post(
        f"/en/staff/organisations/{org_admin.organisation.pk}/members/",
        {"email": "cached.person@test.victory.example", "role": "trainer"},
    )
    own = org_admin_client.get("/en/rights/").content.decode()
    assert "cached.person@test.victory.example" in own
    anonymous = Client().get("/en/rights/").content.decode()
    assert "cached.person@test.victory.example" not in anonymous


def test_service_search_uses_the_readers_language(client: Client, content: None) -> None:
    from victory.support import services

    service = services.service_create(
        actor=None,
        slug="search-me",
        name="Harbour Help (fictional)",
        organisation_name="Test (fictional)",
        country="PT",
    )
    services.service_translation_set(actor=None, service=service, language="fi", description="Kuuntelemme sinua.")
    services.service_translation_set(actor=None, service=service, language="en", description="We listen to you.")
    services.service_publish(actor=None, service=service)

    def found(language: str, query: str) -> bool:
        return "Harbour Help" in client.post(f"/{language}/search/", {"q": query}).content.decode()

    assert found("fi", "kuuntelemme")
    assert found("es", "listen")  # English as fallback
    assert not found("es", "kuuntelemme")
