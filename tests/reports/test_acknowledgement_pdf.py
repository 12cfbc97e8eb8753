"""The written acknowledgement (Art. 5 Directive 2012/29/EU): a PDF in the reporter's
language with the reference and the facts they gave, never the receipt."""

from __future__ import annotations

import re
import socket
import subprocess
import time
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from tests.conftest import require_server
from tests.factories import OrganisationFactory
from tests.reports.conftest import make_draft
from tests.reports.test_intake_views import NARRATIVE, RECEIPT_SHOWN, go_through, send
from victory.accounts.models import Organisation
from victory.core.models import AuditEvent
from victory.reports import pdf, services
from victory.reports.models import Report
from victory.reports.pdf import _NoFetching, acknowledgement_pdf


def pdf_text(pdf: bytes) -> str:
    binary = require_server("pdftotext", "poppler-utils")
    result = subprocess.run([binary, "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)  # noqa: S603
    return result.stdout.decode()


def sent_report(client: Client, lang: str = "en") -> tuple[Report, str]:
    """Send a report through the form; return it and the receipt the person saw."""
    go_through(client, lang)
    send(client, lang)
    page = client.get(f"/{lang}/report/sent/").content.decode()
    found = RECEIPT_SHOWN.search(page)
    assert found
    return Report.objects.get(), found.group(0).replace(" ", "")


def test_the_just_sent_report_has_a_pdf_with_the_reference_and_not_the_receipt(
    client: Client, receiving_organisation: Organisation
) -> None:
    report, receipt = sent_report(client)

    response = client.get("/en/report/acknowledgement.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="victory-acknowledgement-{report.reference}.pdf"'
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response.content.startswith(b"%PDF")

    text = pdf_text(response.content)
    assert report.reference in text
    assert "Receiving support (fictional)" in text
    assert "Portugal" in text
    assert "Being Muslim, or seen as Muslim" in text
    assert "Threats, insults or harassment" in text
    assert "Someone to talk to (emotional support)" in text
    assert "A witness" in text
    assert NARRATIVE in " ".join(text.split())
    assert "112" in text and "116 006" in text
    digits = re.sub(r"\D", "", text)
    assert receipt not in digits
    assert receipt not in response.content.decode("latin-1")


def test_the_pdf_is_in_spanish_for_a_spanish_report(client: Client, receiving_organisation: Organisation) -> None:
    report, _receipt = sent_report(client, "es")
    assert report.language == "es"

    # Even from an English page the acknowledgement is in the reporter's language.
    text = " ".join(pdf_text(client.get("/en/report/acknowledgement.pdf").content).split())
    received = timezone.localtime(report.created_at)
    with translation.override("es"):
        spanish_date = date_format(received, "DATE_FORMAT")
        title = gettext("Acknowledgement of your report")
    with translation.override("en"):
        english_date = date_format(received, "DATE_FORMAT")
    assert spanish_date in text  # e.g. "25 de noviembre de 2026"
    assert english_date not in text
    assert title in text


def test_a_reporter_logged_in_to_the_inbox_gets_their_pdf(client: Client, receiving_organisation: Organisation) -> None:
    report, _receipt = sent_report(client)
    other = Client()
    session = other.session
    session["victory_reporter_report"] = report.pk
    session["victory_reporter_last_seen"] = time.time()
    session.save()
    response = other.get("/en/report/acknowledgement.pdf")
    assert response.status_code == 200
    assert report.reference in pdf_text(response.content)


def test_an_idle_inbox_session_gets_no_pdf(client: Client, receiving_organisation: Organisation) -> None:
    report, _receipt = sent_report(client)
    other = Client()
    session = other.session
    session["victory_reporter_report"] = report.pk
    session["victory_reporter_last_seen"] = time.time() - 24 * 3600
    session.save()
    assert other.get("/en/report/acknowledgement.pdf").status_code == 404


def test_without_a_report_there_is_no_pdf(client: Client, db: None) -> None:
    assert client.get("/en/report/acknowledgement.pdf").status_code == 404
    assert not AuditEvent.objects.filter(action="report.read_by_reporter").exists()


def test_each_download_is_audited(client: Client, receiving_organisation: Organisation) -> None:
    report, _receipt = sent_report(client)
    for _download in range(2):
        assert client.get("/en/report/acknowledgement.pdf").status_code == 200
    reads = AuditEvent.objects.filter(action="report.read_by_reporter", object_id=str(report.pk))
    assert [event.reason for event in reads] == ["acknowledgement", "acknowledgement"]


def test_a_report_with_only_the_narrative_has_a_pdf(receiving_organisation: Organisation) -> None:
    general: Organisation = OrganisationFactory(  # type: ignore[assignment]
        name="General intake (fictional)", accepts_public_reports=True
    )
    services.country_intake_set(actor=None, country="*", organisation=general)
    draft = services.ReportDraft(narrative="Someone spat at me.")  # nothing else given
    report = services.report_submit(draft=draft).report
    assert (report.country, report.reporter_role, report.bias_motivations) == ("", "", [])

    text = " ".join(pdf_text(acknowledgement_pdf(report=report)).split())
    assert "Where it happened Not given" in text
    assert "Received by General intake (fictional)" in text
    assert "Someone spat at me." in text


def test_typed_html_is_text_in_the_pdf(receiving_organisation: Organisation) -> None:
    narrative = '<img src="http://127.0.0.1:9/x.png"> <b>not bold</b>'
    report = services.report_submit(draft=make_draft(narrative=narrative)).report
    text = " ".join(pdf_text(acknowledgement_pdf(report=report)).split())
    assert narrative in text


@pytest.mark.parametrize("url", ["https://example.org/font.woff", "file:///etc/passwd", "data:image/png;base64,AA"])
def test_the_fetcher_refuses_every_url(url: str) -> None:
    with pytest.raises(ValueError):
        _NoFetching().fetch(url)


def test_the_pdf_fetches_nothing(submitted: services.SubmittedReport, monkeypatch: pytest.MonkeyPatch) -> None:
    """The acknowledgement's own renderer, given a page full of links, asks the refusing
    fetcher for each and opens no connection and no file."""
    asked: list[str] = []
    opened: list[Any] = []
    refuse = _NoFetching.fetch

    def spy(self: _NoFetching, url: str, headers: Any = None) -> Any:
        asked.append(url)
        return refuse(self, url, headers)

    def record(*args: Any, **kwargs: Any) -> Any:
        opened.append(args)
        raise AssertionError("the acknowledgement fetched something")

    html = (
        '<html><head><link rel="stylesheet" href="http://example.invalid/style.css">'
        "<style>@font-face { font-family: X; src: url(http://example.invalid/x.woff); }"
        "body { font-family: X; background: url(file:///etc/passwd); }</style></head>"
        '<body><p>Text</p><img src="http://example.invalid/x.png"></body></html>'
    )
    monkeypatch.setattr(_NoFetching, "fetch", spy)
    monkeypatch.setattr(pdf, "render_to_string", lambda *args, **kwargs: html)
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", record)
    monkeypatch.setattr(urllib.request, "urlopen", record)
    monkeypatch.setattr(socket, "create_connection", record)
    monkeypatch.setattr(socket.socket, "connect", record)

    document = acknowledgement_pdf(report=submitted.report)

    assert document.startswith(b"%PDF")
    assert "http://example.invalid/x.png" in asked
    assert "http://example.invalid/style.css" in asked
    assert "http://example.invalid/x.woff" in asked
    assert opened == []
