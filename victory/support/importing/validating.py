"""From records to validated rows: every problem of every row (row, column, message),
duplicates within the file and against the directory included, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from ..models import SupportService
from .checks import normalise_text, service_problems, service_values_normalise, translation_problems
from .reading import read_records
from .schema import (
    BOOLEAN_COLUMNS,
    DATE_RE,
    FALSE_WORDS,
    LIST_COLUMNS,
    TEXT_COLUMNS,
    TRANSLATION_FIELDS,
    TRUE_WORDS,
    ParsedFile,
    Problem,
    Record,
    RecordSet,
    ServiceRow,
    TranslationText,
    _first_description,
    translation_languages,
)


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


def _service_values(record: Record, problems: list[Problem]) -> dict[str, Any]:
    """The record's own values, read by type and normalised; unreadable ones are left out."""
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
    return service_values_normalise(values)


def _translations(record: Record, problems: list[Problem]) -> dict[str, TranslationText]:
    """The record's texts, by language; a language with no text at all is not one."""
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
    return translations


def record_validate(record: Record) -> tuple[ServiceRow | None, list[Problem]]:
    """A validated row, or every problem of the record (then no row)."""
    problems: list[Problem] = []
    values = _service_values(record, problems)
    for name, messages in service_problems(values).items():
        problems.extend(Problem(record.row, record.label(name), message) for message in messages)
    translations = _translations(record, problems)
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
