"""The written acknowledgement (Art. 5 Directive 2012/29/EU): a PDF in the reporter's
language with the reference and the facts they gave, never the receipt."""

from __future__ import annotations

import re
import subprocess
import time

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from tests.conftest import require_server
from tests.reports.test_intake_views import NARRATIVE, RECEIPT_SHOWN, go_through, send
from victory.accounts.models import Organisation
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
    assert response["Cache-Control"] == "no-store"
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


def test_typed_html_is_text_in_the_pdf(receiving_organisation: Organisation) -> None:
    from tests.reports.conftest import make_draft
    from victory.reports import services

    narrative = '<img src="http://127.0.0.1:9/x.png"> <b>not bold</b>'
    report = services.report_submit(draft=make_draft(narrative=narrative)).report
    text = " ".join(pdf_text(acknowledgement_pdf(report=report)).split())
    assert narrative in text


@pytest.mark.parametrize("url", ["https://example.org/font.woff", "file:///etc/passwd", "data:image/png;base64,AA"])
def test_the_pdf_fetches_nothing(url: str) -> None:
    with pytest.raises(ValueError):
        _NoFetching().fetch(url)
