"""The agreement as a PDF for the parties, in the language asked (by default the person
harmed's). Rendered by WeasyPrint with nothing fetched from anywhere, as the cases'
export is (``victory.cases.pdf``)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from victory.cases.pdf import STYLESHEET

from .models import ItemKind, ItemOutcome, ParticipantRole, RestorativeProcess


class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError("the agreement loads no external resources")


def agreement_language(process: RestorativeProcess, asked: str) -> str:
    """``asked`` if the platform speaks it, else the person harmed's language, else the
    platform's default."""
    spoken = {code for code, _name in settings.LANGUAGES}
    harmed = process.participants.filter(role=ParticipantRole.PERSON_HARMED).first()
    for language in (asked, harmed.language if harmed else ""):
        if language in spoken:
            return language
    return str(settings.LANGUAGE_CODE)


def agreement_pdf(*, process: RestorativeProcess, language: str) -> bytes:
    agreement = process.agreement
    parties = {p.role: p for p in process.participants.filter(role__in=[r.value for r in ParticipantRole])}
    with translation.override(language):
        items = [
            {
                "kind": ItemKind(item.kind).label,
                "description": item.description,
                "owner": item.owner.full_name,
                "due_on": item.due_on,
                "amount": f"{item.amount_cents / 100:.2f}" if item.amount_cents else "",
                "outcome": ItemOutcome(item.outcome).label,
            }
            for item in agreement.items.select_related("owner")
        ]
        context = {
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "process": process,
            "agreement": agreement,
            "harmed": parties.get(ParticipantRole.PERSON_HARMED),
            "caused": parties.get(ParticipantRole.PERSON_CAUSED_HARM),
            "items": items,
        }
        html = render_to_string("restorative/staff/agreement_pdf.html", context)
    fetcher = _NoFetching()
    body: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=STYLESHEET, url_fetcher=fetcher)]
    )
    return body
