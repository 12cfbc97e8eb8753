"""The exit address (/<lang>/exit/) that "Exit this page" leads to: it ends the visit on
the server before the neutral site loads, for a reporter in their inbox, after a
report was sent and half-way through the form, and asks the browser to forget the site.

Each case replays the session cookie captured before the exit from a fresh client, as
someone who copied it (or a browser that kept it) would: the server must refuse it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.reports import conftest as reports_fixtures
from tests.reports import test_evidence
from tests.reports.test_evidence import png, upload
from tests.reports.test_inbox_views import inbox_login
from tests.reports.test_intake_views import NARRATIVE, answer, go_through, send, start
from victory.accounts.models import Organisation
from victory.core.signals import visit_ending
from victory.reports.models import ReportEvidence
from victory.reports.services import SubmittedReport

pytestmark = pytest.mark.django_db

# The reports tests' fixtures, used here too.
receiving_organisation = reports_fixtures.receiving_organisation
submitted = reports_fixtures.submitted
storage_dir = test_evidence.storage_dir

EXIT = "/en/exit/"


def session_cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def replay(cookie: str) -> Client:
    """A fresh client holding only the session cookie the exited browser had."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return other


def exit_visit(client: Client, django_capture_on_commit_callbacks: Any) -> Any:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXIT)
    assert response.status_code == 303
    assert response["Location"] == settings.VICTORY_EXIT_URL
    return response


def test_exit_tells_the_browser_to_forget_the_site_and_its_cookies(
    client: Client, submitted: SubmittedReport, django_capture_on_commit_callbacks: Any
) -> None:
    inbox_login(client, submitted.receipt)
    client.get("/en/staff/login/")  # a page with a form: the CSRF cookie is set
    assert settings.CSRF_COOKIE_NAME in client.cookies

    response = exit_visit(client, django_capture_on_commit_callbacks)

    assert "no-store" in response["Cache-Control"]
    # Not "cache": Chromium holds the redirect until a cache is cleared, which can take
    # seconds, and the personal pages are no-store so the cache holds none of them.
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME):
        cookie = response.cookies[name]
        assert cookie.value == ""
        assert cookie["max-age"] == 0
        assert "1970" in cookie["expires"]


def test_exit_without_a_visit_still_leaves_and_sets_no_cookie(client: Client) -> None:
    response = client.get(EXIT)
    assert response.status_code == 303
    assert response["Location"] == settings.VICTORY_EXIT_URL
    assert all(morsel.value == "" for morsel in response.cookies.values())


def test_exit_ends_the_inbox_session_on_the_server(
    client: Client, submitted: SubmittedReport, django_capture_on_commit_callbacks: Any
) -> None:
    inbox_login(client, submitted.receipt)
    cookie = session_cookie(client)
    assert replay(cookie).get("/en/inbox/report/").status_code == 200  # the cookie opens the inbox

    exit_visit(client, django_capture_on_commit_callbacks)

    response = replay(cookie).get("/en/inbox/report/", follow=True)
    assert response.redirect_chain[0][0].startswith("/en/inbox/")
    page = response.content.decode()
    assert 'name="receipt"' in page  # the login page, asking for the receipt again
    assert submitted.report.reference not in page
    assert client.get("/en/inbox/report/")["Location"].startswith("/en/inbox/")


def test_exit_ends_the_sent_page_and_the_pdf(
    client: Client, receiving_organisation: Organisation, django_capture_on_commit_callbacks: Any
) -> None:
    go_through(client)
    send(client)
    cookie = session_cookie(client)
    sent_page = client.get("/en/report/sent/").content.decode()
    reference = sent_page.split('class="reference">')[1].split("<")[0]
    assert client.get("/en/report/acknowledgement.pdf")["Content-Type"] == "application/pdf"

    exit_visit(client, django_capture_on_commit_callbacks)

    for visitor in (client, replay(cookie)):
        page = visitor.get("/en/report/sent/").content.decode()
        assert reference not in page
        assert "This page is no longer available" in page
        pdf = visitor.get("/en/report/acknowledgement.pdf")
        assert pdf.status_code == 404
        assert pdf["Content-Type"].startswith("text/html")


def test_exit_discards_an_unsent_report_and_its_files(
    client: Client,
    receiving_organisation: Organisation,
    storage_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, SimpleUploadedFile("bruise.png", png(), "image/png"))
    evidence = ReportEvidence.objects.get()
    assert evidence.file.name is not None
    stored = storage_dir / evidence.file.name
    assert stored.exists()
    cookie = session_cookie(client)
    assert "Continue your report" in client.get("/en/report/").content.decode()

    exit_visit(client, django_capture_on_commit_callbacks)

    assert not ReportEvidence.objects.exists()
    assert not stored.exists()
    for visitor in (client, replay(cookie)):
        assert "Continue your report" not in visitor.get("/en/report/").content.decode()
        step = visitor.get("/en/report/what-happened/").content.decode()
        assert NARRATIVE not in step
        assert "bruise.png" not in visitor.get("/en/report/files/").content.decode()


def test_another_site_sending_the_browser_to_the_exit_ends_nothing(
    client: Client,
    receiving_organisation: Organisation,
    storage_dir: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """A hostile page linking to /exit/ (the navigation carries the Lax session cookie)
    must not destroy the person's unsent report and its files: it only leaves."""
    start(client)
    answer(client, "what-happened", {"narrative": NARRATIVE})
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, SimpleUploadedFile("bruise.png", png(), "image/png"))
    name = ReportEvidence.objects.get().file.name
    assert name is not None
    stored = storage_dir / name

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(EXIT, headers={"Sec-Fetch-Site": "cross-site"})

    assert response.status_code == 303
    assert response["Location"] == settings.VICTORY_EXIT_URL
    assert "Clear-Site-Data" not in response
    assert stored.exists()
    assert NARRATIVE in client.get("/en/report/what-happened/").content.decode()
    # The control itself (same-origin) still ends the visit.
    with django_capture_on_commit_callbacks(execute=True):
        client.get(EXIT, headers={"Sec-Fetch-Site": "same-origin"})
    assert not stored.exists()


def test_a_failing_receiver_does_not_stop_the_exit(
    client: Client, submitted: SubmittedReport, django_capture_on_commit_callbacks: Any
) -> None:
    def broken(sender: Any, **kwargs: Any) -> None:
        raise RuntimeError("broken receiver")

    visit_ending.connect(broken, dispatch_uid="test.broken")
    try:
        inbox_login(client, submitted.receipt)
        cookie = session_cookie(client)
        exit_visit(client, django_capture_on_commit_callbacks)
    finally:
        visit_ending.disconnect(dispatch_uid="test.broken")
    assert replay(cookie).get("/en/inbox/report/").status_code == 302


def test_every_page_with_personal_content_is_never_stored(
    client: Client, submitted: SubmittedReport, receiving_organisation: Organisation, storage_dir: Path
) -> None:
    """So that Back after the exit asks the server again, which has ended the visit."""

    def assert_never_stored(visitor: Client, paths: list[str]) -> None:
        for path in paths:
            response = visitor.get(path)
            assert response.status_code == 200, path
            assert "no-store" in response["Cache-Control"], path

    go_through(client)
    slugs = ("who", "what-happened", "when", "where", "why", "what-kind", "police", "support", "contact")
    steps = [f"/en/report/{slug}/" for slug in (*slugs, "organisation", "files")]
    assert_never_stored(client, ["/en/report/", *steps, "/en/report/check/"])
    send(client)
    assert_never_stored(client, ["/en/report/sent/", "/en/report/acknowledgement.pdf"])
    reporter = inbox_login(Client(), submitted.receipt)
    for path in ("/en/inbox/", "/en/inbox/report/", "/en/report/acknowledgement.pdf"):
        response = reporter.get(path)
        assert "no-store" in response["Cache-Control"], path


def test_the_safety_page_says_what_exit_ends_and_what_back_shows(client: Client) -> None:
    page = client.get("/en/safety/").content.decode()
    assert "you are logged out of your secure inbox" in page
    assert "a report you have not sent yet is deleted, with its files" in page
    assert "the page of a report you just sent, and its PDF, can no longer be opened" in page
    assert "After you leave, the Back button shows none of this again." in page
    # The old promise was only true with JavaScript, and said so ambiguously.
    assert "the Back button will not bring you back here" not in page
