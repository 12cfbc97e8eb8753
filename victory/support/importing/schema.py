"""The directory file's schema: its columns, the codes a list may hold, and the rows
read from a file (``Record``), validated (``ServiceRow``) or found wrong (``Problem``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from victory.core.vocabulary import BiasMotivation

from ..models import Channel, PublicationStatus, ServiceOffer, SupportService

FORMATS = ("csv", "json")
CSV_LIST_SEPARATOR = ";"

# Every ISO 639-1 language code: the languages a service's staff speak.
_ISO_639_1 = """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy
    da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky
    la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny
    oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss
    st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo
    za zh zu
"""
SPOKEN_LANGUAGES = frozenset(_ISO_639_1.split())

# The columns of a service, in the order they are exported.
SERVICE_COLUMNS = (
    "slug",
    "name",
    "organisation_name",
    "country",
    "region",
    "offers",
    "groups",
    "languages",
    "channels",
    "phone",
    "email",
    "website",
    "address",
    "is_free",
    "accepts_reports_via_victory",
    "status",
    "last_reviewed_on",
    "is_fictional",
)
REQUIRED_COLUMNS = ("slug", "name", "organisation_name", "country")
TEXT_COLUMNS = ("slug", "name", "organisation_name", "country", "region", "phone", "email", "website", "address")
LIST_COLUMNS = ("offers", "groups", "languages", "channels")
BOOLEAN_COLUMNS = {"is_free": True, "accepts_reports_via_victory": False, "is_fictional": False}
TRANSLATION_FIELDS = ("description", "opening_hours", "accessibility")
TRANSLATION_LIMITS = {"description": 5000, "opening_hours": 1000, "accessibility": 2000}

TRUE_WORDS = frozenset({"true", "yes", "1"})
FALSE_WORDS = frozenset({"false", "no", "0"})
SLUG_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
PHONE_RE = re.compile(r"^\+?[0-9 ()./-]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A tag, a comment or a processing instruction: "<b>", "</p>", "<!--", "<?php", "<script".
MARKUP_RE = re.compile(r"<\s*[A-Za-z/!?]")
# Control characters, and bidirectional overrides (U+202A–202E, U+2066–2069) that could
# make a name or a phone number display reversed.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# What a spreadsheet would run as a formula when an export is opened (CSV injection).
FORMULA_RE = re.compile(r"^\s*(?:[=@]|[+-][A-Za-z])")  # "- a bullet" and "+(351) …" are fine
WEBSITE_VALIDATOR = URLValidator(schemes=["http", "https"])


def translation_languages() -> list[str]:
    """The platform's languages: the ones a description may be written in."""
    return [code for code, _name in settings.LANGUAGES]


def _codes(name: str) -> frozenset[str]:
    return {
        "offers": frozenset(ServiceOffer.values),
        # "unknown" is a reporter's answer, not a group a service can specialise in.
        "groups": frozenset(BiasMotivation.values) - {BiasMotivation.UNKNOWN.value},
        "channels": frozenset(Channel.values),
        "languages": SPOKEN_LANGUAGES,
    }[name]


def _first_description() -> str:
    return f"description_{settings.LANGUAGE_CODE}"


def _max_length(name: str) -> int:
    return int(getattr(SupportService._meta.get_field(name), "max_length", 0) or 0)


# --- Rows -------------------------------------------------------------------


@dataclass(frozen=True)
class TranslationText:
    description: str
    opening_hours: str = ""
    accessibility: str = ""


@dataclass
class ServiceRow:
    """One service as a file describes it, already validated and normalised."""

    slug: str
    name: str
    organisation_name: str
    country: str
    region: str = ""
    offers: list[str] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    phone: str = ""
    email: str = ""
    website: str = ""
    address: str = ""
    is_free: bool = True
    accepts_reports_via_victory: bool = False
    status: str = PublicationStatus.DRAFT
    last_reviewed_on: date | None = None
    is_fictional: bool = False
    translations: dict[str, TranslationText] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        """The service's own values (everything but the translations)."""
        return {name: getattr(self, name) for name in SERVICE_COLUMNS}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file. ``row`` is None for the file as a whole; in CSV the
    header is row 1, in JSON the first object is row 1."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        if not self.column:
            return _("row %(row)s: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Record:
    """A row as read from the file, before validation. ``labels`` names a value's column as
    the file spells it (``translations.pt.description`` in JSON)."""

    row: int
    values: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


@dataclass
class RecordSet:
    records: list[Record] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Required CSV columns missing from the header: said once for the file, not on every row.
    missing_columns: set[str] = field(default_factory=set)


@dataclass
class ParsedFile:
    rows: list[ServiceRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.problems
