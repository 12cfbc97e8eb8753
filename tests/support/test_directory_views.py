"""The public support-service directory, as a reader uses it: filter the list, open a
service, read it in their language (or in English, told so), never meet an error for an
odd address, and never see a draft."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from victory.support.models import PublicationStatus, SupportService, SupportServiceTranslation
from victory.support.views import PAGE_SIZE, DirectoryView, ServiceDetailView

pytestmark = pytest.mark.django_db

FALLBACK_NOTE = "This description is not yet available in your language. Here it is in English."
SERVICE_LINK = re.compile(r'href="/[a-z]{2}/support/([a-z0-9-]+)/"')


def make_service(slug: str, *, texts: dict[str, str] | None = None, **fields: Any) -> SupportService:
    values: dict[str, Any] = {
        "name": f"Service {slug} (fictional)",
        "organisation_name": "Fictional Support Network",
        "country": "ES",
        "region": "",
        "offers": ["emotional"],
        "groups": [],
        "languages": ["es"],
        "channels": ["phone"],
        "status": PublicationStatus.PUBLISHED,
        "is_fictional": True,
    }
    values.update(fields)
    service = SupportService.objects.create(slug=slug, **values)
    for language, description in (texts if texts is not None else {"en": f"About {slug}."}).items():
        SupportServiceTranslation.objects.create(service=service, language=language, description=description)
    return service


def listed(client: Client, query: str = "", lang: str = "en") -> list[str]:
    response = client.get(f"/{lang}/support/{query}")
    assert response.status_code == 200
    return SERVICE_LINK.findall(response.content.decode())


@pytest.fixture
def services() -> None:
    make_service(
        "madrid-legal",
        country="ES",
        region="Madrid",
        offers=["legal", "reporting"],
        groups=["anti_muslim"],
        languages=["es", "ar"],
    )
    make_service(
        "bilbao-listening",
        country="ES",
        region="Bilbao",
        offers=["emotional", "psychological"],
        groups=["anti_lgbti"],
        languages=["eu", "es"],
    )
    make_service(
        "lisbon-help",
        country="PT",
        region="Lisboa",
        offers=["legal", "accommodation"],
        groups=["anti_roma", "anti_muslim"],
        languages=["pt", "en"],
    )
    make_service("madrid-draft", country="ES", region="Madrid", offers=["legal"], status=PublicationStatus.DRAFT)


def test_every_published_service_is_listed_and_no_draft(client: Client, services: None) -> None:
    assert sorted(listed(client)) == ["bilbao-listening", "lisbon-help", "madrid-legal"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=ES", ["bilbao-listening", "madrid-legal"]),
        ("?country=pt", ["lisbon-help"]),  # a hand-typed lower-case code still works
        ("?region=madr", ["madrid-legal"]),
        ("?need=legal", ["lisbon-help", "madrid-legal"]),
        ("?need=psychological", ["bilbao-listening"]),
        ("?group=anti_muslim", ["lisbon-help", "madrid-legal"]),
        ("?group=anti_lgbti", ["bilbao-listening"]),
        ("?language=ar", ["madrid-legal"]),
        ("?language=es", ["bilbao-listening", "madrid-legal"]),
    ],
)
def test_each_filter_alone(client: Client, services: None, query: str, expected: list[str]) -> None:
    assert sorted(listed(client, query)) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?country=ES&need=legal", ["madrid-legal"]),
        ("?country=ES&region=Madrid&need=legal&group=anti_muslim&language=ar", ["madrid-legal"]),
        ("?need=legal&group=anti_muslim&language=pt", ["lisbon-help"]),
        ("?country=PT&language=eu", []),
        ("?country=ES&region=Lisboa", []),
    ],
)
def test_filters_combined(client: Client, services: None, query: str, expected: list[str]) -> None:
    assert sorted(listed(client, query)) == expected


def test_a_draft_is_never_listed_even_when_every_filter_matches_it(client: Client, services: None) -> None:
    assert "madrid-draft" not in listed(client, "?country=ES&region=Madrid&need=legal")


def test_the_count_of_results_is_shown(client: Client, services: None) -> None:
    html = client.get("/en/support/?country=ES").content.decode()
    assert "2 services found" in html
    html = client.get("/en/support/?country=PT").content.decode()
    assert "1 service found" in html


@pytest.mark.parametrize(
    "query",
    [
        "?country=ZZ&need=nonsense",
        "?language=xx",
        "?group=%3Cscript%3E",
        "?region=" + "x" * 500,
        "?page=999&need=",
        "?page=abc",
    ],
)
def test_unknown_filters_are_ignored_with_a_note_not_an_error(client: Client, services: None, query: str) -> None:
    response = client.get(f"/en/support/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if "page=" not in query:
        assert "We did not recognise" in html
        assert "<script>" not in html
    assert SERVICE_LINK.findall(html)  # the list is still there, without the odd filter


def test_an_unknown_filter_leaves_the_known_ones_working(client: Client, services: None) -> None:
    response = client.get("/en/support/?country=PT&need=nonsense")
    html = response.content.decode()
    assert "We did not recognise the filter “What would help”" in html
    assert SERVICE_LINK.findall(html) == ["lisbon-help"]
    # The form shows the country kept and no choice for the ignored filter.
    assert '<option value="PT" selected>' in html
    assert 'value="nonsense"' not in html


def test_no_result_is_a_kind_page_that_still_offers_help(client: Client, services: None) -> None:
    html = client.get("/en/support/?country=FI").content.decode()
    assert "0 services found" in html
    assert 'href="tel:116006"' in html
    assert 'href="tel:112"' in html
    assert "Try fewer filters" in html
    assert 'href="/en/support/"' in html


class NoSession:
    """A session that fails the test on any use."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the directory used the session ({name})")

    def __getitem__(self, key: str) -> Any:
        raise AssertionError(f"the directory read {key!r} from the session")

    def __contains__(self, key: str) -> bool:
        raise AssertionError(f"the directory looked for {key!r} in the session")


@pytest.mark.parametrize("path", ["/en/support/?country=ES&need=legal", "/en/support/madrid-legal/"])
def test_the_directory_sets_no_cookie(client: Client, services: None, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert not response.cookies


@pytest.mark.parametrize(("view", "kwargs"), [(DirectoryView, {}), (ServiceDetailView, {"slug": "madrid-legal"})])
def test_the_directory_pages_use_no_session(rf: RequestFactory, services: None, view: Any, kwargs: Any) -> None:
    """So they can be cached whole, per language."""
    request = rf.get("/en/support/", {"country": "ES"})
    request.session = NoSession()  # type: ignore[assignment]  # a stand-in failing on any use, no SessionBase
    with translation.override("en"):
        response = view.as_view()(request, **kwargs)
    assert response.status_code == 200


def test_the_directory_page_needs_the_same_queries_for_many_services(
    client: Client, services: None, django_assert_max_num_queries: Any
) -> None:
    for number in range(PAGE_SIZE + 5):
        make_service(f"extra-{number}", languages=["es", "fr"], offers=["legal"])
    with django_assert_max_num_queries(4):
        html = client.get("/en/support/?country=ES&need=legal").content.decode()
    assert f"{PAGE_SIZE + 6} services found" in html
    assert len(SERVICE_LINK.findall(html)) == PAGE_SIZE
    assert "?country=ES&amp;need=legal&amp;page=2" in html
    second = client.get("/en/support/?country=ES&need=legal&page=2").content.decode()
    assert len(SERVICE_LINK.findall(second)) == 6
    assert "Page 2 of 2" in second


def test_the_filter_form_offers_groups_and_languages_in_plain_words(client: Client) -> None:
    html = client.get("/en/support/").content.decode()
    assert "Any country" in html
    assert "Jewish people" in html
    assert '<option value="ar" lang="ar">' in html
    assert '<option value="eu" lang="eu">euskara</option>' in html
    assert '<form method="get"' in html
    assert "csrfmiddlewaretoken" not in html


def test_a_card_shows_what_a_reader_needs_to_choose(client: Client) -> None:
    make_service(
        "card",
        region="Madrid",
        offers=["legal", "interpretation"],
        languages=["ar", "es"],
        channels=["phone", "in_person"],
        is_free=False,
        accepts_reports_via_victory=True,
    )
    html = client.get("/en/support/").content.decode()
    for text in [
        "Service card (fictional)",
        "Fictional Support Network",
        "Madrid, Spain",
        "Legal advice, Interpreting and translation",
        '<span lang="ar">العربيّة</span>',
        "Phone, In person",
        "You may have to pay",
        "Accepts reports through VicTory",
        "Fictional service (demo data)",
    ]:
        assert text in html, text


def test_a_service_page_shows_every_public_fact(client: Client) -> None:
    service = make_service(
        "full",
        region="Madrid",
        offers=["legal"],
        groups=["antisemitism"],
        languages=["es"],
        channels=["email"],
        phone="+34 000 000 000",
        email="help@example.org",
        website="https://example.org/help",
        address="Calle Ficticia 1, Madrid",
        accepts_reports_via_victory=True,
        last_reviewed_on=date(2025, 2, 3),
    )
    SupportServiceTranslation.objects.filter(service=service).update(
        opening_hours="Monday to Friday, 9:00 to 17:00", accessibility="Step-free entrance."
    )
    html = client.get("/en/support/full/").content.decode()
    for text in [
        "<h1>Service full (fictional)</h1>",
        "Fictional service (demo data)",
        "Run by Fictional Support Network, in Madrid, Spain.",
        "About full.",
        "Legal advice",
        "Jewish people",
        'href="tel:+34000000000"',
        'href="mailto:help@example.org"',
        '<a href="https://example.org/help" rel="noreferrer noopener"',
        "Calle Ficticia 1, Madrid",
        "Monday to Friday, 9:00 to 17:00",
        "Step-free entrance.",
        "This service accepts reports through VicTory.",
        'href="/en/report/',
        # In the language's own date format (the formats are the locale's, not this test's).
        f'last reviewed on <time datetime="2025-02-03">{_english_date(date(2025, 2, 3))}</time>',
    ]:
        assert text in html, text
    # A link is not a request: nothing from another host is embedded.
    assert not re.search(r'<(img|iframe|script|link)\b[^>]*(src|href)="https?://', html)


def test_a_website_that_is_not_a_web_address_is_not_a_link(client: Client) -> None:
    make_service("odd", website="ftp://example.org/")
    html = client.get("/en/support/odd/").content.decode()
    assert 'href="ftp:' not in html
    assert "ftp://example.org/" in html


def test_the_service_page_in_two_languages(client: Client) -> None:
    make_service(
        "two",
        texts={"en": "We listen.", "es": "Te escuchamos."},
        offers=["legal"],
        last_reviewed_on=date(2025, 2, 3),
    )
    english = client.get("/en/support/two/").content.decode()
    spanish = client.get("/es/support/two/").content.decode()
    assert '<html lang="en"' in english and '<html lang="es"' in spanish
    assert "We listen." in english and "Te escuchamos." not in english
    assert "Te escuchamos." in spanish and "We listen." not in spanish
    with translation.override("es"):
        assert str(gettext("Legal advice")) in spanish
        assert date_format(date(2025, 2, 3), "DATE_FORMAT") in spanish
        assert gettext(FALLBACK_NOTE) not in spanish
    assert 'class="service-text" lang=' not in spanish


def test_text_only_in_english_is_shown_marked_english_with_a_note_in_the_readers_language(client: Client) -> None:
    make_service("english-only", texts={"en": "We help in English for now."})
    response = client.get("/es/support/english-only/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="es"' in html
    with translation.override("es"):
        assert gettext(FALLBACK_NOTE) in html
    assert re.search(r'<div class="service-text" lang="en" dir="ltr"><p>We help in English for now.</p>', html)
    # The English reader gets no note.
    assert FALLBACK_NOTE not in client.get("/en/support/english-only/").content.decode()


def test_text_a_service_wrote_is_shown_as_text_never_run(client: Client) -> None:
    make_service(
        "scripted",
        name="<b>Bold</b> name",
        texts={"en": '<script>alert("x")</script> Call us.'},
    )
    html = client.get("/en/support/scripted/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Call us." in html
    assert "<script>alert" not in html
    assert "&lt;b&gt;Bold&lt;/b&gt; name" in html
    assert "&lt;b&gt;Bold&lt;/b&gt; name" in client.get("/en/support/").content.decode()


def test_a_service_with_no_text_yet_still_has_its_page(client: Client) -> None:
    make_service("no-text", texts={})
    assert client.get("/es/support/no-text/").status_code == 200


def test_a_draft_or_unknown_service_is_not_found(client: Client, services: None) -> None:
    assert client.get("/en/support/madrid-draft/").status_code == 404
    assert client.get("/en/support/no-such-service/").status_code == 404


def test_a_real_service_has_no_demo_label(client: Client) -> None:
    make_service("real", is_fictional=False)
    assert "Fictional service (demo data)" not in client.get("/en/support/real/").content.decode()
    assert "Fictional service (demo data)" not in client.get("/en/support/").content.decode()


def _english_date(day: date) -> str:
    from django.utils import formats, translation

    with translation.override("en"):
        return formats.date_format(day, "DATE_FORMAT")
