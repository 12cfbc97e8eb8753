"""The directory as a file: reading CSV or JSON into validated rows, and writing it back.

Every check of a service's values lives here, so the importer, the services and the admin
form refuse the same things with the same words. Reading never guesses: a file that is
not UTF-8 is reported with the position of the first unreadable byte, and every problem
of every row is collected (row, column, message) so a person can fix the whole file at
once. Nothing here writes to the database; ``services.services_import`` does, in one
transaction. The schema is documented in ``docs/directory-import.md``.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from victory.core.vocabulary import COUNTRIES, BiasMotivation

from .models import Channel, PublicationStatus, ServiceOffer, SupportService

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


# --- Checks shared by the importer, the services and the admin --------------


def _text_problems(value: str, *, limit: int) -> list[str]:
    problems = []
    if MARKUP_RE.search(value):
        problems.append(
            _(
                "Remove the HTML or script: text is shown exactly as written, so tags such as "
                "“<b>” or “<script>” are not accepted."
            )
        )
    if CONTROL_RE.search(value):
        problems.append(_("Remove the invisible control character from this text."))
    if FORMULA_RE.match(value):
        problems.append(
            _("Do not start the text with “=”, “@”, “+” or “-” followed by a word: spreadsheets run that as a formula.")
        )
    if limit and len(value) > limit:
        problems.append(
            _("This text is too long: %(length)s characters, at most %(limit)s are allowed.")
            % {"length": len(value), "limit": limit}
        )
    return problems


def _required_problem() -> str:
    return _("Fill this in: it is required.")


def _check_value(name: str, value: Any) -> list[str]:
    """The problems of one normalised service value (text stripped, codes lower-case)."""
    if name in TEXT_COLUMNS:
        if not value:
            return [_required_problem()] if name in REQUIRED_COLUMNS else []
        problems = _text_problems(value, limit=_max_length(name))
        if problems:
            return problems
        if name == "slug" and not SLUG_RE.match(value):
            return [_("Use only lower-case letters a–z, digits and hyphens, e.g. lisbon-victim-support.")]
        if name == "country" and value not in COUNTRIES:
            return [
                _("“%(value)s” is not a country code the platform knows. Use a two-letter code such as PT or ES.")
                % {"value": value}
            ]
        if name == "phone" and not (PHONE_RE.match(value) and any(ch.isdigit() for ch in value)):
            return [_("Enter a phone number with digits, spaces and an optional leading +, e.g. +351 210 000 000.")]
        if name == "email":
            try:
                validate_email(value)
            except ValidationError:
                return [_("Enter an e-mail address like name@example.org, or leave it empty.")]
        if name == "website":
            try:
                WEBSITE_VALIDATOR(value)
            except ValidationError:
                return [_("Enter a full web address starting with https:// or http://, or leave it empty.")]
        return []
    if name in LIST_COLUMNS:
        known = _codes(name)
        unknown = [code for code in value if code not in known]
        if not unknown:
            return []
        if name == "languages":
            return [
                _("“%(value)s” is not a two-letter ISO 639-1 language code (such as en, pt, ar).") % {"value": code}
                for code in unknown
            ]
        return [
            _("“%(value)s” is not a known code. Use one of: %(codes)s.")
            % {"value": code, "codes": ", ".join(sorted(known))}
            for code in unknown
        ]
    if name == "status":
        if value not in PublicationStatus.values:
            return [_("Use “draft” or “published”.")]
        return []
    if name == "last_reviewed_on":
        if value is not None and value > timezone.localdate():
            return [_("The review date cannot be in the future.")]
        return []
    if name in BOOLEAN_COLUMNS:
        return [] if isinstance(value, bool) else [_("Use true or false.")]
    return []


def _dedupe(codes: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def service_values_normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """Strip text, upper-case the country, lower-case and de-duplicate codes."""
    normal: dict[str, Any] = {}
    for name, value in values.items():
        if name in TEXT_COLUMNS:
            value = (value or "").strip()
            if name == "country":
                value = value.upper()
        elif name in LIST_COLUMNS:
            value = _dedupe(str(code).strip().lower() for code in (value or []) if str(code).strip())
        elif name == "status":
            value = str(value or PublicationStatus.DRAFT).strip().lower()
        normal[name] = value
    return normal


def service_problems(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """The problems of a service's (normalised) values, by field; only the given fields
    are checked, so an update may pass just what it changes."""
    problems: dict[str, list[str]] = {}
    for name, value in values.items():
        found = _check_value(name, value)
        if found:
            problems[name] = found
    return problems


def translation_problems(
    *, language: str, description: str, opening_hours: str = "", accessibility: str = ""
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if language not in translation_languages():
        problems["language"] = [_language_problem(language)]
    texts = {"description": description, "opening_hours": opening_hours, "accessibility": accessibility}
    for name, text in texts.items():
        found = _text_problems(text, limit=TRANSLATION_LIMITS[name])
        if found:
            problems[name] = found
    if not description.strip() and "description" not in problems:
        if opening_hours.strip() or accessibility.strip():
            problems["description"] = [_("Add a description in this language, or leave all its texts empty.")]
        else:
            problems["description"] = [_required_problem()]
    return problems


def _language_problem(language: str) -> str:
    return _("“%(value)s” is not one of the platform's languages: %(codes)s.") % {
        "value": language,
        "codes": ", ".join(translation_languages()),
    }


def normalise_text(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


# --- Reading ----------------------------------------------------------------


def detect_format(filename: str) -> str | None:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return suffix if suffix in FORMATS else None


def _decode(data: bytes, *, file_format: str) -> tuple[str | None, list[Problem]]:
    """The text of a UTF-8 file (with or without a byte-order mark), or the reason it is not."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, [
            Problem(None, "", _("The file is UTF-16, not UTF-8. Save it as UTF-8 (“CSV UTF-8”) and import it again."))
        ]
    offset = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[offset:].decode("utf-8"), []
    except UnicodeDecodeError as error:
        prefix = data[offset : offset + error.start].decode("utf-8")
        position = offset + error.start + 1
        message = _(
            "The file is not UTF-8: byte %(position)s (0x%(byte)s, on line %(line)s) cannot be read. "
            "Save the file as UTF-8 (“CSV UTF-8” in a spreadsheet) and import it again."
        ) % {"position": position, "byte": f"{data[offset + error.start]:02X}", "line": prefix.count("\n") + 1}
        if file_format != "csv":
            return None, [Problem(None, "", message)]
        # Name the CSV row and column the unreadable byte is in: parse what could be read.
        try:
            rows = list(csv.reader(io.StringIO(prefix + "x", newline=""), delimiter=_delimiter(prefix)))
        except csv.Error:
            return None, [Problem(None, "", message)]
        header = [cell.strip().lower() for cell in rows[0]] if len(rows) > 1 else []
        index = len(rows[-1]) - 1
        column = header[index] if 0 <= index < len(header) else ""
        return None, [Problem(len(rows), column, message)]


def _delimiter(text: str) -> str:
    """Commas; semicolons when the header uses them (spreadsheets in many European locales)."""
    header = text.split("\n", 1)[0]
    return ";" if ";" in header and "," not in header else ","


def _column_problem(column: str) -> str | None:
    """Why a header name is not accepted, or None when it is a column of the schema."""
    if column in SERVICE_COLUMNS:
        return None
    for name in TRANSLATION_FIELDS:
        if column.startswith(name + "_"):
            language = column[len(name) + 1 :]
            return None if language in translation_languages() else _language_problem(language)
    return _("This column is not part of the schema (see docs/directory-import.md). Remove or rename it.")


def read_csv(data: bytes) -> RecordSet:
    result = RecordSet()
    text, problems = _decode(data, file_format="csv")
    if text is None:
        result.problems = problems
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        lines = list(reader)
    except csv.Error as error:
        result.problems.append(
            Problem(reader.line_num, "", _("The file cannot be read as CSV: %(error)s") % {"error": error})
        )
        return result
    if not lines or not any(cell.strip() for cell in lines[0]):
        result.problems.append(Problem(1, "", _("The first row must name the columns, e.g. slug,name,…")))
        return result
    header = [cell.strip().lower() for cell in lines[0]]
    seen: set[str] = set()
    for column in header:
        if not column:
            continue  # spreadsheets add empty columns at the end
        if column in seen:
            result.problems.append(Problem(1, column, _("This column appears twice.")))
        seen.add(column)
        reason = _column_problem(column)
        if reason:
            result.problems.append(Problem(1, column, reason))
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            result.problems.append(Problem(1, column, _("This required column is missing.")))
            result.missing_columns.add(column)
    if not any(column.startswith("description_") for column in seen):
        result.missing_columns.add(_first_description())
        result.problems.append(
            Problem(
                1, _first_description(), _("Add a description column for at least one language, e.g. description_en.")
            )
        )
    for number, cells in enumerate(lines[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank line
        values: dict[str, Any] = {}
        for index, cell in enumerate(cells):
            column = header[index] if index < len(header) else ""
            if not column:
                if cell.strip():
                    result.problems.append(
                        Problem(number, "", _("This row has a value in a column without a name in the first row."))
                    )
                continue
            if column in LIST_COLUMNS:
                values[column] = [code for code in cell.split(CSV_LIST_SEPARATOR) if code.strip()]
            else:
                values[column] = cell
        result.records.append(Record(number, values))
    return result


# The deepest a directory file needs is 4: the list, a service, its "translations", a
# language (whose value holds the texts); a list of codes is only 3. The limit leaves
# room so that a near miss gets the message about the value, not about nesting.
JSON_MAX_DEPTH = 6
# Whole strings (brackets inside a text are not nesting), numbers, structural characters.
_JSON_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"|-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|[\[\]{},:]')
_JSON_INTEGER_RE = re.compile(r"-?([0-9]+)")


def _nesting_problem(row: int | None, key: str) -> Problem:
    return Problem(
        row,
        key,
        _(
            "This value is nested more than %(limit)s levels deep. A directory file is a list of "
            "services, each an object of values and translations (see docs/directory-import.md)."
        )
        % {"limit": JSON_MAX_DEPTH},
    )


def _depth(value: Any, *, stop: int) -> int:
    """How deep lists and objects nest in ``value`` (a text is 0), counted without
    recursion and no further than ``stop``."""
    deepest = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending and deepest <= stop:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, depth + 1) for child in children)
    return deepest


def _locate(text: str, found: Callable[[str, int], bool]) -> tuple[int | None, str]:
    """The row (as read_json numbers them) and the service's key of the first token of
    ``text`` for which ``found(token, depth)`` holds, found by scanning it; (None, "")
    if none does.

    Only when ``json.loads`` refused the file without saying where: slower than the
    parser, but it names the row and the key.
    """
    depth, row, key, last_string = 0, 1, "", ""
    service_is_object = False
    for match in _JSON_TOKEN_RE.finditer(text):
        symbol = match.group()
        if symbol in {"[", "{"}:
            depth += 1
            if depth == 2:
                service_is_object, key = symbol == "{", ""
        elif symbol in {"]", "}"}:
            depth -= 1
        elif symbol == ",":
            if depth == 1:
                row += 1
            elif depth == 2:
                key = ""
        elif symbol == ":":
            if depth == 2 and service_is_object:
                key = last_string
        elif symbol.startswith('"'):
            last_string = symbol[1:-1]
        if found(symbol, depth):
            return row, key
    return None, ""


def _locate_deep_nesting(text: str) -> Problem:
    """Where ``text`` nests too deep for Python's parser (it raised ``RecursionError``)."""
    return _nesting_problem(*_locate(text, lambda _symbol, depth: depth > JSON_MAX_DEPTH))


def _locate_long_integer(text: str) -> Problem:
    """Where ``text`` has a whole number longer than Python converts (``json.loads``
    raised ``ValueError``: "Exceeds the limit (4300 digits) for integer string
    conversion"). Nothing of a directory file is a number that long."""
    limit = sys.get_int_max_str_digits()

    def too_long(symbol: str, _depth: int) -> bool:
        integer = _JSON_INTEGER_RE.fullmatch(symbol)
        return bool(integer and limit and len(integer.group(1)) > limit)

    row, key = _locate(text, too_long)
    return Problem(
        row,
        key,
        _("This number has more than %(limit)s digits. No value in a directory file is a number that long.")
        % {"limit": limit},
    )


def read_json(data: bytes) -> RecordSet:
    result = RecordSet()
    text, problems = _decode(data, file_format="json")
    if text is None:
        result.problems = problems
        return result
    try:
        items = json.loads(text)
    except RecursionError:
        result.problems.append(_locate_deep_nesting(text))
        return result
    except json.JSONDecodeError as error:
        result.problems.append(
            Problem(
                None,
                "",
                _("The file is not valid JSON: %(error)s (line %(line)s, character %(column)s).")
                % {"error": error.msg, "line": error.lineno, "column": error.colno},
            )
        )
        return result
    except ValueError:  # after JSONDecodeError, its subclass: a number too long to convert
        result.problems.append(_locate_long_integer(text))
        return result
    if not isinstance(items, list):
        result.problems.append(Problem(None, "", _("The file must be a JSON list of services: [{…}, {…}].")))
        return result
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            result.problems.append(Problem(number, "", _("Each service must be a JSON object: {“slug”: …}.")))
            continue
        # Parsed, but nothing of a service is that deep: name it, and check nothing else of
        # this service (its other problems would only follow from this one).
        too_deep = [key for key, value in item.items() if 2 + _depth(value, stop=JSON_MAX_DEPTH) > JSON_MAX_DEPTH]
        if too_deep:
            result.problems.extend(_nesting_problem(number, key) for key in too_deep)
            continue
        record = Record(number, {})
        for key, value in item.items():
            if key == "translations":
                _read_json_translations(record, value, result.problems)
            elif key in SERVICE_COLUMNS:
                record.values[key] = value
            else:
                problem = _column_problem(key) or _(
                    "In a JSON file, put texts under “translations”, e.g. "
                    "{“translations”: {“en”: {“description”: …}}}, not as “%(key)s”."
                ) % {"key": key}
                result.problems.append(Problem(number, key, problem))
        result.records.append(record)
    return result


def _read_json_translations(record: Record, value: Any, problems: list[Problem]) -> None:
    if not isinstance(value, dict):
        problems.append(
            Problem(record.row, "translations", _("Give the translations as an object: {“en”: {“description”: …}}."))
        )
        return
    for language, texts in value.items():
        column = f"translations.{language}"
        if language not in translation_languages():
            problems.append(Problem(record.row, column, _language_problem(language)))
            continue
        if not isinstance(texts, dict):
            problems.append(Problem(record.row, column, _("Give the texts as an object: {“description”: …}.")))
            continue
        for name, text in texts.items():
            if name not in TRANSLATION_FIELDS:
                problems.append(
                    Problem(
                        record.row,
                        f"{column}.{name}",
                        _("Unknown text: use description, opening_hours or accessibility."),
                    )
                )
                continue
            key = f"{name}_{language}"
            record.values[key] = text
            record.labels[key] = f"{column}.{name}"


def read_records(data: bytes, *, file_format: str) -> RecordSet:
    if file_format == "csv":
        return read_csv(data)
    if file_format == "json":
        return read_json(data)
    raise ValueError(f"Unknown format {file_format!r}; use csv or json.")


def _text(record: Record, name: str, problems: list[Problem]) -> str | None:
    value = record.values.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        problems.append(Problem(record.row, record.label(name), _("Write this value as text, in quotes.")))
        return None
    return value


def _list(record: Record, name: str, problems: list[Problem]) -> list[str] | None:
    value = record.values.get(name)
    if value is None:
        return []
    if isinstance(value, str):  # only JSON gets here with a string: CSV cells are split on reading
        problems.append(Problem(record.row, record.label(name), _("Give the codes as a list: [“legal”, “emotional”].")))
        return None
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        problems.append(Problem(record.row, record.label(name), _("Give the codes as a list of texts.")))
        return None
    return value


def _boolean(record: Record, name: str, problems: list[Problem]) -> bool | None:
    value = record.values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        return BOOLEAN_COLUMNS[name]
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    problems.append(
        Problem(
            record.row,
            record.label(name),
            _("“%(value)s” is not a yes/no value. Use true, false, yes, no, 1 or 0.") % {"value": value},
        )
    )
    return None


def _date(record: Record, name: str, problems: list[Problem]) -> tuple[bool, date | None]:
    value = _text(record, name, problems)
    if value is None:
        return False, None
    value = value.strip()
    if not value:
        return True, None
    try:
        if not DATE_RE.match(value):
            raise ValueError(value)
        return True, date.fromisoformat(value)
    except ValueError:
        problems.append(
            Problem(
                record.row,
                record.label(name),
                _("“%(value)s” is not a date. Write it as YYYY-MM-DD, e.g. 2026-03-31.") % {"value": value},
            )
        )
        return False, None


def record_validate(record: Record) -> tuple[ServiceRow | None, list[Problem]]:
    """A validated row, or every problem of the record (then no row)."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    for name in TEXT_COLUMNS:
        text = _text(record, name, problems)
        if text is not None:
            values[name] = text
    for name in LIST_COLUMNS:
        codes = _list(record, name, problems)
        if codes is not None:
            values[name] = codes
    for name in BOOLEAN_COLUMNS:
        flag = _boolean(record, name, problems)
        if flag is not None:
            values[name] = flag
    status = _text(record, "status", problems)
    if status is not None:
        values["status"] = status
    ok, reviewed = _date(record, "last_reviewed_on", problems)
    if ok:
        values["last_reviewed_on"] = reviewed
    values = service_values_normalise(values)
    for name, messages in service_problems(values).items():
        problems.extend(Problem(record.row, record.label(name), message) for message in messages)

    translations: dict[str, TranslationText] = {}
    for language in translation_languages():
        texts: dict[str, str] = {}
        for name in TRANSLATION_FIELDS:
            text = _text(record, f"{name}_{language}", problems)
            texts[name] = normalise_text(text or "")
        if not any(texts.values()):
            continue
        found = translation_problems(language=language, **texts)
        for name, messages in found.items():
            key = f"{name}_{language}"
            problems.extend(Problem(record.row, record.label(key), message) for message in messages)
        translations[language] = TranslationText(**texts)
    if not translations:
        problems.append(
            Problem(
                record.row,
                record.label(_first_description()),
                _("Give a description in at least one language, e.g. in description_en."),
            )
        )
    if problems:
        return None, problems
    return ServiceRow(**values, translations=translations), []


def _duplicate_problems(
    record: Record,
    slug: str,
    first_identity: dict[tuple[str, str, str], int],
    existing: dict[tuple[str, str, str], str],
) -> list[Problem]:
    identity = (
        str(record.values.get("name") or "").strip().lower(),
        str(record.values.get("organisation_name") or "").strip().lower(),
        str(record.values.get("country") or "").strip().upper(),
    )
    if not all(identity):
        return []
    problems = []
    if identity in first_identity:
        problems.append(
            Problem(
                record.row,
                record.label("name"),
                _("This service is already on row %(row)s (same name, organisation and country).")
                % {"row": first_identity[identity]},
            )
        )
    else:
        first_identity[identity] = record.row
    other_slug = existing.get(identity)
    if other_slug and slug and other_slug != slug:
        problems.append(
            Problem(
                record.row,
                record.label("name"),
                _("This service is already in the directory as “%(slug)s”. Use that slug to update it.")
                % {"slug": other_slug},
            )
        )
    return problems


def records_validate(records: RecordSet, *, progress: Callable[[int], object] | None = None) -> ParsedFile:
    """Validate every record; duplicate slugs are reported on the later row."""
    parsed = ParsedFile(problems=list(records.problems))
    first_row: dict[str, int] = {}
    # The same service under another slug (same name, organisation and country) is a
    # duplicate too, within the file or against the directory.
    first_identity: dict[tuple[str, str, str], int] = {}
    existing = {
        (name.strip().lower(), organisation.strip().lower(), country): slug
        for name, organisation, country, slug in SupportService.objects.values_list(
            "name", "organisation_name", "country", "slug"
        )
    }
    for record in records.records:
        row, problems = record_validate(record)
        problems = [problem for problem in problems if problem.column not in records.missing_columns]
        slug = str(record.values.get("slug") or "").strip()
        if slug:
            if slug in first_row:
                problems.append(
                    Problem(
                        record.row,
                        record.label("slug"),
                        _("The slug “%(slug)s” is already used on row %(row)s: each service needs its own.")
                        % {"slug": slug, "row": first_row[slug]},
                    )
                )
            else:
                first_row[slug] = record.row
        if not slug or first_row.get(slug) == record.row:  # a repeated slug is reported once, above
            problems.extend(_duplicate_problems(record, slug, first_identity, existing))
        parsed.problems.extend(problems)
        if row is not None and not problems:
            parsed.rows.append(row)
        if progress is not None:
            progress(1)
    if parsed.problems:
        parsed.rows = []  # all or nothing
        parsed.problems.sort(key=lambda problem: problem.row or 0)  # stable: columns stay in order
    return parsed


def parse_services(data: bytes, *, file_format: str, progress: Callable[[int], object] | None = None) -> ParsedFile:
    return records_validate(read_records(data, file_format=file_format), progress=progress)


# --- Writing ----------------------------------------------------------------


def service_row(service: SupportService) -> ServiceRow:
    """A service as a row; its translations should be prefetched."""
    return ServiceRow(
        **{name: getattr(service, name) for name in SERVICE_COLUMNS},
        translations={
            t.language: TranslationText(t.description, t.opening_hours, t.accessibility)
            for t in sorted(service.translations.all(), key=lambda t: t.language)
        },
    )


def service_rows_all() -> list[ServiceRow]:
    """Every service, draft or published, by slug: what an export holds."""
    return [
        service_row(service) for service in SupportService.objects.prefetch_related("translations").order_by("slug")
    ]


def csv_columns() -> list[str]:
    return [
        *SERVICE_COLUMNS,
        *(f"{name}_{language}" for language in translation_languages() for name in TRANSLATION_FIELDS),
    ]


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return CSV_LIST_SEPARATOR.join(value)
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def rows_to_csv(rows: Iterable[ServiceRow]) -> str:
    """CSV text; write it as UTF-8 with a byte-order mark so spreadsheets show accents."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(csv_columns())
    for row in rows:
        cells = [_cell(value) for value in row.fields().values()]
        for language in translation_languages():
            text = row.translations.get(language)
            cells.extend(getattr(text, name) if text else "" for name in TRANSLATION_FIELDS)
        writer.writerow(cells)
    return out.getvalue()


def rows_to_json(rows: Iterable[ServiceRow]) -> str:
    items = []
    for row in rows:
        item: dict[str, Any] = row.fields()
        item["last_reviewed_on"] = row.last_reviewed_on.isoformat() if row.last_reviewed_on else None
        item["translations"] = {
            language: {name: getattr(text, name) for name in TRANSLATION_FIELDS}
            for language, text in row.translations.items()
        }
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def services_export(*, file_format: str) -> bytes:
    """Every service in the given format, as the bytes of a file."""
    rows = service_rows_all()
    if file_format == "csv":
        return rows_to_csv(rows).encode("utf-8-sig")
    if file_format == "json":
        return rows_to_json(rows).encode("utf-8")
    raise ValueError(f"Unknown format {file_format!r}; use csv or json.")
