"""The written acknowledgement of a report (Directive 2012/29/EU, Art. 5(1)), as a PDF
in the reporter's language: the date, the reference (never the receipt) and the basic
facts they gave. Rendered by WeasyPrint with nothing fetched from anywhere."""

from __future__ import annotations

from typing import Any, NoReturn

from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .countries import country_name
from .forms import BIAS_CHOICES, INCIDENT_CHOICES
from .models import PlaceKind, Report, ReporterRole, SupportNeed

# Fonts installed with the system (Debian's fonts-dejavu-core, fonts-noto-core): no web
# fonts, and Noto covers the scripts DejaVu lacks.
STYLESHEET = """
@page { size: A4; margin: 20mm 18mm; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans Arabic", sans-serif; font-size: 10.5pt;
       line-height: 1.45; color: #1b1b1f; }
h1 { font-size: 18pt; margin: 0 0 4mm; color: #34216b; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; color: #34216b; }
.brand { font-weight: bold; font-size: 13pt; color: #34216b; margin-bottom: 6mm; }
dl { margin: 0; }
dt { font-weight: bold; margin-top: 2.5mm; }
dd { margin: 0.5mm 0 0; }
.reference { font-size: 14pt; font-weight: bold; letter-spacing: 0.05em; }
.narrative { white-space: pre-wrap; border-left: 3px solid #34216b; padding-left: 4mm; }
.help { margin-top: 8mm; padding: 3mm 4mm; border: 1px solid #6b6b78; }
.small { font-size: 9pt; color: #4a4a55; }
"""


class _NoFetching(URLFetcher):
    """Refuses every URL: an acknowledgement never loads anything, even a typed link."""

    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError("the acknowledgement loads no external resources")


def _labels(values: list[str], choices: list[tuple[str, Any]]) -> list[str]:
    names = dict(choices)
    return [str(names[value]) for value in values if value in names]


def acknowledgement_filename(*, report: Report) -> str:
    """The file name the acknowledgement is downloaded under."""
    return f"victory-acknowledgement-{report.reference}.pdf"


def acknowledgement_pdf(*, report: Report) -> bytes:
    """The acknowledgement of ``report`` as PDF bytes, in ``report.language``."""
    with translation.override(report.language):
        country = country_name(report.country) if report.country else ""
        place_kind = PlaceKind(report.place_kind).label if report.place_kind else ""
        place = ", ".join(part for part in (country, report.location) if part)
        context = {
            "report": report,
            "language": report.language,
            "received_at": timezone.localtime(report.created_at),
            "organisation": report.organisation.name,
            "reporter_role": ReporterRole(report.reporter_role).label if report.reporter_role else "",
            "country": country,
            "place_kind": place_kind,
            # Country and town, then the kind of place: only what was given (the country is optional).
            "where": [str(part) for part in (place, place_kind) if part],
            "incident_types": _labels(report.incident_types, INCIDENT_CHOICES),
            "bias_motivations": _labels(report.bias_motivations, BIAS_CHOICES),
            "support_needs": _labels(report.support_needs, SupportNeed.choices),
        }
        html = render_to_string("reports/acknowledgement_pdf.html", context)
    return _render(html)


def _render(html: str) -> bytes:
    """HTML to PDF with every URL refused: the document and its stylesheet load nothing."""
    fetcher = _NoFetching()
    return HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=STYLESHEET, url_fetcher=fetcher)]
    )
