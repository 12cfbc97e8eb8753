"""112 and 116 006 are offered by one partial (includes/help_now.html) wherever they appear:
in the footer of every page, and in the page itself where a person may need them most.
Both numbers are links that start a call."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

PANEL = re.compile(r'<(ul|div) class="[^"]*" data-help-now="(?:calls|lines)">(.*?)</\1>', re.S)
CALL_LINK = re.compile(r'href="tel:(?:112|116006)"')


def _page(client: Client, url: str) -> str:
    if url == "/en/navigator/":
        return client.post(url, {"help": ["talk"]}).content.decode()
    return client.get(url).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/en/",
        "/en/right-now/",
        "/en/no-such-page/",
        "/en/support/",
        "/en/navigator/",
        "/en/report/",
        "/en/report/sent/",
        "/en/report/acknowledgement.pdf",
    ],
)
def test_the_page_and_its_footer_show_the_one_panel_with_both_numbers_to_call(client: Client, url: str) -> None:
    html = _page(client, url)
    main, footer = html.split("<footer", 1)
    for part in (main, footer):
        panels = PANEL.findall(part)
        assert len(panels) == 1, (url, part[-300:])
        inner = panels[0][1]
        assert 'href="tel:112"' in inner and 'href="tel:116006"' in inner
    if url != "/en/right-now/":  # its step-by-step text names the numbers in its own sentences
        assert not CALL_LINK.search(PANEL.sub("", html)), "a copy of the panel outside the partial"


def test_for_a_chosen_country_the_panel_offers_each_number_only_where_it_answers(client: Client) -> None:
    from victory.support.content_services import content_seed

    content_seed()
    html = client.post("/en/navigator/", {"country": "ES", "help": ["talk"]}).content.decode()
    main, footer = html.split("<footer", 1)
    spain = PANEL.findall(main)[0][1]
    assert 'href="tel:112"' in spain and "tel:116006" not in spain  # not (yet) answered in Spain
    # The footer is the same on every page: the European numbers.
    assert "tel:116006" in PANEL.findall(footer)[0][1]
