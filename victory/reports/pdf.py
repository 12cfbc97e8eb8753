"""The written acknowledgement of a report (Directive 2012/29/EU, Art. 5(1)), as a PDF
in the reporter's language: the date, the reference (never the receipt) and the basic
facts they gave. Rendered by WeasyPrint with nothing fetched from anywhere."""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from victory.core.templatetags.victory_text import bidi_direction, isolate_numbers

from .models import Report
from .questions import QUESTIONS

# Fonts installed with the system (Debian's fonts-dejavu-core, fonts-noto-core): no web
# fonts, and Noto covers the scripts DejaVu lacks.
# Facts as a two-column table, not a grid: WeasyPrint lays table columns out right to left
# in Arabic, but not grid columns. Sized so that a typical report fits one page in every
# language (a long story continues on the next, never a page with only the footer).
STYLESHEET = """
@page { size: A4; margin: 15mm 16mm; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans Arabic", sans-serif; font-size: 10pt;
       line-height: 1.35; color: #1b1b1f; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 2.5mm; color: #34216b; }
h2 { font-size: 12pt; margin: 4.5mm 0 1.5mm; color: #34216b; break-after: avoid; }
p { margin: 0 0 2mm; }
.brand { font-weight: bold; font-size: 12pt; color: #34216b; margin-bottom: 3mm; }
.facts { width: 100%; border-collapse: collapse; }
.facts th, .facts td { text-align: start; vertical-align: top; padding: 1mm 0; border-bottom: 0.5pt solid #d4d4dc; }
.facts th { width: 34%; padding-inline-end: 4mm; }
[dir="rtl"] .facts th { padding-right: 0; padding-left: 4mm; }
.items { margin: 0; padding-left: 4.5mm; }
[dir="rtl"] .items { padding-left: 0; padding-right: 4.5mm; }
.reference { font-size: 13pt; font-weight: bold; letter-spacing: 0.05em; }
.narrative { white-space: pre-wrap; border-left: 3px solid #34216b; padding-left: 4mm; }
.narrative[dir="rtl"] { border-left: 0; padding-left: 0; border-right: 3px solid #34216b; padding-right: 4mm; }
.help { margin-top: 5mm; padding: 2.5mm 4mm 0.5mm; border: 1px solid #6b6b78; break-inside: avoid; }
.small { font-size: 8.5pt; color: #4a4a55; margin-top: 3mm; }
"""

# Also in the catalogue (gettext_noop): rendered here to isolate its parts.
INTRODUCTION = gettext_noop(
    "This confirms that %(organisation)s received your report. You have the right to this written "
    "acknowledgement (Article 5 of the EU Victims' Rights Directive, 2012/29/EU)."
)


class _NoFetching(URLFetcher):
    """Refuses every URL: an acknowledgement never loads anything, even a typed link."""

    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError("the acknowledgement loads no external resources")


def acknowledgement_rows(report: Report) -> list[dict[str, Any]]:
    """The facts table: a row per ``acknowledgement_label`` of ``questions.QUESTIONS``,
    in the order they are asked, each part of it an answer given (typed text isolated in
    its own direction by the template), or the question's word for "left out"."""
    rows: dict[str, dict[str, Any]] = {}
    for question in QUESTIONS:
        if not question.acknowledgement_label:
            continue
        row = rows.setdefault(
            str(question.acknowledgement_label), {"label": question.acknowledgement_label, "parts": []}
        )
        value = question.acknowledgement_text(report)
        if isinstance(value, list):
            if value or question.acknowledgement_empty:
                row["parts"].append({"is_list": True, "items": value, "empty": question.acknowledgement_empty})
        elif value:
            row["parts"].append({"is_list": False, "text": value, "prefix": question.acknowledgement_prefix})
        elif question.acknowledgement_empty:
            row["parts"].append({"is_list": False, "text": str(question.acknowledgement_empty), "prefix": ""})
    return list(rows.values())


def acknowledgement_filename(*, report: Report) -> str:
    """The file name the acknowledgement is downloaded under: "document-2026-12-01.pdf".

    It stays in the device's downloads, where someone who hurt the reporter may look:
    so it names neither the platform, nor an acknowledgement or report, nor the
    reference (whose "VT-" prefix hints at the platform), only the date."""
    return f"document-{timezone.localtime(report.created_at).date().isoformat()}.pdf"


def _introduction(*, organisation: str, direction: str) -> SafeString:
    """The opening sentence, its numbers ("2012/29/EU") kept left to right and the
    organisation's name isolated in its own direction."""
    sentence = isolate_numbers(gettext(INTRODUCTION))
    name = format_html('<bdi dir="{}">{}</bdi>', bidi_direction(organisation, default=direction), organisation)
    return mark_safe(sentence % {"organisation": name})  # noqa: S308  (both parts escaped)


def acknowledgement_pdf(*, report: Report) -> bytes:
    """The acknowledgement of ``report`` as PDF bytes, in ``report.language``."""
    with translation.override(report.language):
        direction = "rtl" if translation.get_language_bidi() else "ltr"
        organisation = report.organisation.name
        context = {
            "report": report,
            "language": report.language,
            "direction": direction,
            "introduction": _introduction(organisation=organisation, direction=direction),
            "received_at": timezone.localtime(report.created_at),
            "organisation": organisation,
            "rows": acknowledgement_rows(report),
        }
        html = render_to_string("reports/acknowledgement_pdf.html", context)
    return _render(html)


def _render(html: str) -> bytes:
    """HTML to PDF with every URL refused: the document and its stylesheet load nothing."""
    fetcher = _NoFetching()
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=STYLESHEET, url_fetcher=fetcher)]
    )
    return pdf
