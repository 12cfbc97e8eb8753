"""The language switcher's links: this page, in each language, with its query kept;
never an address the platform did not write."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import translate_url
from django.utils.translation import override

from victory.core.context_processors import platform

LANGUAGES = {code for code, _name in settings.LANGUAGES}


def _links(full_path: str, language: str) -> dict[str, str]:
    request = RequestFactory().get(full_path)
    with override(language):  # the page's language, as LocaleMiddleware sets it
        return {entry["code"]: entry["url"] for entry in platform(request)["victory_languages"]}


@pytest.mark.parametrize(
    "full_path",
    [
        "/en/report/",
        "/es/support/?country=ES&need=legal",  # a filtered page keeps its filter in every language
        "/en/staff/cases/?status=new&sort=risk",
    ],
)
def test_each_language_link_is_this_page_in_that_language(full_path: str) -> None:
    """The links, written with the path resolved once, are Django's translate_url."""
    language = full_path.split("/")[1]
    links = _links(full_path, language)
    assert set(links) == LANGUAGES
    with override(language):
        for code in links:
            assert links[code] == translate_url(full_path, code)
    assert links["fi"].startswith("/fi/") and links["eu"].startswith("/eu/")
    if "?" in full_path:
        assert links["pt"].endswith("?" + full_path.split("?", 1)[1])


@pytest.mark.parametrize("full_path", ["/en/no-such-page/", "/%2F%2Fevil.example/x", "/en/%2F%2Fevil.example/"])
def test_a_page_nothing_answers_links_each_language_home(full_path: str) -> None:
    """For an address nothing answers, each link is that language's home page, not
    the address echoed back."""
    links = _links(full_path, "en")
    assert links == {code: f"/{code}/" for code in LANGUAGES}


@pytest.mark.django_db
def test_the_not_found_page_links_no_other_site(client: Client) -> None:
    """Attack: a hate group sends a victim https://victory.example//evil.example/phish.
    VicTory's own "page not found" answers, and every language link read
    href="//evil.example/phish", which a browser follows to the group's copy of the
    site (Django's translate_url echoes a path it cannot resolve)."""
    page = client.get("/", PATH_INFO="//evil.example/phish")
    body = page.content.decode()
    assert page.status_code == 404
    assert "evil.example" not in body
    assert 'href="/fi/"' in body, "the switcher is still there, leading home in each language"
