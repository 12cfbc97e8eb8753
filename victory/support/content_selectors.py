"""Reads of rights pages and explainers: published texts in the reader's language, or
the English text with a note when a page is not translated yet."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from victory.core.vocabulary import COUNTRIES, country_name

from . import jurisdictions, search
from .models import (
    ContentKind,
    ContentPage,
    ContentTranslation,
    CountryNote,
    HelplineAvailability,
    HelplineStatus,
    PublicationStatus,
    SearchEntry,
)


@dataclass(frozen=True)
class PageText:
    page: ContentPage
    text: ContentTranslation
    is_fallback: bool  # the reader's language has no published text: this is English


def _published(page: ContentPage, language: str) -> PageText | None:
    texts = {t.language: t for t in page.translations.all() if t.status == PublicationStatus.PUBLISHED}
    if language in texts:
        return PageText(page=page, text=texts[language], is_fallback=False)
    if settings.LANGUAGE_CODE in texts:
        return PageText(page=page, text=texts[settings.LANGUAGE_CODE], is_fallback=True)
    return None


def content_list(*, language: str, kind: str | None = None) -> list[PageText]:
    pages = ContentPage.objects.prefetch_related("translations")
    if kind in ContentKind.values:
        pages = pages.filter(kind=kind)
    return [text for page in pages if (text := _published(page, language)) is not None]


def content_get(*, slug: str, language: str) -> PageText:
    page = ContentPage.objects.prefetch_related("translations").filter(slug=slug).first()
    text = _published(page, language) if page else None
    if text is None:
        raise Http404
    return text


def country_notes(*, page: ContentPage, country: str, language: str) -> list[CountryNote]:
    """Published notes for the country, in the reader's language first, then any other."""
    notes = list(page.country_notes.filter(country=country.upper(), status=PublicationStatus.PUBLISHED))
    return sorted(notes, key=lambda note: (note.language != language, note.language))


@dataclass(frozen=True)
class SearchHit:
    """One search result: where it leads, its title and a short excerpt."""

    url: str
    title: str
    excerpt: str
    language: str  # the language of the title and excerpt
    is_fallback: bool  # English, because the reader's language has no text for it
    rank: search.Rank
    order: tuple[int, int, str]  # the stable order among equally good results
    # (text, terms, language) to cut the excerpt from, once the hit is among those shown:
    # cutting one for every match made a many-word query cost a second on a large directory.
    excerpt_source: tuple[str, tuple[search.Term, ...], str] | None = None


@dataclass(frozen=True)
class SitePage:
    """A page of the platform itself (not a rights page), found by its title and keywords."""

    url_name: str
    title: Promise
    keywords: Promise
    description: Promise


# Written as gettext strings, so each language finds them by its own words.
SITE_PAGES = [
    SitePage(
        url_name="core:right_now",
        title=_("I was attacked – what can I do right now?"),
        keywords=_(
            "attacked, attack, assaulted, beaten, hit, hurt, injured, violence, emergency, help now, "
            "safe, doctor, hospital, evidence, photos, police, call"
        ),
        description=_("Getting safe, medical care, keeping evidence and who to call, step by step."),
    ),
    SitePage(
        url_name="core:safety",
        title=_("Staying safe while using this site"),
        keywords=_(
            "safety, safe, private browsing, history, hide, exit, leave quickly, phone, computer, "
            "someone watching, delete, traces"
        ),
        description=_("How to leave this site quickly and leave fewer traces on your phone or computer."),
    ),
]


def _entry_filter(terms: list[search.Term]) -> Q:
    """Entries holding any stem of any term (a stem of five letters or more also matches
    longer tokens starting with it, as ``search.term_in`` does)."""
    condition = Q()
    for term in terms:
        for stem in term.alternatives:
            token = f" {stem}" if len(stem) >= search.PREFIX_LENGTH else f" {stem} "
            condition |= Q(title_terms__contains=token) | Q(body_terms__contains=token)
    return condition


def search_entries(terms: list[search.Term], language: str, **kind: Any) -> list[SearchEntry]:
    """Matching entries in the reader's language, and in English for the pages or
    services that have no entry in the reader's language."""
    key = "page_id" if "page__isnull" in kind else "service_id"
    english = settings.LANGUAGE_CODE
    condition = Q(_entry_filter(terms), language=language)
    if language != english:  # English texts are searched with the words stemmed as English
        english_terms = search.query_terms(" ".join(term.word for term in terms), english)
        condition |= Q(_entry_filter(english_terms), language=english)
    candidates = list(SearchEntry.objects.filter(condition, **kind).select_related("page", "service"))
    if language == settings.LANGUAGE_CODE:
        return candidates
    # An English entry counts only for a page or service with no entry in the reader's
    # language: look those up among the English candidates, not over the whole index.
    english_keys = {getattr(entry, key) for entry in candidates if entry.language != language}
    own_language = set(
        SearchEntry.objects.filter(language=language, **{f"{key}__in": english_keys}, **kind).values_list(
            key, flat=True
        )
    )
    return [entry for entry in candidates if entry.language == language or getattr(entry, key) not in own_language]


def search_hit(
    entry: SearchEntry, terms: list[search.Term], reader_language: str, url: str, order: tuple[int, int, str]
) -> SearchHit | None:
    if entry.language != reader_language:  # an English text: the words are stemmed as English
        terms = search.query_terms(" ".join(term.word for term in terms), entry.language)
    found = search.rank(terms, entry.title_terms.split(), entry.body_terms.split())
    if found is None:
        return None
    return SearchHit(
        url=url,
        title=entry.title,
        excerpt="",
        excerpt_source=(entry.text, tuple(terms), entry.language),
        language=entry.language,
        is_fallback=entry.language != reader_language,
        rank=found,
        order=order,
    )


def search_hits_sorted(hits: list[SearchHit | None], limit: int) -> list[SearchHit]:
    found = [hit for hit in hits if hit is not None]
    shown = sorted(found, key=lambda hit: (*hit.rank.key, *hit.order))[:limit]
    return [
        replace(hit, excerpt=search.excerpt(hit.excerpt_source[0], list(hit.excerpt_source[1]), hit.excerpt_source[2]))
        if hit.excerpt_source
        else hit
        for hit in shown
    ]


def content_search(*, query: str, language: str, limit: int = 20) -> list[SearchHit]:
    """The platform's own pages and the published rights pages and explainers that hold
    the query's words (or their related words), best first: title matches, then more
    distinct words, then the rights index's order."""
    terms = search.query_terms(query, language)
    if not terms:
        return []
    hits: list[SearchHit | None] = []
    for position, site_page in enumerate(SITE_PAGES):
        title, text = str(site_page.title), f"{site_page.keywords}\n{site_page.description}"
        found = search.rank(terms, search.stems(title, language), search.stems(text, language))
        if found is not None:
            hits.append(
                SearchHit(
                    url=reverse(site_page.url_name),
                    title=title,
                    excerpt=str(site_page.description),
                    language=language,
                    is_fallback=False,
                    rank=found,
                    order=(0, position, title),
                )
            )
    for entry in search_entries(terms, language, page__isnull=False):
        page = entry.page
        assert page is not None
        order = (1 if page.kind == ContentKind.RIGHT else 2, page.order, page.slug)
        hits.append(search_hit(entry, terms, language, reverse("rights:page", args=[page.slug]), order))
    return search_hits_sorted(hits, limit)


@dataclass(frozen=True)
class CountryLaw:
    """What the pages may say about one country: whether the EU rules apply, Council of
    Europe membership, the emergency number and whether 116 006 answers there."""

    country: str
    name: str
    in_eu: bool
    in_council_of_europe: bool
    has_112: bool
    helpline: HelplineAvailability | None

    @property
    def helpline_works(self) -> bool:
        return self.helpline is not None and self.helpline.status == HelplineStatus.AVAILABLE


def country_law(*, country: str) -> CountryLaw | None:
    """None for a country the platform does not list."""
    country = country.strip().upper()
    if country not in COUNTRIES:
        return None
    return CountryLaw(
        country=country,
        name=country_name(country),
        in_eu=jurisdictions.in_eu(country),
        in_council_of_europe=jurisdictions.in_council_of_europe(country),
        has_112=jurisdictions.has_112(country),
        helpline=HelplineAvailability.objects.filter(country=country).first(),
    )
