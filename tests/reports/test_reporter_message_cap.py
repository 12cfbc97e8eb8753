"""A receipt is not a licence to flood: a report takes at most REPORTER_MESSAGE_CAP
messages an hour from its reporter, through the API and the inbox alike, and the one
refused is answered in the reporter's language with what they typed kept."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from tests.reports.test_inbox_views import inbox_login
from victory.core.ratelimit import Throttled
from victory.reports import services
from victory.reports.models import ReportMessage
from victory.reports.services import REPORTER_MESSAGE_CAP, SubmittedReport
from victory.reports.views.inbox import messages_throttled_message

pytestmark = pytest.mark.django_db

LIMIT = REPORTER_MESSAGE_CAP.limit


def _token(client: Client, receipt: str) -> str:
    response = client.post("/api/v1/reports/session", json.dumps({"receipt": receipt}), content_type="application/json")
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def _api_message(client: Client, token: str, body: str) -> Any:
    return client.post(
        "/api/v1/reports/mine/messages",
        json.dumps({"body": body}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="pt",
    )


def test_the_cap_is_generous_for_a_person() -> None:
    assert 20 <= LIMIT <= 50
    assert REPORTER_MESSAGE_CAP.window_seconds == 3600


def test_the_api_refuses_messages_past_the_cap_with_429_in_the_reporters_language(
    client: Client, submitted: SubmittedReport
) -> None:
    token = _token(client, submitted.receipt)
    statuses = [_api_message(client, token, f"Something I remembered, {n}.").status_code for n in range(LIMIT)]
    assert statuses == [201] * LIMIT
    refused = _api_message(client, token, "One more.")
    assert refused.status_code == 429
    assert json.loads(refused.content) == {"detail": "Demasiadas tentativas. Tente novamente mais tarde."}
    assert int(refused["Retry-After"]) > 0
    assert ReportMessage.objects.filter(report=submitted.report).count() == LIMIT


def test_the_cap_is_per_report_not_per_way_in(client: Client, submitted: SubmittedReport) -> None:
    token = _token(client, submitted.receipt)
    for n in range(LIMIT):
        assert _api_message(client, token, f"Message {n}.").status_code == 201
    inbox_login(client, submitted.receipt)
    response = client.post("/en/inbox/report/message/", {"body": "Now through the page."})
    assert response.status_code == 200
    assert ReportMessage.objects.filter(report=submitted.report).count() == LIMIT


def test_the_inbox_refuses_a_message_past_the_cap_and_keeps_what_was_typed(
    client: Client, submitted: SubmittedReport
) -> None:
    inbox_login(client, submitted.receipt, lang="pt")
    for n in range(LIMIT):
        response = client.post("/pt/inbox/report/message/", {"body": f"Mais uma coisa, {n}."})
        assert response.status_code == 302, n
    typed = "Lembrei-me agora de que um deles tinha uma tatuagem no braço."
    response = client.post("/pt/inbox/report/message/", {"body": typed})
    html = response.content.decode()
    assert response.status_code == 200
    with translation.override("pt"):
        wait = messages_throttled_message(REPORTER_MESSAGE_CAP.window_seconds)
    with translation.override("en"):
        assert wait != messages_throttled_message(REPORTER_MESSAGE_CAP.window_seconds)  # it is translated
    assert escape(wait) in html
    assert "ficheiros" not in wait  # about messages, not files
    assert escape(typed) in html
    assert 'class="error-summary"' in html
    assert typed not in [message.body for message in ReportMessage.objects.filter(report=submitted.report)]


def test_a_refused_file_does_not_use_up_the_cap(client: Client, submitted: SubmittedReport) -> None:
    inbox_login(client, submitted.receipt)
    disguised = SimpleUploadedFile("holiday.jpg", b"MZ\x90\x00 not a picture at all", content_type="image/jpeg")
    client.post("/en/inbox/report/message/", {"body": "With a file.", "files": [disguised]})
    for n in range(LIMIT):
        services.reporter_message_send(report=submitted.report, body=f"Message {n}.")
    with pytest.raises(Throttled):
        services.reporter_message_send(report=submitted.report, body="One too many.")
