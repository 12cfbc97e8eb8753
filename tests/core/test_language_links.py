"""The language switcher's links: this page, in each language, with its query kept."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import translate_url
from django.utils.translation import override

from victory.core.context_processors import platform


@pytest.mark.parametrize(
    "full_path",
    [
        "/en/report/",
        "/es/support/?country=ES&need=legal",  # a filtered page keeps its filter in every language
        "/en/staff/cases/?status=new&sort=risk",
        "/en/no-such-page/",  # an address nothing answers stays as it is
    ],
)
def test_each_language_link_is_this_page_in_that_language(full_path: str) -> None:
    """The links written with the path resolved once are Django's translate_url, for
    every language."""
    request = RequestFactory().get(full_path)
    with override(full_path.split("/")[1]):  # the page's language, as LocaleMiddleware sets it
        links = {language["code"]: language["url"] for language in platform(request)["victory_languages"]}
        assert set(links) == {code for code, _name in settings.LANGUAGES}
        for code in links:
            assert links[code] == translate_url(full_path, code)
    if "no-such-page" not in full_path:
        assert links["fi"].startswith("/fi/") and links["eu"].startswith("/eu/")
    if "?" in full_path:
        assert links["pt"].endswith("?" + full_path.split("?", 1)[1])
