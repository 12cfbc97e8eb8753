"""The written acknowledgement (Art. 5 Directive 2012/29/EU): a PDF in the reporter's
language with the reference and the facts they gave, never the receipt."""

from __future__ import annotations

import datetime
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
    day = timezone.localtime(report.created_at).date().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="document-{day}.pdf"'
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
    general: Organisation = OrganisationFactory(name="General intake (fictional)", accepts_public_reports=True)
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


# --- Laid out in the reader's language, on one page --------------------------------

LANGUAGES = ["en", "es", "pt", "it", "fi", "hu", "eu", "ar"]
# Direction marks pdftotext writes around runs of text: left out to compare the words.
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
TYPICAL_NARRATIVE = (
    "I was waiting for the bus after work when two men started shouting insults about my "
    "headscarf. One of them pushed me against the shelter and I fell. People were watching "
    "but nobody helped. One man filmed it on his phone. I went home and did not go to the "
    "police because I was afraid. My arm still hurts and I do not want to take that bus "
    "again. It is the second time this year that something like this happens near the "
    "station, and I do not feel safe in my own street any more."
)


def typical_report(language: str) -> Report:
    """A report with every answer given and a story of a few sentences."""
    draft = make_draft(
        narrative=TYPICAL_NARRATIVE,
        language=language,
        occurred_on=datetime.date(2026, 11, 28),
        occurred_when="in the evening, around 7",
        location="Lisboa",
        place_kind="transport",
        incident_types=["violent_attack", "threat_harassment"],
        bias_motivations=["anti_muslim", "gender"],
        support_needs=["talk", "legal", "medical"],
        support_language="Português",
    )
    return services.report_submit(draft=draft).report


def reading_lines(document: bytes) -> list[str]:
    """The PDF's text in reading order (pdftotext), one line per line, without the
    invisible direction marks."""
    return [" ".join(BIDI_CONTROLS.sub("", line).split()) for line in pdf_text(document).splitlines()]


def test_the_arabic_pdf_reads_right_to_left(receiving_organisation: Organisation) -> None:
    report = typical_report("ar")
    lines = [line for line in reading_lines(acknowledgement_pdf(report=report)) if line]
    text = "\n".join(lines)

    # The helpline in its own order, never "006 116"; the emergency number and the
    # reference whole.
    assert "116 006" in text
    assert "006 116" not in text
    assert "112" in text
    assert report.reference in lines
    # A sentence starts at its beginning, and its full stop sits at its end: "هل أنت في
    # خطر الآن؟ ... رقم الطوارئ الأوروبي." ("In danger now? Call 112, ...").
    danger = next(line for line in lines if "112" in line and "خطر" in line)
    assert danger.startswith("هل أنت في خطر")
    assert danger.endswith(".")
    # The organisation's name in Latin letters stays inside the sentence that names it.
    opening = next(line for line in lines if "Receiving support" in line)
    assert opening.startswith("يؤكد هذا")
    # The date of the incident reads day, month, year: "28 نوفمبر 2026".
    with translation.override("ar"):
        occurred = date_format(datetime.date(2026, 11, 28), "DATE_FORMAT")
    assert occurred == "28 نوفمبر 2026"
    assert occurred.replace(" ", "") in text.replace(" ", "")


def test_the_arabic_pdf_is_a_right_to_left_document(
    receiving_organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendered: list[str] = []
    render = pdf._render

    def recording(html: str) -> bytes:
        rendered.append(html)
        return render(html)

    monkeypatch.setattr(pdf, "_render", recording)
    acknowledgement_pdf(report=typical_report("ar"))
    assert '<html lang="ar" dir="rtl">' in rendered[0]
    assert '<bdi dir="ltr" class="ltr">116 006</bdi>' in rendered[0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_typical_report_fits_one_page(receiving_organisation: Organisation, language: str) -> None:
    document = acknowledgement_pdf(report=typical_report(language))
    pages = pdf_text(document).split("\f")[:-1]  # pdftotext ends every page with a form feed
    assert len(pages) == 1, [page.strip()[-200:] for page in pages]


def test_a_long_story_continues_on_the_next_page_with_real_content(receiving_organisation: Organisation) -> None:
    story = " ".join(f"Sentence {number} of what happened to me that night." for number in range(1, 120))
    report = services.report_submit(draft=make_draft(narrative=story)).report
    pages = pdf_text(acknowledgement_pdf(report=report)).split("\f")[:-1]
    assert len(pages) >= 2
    last = " ".join(pages[-1].split())
    assert "of what happened to me that night." in last  # the story goes on there
    assert "116 006" in last


def test_the_file_name_names_neither_the_platform_nor_the_report(submitted: services.SubmittedReport) -> None:
    report = submitted.report
    name = pdf.acknowledgement_filename(report=report)
    day = timezone.localtime(report.created_at).date().isoformat()
    assert name == f"document-{day}.pdf"
    for revealing in ("victory", "acknowledg", "report", report.reference, report.reference[:3]):
        assert revealing.lower() not in name.lower()


def test_the_sent_page_says_the_pdf_goes_to_the_downloads(client: Client, receiving_organisation: Organisation) -> None:
    sent_report(client)
    page = " ".join(client.get("/en/report/sent/").content.decode().split())
    assert "The file is saved in the downloads of this phone or computer." in page
    assert "delete the file from your downloads" in page
