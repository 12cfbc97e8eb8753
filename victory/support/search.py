"""Words to search terms, in each shipped language.

A text becomes a list of *stems*: lower-cased words without stop-words, cut to their
stem by the language's Snowball stemmer ("attacked" and "attack" are both "attack"),
with accents folded where the language does not tell words apart by them. A query word
becomes a *term*: a set of stems any of which counts as a match — its own stems, and
those of the related words in ``search_terms/<language>.json`` ("gay" also looks for
"LGBTI", "racist" for "racism"), because people type words the texts do not use.

Nothing here stores or logs what a person types.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import snowballstemmer

from .stop_words import STOP_WORDS

TERMS_DIR = Path(__file__).resolve().parent / "search_terms"

STEMMERS = {
    "en": "english",
    "es": "spanish",
    "pt": "portuguese",
    "it": "italian",
    "fi": "finnish",
    "hu": "hungarian",
    "eu": "basque",
    "ar": "arabic",
}
# Languages whose readers often type without accents and whose words accents rarely
# tell apart. Finnish (ä/a) and Hungarian (ö/o, long vowels) keep theirs.
FOLD_ACCENTS = frozenset({"en", "es", "pt", "it", "eu"})

# Shorter stems match only whole tokens ("tran" must not find "translation").
PREFIX_LENGTH = 5

_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC_MARKS = re.compile("[\u064b-\u0652\u0640\u0670]")  # short vowels, shadda, sukun, tatweel
_ARABIC_ARTICLE = re.compile("^(?:وال|بال|كال|فال|لل|ال)(?=...)")


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _before_stemming(word: str, language: str) -> str:
    if language == "ar":
        word = _ARABIC_MARKS.sub("", word)
        word = re.sub("[أإآ]", "ا", word).replace("ى", "ي").replace("ة", "ه")
        return _ARABIC_ARTICLE.sub("", word)
    if language == "pt":
        # agressões/agressão: the stemmer keeps the nasal plural apart from the singular.
        return re.sub("(?:ões|ães|ãos)$", "ão", word)
    return word


def _after_stemming(stem: str, language: str) -> str:
    if language == "ar" and len(stem) > 3:
        stem = stem.removesuffix("ا")  # what the stemmer leaves of the plural -ات: اعتداءات / اعتداء
    elif language == "fi":
        # Consonant gradation the stemmer leaves: hyökkäys / hyökkäyksen, rikos / rikoksen.
        stem = re.sub("([aeiouyäö])ks$", r"\1s", stem)
    elif language == "eu" and len(stem) > 4:
        stem = stem.removesuffix("a")  # the article: erasoa "the attack" is eraso
    if language in FOLD_ACCENTS:
        stem = _fold(stem)
    return stem


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(STEMMERS.get(language, "english"))


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


# Words whose stem would be a common word: the Arabic stemmer makes مثلي / مثلية ("gay",
# "lesbian") مثل ("such as", in nearly every text), so every page would match. Words
# starting with one of these are stemmed to it instead.
_KEEP_WHOLE = {"ar": ("مثلي",)}


@lru_cache(maxsize=65536)
def stem(word: str, language: str) -> str:
    prepared = _before_stemming(word.casefold(), language)
    for whole in _KEEP_WHOLE.get(language, ()):
        if prepared.startswith(whole):
            return whole
    return _after_stemming(_stemmer(language).stemWord(prepared), language)


def stems(text: str, language: str) -> list[str]:
    """The stems of every word of ``text`` that is not a stop-word."""
    stop = STOP_WORDS.get(language, frozenset())
    return [stem(word, language) for word in words(text) if word not in stop and _fold(word) not in stop]


def terms_text(text: str, language: str) -> str:
    """Stems as stored in the index: one space between, and one at each end."""
    found = stems(text, language)
    return f" {' '.join(found)} " if found else ""


@cache
def related_words(language: str) -> tuple[tuple[str, ...], ...]:
    """The groups of related words people use for one thing, from search_terms/<language>.json."""
    path = TERMS_DIR / f"{language}.json"
    if not path.exists():
        return ()
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(tuple(group) for group in data["groups"])


@cache
def _related_stems(language: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(stems(" ".join(group), language)) for group in related_words(language))


@dataclass(frozen=True)
class Term:
    """One word of a query: its own stems, and the stems of its related words."""

    word: str
    own: frozenset[str]
    related: frozenset[str]

    @property
    def alternatives(self) -> frozenset[str]:
        return self.own | self.related


def _own_stems(word: str, language: str) -> frozenset[str]:
    found = {stem(word, language), stem(_fold(word), language)}
    return frozenset(s for s in found if s)


# What one query may cost: each stem is a LIKE over the index, so a query of many words
# from the largest related-word groups (found by the attacker's review of issue 8: 72
# stems, about a second per request on 2,800 entries) is cut to these bounds. A person
# searching types a few words; the first ones count.
QUERY_MAX_CHARS = 200
QUERY_MAX_STEMS = 24


def query_terms(query: str, language: str, *, limit: int = 8) -> list[Term]:
    """The terms of a query, stop-words left out ("I was attacked" is one term), with at
    most ``QUERY_MAX_STEMS`` stems in all: related words are dropped first."""
    stop = STOP_WORDS.get(language, frozenset())
    terms: list[Term] = []
    seen: set[frozenset[str]] = set()
    budget = QUERY_MAX_STEMS
    for word in words(query[:QUERY_MAX_CHARS]):
        if word in stop or _fold(word) in stop or (len(word) < 2 and not word.isdigit()):
            continue
        own = _own_stems(word, language)
        if not own or own in seen:
            continue
        seen.add(own)
        if len(own) > budget:
            break
        related: set[str] = set()
        for group in _related_stems(language):
            if own & group:
                related |= group
        related -= own
        if len(own) + len(related) > budget:
            related = set()
        budget -= len(own) + len(related)
        terms.append(Term(word=word, own=own, related=frozenset(related)))
        if len(terms) == limit:
            break
    return terms


def _token_matches(stem_: str, token: str) -> bool:
    """A token matches a stem when it is the stem, or starts with a stem of five letters
    or more (stemmers leave some forms longer: áldoz / áldozat, väkiv / väkivalt)."""
    return token == stem_ or (len(stem_) >= PREFIX_LENGTH and token.startswith(stem_))


def term_in(term: Term, tokens: list[str]) -> bool:
    return any(_token_matches(s, token) for s in term.alternatives for token in tokens)


def excerpt(text: str, terms: list[Term], language: str, *, length: int = 180) -> str:
    """The first sentence of ``text`` that holds a term, cut to about ``length`` characters."""
    plain = re.sub(r"^(?:## |- )", "", text, flags=re.M)
    sentences = [s.strip() for s in re.split(r"(?<=[.!?؟])\s+|\n+", plain) if s.strip()]
    chosen = next(
        (s for s in sentences if any(term_in(term, stems(s, language)) for term in terms)),
        sentences[0] if sentences else "",
    )
    if len(chosen) <= length:
        return chosen
    cut = chosen[:length].rsplit(" ", 1)[0]
    return f"{cut}…"


@dataclass(frozen=True)
class Rank:
    """How well an entry answers a query; ``key`` sorts the best first."""

    title_terms: int  # terms found in the title
    terms: int  # terms found anywhere
    quality: int  # the query's own words count more than related words, titles more than text

    @property
    def key(self) -> tuple[int, int, int]:
        return (-self.title_terms, -self.terms, -self.quality)


def rank(terms: list[Term], title_tokens: list[str], body_tokens: list[str]) -> Rank | None:
    """None when no term is found in the entry."""
    title_hits = found = quality = 0
    for term in terms:
        own = Term(word=term.word, own=term.own, related=frozenset())
        in_title = term_in(term, title_tokens)
        best = (
            4
            if in_title and term_in(own, title_tokens)
            else 3
            if in_title
            else 2
            if term_in(own, body_tokens)
            else 1
            if term_in(term, body_tokens)
            else 0
        )
        if best:
            found += 1
            quality += best
            title_hits += in_title
    return Rank(title_terms=title_hits, terms=found, quality=quality) if found else None
