"""Writing the directory back as a CSV or JSON file, in the import's own schema."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from ..models import SupportService
from .schema import (
    CSV_LIST_SEPARATOR,
    SERVICE_COLUMNS,
    TRANSLATION_FIELDS,
    ServiceRow,
    TranslationText,
    translation_languages,
)

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
