"""A professional's idle timeout loses nothing typed: a reply sent after the session
ended is kept (encrypted, in the session), and logging in again (password, then code)
leads back to the report page with the reply in its box, never to a bare 405. Nobody
else logging in on that browser sees it. The keep-alive of "Stay logged in"."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.factories import PASSWORD, MembershipFactory, current_code
from tests.reports import conftest as reports_fixtures
from victory.accounts import services as account_services
from victory.accounts.models import AuthenticatorDevice, Membership, Role
from victory.core.session_keys import STAFF_LAST_SEEN_KEY as SESSION_LAST_SEEN
from victory.reports.models import ReportMessage
from victory.reports.services import SubmittedReport

pytestmark = pytest.mark.django_db

receiving_organisation = reports_fixtures.receiving_organisation
report_caseworker = reports_fixtures.report_caseworker
submitted = reports_fixtures.submitted

REPLY = "Thank you for telling us. We can meet you at our office on Tuesday, or call you at a safe time."
KEPT_NOTICE = "What you typed before you were logged out is in the form below. It was not sent yet"
KEEP_ALIVE = "/en/staff/keep/"


def log_in(client: Client, membership: Membership, login_url: str = "/en/staff/login/") -> Any:
    """The two steps as the browser does them, from ``login_url`` (with its ?next=)."""
    # Each login in a later 30-second step: a code is never accepted twice.
    AuthenticatorDevice.objects.filter(user=membership.user).update(last_t=-1)
    response = client.post(login_url, {"email": membership.user.email, "password": PASSWORD})
    assert response["Location"] == "/en/staff/login/code/", response.content.decode()
    device = AuthenticatorDevice.objects.get(user=membership.user, confirmed=True)
    return client.post("/en/staff/login/code/", {"code": current_code(device)})


def detail_url(submitted: SubmittedReport) -> str:
    return f"/en/staff/reports/{submitted.report.reference}/"


def let_session_expire(client: Client) -> None:
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - settings.VICTORY_IDLE_TIMEOUT - 1
    session.save()


def reply_after_timeout(client: Client, submitted: SubmittedReport) -> str:
    """Sends the reply form of the report page once the session has ended; the login address."""
    page = client.get(detail_url(submitted)).content.decode()
    assert 'name="victory_form_page"' in page
    let_session_expire(client)
    response = client.post(
        f"{detail_url(submitted)}reply/",
        {"body": REPLY, "victory_form_page": detail_url(submitted) + "#reply"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/en/staff/login/?next=")
    assert "reply/" not in response["Location"]  # never back to the POST-only address
    assert not ReportMessage.objects.filter(report=submitted.report).exists()
    return str(response["Location"])


def test_reply_sent_after_the_timeout_is_back_in_its_box_after_logging_in_again(
    client: Client, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    log_in(client, report_caseworker)
    login_url = reply_after_timeout(client, submitted)
    login_page = client.get(login_url).content.decode()
    assert "What you typed was not sent yet, and it is not lost." in login_page

    response = log_in(client, report_caseworker, login_url)
    assert response.status_code == 302
    assert response["Location"] == detail_url(submitted) + "#reply"
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert KEPT_NOTICE in html
    assert f"{REPLY}</textarea>" in html
    # Shown once, and still not sent: sending is the caseworker's choice.
    assert REPLY not in client.get(detail_url(submitted)).content.decode()
    assert not ReportMessage.objects.filter(report=submitted.report).exists()


def test_another_professional_logging_in_on_that_browser_does_not_get_it(
    client: Client, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    colleague = MembershipFactory(organisation=report_caseworker.organisation, role=Role.CASEWORKER)
    account_services.totp_device_create_confirmed(user=colleague.user)
    log_in(client, report_caseworker)
    login_url = reply_after_timeout(client, submitted)

    log_in(client, colleague, login_url)
    html = client.get(detail_url(submitted)).content.decode()
    assert REPLY not in html
    assert KEPT_NOTICE not in html
    # Discarded, not waiting: the writer logging in afterwards does not get it either.
    client.post("/en/staff/logout/")
    log_in(client, report_caseworker)
    assert REPLY not in client.get(detail_url(submitted)).content.decode()


def test_the_kept_reply_is_encrypted_in_the_session_table(
    client: Client, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    log_in(client, report_caseworker)
    reply_after_timeout(client, submitted)
    with connection.cursor() as cursor:
        cursor.execute("SELECT session_data FROM core_encryptedsession")
        rows = [row[0] for row in cursor.fetchall()]
    assert rows
    assert all(REPLY not in data and "Tuesday" not in data for data in rows)
    assert "Tuesday" in str(client.session["victory_kept_input"])  # it is there, encrypted


def test_a_get_to_a_post_only_address_leads_to_its_page_never_405(
    client: Client, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    log_in(client, report_caseworker)
    for address, anchor in (("reply/", "#reply"), ("status/", "#status")):
        response = client.get(detail_url(submitted) + address)
        assert response.status_code == 302
        assert response["Location"] == detail_url(submitted) + anchor
    # An old login address pointing at the form's address (an earlier version, a bookmark).
    client.post("/en/staff/logout/")
    response = log_in(client, report_caseworker, f"/en/staff/login/?next={detail_url(submitted)}reply/")
    followed = client.get(response["Location"], follow=True)
    assert followed.status_code == 200
    assert followed.redirect_chain[-1][0] == detail_url(submitted) + "#reply"


def test_a_form_from_another_site_after_the_timeout_keeps_nothing(
    report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    client = Client(enforce_csrf_checks=True)
    client.get("/en/staff/login/")  # the CSRF cookie
    client.post(
        "/en/staff/login/",
        {
            "email": report_caseworker.user.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value,
        },
    )
    device = AuthenticatorDevice.objects.get(user=report_caseworker.user, confirmed=True)
    client.post(
        "/en/staff/login/code/",
        {"code": current_code(device), "csrfmiddlewaretoken": client.cookies[settings.CSRF_COOKIE_NAME].value},
    )
    assert client.get(detail_url(submitted)).status_code == 200
    let_session_expire(client)
    # No CSRF token: what a hostile page could post in the caseworker's browser.
    response = client.post(f"{detail_url(submitted)}reply/", {"body": "Click this link: evil.example"})
    assert response.status_code == 302
    assert "victory_kept_input" not in client.session


def test_keep_alive_restarts_the_idle_clock(
    client: Client, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    log_in(client, report_caseworker)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - settings.VICTORY_IDLE_TIMEOUT + 120
    session.save()
    assert client.post(KEEP_ALIVE).status_code == 204
    assert client.session[SESSION_LAST_SEEN] > time.time() - 5
    assert client.get(detail_url(submitted)).status_code == 200


def test_keep_alive_after_the_end_says_logged_out(client: Client, report_caseworker: Membership) -> None:
    log_in(client, report_caseworker)
    let_session_expire(client)
    assert client.post(KEEP_ALIVE).status_code == 401
    assert client.get("/en/staff/").status_code == 302  # really logged out
    assert Client().post(KEEP_ALIVE).status_code == 401


def test_staff_pages_carry_the_timeout_warning_only_when_logged_in(
    client: Client, report_caseworker: Membership
) -> None:
    assert 'role="alertdialog"' not in client.get("/en/staff/login/").content.decode()
    log_in(client, report_caseworker)
    html = client.get("/en/staff/").content.decode()
    assert 'role="alertdialog"' in html
    assert f'data-idle-seconds="{settings.VICTORY_IDLE_TIMEOUT}"' in html
    assert f'data-keep-alive-url="{KEEP_ALIVE}"' in html


def test_the_dashboard_says_fictional_once(client: Client, report_caseworker: Membership) -> None:
    organisation = report_caseworker.organisation
    organisation.is_fictional = True
    organisation.save()
    log_in(client, report_caseworker)
    html = client.get("/en/staff/").content.decode()
    assert "Receiving support (fictional)" in html
    assert "(fictional) <span" not in html
    assert html.count("fictional)") == 1


def test_passwords_codes_and_tokens_are_never_kept(
    client: Client, report_caseworker: Membership, submitted: SubmittedReport
) -> None:
    log_in(client, report_caseworker)
    let_session_expire(client)
    client.post(
        f"{detail_url(submitted)}reply/",
        {
            "body": REPLY,
            "password": "my long secret passphrase",
            "code": "123456",
            "api_token": "tok-abc",
            "victory_form_page": detail_url(submitted) + "#reply",
        },
    )
    kept = client.session["victory_kept_input"]
    assert kept["fields"] == {"body": REPLY}
    assert kept["page"] == detail_url(submitted) + "#reply"


def test_ticked_boxes_typed_too_late_all_come_back() -> None:
    """A group of ticked boxes (a needs assessment's checklist) is kept whole, not just
    its last tick, and a long form keeps its later answers too."""
    from django.http import QueryDict

    from victory.core.kept_input import kept_input_fields

    data = QueryDict(mutable=True)
    data.setlist("indicators", ["symbols", "comments", "timing"])
    for number in range(40):
        data[f"answer_{number}"] = f"text {number}"
    kept = kept_input_fields(data)
    assert kept["indicators"] == ["symbols", "comments", "timing"]
    assert kept["answer_39"] == "text 39"
