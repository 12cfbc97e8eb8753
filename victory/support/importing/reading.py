"""Reading a CSV or JSON file into records, never guessing: a file that is not UTF-8 is
reported with the position of its first unreadable byte, and every problem of the file
as a whole is collected with its row and column."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from .checks import _language_problem
from .schema import (
    CSV_LIST_SEPARATOR,
    FORMATS,
    LIST_COLUMNS,
    REQUIRED_COLUMNS,
    SERVICE_COLUMNS,
    TRANSLATION_FIELDS,
    Problem,
    Record,
    RecordSet,
    _first_description,
    translation_languages,
)

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


def _read_header(cells: list[str], result: RecordSet) -> list[str]:
    """The header's column names; what is wrong with them goes to ``result``."""
    header = [cell.strip().lower() for cell in cells]
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
    return header


def _read_row(number: int, cells: list[str], header: list[str], result: RecordSet) -> Record:
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
    return Record(number, values)


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
    header = _read_header(lines[0], result)
    for number, cells in enumerate(lines[1:], start=2):
        if any(cell.strip() for cell in cells):  # a blank line is skipped
            result.records.append(_read_row(number, cells, header, result))
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
