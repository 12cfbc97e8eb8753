"""The reporter's inbox: log in with the receipt, follow the report, write, change a
consent, ask for deletion, log out, and time out."""

from __future__ import annotations

import io
import time

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from tests.conftest import login
from tests.reports.conftest import make_draft
from victory.accounts.models import Membership, Organisation
from victory.reports import services
from victory.reports.models import Report, ReportConsent, ReportEvidence, ReportMessage
from victory.reports.receipts import receipt_format
from victory.reports.services import SubmittedReport
from victory.reports.views.inbox import REPORTER_LAST_SEEN_KEY, REPORTER_SESSION_KEY

pytestmark = pytest.mark.django_db

LOGIN = "/en/inbox/"
INBOX = "/en/inbox/report/"


def inbox_login(client: Client, receipt: str, *, lang: str = "en") -> Client:
    response = client.post(f"/{lang}/inbox/", {"receipt": receipt_format(receipt)})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == f"/{lang}/inbox/report/"
    return client


def photo(name: str = "bus-stop.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_login_with_the_receipt_shows_the_status_and_history(client: Client, submitted: SubmittedReport) -> None:
    # As copied from the receipt page: groups of four digits with spaces.
    response = client.post(LOGIN, {"receipt": receipt_format(submitted.receipt)})
    assert response["Location"] == INBOX
    assert client.session[REPORTER_SESSION_KEY] == submitted.report.pk
    html = client.get(INBOX).content.decode()
    assert "We have received your report" in html
    assert "We received your report" in html  # the history's first entry
    assert submitted.report.organisation.name in html
    assert submitted.report.reference in html


def test_wrong_receipt_says_so_and_keeps_what_was_typed(client: Client, submitted: SubmittedReport) -> None:
    wrong = ("1" if submitted.receipt[0] != "1" else "2") + submitted.receipt[1:]
    response = client.post(LOGIN, {"receipt": receipt_format(wrong)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "We could not find a report with this receipt. Check the digits and try again." in html
    assert receipt_format(wrong) in html
    assert REPORTER_SESSION_KEY not in client.session


def test_short_receipt_asks_for_all_24_digits(client: Client, submitted: SubmittedReport) -> None:
    response = client.post(LOGIN, {"receipt": "1234 5678 9012"})
    html = response.content.decode()
    assert "A receipt has 24 digits. Check you copied all of them." in html
    assert "1234 5678 9012" in html
    assert 'aria-invalid="true"' in html


def test_repeated_wrong_receipts_are_throttled_with_a_wait_in_minutes(
    client: Client, submitted: SubmittedReport
) -> None:
    throttled = None
    for n in range(12):
        response = client.post(LOGIN, {"receipt": f"{n:024d}"})
        if "Too many attempts" in response.content.decode():
            throttled = (n, response.content.decode())
            break
    assert throttled is not None, "guessing was never slowed"
    n, html = throttled
    assert "Wait 1 minute, then try again." in html
    assert f"{n:024d}" in html  # what was typed is kept
    # Even the right receipt waits now.
    response = client.post(LOGIN, {"receipt": submitted.receipt})
    assert response.status_code == 200
    assert REPORTER_SESSION_KEY not in client.session


def test_every_inbox_response_is_never_stored(client: Client, submitted: SubmittedReport) -> None:
    assert "no-store" in client.get(LOGIN)["Cache-Control"]
    inbox_login(client, submitted.receipt)
    for url in (INBOX, "/en/inbox/report/delete/"):
        assert "no-store" in client.get(url)["Cache-Control"]
    assert "no-store" in client.post("/en/inbox/logout/")["Cache-Control"]
    assert "no-store" in client.get("/en/inbox/logged-out/")["Cache-Control"]


def test_a_message_with_a_photo_is_stored_and_appears(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    response = client.post(
        "/en/inbox/report/message/",
        {"body": "I found a photo of the <b>graffiti</b>.\nIt was there on Monday.", "files": [photo()]},
    )
    assert response.status_code == 302
    message = ReportMessage.objects.get(report=submitted.report)
    evidence = ReportEvidence.objects.get(message=message)
    assert evidence.content_type == "image/jpeg"
    assert evidence.report == submitted.report
    html = client.get(INBOX).content.decode()
    assert "Your message was sent." in html
    assert "I found a photo of the &lt;b&gt;graffiti&lt;/b&gt;.<br>It was there on Monday." in html
    assert "bus-stop.jpg" in html
    assert "<b>graffiti</b>" not in html


def test_a_refused_file_keeps_the_typed_message(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    disguised = SimpleUploadedFile("holiday.jpg", b"MZ\x90\x00 not a picture at all", content_type="image/jpeg")
    response = client.post(
        "/en/inbox/report/message/", {"body": "Here is what they sent me afterwards.", "files": [disguised]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“holiday.jpg” is not a photo, PDF, sound or video file we can accept." in html
    assert "Here is what they sent me afterwards." in html
    assert 'class="error-summary"' in html
    assert not ReportMessage.objects.filter(report=submitted.report).exists()
    assert not ReportEvidence.objects.filter(report=submitted.report).exists()


def test_withdrawing_a_consent_takes_effect_at_once(
    client: Client, receiving_organisation: Organisation, report_caseworker: Membership
) -> None:
    sent = services.report_submit(draft=make_draft(contact_email="safe-address@test.victory.example"))
    staff = login(Client(), report_caseworker)
    detail = f"/en/staff/reports/{sent.report.reference}/"
    assert "safe-address@test.victory.example" in staff.get(detail).content.decode()

    inbox_login(client, sent.receipt)
    response = client.post("/en/inbox/report/consent/", {"purpose": "contact", "granted": "0"})
    assert response.status_code == 302
    assert not ReportConsent.objects.get(report=sent.report, purpose="contact").granted
    html = client.get(INBOX).content.decode()
    assert "This took effect at once." in html

    staff_html = staff.get(detail).content.decode()
    assert "safe-address@test.victory.example" not in staff_html
    assert "The person did not agree to be contacted outside the inbox" in staff_html

    # And it can be given again.
    client.post("/en/inbox/report/consent/", {"purpose": "contact", "granted": "1"})
    assert ReportConsent.objects.get(report=sent.report, purpose="contact").granted


def test_deletion_request_ends_the_session_and_the_report_is_erased(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    confirm = client.get("/en/inbox/report/delete/").content.decode()
    assert "this cannot be undone" in confirm
    assert "within the hour" in confirm

    response = client.post("/en/inbox/report/delete/")
    assert response["Location"] == "/en/inbox/deleted/"
    assert REPORTER_SESSION_KEY not in client.session
    assert "Your report will be deleted" in client.get("/en/inbox/deleted/").content.decode()
    assert client.get(INBOX)["Location"] == LOGIN
    # The receipt stops working at once, before the erasure runs.
    again = client.post(LOGIN, {"receipt": submitted.receipt})
    assert "We could not find a report with this receipt" in again.content.decode()

    assert services.reports_erase_expired() == 1
    assert not Report.objects.filter(pk=submitted.report.pk).exists()


def test_logout_really_ends_the_session(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    session_key = client.session.session_key
    assert session_key is not None
    assert client.get("/en/inbox/logout/").status_code == 405  # a link cannot log anyone out
    response = client.post("/en/inbox/logout/")
    assert response["Location"] == "/en/inbox/logged-out/"
    assert "You are logged out" in client.get("/en/inbox/logged-out/").content.decode()
    assert REPORTER_SESSION_KEY not in client.session
    from victory.core.models import EncryptedSession
    from victory.core.sessions import stored_session_key

    assert not EncryptedSession.objects.filter(session_key=stored_session_key(session_key)).exists()
    assert client.get(INBOX)["Location"] == LOGIN


def test_idle_session_ends_with_a_kind_message(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    session = client.session
    session[REPORTER_LAST_SEEN_KEY] = time.time() - settings.VICTORY_REPORTER_IDLE_TIMEOUT - 1
    session.save()
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert REPORTER_SESSION_KEY not in client.session
    html = client.get(response["Location"]).content.decode()
    assert "You were logged out after 15 minutes without activity" in html
    assert 'name="receipt"' in html


def test_an_active_session_does_not_time_out(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    session = client.session
    session[REPORTER_LAST_SEEN_KEY] = time.time() - settings.VICTORY_REPORTER_IDLE_TIMEOUT + 60
    session.save()
    assert client.get(INBOX).status_code == 200
    assert client.session[REPORTER_LAST_SEEN_KEY] > time.time() - 5  # the visit counts as activity


def test_the_receipt_never_appears_in_an_inbox_page_or_address(client: Client, submitted: SubmittedReport) -> None:
    receipt = submitted.receipt
    responses = [client.post(LOGIN, {"receipt": receipt_format(receipt)})]
    responses.append(client.get(INBOX))
    responses.append(client.post("/en/inbox/report/message/", {"body": "One more thing."}))
    responses.append(client.get(INBOX))
    responses.append(client.post("/en/inbox/report/message/", {"body": ""}))  # an error page
    responses.append(client.get("/en/inbox/report/delete/"))
    responses.append(client.post("/en/inbox/logout/"))
    for response in responses:
        body = response.content.decode()
        assert receipt not in body
        assert receipt_format(receipt) not in body
        assert receipt not in response.get("Location", "")
        assert submitted.report.reference not in response.get("Location", "")


def test_the_inbox_in_spanish(client: Client, submitted: SubmittedReport) -> None:
    response = client.post("/es/inbox/", {"receipt": submitted.receipt})
    assert response["Location"] == "/es/inbox/report/"
    html = client.get("/es/inbox/report/").content.decode()
    assert '<html lang="es"' in html
    assert "Cerrar sesión" in html  # "Log out"
    month = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"][timezone.localdate().month - 1]  # fmt: skip
    assert month in html  # dates in the reader's language
    # A wrong receipt in Spanish keeps what was typed and stays on the Spanish page.
    client.post("/es/inbox/logout/")
    wrong = client.post("/es/inbox/", {"receipt": "0" * 24})
    assert wrong.status_code == 200
    assert '<html lang="es"' in wrong.content.decode()
    assert "0" * 24 in wrong.content.decode()


def test_the_inbox_file_button_speaks_the_pages_language(client: Client, submitted: SubmittedReport) -> None:
    """The browser's own file button says "Choose Files / No file chosen" in the browser's
    language; the inbox, like the report form, labels it in the page's."""
    inbox_login(client, submitted.receipt, lang="es")
    html = client.get("/es/inbox/report/").content.decode()
    assert 'class="file-input__input"' in html
    assert 'class="button button--secondary file-input__button">Elegir archivos</label>' in html
