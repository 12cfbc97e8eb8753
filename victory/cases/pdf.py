"""The data-subject export (GDPR Art. 15/20) as a PDF in the person's language: the same
content as the JSON download, laid out for reading. Rendered by WeasyPrint with nothing
fetched from anywhere, as the reports' acknowledgement is."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .models import (
    CaseStatus,
    ConsentPurpose,
    ConsentStatus,
    IntakeChannel,
    PersonRole,
    ProtectionLevel,
    ReferralPurpose,
    ReferralStatus,
    RiskKind,
    RiskLevel,
)

STYLESHEET = """
@page { size: A4; margin: 15mm 16mm; }
body { font-family: "DejaVu Sans", "Noto Sans", "Noto Sans Arabic", sans-serif; font-size: 10pt;
       line-height: 1.35; color: #1b1b1f; margin: 0; }
h1 { font-size: 16pt; margin: 0 0 2.5mm; color: #34216b; }
h2 { font-size: 12pt; margin: 4.5mm 0 1.5mm; color: #34216b; break-after: avoid; }
h3 { font-size: 10.5pt; margin: 3mm 0 1mm; break-after: avoid; }
.facts { width: 100%; border-collapse: collapse; }
.facts th, .facts td { text-align: start; vertical-align: top; padding: 1mm 0; border-bottom: 0.5pt solid #d4d4dc; }
.facts th { width: 34%; padding-inline-end: 4mm; }
.value { white-space: pre-wrap; }
.small { font-size: 8.5pt; color: #4a4a55; margin-top: 3mm; }
"""

# The label of each exported key, and the code list that labels its value.
LABELS: dict[str, Any] = {
    "role": _("Role in the case"),
    "full_name": _("Name"),
    "contact": _("Contact details"),
    "notes": _("About this person"),
    "language": _("Language"),
    "is_child": _("A child (under 18)"),
    "added_at": _("Added on"),
    "reference": _("Reference"),
    "organisation": _("Organisation"),
    "report_reference": _("Report reference"),
    "intake_channel": _("How it came in"),
    "status": _("Status"),
    "close_reason": _("Reason for closing"),
    "country": _("Country"),
    "bias_motivations": _("Bias motivations"),
    "incident_types": _("Incident types"),
    "online": _("Online incident"),
    "occurred_month": _("Month of the incident"),
    "occurred_date": _("Date of the incident"),
    "location": _("Region or town"),
    "summary": _("What happened"),
    "risk_level": _("Risk"),
    "protection_level": _("Protection needs"),
    "opened_at": _("Opened on"),
    "closed_at": _("Closed on"),
    "purpose": _("Purpose"),
    "data_categories": _("What it covers"),
    "recipient": _("Recipient"),
    "given_by": _("Given by"),
    "method": _("How"),
    "valid_until": _("Until"),
    "given_at": _("Given on"),
    "withdrawn_at": _("Withdrawn on"),
    "note": _("Note"),
    "sections": _("Shared sections"),
    "sent_at": _("Sent on"),
    "vital_interest": _("Shared without consent for a vital interest"),
    "version": _("Version"),
    "stage": _("Stage"),
    "answers": _("Answers"),
    "special_measures": _("Suggested special measures"),
    "suggested_referrals": _("Suggested referrals"),
    "reason": _("Reason"),
    "performed_at": _("Done on"),
    "kind": _("Risk"),
    "level": _("Level"),
    "raised_at": _("Raised on"),
    "cleared_at": _("Cleared on"),
    "clear_reason": _("Reason for clearing"),
    "at": _("When"),
    "text": _("What happened"),
}
CODE_LISTS: dict[str, Any] = {
    "role": PersonRole,
    "intake_channel": IntakeChannel,
    "status": (CaseStatus, ConsentStatus, ReferralStatus),
    "risk_level": RiskLevel,
    "level": RiskLevel,
    "kind": RiskKind,
    "protection_level": ProtectionLevel,
}
SECTIONS = (
    ("consents", _("Consents")),
    ("referrals", _("Referrals")),
    ("assessments", _("Needs assessments")),
    ("risk_flags", _("Risk flags")),
    ("timeline", _("Timeline")),
)
SKIPPED = {"id", "erased_at", "kind"}


class _NoFetching(URLFetcher):
    def fetch(self, url: str, headers: Any = None) -> NoReturn:
        raise ValueError("the export loads no external resources")


def _value(key: str, value: Any) -> str:
    if value is None or value == "" or value == [] or value == {}:
        return "–"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, dict):
        return "\n".join(f"{name}: {_value(name, item)}" for name, item in value.items())
    if isinstance(value, list):
        return ", ".join(_value(key, item) for item in value)
    if key.endswith("_at") and isinstance(value, str) and (moment := parse_datetime(value)) is not None:
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    lists = CODE_LISTS.get(key)
    for choices in lists if isinstance(lists, tuple) else (lists,) if lists else ():
        if value in choices.values:
            return str(choices(value).label)
    if key == "purpose":
        for choices in (ConsentPurpose, ReferralPurpose):
            if value in choices.values:
                return str(choices(value).label)
    return str(value)


def _rows(record: dict[str, Any], *, skip: set[str] | frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    return [(str(LABELS.get(key, key)), _value(key, value)) for key, value in record.items() if key not in skip]


def _skipped(section: str) -> set[str]:
    # A timeline event's kind is a code; its text says it in words.
    return {"kind"} if section == "timeline" else set()


def export_language(person_language: str, case_language: str) -> str:
    spoken = {code for code, _name in settings.LANGUAGES}
    for language in (person_language, case_language):
        if language in spoken:
            return language
    return settings.LANGUAGE_CODE


def person_export_pdf(*, export: dict[str, Any], language: str) -> bytes:
    with translation.override(language):
        sections = [
            {"title": title, "records": [_rows(record, skip=_skipped(name)) for record in export[name]]}
            for name, title in SECTIONS
            if name in export
        ]
        context = {
            "language": language,
            "direction": "rtl" if translation.get_language_bidi() else "ltr",
            "exported_at": _value("exported_at", export["exported_at"]),
            "person": _rows(export["person"], skip=SKIPPED),
            "case": _rows(export["case"]),
            "sections": sections,
        }
        html = render_to_string("cases/rights/export_pdf.html", context)
    fetcher = _NoFetching()
    pdf: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf(
        stylesheets=[CSS(string=STYLESHEET, url_fetcher=fetcher)]
    )
    return pdf
