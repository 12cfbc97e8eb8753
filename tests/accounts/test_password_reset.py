"""Password resets (issue 7, item 11): the request does the same work whether or not the
address has an account, the token never sits in a logged path, and links end within hours."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection
from django.tasks import task_backends
from django.tasks.backends.dummy import DummyBackend
from django.test import Client
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from tests.helpers import manage
from victory.accounts import tasks
from victory.accounts.models import Membership
from victory.core.models import AuditEvent

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queue(settings: Any) -> Iterator[Any]:
    """A queue that keeps what is put on it instead of running it (Django's own dummy
    backend), so a test sees exactly what a request enqueues."""
    settings.TASKS = DUMMY_TASKS
    backend = task_backends["default"]
    assert isinstance(backend, DummyBackend)
    backend.clear()
    yield backend
    backend.clear()


def _request_reset(client: Client, email: str) -> list[str]:
    """The kinds of SQL statement a reset request runs, in order."""
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/en/staff/password-reset/", {"email": email})
    assert response["Location"] == "/en/staff/password-reset/sent/"
    return [query["sql"].split()[0] for query in queries.captured_queries]


def test_a_reset_request_does_the_same_work_whether_or_not_the_account_exists(
    caseworker: Membership,
    queue: Any,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        # A first request, so that the client's own throttle counter exists for both below.
        _request_reset(client, "first@test.victory.example")
    queue.clear()
    with django_capture_on_commit_callbacks(execute=True):
        known_work = _request_reset(client, caseworker.user.email)
        unknown_work = _request_reset(client, "nobody@test.victory.example")
    assert known_work == unknown_work
    assert [result.task.name for result in queue.results] == [tasks.password_reset_email_task.name] * 2
    known, unknown = queue.results
    # The queue (a database table with the database backend) never holds the address.
    assert caseworker.user.email not in repr(known.kwargs)
    assert "nobody@test.victory.example" not in repr(unknown.kwargs)
    assert mailoutbox == []  # nothing is sent before the worker runs

    # The worker decides, and tells nobody which it was: no e-mail and no trace for an
    # unknown address, the link for a known one.
    assert tasks.password_reset_email_task.call(**unknown.kwargs) is None
    assert mailoutbox == []
    assert not AuditEvent.objects.filter(action="user.password_reset_requested").exists()
    assert tasks.password_reset_email_task.call(**known.kwargs) is None
    assert [message.to for message in mailoutbox] == [[caseworker.user.email]]
    assert AuditEvent.objects.filter(action="user.password_reset_requested", object_id=str(caseworker.user.pk)).exists()


def _emailed_link(mailoutbox: list[EmailMessage]) -> str:
    return next(line for line in mailoutbox[-1].body.splitlines() if "/password-reset/" in line).strip()


def test_the_token_never_appears_in_a_path_that_is_logged(
    client: Client,
    caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en/staff/password-reset/", {"email": caseworker.user.email})
    link = urlsplit(_emailed_link(mailoutbox))
    token = parse_qs(link.query)["token"][0]
    # The documented access logs (gunicorn %(U)s, nginx $uri) record the path, not the query.
    assert token not in link.path
    response = client.get(f"{link.path}?{link.query}")
    assert response.status_code == 302
    assert token not in response["Location"]
    assert response["Location"].endswith("/set-password/")
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert token not in page.content.decode()
    new_password = "a brand new long passphrase 42"
    response = client.post(response["Location"], {"new_password1": new_password, "new_password2": new_password})
    assert response["Location"] == "/en/staff/password-reset/done/"
    caseworker.user.refresh_from_db()
    assert caseworker.user.check_password(new_password)
    # Used once: the same link does not work again.
    again = client.get(f"{link.path}?{link.query}", follow=True)
    assert "This link has expired or was already used" in again.content.decode()


def test_links_end_within_hours(
    client: Client,
    caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    assert settings.PASSWORD_RESET_TIMEOUT == 2 * 60 * 60
    with freeze_time() as frozen:
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/en/staff/password-reset/", {"email": caseworker.user.email})
        link = urlsplit(_emailed_link(mailoutbox))
        frozen.tick(timedelta(hours=2, minutes=1))
        response = client.get(f"{link.path}?{link.query}", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "This link has expired or was already used" in html
    assert "Links to choose a password work for 2 hours" in html
    assert 'href="/en/staff/password-reset/"' in html  # a way to ask for a new one
    assert "new_password1" not in html


def test_a_link_still_works_just_before_it_ends(
    client: Client,
    caseworker: Membership,
    mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    with freeze_time() as frozen:
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/en/staff/password-reset/", {"email": caseworker.user.email})
        link = urlsplit(_emailed_link(mailoutbox))
        frozen.tick(timedelta(hours=1, minutes=58))
        response = client.get(f"{link.path}?{link.query}", follow=True)
    assert "new_password1" in response.content.decode()


def test_a_broken_link_says_how_to_get_a_new_one(client: Client) -> None:
    response = client.get("/en/staff/password-reset/link/MQ/?token=nonsense", follow=True)
    assert response.status_code == 200
    assert "This link has expired or was already used" in response.content.decode()
    # An address with no such account reads the same.
    response = client.get("/en/staff/password-reset/link/OTk5OQ/?token=nonsense", follow=True)
    assert "This link has expired or was already used" in response.content.decode()


@pytest.mark.parametrize("hours", ["0", "25", "72"])
def test_a_link_lifetime_of_days_stops_start_up(tmp_path: Path, hours: str) -> None:
    result = manage("check", env={"VICTORY_VAR_DIR": str(tmp_path), "VICTORY_PASSWORD_LINK_HOURS": hours})
    assert result.returncode != 0
    assert "VICTORY_PASSWORD_LINK_HOURS" in result.stderr
