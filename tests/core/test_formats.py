"""Dates in each language's own written form (CLDR's long date, as Babel has it) and
lists joined with each language's own words."""

from __future__ import annotations

import datetime

import pytest
from babel.dates import format_date
from django.template import Context, Template
from django.utils import translation
from django.utils.formats import date_format

from victory.core.lists import list_join

FIRST_OF_DECEMBER = datetime.datetime(2026, 12, 1, 21, 5)  # noqa: DTZ001  (a wall-clock time, formatted only)

# language: (DATE_FORMAT, DATETIME_FORMAT, MONTH_DAY_FORMAT, the CLDR locale)
EXPECTED = {
    "en": ("1 December 2026", "1 December 2026, 21:05", "1 December", "en_GB"),
    "es": ("1 de diciembre de 2026", "1 de diciembre de 2026 a las 21:05", "1 de diciembre", "es"),
    "pt": ("1 de dezembro de 2026", "1 de dezembro de 2026 às 21:05", "1 de dezembro", "pt_PT"),
    "it": ("1 dicembre 2026", "1 dicembre 2026 21:05", "1 dicembre", "it"),
    "fi": ("1. joulukuuta 2026", "1. joulukuuta 2026 kello 21.05", "1. joulukuuta", "fi"),
    "hu": ("2026. december 1.", "2026. december 1. 21:05", "december 1.", "hu"),
    "eu": ("2026(e)ko abenduaren 1(a)", "2026(e)ko abenduaren 1(a), 21:05", "abenduaren 1(a)", "eu"),
    "ar": ("1 ديسمبر 2026", "1 ديسمبر 2026، 9:05 م", "1 ديسمبر", "ar"),
}
# Django's Portuguese and Italian catalogues capitalise month names ("Dezembro",
# "Dicembre"), which both languages write in lower case; the format cannot change that,
# only the project's catalogue can (see the report of issue 8).
CAPITALISED_MONTHS = {"pt", "it"}


def _same(language: str, shown: str, expected: str) -> bool:
    if language in CAPITALISED_MONTHS:
        return shown.lower() == expected.lower()
    return shown == expected


@pytest.mark.parametrize("language", EXPECTED)
def test_the_date_reads_as_the_language_writes_it(language: str) -> None:
    date, date_time, month_day, locale = EXPECTED[language]
    with translation.override(language):
        shown = date_format(FIRST_OF_DECEMBER, "DATE_FORMAT")
        assert _same(language, shown, date), shown
        assert _same(language, shown, format_date(FIRST_OF_DECEMBER, "long", locale=locale)), "not CLDR's long date"
        assert _same(language, date_format(FIRST_OF_DECEMBER, "DATETIME_FORMAT"), date_time)
        assert _same(language, date_format(FIRST_OF_DECEMBER, "MONTH_DAY_FORMAT"), month_day)


def test_templates_show_english_dates_the_european_way() -> None:
    with translation.override("en"):
        shown = Template('{{ day|date:"DATE_FORMAT" }} · {{ day|date:"SHORT_DATE_FORMAT" }}').render(
            Context({"day": FIRST_OF_DECEMBER})
        )
    assert shown == "1 December 2026 · 01/12/2026"  # not "Dec. 1, 2026 · 12/01/2026"


@pytest.mark.parametrize(
    ("language", "joined"),
    [
        ("en", "racism, disability and gender"),
        ("es", "racism, disability y gender"),
        ("eu", "racism, disability eta gender"),
        ("hu", "racism, disability és gender"),
        ("ar", "racism، disability وgender"),
    ],
)
def test_a_list_is_joined_with_the_language_s_own_words(language: str, joined: str) -> None:
    items = ["racism", "disability", "gender"]
    with translation.override(language):
        assert list_join(items) == joined
    assert list_join(items, language=language) == joined


def test_two_items_and_one_item() -> None:
    with translation.override("en"):
        assert list_join(["a", "b"]) == "a and b"
        assert list_join(["a"]) == "a"
        assert list_join([]) == ""
        assert list_join(["a", "b", "c"], style="or") == "a, b or c"
    with translation.override("ar"):
        assert list_join(["أ", "ب"]) == "أ وب"
        assert list_join(["أ", "ب", "ج"], style="or") == "أ، ب أو ج"


def test_the_template_filter_joins_and_escapes() -> None:
    template = Template("{% load victory_text %}{{ items|list_join }}")
    with translation.override("es"):
        shown = template.render(Context({"items": ["<b>uno</b>", "dos", "tres"]}))
    assert shown == "&lt;b&gt;uno&lt;/b&gt;, dos y tres"


def test_numbers_are_kept_left_to_right_in_a_sentence() -> None:
    template = Template("{% load victory_text %}{{ text|isolate_numbers }}")
    shown = template.render(Context({"text": "Call <112> or 116 006 (2012/29/EU)."}))
    assert shown == (
        'Call &lt;<bdi dir="ltr" class="ltr">112</bdi>&gt; or <bdi dir="ltr" class="ltr">116 006</bdi> '
        '(<bdi dir="ltr" class="ltr">2012/29/EU</bdi>).'
    )
