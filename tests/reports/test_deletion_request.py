"""Issue 7, item 9: a deletion request ends every way into the report at once.

The attack: someone holding the phone the report was sent from (an abusive partner,
say) opens the "sent" page or the acknowledgement PDF, with the narrative, after the
person who reported asked, from another device, for the report to be deleted. Before
the fix both stayed readable until the sent page's hour was over. Now the sent page,
the PDF, every inbox session, every API token and the receipt stop working at the
moment of the request, each with a neutral page that does not say a report existed.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from tests.openapi_check import OpenAPIClient, assert_matches_openapi
from tests.reports.test_acknowledgement_pdf import pdf_text
from tests.reports.test_inbox_views import inbox_login
from tests.reports.test_intake_views import NARRATIVE, RECEIPT_SHOWN, go_through, send
from victory.accounts.models import Organisation
from victory.reports import services
from victory.reports.models import Report, ReporterToken, ReportMessage
from victory.reports.views.intake import SENT

pytestmark = pytest.mark.django_db


def _api_token(receipt: str) -> str:
    response = OpenAPIClient().post(
        "/api/v1/reports/session", json.dumps({"receipt": receipt}), content_type="application/json"
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def _mine(token: str) -> Any:
    return OpenAPIClient().get("/api/v1/reports/mine", HTTP_AUTHORIZATION=f"Bearer {token}")


def _visible_text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def phone(client: Client, receiving_organisation: Organisation) -> Client:
    """The browser the report was sent from: the sent page and the PDF both open."""
    go_through(client)
    send(client)
    return client


def test_a_deletion_request_ends_every_way_into_the_report_at_once(phone: Client) -> None:
    sent_page = phone.get("/en/report/sent/").content.decode()
    found = RECEIPT_SHOWN.search(sent_page)
    assert found
    receipt = found.group(0).replace(" ", "")
    report = Report.objects.get()
    assert report.reference in sent_page
    pdf = phone.get("/en/report/acknowledgement.pdf")
    assert pdf.status_code == 200
    assert NARRATIVE in " ".join(pdf_text(pdf.content).split())

    # Two other browsers logged in with the receipt, and an API client with a token.
    laptop = inbox_login(OpenAPIClient(), receipt)
    tablet = inbox_login(OpenAPIClient(), receipt)
    token = _api_token(receipt)
    assert _mine(token).status_code == 200

    # From the laptop, the person asks for deletion.
    response = laptop.post("/en/inbox/report/delete/")
    assert response["Location"] == "/en/inbox/deleted/"

    # The phone: the sent page no longer names the report, the PDF is a neutral page.
    again = phone.get("/en/report/sent/")
    assert again.status_code == 200
    page = again.content.decode()
    assert "This page is no longer available" in page
    assert report.reference not in page
    assert NARRATIVE not in page
    assert SENT not in phone.session  # nothing of it is kept in the session either
    pdf = phone.get("/en/report/acknowledgement.pdf")
    assert pdf.status_code == 404
    assert pdf["Content-Type"].startswith("text/html")
    assert "no-store" in pdf["Cache-Control"]
    text = _visible_text(pdf.content.decode())
    assert "This acknowledgement is no longer available" in text
    assert report.reference not in text
    assert NARRATIVE not in text

    # The tablet's inbox session ends, with a plain word on the login page.
    inbox = tablet.get("/en/inbox/report/")
    assert inbox.status_code == 302
    assert inbox["Location"] == "/en/inbox/?ended=closed"
    login_page = tablet.get(inbox["Location"]).content.decode()
    assert "Your session has ended" in login_page
    assert report.reference not in login_page
    assert tablet.get("/en/report/acknowledgement.pdf").status_code == 404
    # Nor can it write into the report any more.
    written = tablet.post("/en/inbox/report/message/", {"body": "Are you still there?"})
    assert written.status_code == 302
    assert not ReportMessage.objects.exists()

    # The API token is gone and refused.
    assert not ReporterToken.objects.exists()
    refused = _mine(token)
    assert refused.status_code == 401
    assert_matches_openapi(refused)

    # The receipt opens nothing, in the browser or the API.
    login = OpenAPIClient().post("/en/inbox/", {"receipt": receipt})
    assert "We could not find a report with this receipt" in login.content.decode()
    session = OpenAPIClient().post(
        "/api/v1/reports/session", json.dumps({"receipt": receipt}), content_type="application/json"
    )
    assert session.status_code == 401

    # And the erasure that follows removes it for good.
    assert services.reports_erase_expired() == 1
    assert phone.get("/en/report/acknowledgement.pdf").status_code == 404


def test_the_sent_page_and_pdf_end_when_deletion_is_asked_for_through_the_api(phone: Client) -> None:
    """The guard is in the one read every reporter-side way in uses, not in one view."""
    found = RECEIPT_SHOWN.search(phone.get("/en/report/sent/").content.decode())
    assert found
    report = Report.objects.get()
    services.report_deletion_request(report=report)
    assert "This page is no longer available" in phone.get("/en/report/sent/").content.decode()
    assert phone.get("/en/report/acknowledgement.pdf").status_code == 404


def test_the_neutral_pdf_page_is_the_same_as_for_a_browser_that_never_sent_anything(phone: Client) -> None:
    """Someone holding the phone cannot tell "deleted" from "nothing was ever sent here"."""
    services.report_deletion_request(report=Report.objects.get())
    after_deletion = _visible_text(phone.get("/en/report/acknowledgement.pdf").content.decode())
    never_sent = _visible_text(OpenAPIClient().get("/en/report/acknowledgement.pdf").content.decode())
    strip_token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip_token.sub("", after_deletion) == strip_token.sub("", never_sent)
