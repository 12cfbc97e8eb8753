"""The reporter's inbox and its idle timeout: a message sent after the session ended is
kept and offered back after logging in again with the same receipt (never with
another report's, never after "Exit this page"); the keep-alive of "Stay logged in"."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tests.reports.conftest import make_draft
from tests.reports.test_inbox_views import inbox_login, photo
from victory.accounts.models import Organisation
from victory.reports import services
from victory.reports.models import ReportMessage
from victory.reports.services import SubmittedReport
from victory.reports.views.inbox import REPORTER_LAST_SEEN_KEY, REPORTER_SESSION_KEY

pytestmark = pytest.mark.django_db

INBOX = "/en/inbox/report/"
MESSAGE = "/en/inbox/report/message/"
KEEP_ALIVE = "/en/inbox/report/keep/"
TYPED = "The man from the bus stop was outside my building again this morning."
KEPT_NOTICE = "Your message was not sent: you had been logged out. It is below; check it and send it."


def let_session_expire(client: Client) -> None:
    session = client.session
    session[REPORTER_LAST_SEEN_KEY] = time.time() - settings.VICTORY_REPORTER_IDLE_TIMEOUT - 1
    session.save()


def post_after_timeout(client: Client, **extra: Any) -> Any:
    let_session_expire(client)
    response = client.post(MESSAGE, {"body": TYPED, **extra})
    assert response.status_code == 302
    assert response["Location"] == "/en/inbox/?ended=idle"
    return response


def test_message_sent_after_the_timeout_is_offered_back_after_logging_in_again(
    client: Client, submitted: SubmittedReport
) -> None:
    inbox_login(client, submitted.receipt)
    post_after_timeout(client)
    assert not ReportMessage.objects.filter(report=submitted.report).exists()  # not sent
    assert REPORTER_SESSION_KEY not in client.session  # the session did end

    login_page = client.get("/en/inbox/?ended=idle").content.decode()
    assert "The message you wrote was not sent, but it is not lost." in login_page
    assert TYPED not in login_page  # not shown to whoever holds the device without the receipt

    inbox_login(client, submitted.receipt)
    html = client.get(INBOX).content.decode()
    assert KEPT_NOTICE in html
    assert f"{TYPED}</textarea>" in html
    # Offered once: the next visit shows an empty message box again.
    again = client.get(INBOX).content.decode()
    assert KEPT_NOTICE not in again
    assert TYPED not in again


def test_kept_message_is_not_offered_to_another_reports_login(
    client: Client, submitted: SubmittedReport, receiving_organisation: Organisation
) -> None:
    other = services.report_submit(draft=make_draft(narrative="Someone sprayed a swastika on our shop."))
    inbox_login(client, submitted.receipt)
    post_after_timeout(client)

    inbox_login(client, other.receipt)
    html = client.get(INBOX).content.decode()
    assert TYPED not in html
    assert KEPT_NOTICE not in html
    # Discarded, not just hidden: the right receipt afterwards does not bring it back.
    client.post("/en/inbox/logout/")
    inbox_login(client, submitted.receipt)
    assert TYPED not in client.get(INBOX).content.decode()


def test_exit_this_page_discards_the_kept_message(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    post_after_timeout(client)
    assert client.get("/en/exit/").status_code == 303

    inbox_login(client, submitted.receipt)
    html = client.get(INBOX).content.decode()
    assert TYPED not in html
    assert KEPT_NOTICE not in html


def test_files_are_not_kept_and_the_page_says_so(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    post_after_timeout(client, files=photo())
    login_page = client.get("/en/inbox/?ended=idle").content.decode()
    assert "Files cannot be kept: you will need to choose them again." in login_page

    inbox_login(client, submitted.receipt)
    html = client.get(INBOX).content.decode()
    assert f"{TYPED}</textarea>" in html
    assert "Files cannot be kept: choose them again before you send." in html
    assert not submitted.report.evidence.exists()


def test_a_get_to_the_message_address_leads_to_the_message_box(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    response = client.get(MESSAGE)
    assert response.status_code == 302
    assert response["Location"] == INBOX + "#send"


def test_keep_alive_restarts_the_idle_clock(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    session = client.session
    # Two minutes before the end: the warning is showing and the person presses the button.
    session[REPORTER_LAST_SEEN_KEY] = time.time() - settings.VICTORY_REPORTER_IDLE_TIMEOUT + 120
    session.save()
    response = client.post(KEEP_ALIVE)
    assert response.status_code == 204
    assert client.session[REPORTER_LAST_SEEN_KEY] > time.time() - 5
    assert client.get(INBOX).status_code == 200


def test_keep_alive_after_the_end_says_gone(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    let_session_expire(client)
    assert client.post(KEEP_ALIVE).status_code == 410
    assert client.get(INBOX)["Location"] == "/en/inbox/"  # it did not bring the session back
    assert Client().post(KEEP_ALIVE).status_code == 410  # never logged in


def test_keep_alive_needs_the_csrf_token(db: None) -> None:
    assert Client(enforce_csrf_checks=True).post(KEEP_ALIVE).status_code == 403


def test_inbox_page_carries_the_timeout_warning(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    html = client.get(INBOX).content.decode()
    assert 'role="alertdialog"' in html
    assert f'data-idle-seconds="{settings.VICTORY_REPORTER_IDLE_TIMEOUT}"' in html
    assert f'data-keep-alive-url="{KEEP_ALIVE}"' in html
    assert "Stay logged in" in html
    assert 'src="/static/js/session-timeout.js"' in html


def test_the_login_page_mentions_a_kept_message_once_only(client: Client, submitted: SubmittedReport) -> None:
    """Said on every visit for an hour, the notice would tell whoever picks the phone up
    later that there is a report and that someone was writing to it."""
    inbox_login(client, submitted.receipt)
    post_after_timeout(client)
    assert "The message you wrote was not sent" in client.get("/en/inbox/?ended=idle").content.decode()

    for later in ("/en/inbox/", "/en/inbox/?ended=idle"):
        assert "The message you wrote was not sent" not in client.get(later).content.decode()
    # Still offered to its writer after logging in with the receipt.
    inbox_login(client, submitted.receipt)
    assert f"{TYPED}</textarea>" in client.get(INBOX).content.decode()


def test_a_kept_message_is_cut_to_a_bounded_size(client: Client, submitted: SubmittedReport) -> None:
    from victory.core.kept_input import MAX_FIELD_CHARS, kept_input_peek

    inbox_login(client, submitted.receipt)
    let_session_expire(client)
    client.post(MESSAGE, {"body": "x" * (MAX_FIELD_CHARS * 50)})

    request = type("Request", (), {"session": client.session})()
    kept = kept_input_peek(request=request)
    assert kept is not None
    assert len(kept.fields["body"]) == MAX_FIELD_CHARS
