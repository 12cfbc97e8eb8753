"""The page "I was attacked – what can I do right now?": in every language, with the two
numbers to call as links a phone can dial, and no cookie (a public page, cached whole)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@pytest.mark.parametrize("lang", LANGUAGE_CODES)
def test_the_right_now_page_answers_in_every_language(client: Client, lang: str) -> None:
    response = client.get(f"/{lang}/right-now/")
    assert response.status_code == 200
    html = response.content.decode()
    direction = "rtl" if lang in settings.LANGUAGES_BIDI else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert 'href="tel:112"' in html
    assert 'href="tel:116006"' in html
    # It says what to do, not only its title.
    for section in ('id="safe"', 'id="medical"', 'id="evidence"', 'id="call"', 'id="feelings"'):
        assert section in html
    assert f'href="/{lang}/report/"' in html
    assert f'href="/{lang}/support/"' in html


def test_the_right_now_page_sets_no_cookie(client: Client) -> None:
    response = client.get("/en/right-now/")
    assert not response.cookies
    assert "Set-Cookie" not in response


def test_the_right_now_page_says_the_helpline_is_not_everywhere_yet(client: Client) -> None:
    html = client.get("/en/right-now/").content.decode()
    assert "not yet available in every EU country" in html


@pytest.mark.parametrize("path", ["/en/", "/en/safety/"])
def test_the_home_page_and_the_footer_lead_to_the_right_now_page(client: Client, path: str) -> None:
    html = client.get(path).content.decode()
    assert 'href="/en/right-now/"' in html
